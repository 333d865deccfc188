"""The transcription job's paths that need no model: failures, silence, duplicates, retries."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from rq.job import Job
from sqlalchemy import func, select

from callcenter.cli.worker import build_worker
from callcenter.db import db
from callcenter.jobs import get_queue
from callcenter.models import Call, Recording, Ticket, Transcript, utcnow
from callcenter.pipeline.jobs import TRANSCRIPTION, enqueue_transcription
from callcenter.pipeline.transcribe import (
    MAX_ATTEMPTS,
    NO_JOB_GRACE_SECONDS,
    requeue_stuck,
    transcribe_recording,
)
from tests.callcenter.pipeline.conftest import add_recording, load_state, transcribed_ticket
from tests.helpers import ROOT, app_env
from tests.transcription.conftest import ACCOUNT_SID, AUDIO_DIR, AUTH_TOKEN
from tests.transcription.recording_server import RecordingServer, Route

SID = "RE" + "a" * 32
PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/{SID}"


def _serve(recordings: RecordingServer, name: str, **route: object) -> str:
    recordings.routes[PATH + ".wav"] = Route(body=(AUDIO_DIR / name).read_bytes(), **route)  # type: ignore[arg-type]
    return recordings.url(PATH)


def _run(app: Flask, recording_id: int) -> dict[str, object]:
    with app.app_context():
        try:
            return transcribe_recording(recording_id)
        finally:
            db.session.remove()


def _routing_jobs(app: Flask) -> list[str]:
    return list(get_queue("routing", app).get_job_ids())


def test_silence_gives_no_text_and_an_operator_review(app: Flask, recordings: RecordingServer):
    rec_id, ticket_id = add_recording(app, _serve(recordings, "silence.wav"), sid=SID)
    assert _run(app, rec_id)["status"] == "done"
    state = load_state(app, rec_id, ticket_id)
    assert state["status"] == "done"
    assert state["transcript"]["text"] == ""
    assert state["transcript"]["no_speech"] is True
    assert state["transcript"]["segments"] == []
    assert state["ticket_status"] == "needs_review"
    stored = Path(app.config["RECORDINGS_DIR"]) / state["store_key"]
    assert stored.read_bytes() == (AUDIO_DIR / "silence.wav").read_bytes()
    assert _routing_jobs(app) == []  # nothing to route on; an operator listens first


def _failed_for_review(app: Flask, rec_id: int, ticket_id: int, error: str) -> dict[str, Any]:
    """Run the job; the recording must end failed with ``error`` and the ticket for review."""
    assert _run(app, rec_id)["status"] == "failed"
    state = load_state(app, rec_id, ticket_id)
    assert (state["status"], state["ticket_status"]) == ("failed", "needs_review")
    assert error in state["error"]
    assert state["transcript"] is None
    return state


def test_corrupt_audio_fails_for_review_and_keeps_the_file(app: Flask, recordings: RecordingServer):
    rec_id, ticket_id = add_recording(app, _serve(recordings, "corrupt.wav"), sid=SID)
    state = _failed_for_review(app, rec_id, ticket_id, "녹음 파일을 읽을 수 없습니다")
    kept = Path(app.config["RECORDINGS_DIR"]) / state["store_key"]
    assert kept.read_bytes() == (AUDIO_DIR / "corrupt.wav").read_bytes()


def test_recording_on_a_foreign_host_is_never_fetched(app: Flask, recordings: RecordingServer):
    _serve(recordings, "silence.wav")
    rec_id, ticket_id = add_recording(app, f"https://recordings.attacker.example{PATH}", sid=SID)
    state = _failed_for_review(app, rec_id, ticket_id, "허용되지 않은 주소")
    assert state["store_key"] is None
    assert recordings.seen == []


def test_duplicate_job_changes_nothing(app: Flask, recordings: RecordingServer):
    rec_id, ticket_id = add_recording(app, _serve(recordings, "silence.wav"), sid=SID)
    _run(app, rec_id)
    before = load_state(app, rec_id, ticket_id)
    requests_before = len(recordings.seen)
    assert _run(app, rec_id)["status"] == "skipped"
    assert load_state(app, rec_id, ticket_id) == before
    assert len(recordings.seen) == requests_before
    assert _routing_jobs(app) == []


def test_voicemail_updates_the_voicemail_ticket(app: Flask, recordings: RecordingServer):
    rec_id, ticket_id = add_recording(
        app, _serve(recordings, "silence.wav"), purpose="voicemail", sid=SID
    )
    _run(app, rec_id)
    with app.app_context():
        tickets = db.session.scalars(select(Ticket)).all()
        assert [(t.id, t.kind, t.recording_id) for t in tickets] == [
            (ticket_id, "voicemail", rec_id)
        ]
        db.session.remove()


def test_download_error_is_retried_with_backoff(app: Flask, recordings: RecordingServer):
    recordings.routes[PATH + ".wav"] = Route(status=503, body=b"busy")
    rec_id, ticket_id = add_recording(app, recordings.url(PATH), sid=SID)
    with app.app_context():
        job = enqueue_transcription(rec_id)
        build_worker(app, ["transcription"], simple=True).work(burst=True)
        db.session.remove()
    job = Job.fetch(TRANSCRIPTION.job_id(rec_id), connection=job.connection)
    assert job.get_status() == "scheduled"  # RQ Retry: back after the first interval
    assert job.retries_left == 2
    state = load_state(app, rec_id, ticket_id)
    assert state["status"] == "pending"
    assert state["attempts"] == 1
    assert "503" in state["error"]
    assert state["ticket_status"] == "transcribing"


def test_download_error_without_retries_left_fails_for_review(
    app: Flask, recordings: RecordingServer
):
    recordings.routes[PATH + ".wav"] = Route(status=404, body=b"")
    rec_id, ticket_id = add_recording(app, recordings.url(PATH), sid=SID)
    with pytest.raises(Exception, match="404"):
        _run(app, rec_id)
    state = load_state(app, rec_id, ticket_id)
    assert state["status"] == "failed"
    assert "404" in state["error"]
    assert state["ticket_status"] == "needs_review"


def _age(app: Flask, rec_id: int, seconds: int, attempts: int = 0) -> None:
    with app.app_context():
        recording = db.session.get(Recording, rec_id)
        assert recording is not None
        recording.status = "downloading"
        recording.attempts = attempts
        db.session.flush()
        # updated_at has onupdate=utcnow: set it with a second UPDATE that names it.
        recording.updated_at = utcnow() - timedelta(seconds=seconds)
        db.session.commit()
        db.session.remove()


def test_requeue_enqueues_stuck_recordings_once(app: Flask, recordings: RecordingServer):
    rec_id, _ = add_recording(app, _serve(recordings, "silence.wav"), sid=SID)
    fresh_id, _ = add_recording(app, _serve(recordings, "silence.wav"), sid="RE" + "b" * 32)
    _age(app, rec_id, NO_JOB_GRACE_SECONDS + 60, attempts=1)
    _age(app, fresh_id, 5, attempts=1)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["requeue"])
    assert result.exit_code == 0, result.output
    assert f"requeued: {rec_id}" in result.output
    queue = get_queue("transcription", app)
    assert queue.get_job_ids() == [TRANSCRIPTION.job_id(rec_id)]
    # Queued now: a second sweep leaves it alone; the fresh one waits for its timeout.
    assert "requeued: " not in runner.invoke(args=["requeue"]).output
    assert f"requeued: {fresh_id}\n" in runner.invoke(args=["requeue", "--older-than", "0"]).output
    with app.app_context():
        assert db.session.get(Recording, rec_id).job_id == TRANSCRIPTION.job_id(rec_id)
        db.session.remove()


def test_requeue_gives_up_after_max_attempts(app: Flask, recordings: RecordingServer):
    rec_id, ticket_id = add_recording(app, _serve(recordings, "silence.wav"), sid=SID)
    _age(app, rec_id, NO_JOB_GRACE_SECONDS + 60, attempts=MAX_ATTEMPTS)
    with app.app_context():
        outcome = requeue_stuck()
        db.session.remove()
    assert outcome["failed"] == [rec_id]
    state = load_state(app, rec_id, ticket_id)
    assert state["status"] == "failed"
    assert "직접 들어 주세요" in state["error"]
    assert state["ticket_status"] == "needs_review"
    assert get_queue("transcription", app).count == 0


def test_killed_worker_job_is_retried(app: Flask, recordings: RecordingServer):
    """SIGKILL a worker mid-download: RQ's abandoned-job handling retries the job."""
    _serve(recordings, "silence.wav", delay=30)
    rec_id, ticket_id = add_recording(app, recordings.url(PATH), sid=SID)
    with app.app_context():
        enqueue_transcription(rec_id)
    env = app_env(app) | {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "worker", "--queues", "transcription"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its scheduler process dies with it, as under systemd
    )
    try:
        deadline = time.monotonic() + 60
        while load_state(app, rec_id, ticket_id)["status"] != "downloading":
            assert time.monotonic() < deadline, "the worker never started the job"
            time.sleep(0.2)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    queue = get_queue("transcription", app)
    job = Job.fetch(TRANSCRIPTION.job_id(rec_id), connection=queue.connection)
    assert job.get_status() == "started"  # orphaned: nobody will finish it
    # Its registry entry expires after the job timeout; pretend that time has passed.
    queue.started_job_registry.cleanup(timestamp=time.time() + 24 * 3600)
    job.refresh()
    assert job.get_status() == "scheduled"
    assert job.retries_left == 2
    # When the retry comes due, a worker finishes the recording.
    recordings.routes[PATH + ".wav"].delay = 0
    queue.scheduled_job_registry.remove(job)
    queue.enqueue_job(job)
    with app.app_context():
        build_worker(app, ["transcription"], simple=True).work(burst=True)
        db.session.remove()
    state = load_state(app, rec_id, ticket_id)
    assert state["status"] == "done"
    assert state["attempts"] == 2
    assert state["transcript"]["no_speech"] is True


