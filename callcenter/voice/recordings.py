"""Recordings and the tickets they make: persisted first, then the jobs are enqueued.

The Record action, the recording status callback and the replay of a spooled callback all
take a recording in through :func:`intake_recording`. The first two may arrive in either
order (or only one of them); both go through :func:`record_and_ticket`, keyed by
RecordingSid, so they converge on one Recording row and one ticket.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Table, and_, bindparam, case, func, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from callcenter.models import Recording, SmsMessage, utcnow
from callcenter.pipeline.jobs import enqueue_sms, try_enqueue_transcription
from callcenter.services.tickets import TicketRef, open_call_ticket
from callcenter.voice.call_rows import (
    CallRow,
    autocommit,
    is_postgresql,
    mark_if_settled,
    save_call,
)
from callcenter.voice.calls import set_outcome
from callcenter.voice.sms import record_ticket_sms

RECORDING_SID = re.compile(r"^RE[0-9a-fA-F]{32}$")
RECORDINGS: Table = Recording.__table__  # type: ignore[assignment]


# Above this a "number" from a webhook is garbage (and would overflow an INTEGER column).
MAX_WEBHOOK_NUMBER = 2**31 - 1
# Longer than any URL Twilio sends: anything longer is not stored.
MAX_URL_LENGTH = 1000


def parse_duration(value: str | None) -> int | None:
    """Twilio's RecordingDuration / CallDuration / QueueTime / SequenceNumber, or None.

    Whole ASCII digits only, at most MAX_WEBHOOK_NUMBER; anything else is None.
    """
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if number <= MAX_WEBHOOK_NUMBER else None


def usable_recording_url(value: str | None) -> str:
    """The RecordingUrl if it is a plain http(s) URL worth keeping, else "".

    The download checks it strictly against the allowlist; this only keeps junk (other
    schemes, control characters, absurd lengths) out of the database.
    """
    url = (value or "").strip()
    if (
        len(url) > MAX_URL_LENGTH
        or not url.isascii()
        or not url.isprintable()
        or not url.lower().startswith(("https://", "http://"))
        or "\\" in url
        or "@" in urlsplit(url).netloc
    ):
        return ""
    return url


def recording_sid(form: Any) -> str | None:
    """The form's RecordingSid when well-formed, else None."""
    sid = (form.get("RecordingSid") or "").strip()
    return sid if RECORDING_SID.fullmatch(sid) else None


@dataclass(frozen=True)
class RecordingRef:
    """A recording as the webhooks need it after the upsert."""

    id: int
    recording_sid: str
    status: str
    job_id: str | None


def record_and_ticket(
    session: Session, call: CallRow, form: Any, *, purpose: str, timezone: str
) -> tuple[RecordingRef, TicketRef]:
    """Upsert the Recording named in ``form`` and the call's ticket for it.

    Also settles the call's outcome (ticket or voicemail), written when the call is saved.
    Returns (recording, ticket). Writes; the caller saves the call and commits.
    """
    sid = recording_sid(form)
    if sid is None:
        raise ValueError("RecordingSid missing or malformed")
    # An unusable URL does not lose the recording: its ticket goes to an operator when the
    # download finds no URL (a later callback may still bring a good one).
    url = usable_recording_url(form.get("RecordingUrl"))
    duration = parse_duration(form.get("RecordingDuration"))
    # The recording belongs to the call's day: a settled day's figures change with it.
    mark_if_settled(session, call.started_at)
    recording = _upsert_recording(session, call, sid, url, duration, purpose)
    set_outcome(call, "voicemail" if purpose == "voicemail" else "ticket")
    # The ticket number takes the day's counter row lock until commit: the caller then
    # writes only the call and its event (one statement on PostgreSQL) before committing.
    ticket = open_call_ticket(
        session, call, kind=purpose, timezone=timezone, recording_id=recording.id
    )
    return recording, ticket


