"""Fixtures for the call's path: Twilio-like credentials, a recording server, call rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from callcenter.db import db
from callcenter.models import Call, Recording, Ticket, Transcript, utcnow
from callcenter.services.tickets import create_ticket_for_call
from tests.transcription.conftest import ACCOUNT_SID, AUTH_TOKEN
from tests.transcription.recording_server import RecordingServer, serve_recordings


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The suite's config with Twilio credentials the recording server checks."""
    app_config.update(TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN)
    return app_config


@pytest.fixture
def recordings() -> Iterator[RecordingServer]:
    """A local server that serves recordings behind basic auth, like api.twilio.com."""
    with serve_recordings(ACCOUNT_SID, AUTH_TOKEN) as server:
        yield server


def add_recording(
    app: Flask, source_url: str, *, purpose: str = "problem", sid: str = "RE" + "1" * 32
) -> tuple[int, int]:
    """A call, its recording and its ticket as the IVR leaves them; returns (recording, ticket)."""
    with app.app_context():
        call = Call(
            call_sid="CA" + sid[2:],
            from_number="+82552345678",
            region="경남",
            region_source="area_code",
        )
        db.session.add(call)
        db.session.flush()
        recording = Recording(
            recording_sid=sid,
            call_id=call.id,
            source_url=source_url,
            purpose=purpose,
            duration_seconds=5,
        )
        db.session.add(recording)
        db.session.flush()
        kind = "voicemail" if purpose == "voicemail" else "problem"
        ticket = create_ticket_for_call(
            db.session(), call, kind=kind, timezone="Asia/Seoul", recording_id=recording.id
        )
        db.session.commit()
        ids = recording.id, ticket.id
        db.session.remove()
    return ids


def load_state(app: Flask, recording_id: int, ticket_id: int) -> dict[str, Any]:
    """Recording, transcript and ticket as plain values (for before/after comparisons)."""
    with app.app_context():
        recording = db.session.get(Recording, recording_id)
        ticket = db.session.get(Ticket, ticket_id)
        assert recording is not None and ticket is not None
        transcript = recording.transcript
        state = {
            "status": recording.status,
            "attempts": recording.attempts,
            "error": recording.error,
            "store_key": recording.store_key,
            "size_bytes": recording.size_bytes,
            "recording_updated": recording.updated_at,
            "ticket_status": ticket.status,
            "ticket_updated": ticket.updated_at,
            "transcript": None
            if transcript is None
            else {
                "id": transcript.id,
                "text": transcript.text,
                "no_speech": transcript.no_speech,
                "segments": transcript.segments,
                "engine": transcript.engine,
                "model": transcript.model,
            },
        }
        db.session.remove()
    return state


def transcribed_ticket(app: Flask, *, age: int = 0, url: str = "https://api.twilio.com/x") -> int:
    """A ticket whose recording is transcribed but not yet routed; returns its id."""
    rec_id, ticket_id = add_recording(app, url, sid="RE" + "c" * 32)
    with app.app_context():
        recording = db.session.get(Recording, rec_id)
        ticket = db.session.get(Ticket, ticket_id)
        assert recording is not None and ticket is not None
        recording.status = "done"
        db.session.add(
            Transcript(
                recording_id=rec_id, text="금형에 버가 생깁니다", model="m", engine="faster-whisper"
            )
        )
        ticket.status = "transcribing"
        db.session.flush()
        ticket.updated_at = utcnow() - timedelta(seconds=age)
        db.session.commit()
        db.session.remove()
    return ticket_id