def test_recording_rows_count_stays_one_per_recording(app: Flask, recordings: RecordingServer):
    rec_id, _ = add_recording(app, _serve(recordings, "silence.wav"), sid=SID)
    _run(app, rec_id)
    _run(app, rec_id)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Transcript)) == 1
        db.session.remove()


def test_requeue_routes_a_transcribed_ticket_whose_routing_was_lost(
    app: Flask, recordings: RecordingServer
):
    """Redis was down when the job finished: the transcript is stored, routing never queued."""
    ticket_id = transcribed_ticket(
        app, age=NO_JOB_GRACE_SECONDS + 60, url=_serve(recordings, "silence.wav")
    )
    with app.app_context():
        outcome = requeue_stuck()
        again = requeue_stuck()
        db.session.remove()
    assert outcome["routed"] == [ticket_id]
    assert again["routed"] == []  # routing has it now
    assert _routing_jobs(app) == [f"route-{ticket_id}"]


def test_a_recording_without_a_ticket_gets_its_calls_ticket_once(
    app: Flask, recordings: RecordingServer
):
    """A row from before the webhooks made tickets: the job makes it, by the one path."""
    url = _serve(recordings, "silence.wav")
    with app.app_context():
        call = Call(call_sid="CA" + "c" * 32, from_number="+82552345678", region="경남")
        db.session.add(call)
        db.session.flush()
        recording = Recording(recording_sid=SID, call_id=call.id, source_url=url)
        db.session.add(recording)
        db.session.commit()
        rec_id = recording.id
        db.session.remove()
    assert _run(app, rec_id)["status"] == "done"
    with app.app_context():
        [ticket] = db.session.scalars(select(Ticket)).all()
        assert (ticket.recording_id, ticket.kind, ticket.status) == (
            rec_id,
            "problem",
            "needs_review",
        )
        assert ticket.number.startswith("1379-")
        db.session.remove()


def test_a_failed_transcription_leaves_a_worked_ticket_alone(
    app: Flask, recordings: RecordingServer
):
    rec_id, ticket_id = add_recording(app, _serve(recordings, "corrupt.wav"), sid=SID)
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket is not None
        ticket.status = "assigned"  # an operator listened and took it meanwhile
        db.session.commit()
        db.session.remove()
    assert _run(app, rec_id)["status"] == "failed"
    state = load_state(app, rec_id, ticket_id)
    assert (state["status"], state["ticket_status"]) == ("failed", "assigned")