def _recording_upsert(insert: Any) -> Any:
    columns = ("recording_sid", "call_id", "source_url", "purpose", "duration_seconds")
    now = bindparam("now", type_=RECORDINGS.c.created_at.type)
    values = {c: bindparam(c, type_=RECORDINGS.c[c].type) for c in columns}
    statement = insert(RECORDINGS).values(
        {**values, "status": "pending", "created_at": now, "updated_at": now}
    )
    new, old = statement.excluded, RECORDINGS.c
    # The other callback got here first: fill what it did not carry; never rewind the
    # transcription state.
    fill_url = and_(old.source_url == "", new.source_url != "")
    fill_duration = and_(old.duration_seconds.is_(None), new.duration_seconds.is_not(None))
    filled = or_(fill_url, fill_duration)
    return statement.on_conflict_do_update(
        index_elements=["recording_sid"],
        set_={
            "source_url": case((fill_url, new.source_url), else_=old.source_url),
            "duration_seconds": func.coalesce(old.duration_seconds, new.duration_seconds),
            "updated_at": case((filled, new.updated_at), else_=old.updated_at),
        },
    ).returning(old.id, old.recording_sid, old.status, old.job_id)


# Built once (the webhooks' hot path), one per dialect.
_UPSERT = {"postgresql": _recording_upsert(pg_insert), "sqlite": _recording_upsert(sqlite_insert)}
_SET_JOB_ID = (
    update(RECORDINGS)
    .where(RECORDINGS.c.id == bindparam("recording_id"))
    .values(job_id=bindparam("job_id"), updated_at=bindparam("now"))
)


def _upsert_recording(
    session: Session, call: CallRow, sid: str, url: str, duration: int | None, purpose: str
) -> RecordingRef:
    statement = _UPSERT["postgresql" if is_postgresql(session) else "sqlite"]
    params = {
        "recording_sid": sid,
        "call_id": call.id,
        "source_url": url,
        "purpose": purpose,
        "duration_seconds": duration,
        "now": utcnow(),
    }
    row = session.connection().execute(statement, params).one()
    return RecordingRef(row.id, row.recording_sid, row.status, row.job_id)


def store_job_id(session: Session, recording: RecordingRef, job_id: str) -> None:
    """Keep the transcription job's id on the (committed) recording row."""
    autocommit(session)  # one statement after the commit: no transaction needed
    session.connection().execute(
        _SET_JOB_ID, {"recording_id": recording.id, "job_id": job_id, "now": utcnow()}
    )


@dataclass(frozen=True)
class Intake:
    """A recording taken in: its row, its call's ticket, and the text owed to the caller."""

    recording: RecordingRef
    ticket: TicketRef
    sms: SmsMessage | None


@contextmanager
def intake_recording(
    session: Session,
    call: CallRow,
    form: Any,
    *,
    purpose: str,
    timezone: str,
    transcribe: bool = True,
) -> Iterator[Intake]:
    """Take in the recording named in ``form``: the one path from a callback to the jobs.

    Upserts the recording and the call's ticket and records the ticket-number text; the
    ``with`` block writes the call's event. On leaving the block: the call is saved and
    committed (the rows are safe before any job or Redis is involved), then the
    transcription is enqueued (unless ``transcribe`` is false, or it already was) and its job
    id stored, then the text is enqueued. With Redis down the rows stay for the sweeps.
    """
    recording, ticket = record_and_ticket(session, call, form, purpose=purpose, timezone=timezone)
    # Recorded with the ticket: the text is sent even if Redis is down right now.
    sms = record_ticket_sms(session, ticket)
    yield Intake(recording, ticket, sms)
    save_call(session, call)
    session.commit()
    if transcribe and recording.status == "pending" and recording.job_id is None:
        job_id = try_enqueue_transcription(recording.id)
        if job_id is not None:
            store_job_id(session, recording, job_id)
            session.commit()
    if sms is not None:
        enqueue_sms(sms)
