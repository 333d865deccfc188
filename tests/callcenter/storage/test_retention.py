"""Retention on each store: expired recordings deleted, transcripts anonymised, open held."""

from __future__ import annotations

import socket
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from callcenter.db import db
from callcenter.models import AuditLog, Call, Recording, Ticket, Transcript, utcnow
from callcenter.pipeline.retention import ANONYMISED_TEXT, mask_digits, purge_expired
from callcenter.pipeline.sweeps import SWEEPS
from callcenter.services.tickets import create_ticket_for_call
from callcenter.storage import open_store
from tests.callcenter.storage.conftest import S3Server
from tests.factories import make_user
from tests.helpers import sign_in

CALLER = "+821012345678"


def _recording(app: Flask, n: int, *, age_days: int, ticket_status: str, tmp_path: Path) -> int:
    """A transcribed recording stored ``age_days`` ago, its ticket in ``ticket_status``."""
    sid = f"RE{n:032d}"
    source = tmp_path / f"{sid}.wav"
    source.write_bytes(b"RIFF" + bytes(1000))
    with app.app_context():
        open_store(app.config).put(f"{sid}.wav", source)
        call = Call(call_sid=f"CA{n:032d}", from_number=CALLER)
        db.session.add(call)
        db.session.flush()
        recording = Recording(
            recording_sid=sid,
            call_id=call.id,
            source_url="https://api.twilio.com/x",
            status="done",
            store_key=f"{sid}.wav",
            size_bytes=1004,
        )
        db.session.add(recording)
        db.session.flush()
        db.session.add(
            Transcript(
                recording_id=recording.id,
                text="제 이름은 홍길동이고 용접 문제입니다",
                segments=[{"start": 0, "end": 2, "text": "제 이름은 홍길동이고"}],
                model="m",
                engine="e",
            )
        )
        ticket = create_ticket_for_call(
            db.session(), call, kind="problem", timezone="Asia/Seoul", recording_id=recording.id
        )
        ticket.caller_number = CALLER
        ticket.status = ticket_status
        db.session.flush()
        recording.created_at = utcnow() - timedelta(days=age_days)
        db.session.commit()
        rec_id = recording.id
        db.session.remove()
    return rec_id


def _state(app: Flask, rec_id: int) -> dict[str, Any]:
    with app.app_context():
        recording = db.session.get(Recording, rec_id)
        assert recording is not None and recording.transcript is not None
        ticket = db.session.scalars(select(Ticket).where(Ticket.recording_id == rec_id)).one()
        key = f"{recording.recording_sid}.wav"
        state = {
            "purged_at": recording.purged_at,
            "store_key": recording.store_key,
            "stored": open_store(app.config).exists(key),
            "text": recording.transcript.text,
            "segments": recording.transcript.segments,
            "caller": recording.call.from_number if recording.call else None,
            "ticket_caller": ticket.caller_number,
            "ticket": ticket.number,
            "audits": [
                (a.action, a.user_id, a.detail)
                for a in db.session.scalars(
                    select(AuditLog).where(AuditLog.target_id == rec_id).order_by(AuditLog.id)
                )
            ],
        }
        db.session.remove()
    return state


def _sweep(app: Flask) -> dict[str, list[int]]:
    with app.app_context():
        try:
            return purge_expired()
        finally:
            db.session.remove()


