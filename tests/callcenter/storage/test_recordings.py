"""A recording's whole life on each store: download → store → transcribe → play → audit.

Every test here runs twice, on the local folder and on a real S3 server (SeaweedFS): the S3
backend must pass the same recording tests as the local one.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from callcenter.db import db
from callcenter.models import AuditLog, Recording, Ticket
from callcenter.pipeline.transcribe import transcribe_recording
from callcenter.storage import open_store
from tests.callcenter.pipeline.conftest import add_recording, load_state
from tests.factories import make_user
from tests.helpers import ROOT, app_env, sign_in
from tests.transcription.conftest import ACCOUNT_SID, AUDIO_DIR, AUTH_TOKEN, korean_clip
from tests.transcription.recording_server import RecordingServer, Route

SID = "RE" + "5" * 32
PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/{SID}"
CLIP = "ko_welding_crack.wav"


def _serve(recordings: RecordingServer, clip: Path) -> str:
    recordings.routes[PATH + ".wav"] = Route(body=clip.read_bytes())
    return recordings.url(PATH)


def _transcribe(app: Flask, recording_id: int) -> dict[str, Any]:
    with app.app_context():
        try:
            return transcribe_recording(recording_id)
        finally:
            db.session.remove()


def _ticket_number(app: Flask, ticket_id: int) -> str:
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket is not None
        number = ticket.number
        db.session.remove()
    return number


def _plays(app: Flask, recording_id: int) -> int:
    with app.app_context():
        rows = db.session.scalars(
            select(AuditLog).where(
                AuditLog.action == "recording.play", AuditLog.target_id == recording_id
            )
        ).all()
        db.session.remove()
    return len(rows)


def _operator(app: Flask) -> FlaskClient:
    make_user(app, "kim", "operator", "INCHEON")
    client = app.test_client()
    assert sign_in(client, "kim").status_code == 302
    return client


def _audio_files(folder: str) -> list[str]:
    return sorted(p.name for p in Path(folder).rglob("*.wav"))


def test_a_recording_is_stored_transcribed_and_played_with_ranges(
    app: Flask, recordings: RecordingServer, backend: str
):
    clip = korean_clip(CLIP)
    body = clip.read_bytes()
    rec_id, ticket_id = add_recording(app, _serve(recordings, clip), sid=SID)

    assert _transcribe(app, rec_id)["status"] == "done"
    state = load_state(app, rec_id, ticket_id)
    assert state["status"] == "done" and state["store_key"] == f"{SID}.wav"
    assert state["size_bytes"] == len(body)
    assert "용접" in state["transcript"]["text"]  # the model read the local copy of the object
    with app.app_context():
        assert open_store(app.config).size(state["store_key"]) == len(body)
    # Local: the file is under RECORDINGS_DIR; S3: nothing of the caller's voice stays on disk.
    on_disk = _audio_files(app.config["RECORDINGS_DIR"])
    assert on_disk == ([f"{SID}.wav"] if backend == "local" else [])

    client = _operator(app)
    number = _ticket_number(app, ticket_id)
    page = client.get(f"/console/tickets/{number}").get_data(as_text=True)
    assert f'src="/console/tickets/{number}/audio"' in page
    url = f"/console/tickets/{number}/audio"
    with client.get(url) as full:
        assert full.status_code == 200 and full.mimetype == "audio/wav"
        assert full.headers["Accept-Ranges"] == "bytes"
        assert full.headers["Content-Length"] == str(len(body))
        assert "no-store" in full.headers["Cache-Control"]
        assert full.data == body
    assert _plays(app, rec_id) == 1
    with client.get(url, headers={"Range": "bytes=100-199"}) as part:
        assert part.status_code == 206 and part.data == body[100:200]
        assert part.headers["Content-Range"] == f"bytes 100-199/{len(body)}"
    with client.get(url, headers={"Range": "bytes=-100"}) as tail:
        assert tail.status_code == 206 and tail.data == body[-100:]
        assert (
            tail.headers["Content-Range"] == f"bytes {len(body) - 100}-{len(body) - 1}/{len(body)}"
        )
    with client.get(url, headers={"Range": f"bytes={len(body)}-"}) as beyond:
        assert beyond.status_code == 416
        assert beyond.headers["Content-Range"] == f"bytes */{len(body)}"
    assert _plays(app, rec_id) >= 1

    # The supervisor's call page offers the same audited player.
    make_user(app, "lee", "supervisor", None)
    supervisor = app.test_client()
    assert sign_in(supervisor, "lee").status_code == 302
    with app.app_context():
        call_id = db.session.get(Recording, rec_id).call_id  # type: ignore[union-attr]
        db.session.remove()
    call_page = supervisor.get(f"/supervisor/calls/{call_id}").get_data(as_text=True)
    assert f'src="/console/tickets/{number}/audio"' in call_page


def test_a_retried_job_reuses_the_stored_object(
    app: Flask, recordings: RecordingServer, backend: str
):
    rec_id, ticket_id = add_recording(app, _serve(recordings, AUDIO_DIR / "corrupt.wav"), sid=SID)
    assert _transcribe(app, rec_id)["status"] == "failed"
    state = load_state(app, rec_id, ticket_id)
    assert "녹음 파일을 읽을 수 없습니다" in state["error"]
    with app.app_context():
        store = open_store(app.config)
        assert store.size(state["store_key"]) == (AUDIO_DIR / "corrupt.wav").stat().st_size
        # An operator can still listen to what the machine could not read.
    fetched = len(recordings.seen)
    with app.app_context():
        recording = db.session.get(Recording, rec_id)
        assert recording is not None
        recording.status = "pending"  # as RQ's retry leaves it
        db.session.commit()
        db.session.remove()
    _transcribe(app, rec_id)
    assert len(recordings.seen) == fetched  # the object was there: no second download


def test_a_missing_object_is_not_playable(app: Flask, backend: str):
    with app.app_context():
        from callcenter.models import Call
        from callcenter.services.tickets import create_ticket_for_call

        call = Call(call_sid="CA" + "6" * 32, from_number="+82552345678")
        db.session.add(call)
        db.session.flush()
        recording = Recording(
            recording_sid=SID,
            call_id=call.id,
            source_url="https://api.twilio.com/x",
            status="done",
            store_key=f"{SID}.wav",
        )
        db.session.add(recording)
        db.session.flush()
        ticket = create_ticket_for_call(
            db.session(), call, kind="problem", timezone="Asia/Seoul", recording_id=recording.id
        )
        db.session.commit()
        number = ticket.number
        db.session.remove()
    client = _operator(app)
    assert client.get(f"/console/tickets/{number}/audio").status_code == 404
    assert "녹음 파일이 아직 없습니다" in client.get(f"/console/tickets/{number}").get_data(
        as_text=True
    )


def test_web_and_worker_on_different_disks_share_only_the_store(
    app: Flask, recordings: RecordingServer, backend: str, tmp_path: Path
):
    """The worker runs as its own process with its own RECORDINGS_DIR, as on another machine."""
    rec_id, ticket_id = add_recording(app, _serve(recordings, AUDIO_DIR / "silence.wav"), sid=SID)
    with app.app_context():
        from callcenter.pipeline.jobs import enqueue_transcription

        enqueue_transcription(rec_id)
    worker_disk = tmp_path / "worker-disk"
    env = app_env(app) | {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
    if backend == "s3":
        env["RECORDINGS_DIR"] = str(worker_disk)  # nothing shared with the web but S3
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "app",
            "worker",
            "--burst",
            "--queues",
            "transcription",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    state = load_state(app, rec_id, ticket_id)
    assert state["status"] == "done", state
    if backend == "s3":
        assert (
            _audio_files(str(worker_disk)) == []
            and _audio_files(app.config["RECORDINGS_DIR"]) == []
        )
    client = _operator(app)
    number = _ticket_number(app, ticket_id)
    with client.get(f"/console/tickets/{number}/audio") as played:
        assert played.status_code == 200
        assert played.data == (AUDIO_DIR / "silence.wav").read_bytes()
    assert _plays(app, rec_id) == 1
