"""Retention: recordings deleted, transcripts anonymised, after their stated periods.

``RECORDING_RETENTION_DAYS`` (default 365, 0 = off) and ``TRANSCRIPT_RETENTION_DAYS``
(default 0 = off) count from the recording's creation. A recording whose ticket is still open
(any status before ``resolved``) is held until the ticket is resolved: an operator may still
need to listen. Each purge or anonymisation writes an audit row (no user: the system did it).
The rules and the defaults are stated in docs/retention.md.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, select
from sqlalchemy.sql.elements import ColumnElement

from callcenter.db import db
from callcenter.models import Call, Recording, Ticket, Transcript, utcnow
from callcenter.services.audit import audit
from callcenter.services.workflow import OPEN_STATUSES
from callcenter.storage import StoreError, recording_store

log = logging.getLogger(__name__)

# Rows handled per sweep: the sweep runs every minute, so a backlog drains without long locks.
BATCH = 200
ANONYMISED_TEXT = "(보존 기간이 지나 삭제된 녹취록입니다)"
ACTIVE_RECORDING = ("pending", "downloading", "transcribing")


def purge_expired(now: datetime | None = None) -> dict[str, list[int]]:
    """The retention sweep: delete expired recordings, anonymise expired transcripts."""
    now = now or utcnow()
    config = current_app.config
    outcome: dict[str, list[int]] = {"purged": [], "anonymised": [], "failed": []}
    if config["RECORDING_RETENTION_DAYS"]:
        _purge_recordings(now - timedelta(days=config["RECORDING_RETENTION_DAYS"]), outcome)
    if config["TRANSCRIPT_RETENTION_DAYS"]:
        _anonymise_transcripts(now - timedelta(days=config["TRANSCRIPT_RETENTION_DAYS"]), outcome)
    return outcome


def _no_open_ticket() -> ColumnElement[bool]:
    """No ticket of this recording is still being worked on."""
    return ~exists().where(Ticket.recording_id == Recording.id, Ticket.status.in_(OPEN_STATUSES))


def _ticket_number(recording_id: int) -> str | None:
    return db.session.scalars(
        select(Ticket.number).where(Ticket.recording_id == recording_id).limit(1)
    ).first()


def _purge_recordings(cutoff: datetime, outcome: dict[str, list[int]]) -> None:
    ids = db.session.scalars(
        select(Recording.id)
        .where(
            Recording.purged_at.is_(None),
            Recording.created_at < cutoff,
            Recording.status.not_in(ACTIVE_RECORDING),
            _no_open_ticket(),
        )
        .order_by(Recording.id)
        .limit(BATCH)
    ).all()
    store = recording_store()
    for recording_id in ids:
        recording = db.session.get(Recording, recording_id)
        assert recording is not None
        key = recording.store_key
        try:
            deleted = store.delete(key) if key else False
        except (StoreError, ValueError) as exc:
            # The store is down (or the key is bad): try again on the next sweep.
            log.warning("recording %s not purged: %s", recording_id, exc)
            outcome["failed"].append(recording_id)
            continue
        recording.store_key = None
        recording.purged_at = utcnow()
        audit(
            db.session(),
            "recording.purge",
            user=None,
            target_type="recording",
            target_id=recording_id,
            ticket=_ticket_number(recording_id),
            key=key,
            deleted=deleted,
            retention_days=current_app.config["RECORDING_RETENTION_DAYS"],
        )
        db.session.commit()  # one by one: a deleted object always has its audit row
        outcome["purged"].append(recording_id)


def _anonymise_transcripts(cutoff: datetime, outcome: dict[str, list[int]]) -> None:
    transcripts = db.session.scalars(
        select(Transcript)
        .join(Recording, Transcript.recording_id == Recording.id)
        .where(
            Transcript.anonymised_at.is_(None),
            Recording.created_at < cutoff,
            _no_open_ticket(),
        )
        .order_by(Transcript.id)
        .limit(BATCH)
    ).all()
    for transcript in transcripts:
        recording = transcript.recording
        transcript.text = ANONYMISED_TEXT
        transcript.segments = []
        transcript.anonymised_at = utcnow()
        call = db.session.get(Call, recording.call_id) if recording.call_id else None
        if call is not None:
            call.from_number = mask_digits(call.from_number)
        for ticket in db.session.scalars(select(Ticket).where(Ticket.recording_id == recording.id)):
            ticket.caller_number = mask_digits(ticket.caller_number)
        audit(
            db.session(),
            "transcript.anonymise",
            user=None,
            target_type="recording",
            target_id=recording.id,
            ticket=_ticket_number(recording.id),
            retention_days=current_app.config["TRANSCRIPT_RETENTION_DAYS"],
        )
        outcome["anonymised"].append(recording.id)
    db.session.commit()


def mask_digits(number: str) -> str:
    """Every digit but the last four replaced by '*' (the stored number, not only its display)."""
    hide = sum(ch.isdigit() for ch in number) - 4
    out = []
    for ch in number:
        if ch.isdigit() and hide > 0:
            ch, hide = "*", hide - 1
        out.append(ch)
    return "".join(out)