def test_expired_recordings_of_resolved_tickets_are_deleted_and_audited(
    app: Flask, backend: str, tmp_path: Path
):
    assert app.config["RECORDING_RETENTION_DAYS"] == 365  # the stated default
    expired = _recording(app, 1, age_days=400, ticket_status="closed", tmp_path=tmp_path)
    fresh = _recording(app, 2, age_days=30, ticket_status="closed", tmp_path=tmp_path)
    held = _recording(app, 3, age_days=400, ticket_status="in_progress", tmp_path=tmp_path)

    assert _sweep(app)["purged"] == [expired]
    gone = _state(app, expired)
    assert gone["purged_at"] is not None and gone["store_key"] is None
    assert gone["stored"] is False
    [(action, user_id, detail)] = gone["audits"]
    assert (action, user_id) == ("recording.purge", None)
    assert detail == {
        "ticket": gone["ticket"],
        "key": f"RE{1:032d}.wav",
        "deleted": True,
        "retention_days": 365,
    }
    assert gone["text"].startswith("제 이름은")  # transcripts are kept unless configured
    for kept in (fresh, held):
        state = _state(app, kept)
        assert state["purged_at"] is None and state["stored"] is True and state["audits"] == []

    # The operator sees why there is no audio, and the audio address answers 404.
    make_user(app, "kim", "operator", "INCHEON")
    client = app.test_client()
    assert sign_in(client, "kim").status_code == 302
    page = client.get(f"/console/tickets/{gone['ticket']}").get_data(as_text=True)
    assert "보존 기간이 지나" in page and "녹음 삭제" in page
    assert client.get(f"/console/tickets/{gone['ticket']}/audio").status_code == 404

    # Again: nothing more to do. Once the held ticket is resolved, its recording goes too.
    assert _sweep(app)["purged"] == []
    with app.app_context():
        ticket = db.session.scalars(select(Ticket).where(Ticket.recording_id == held)).one()
        ticket.status = "resolved"
        db.session.commit()
        db.session.remove()
    assert _sweep(app)["purged"] == [held]
    assert len(_state(app, expired)["audits"]) == 1


def test_retention_zero_keeps_everything(app: Flask, backend: str, tmp_path: Path):
    app.config["RECORDING_RETENTION_DAYS"] = 0
    rec_id = _recording(app, 1, age_days=4000, ticket_status="closed", tmp_path=tmp_path)
    assert _sweep(app) == {"purged": [], "anonymised": [], "failed": []}
    assert _state(app, rec_id)["stored"] is True


def test_transcripts_are_anonymised_when_configured(app: Flask, backend: str, tmp_path: Path):
    app.config["TRANSCRIPT_RETENTION_DAYS"] = 90
    old = _recording(app, 1, age_days=100, ticket_status="follow_up_done", tmp_path=tmp_path)
    open_one = _recording(app, 2, age_days=100, ticket_status="routed", tmp_path=tmp_path)
    outcome = _sweep(app)
    assert outcome["anonymised"] == [old] and outcome["purged"] == []
    state = _state(app, old)
    assert (state["text"], state["segments"]) == (ANONYMISED_TEXT, [])
    assert state["caller"] == state["ticket_caller"] == "+********5678"
    assert state["stored"] is True  # the recording keeps its own, longer period
    assert [(a, u) for a, u, _ in state["audits"]] == [("transcript.anonymise", None)]
    assert _state(app, open_one)["text"].startswith("제 이름은")
    assert _sweep(app)["anonymised"] == []


def test_a_store_that_is_down_leaves_the_row_for_the_next_sweep(
    app: Flask, backend: str, tmp_path: Path
):
    rec_id = _recording(app, 1, age_days=400, ticket_status="closed", tmp_path=tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app.extensions["recording_store"] = S3Server(f"http://127.0.0.1:{port}").store("down")
    assert _sweep(app)["failed"] == [rec_id]
    state = _state(app, rec_id)
    assert state["purged_at"] is None and state["stored"] is True and state["audits"] == []
    del app.extensions["recording_store"]
    assert _sweep(app)["purged"] == [rec_id]


def test_the_sweep_is_listed_and_numbers_are_masked_to_the_last_four():
    assert "callcenter.pipeline.retention.purge_expired" in SWEEPS
    assert mask_digits("+821012345678") == "+********5678"
    assert mask_digits("010-1234-5678") == "***-****-5678"
    assert mask_digits("123") == "123"
