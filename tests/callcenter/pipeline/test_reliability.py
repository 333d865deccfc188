"""What the load-and-fault campaign found in the job pipeline: retries, sweeps, final messages."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from rq.job import Job

from callcenter.cli.worker import build_worker
from callcenter.db import db
from callcenter.jobs import enqueue, get_queue
from callcenter.models import Recording, Ticket, utcnow
from callcenter.pipeline import sweeps
from callcenter.pipeline.jobs import ROUTING, TRANSCRIPTION, enqueue_transcription
from callcenter.pipeline.transcribe import MAX_ATTEMPTS, NO_JOB_GRACE_SECONDS, requeue_stuck
from tests.callcenter.pipeline.conftest import add_recording, load_state, transcribed_ticket
from tests.conftest import EXTERNAL_DB
from tests.transcription.conftest import ACCOUNT_SID
from tests.transcription.recording_server import RecordingServer, Route

SID = "RE" + "c" * 32


def _ticket_status(app: Flask, ticket_id: int) -> str:
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket is not None
        status = ticket.status
        db.session.remove()
    return status


@contextmanager
def _database_down(app: Flask) -> Iterator[None]:
    """The SQLite file is gone for a while (an outage): every query fails, then it is back."""
    path = Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    aside = path.with_suffix(".aside")
    with app.app_context():
        db.engine.dispose()
    shutil.move(path, aside)
    try:
        yield
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        path.unlink(missing_ok=True)  # the empty file SQLite made on connecting
        shutil.move(aside, path)


def _work_routing(app: Flask) -> None:
    with app.app_context():
        build_worker(app, ["routing"], simple=True).work(burst=True)
        db.session.remove()


needs_sqlite = pytest.mark.skipif(bool(EXTERNAL_DB), reason="moves the SQLite file away")


@needs_sqlite
def test_routing_that_fails_in_a_database_outage_is_retried(app: Flask):
    ticket_id = transcribed_ticket(app)
    with app.app_context():
        ROUTING.enqueue(ticket_id)
    with _database_down(app):
        _work_routing(app)
    queue = get_queue("routing", app)
    job = Job.fetch(ROUTING.job_id(ticket_id), connection=queue.connection)
    assert job.get_status() == "scheduled"  # back after the first interval, not failed
    assert job.retries_left == 2
    assert _ticket_status(app, ticket_id) == "transcribing"
    # The retry comes due after the outage: the ticket reaches an inbox.
    queue.scheduled_job_registry.remove(job)
    queue.enqueue_job(job)
    _work_routing(app)
    assert _ticket_status(app, ticket_id) != "transcribing"
    assert job.get_status(refresh=True) == "finished"


@needs_sqlite
def test_the_sweep_routes_a_ticket_whose_routing_job_failed(app: Flask):
    ticket_id = transcribed_ticket(app, age=NO_JOB_GRACE_SECONDS + 60)
    with app.app_context():
        # A job from before retries, or one that spent them all: it sits in the failed registry.
        enqueue(ROUTING.path, ticket_id, queue=ROUTING.queue, job_id=ROUTING.job_id(ticket_id))
    with _database_down(app):
        _work_routing(app)
    queue = get_queue("routing", app)
    assert queue.failed_job_registry.get_job_ids() == [ROUTING.job_id(ticket_id)]
    with app.app_context():
        outcome = requeue_stuck()
        db.session.remove()
    assert outcome["routed"] == [ticket_id]
    assert queue.failed_job_registry.get_job_ids() == []
    _work_routing(app)
    assert _ticket_status(app, ticket_id) != "transcribing"


def _pending_since(app: Flask, rec_id: int, seconds: int) -> None:
    with app.app_context():
        recording = db.session.get(Recording, rec_id)
        assert recording is not None
        recording.status = "pending"
        db.session.flush()
        recording.updated_at = utcnow() - timedelta(seconds=seconds)
        db.session.commit()
        db.session.remove()


def test_a_recording_with_no_job_is_enqueued_by_the_next_sweep(app: Flask):
    """A lost enqueue (Redis down, no status callback) waits a short grace, not 15 minutes."""
    lost_id, _ = add_recording(app, "https://api.twilio.com/a", sid="RE" + "d" * 32)
    just_made_id, _ = add_recording(app, "https://api.twilio.com/b", sid="RE" + "e" * 32)
    _pending_since(app, lost_id, NO_JOB_GRACE_SECONDS + 5)
    _pending_since(app, just_made_id, 2)  # its webhook may be enqueueing it right now
    with app.app_context():
        outcome = requeue_stuck()
        again = requeue_stuck()
        db.session.remove()
    assert outcome["requeued"] == [lost_id]
    assert again["requeued"] == []  # queued now: RQ holds it
    assert get_queue("transcription", app).get_job_ids() == [TRANSCRIPTION.job_id(lost_id)]
    with app.app_context():
        assert requeue_stuck(older_than=0)["requeued"] == [just_made_id]
        db.session.remove()


def test_a_transcribed_ticket_with_no_routing_job_is_routed_by_the_next_sweep(app: Flask):
    ticket_id = transcribed_ticket(app, age=NO_JOB_GRACE_SECONDS + 5)
    with app.app_context():
        outcome = requeue_stuck()
        db.session.remove()
    assert outcome["routed"] == [ticket_id]
    assert get_queue("routing", app).get_job_ids() == [ROUTING.job_id(ticket_id)]


SWEEP_RUNS: list[str] = []


def slow_sweep() -> None:
    """A sweep that takes a while, so that a second worker's round overlaps it."""
    SWEEP_RUNS.append(threading.current_thread().name)
    time.sleep(0.5)


def test_two_workers_sweeping_at_once_run_the_sweeps_once(
    app: Flask, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(sweeps, "SWEEPS", (f"{__name__}.slow_sweep",))
    SWEEP_RUNS.clear()
    ran: list[bool] = []
    start = threading.Barrier(2)

    def worker_round() -> None:
        with app.app_context():
            start.wait()
            ran.append(sweeps.run_sweeps())

    threads = [threading.Thread(target=worker_round, name=f"worker-{i}") for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(SWEEP_RUNS) == 1
    assert sorted(ran) == [False, True]  # the other worker skipped its round
    with app.app_context():
        assert sweeps.run_sweeps() is True  # the lock was released: the next round sweeps
    assert len(SWEEP_RUNS) == 2


def test_a_recording_that_keeps_answering_404_fails_for_good(
    app: Flask, recordings: RecordingServer
):
    path = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/{SID}"
    recordings.routes[path + ".wav"] = Route(status=404, body=b"")
    rec_id, ticket_id = add_recording(app, recordings.url(path), sid=SID)
    with app.app_context():
        enqueue_transcription(rec_id)
    queue = get_queue("transcription", app)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with app.app_context():
            build_worker(app, ["transcription"], simple=True).work(burst=True)
            db.session.remove()
        state = load_state(app, rec_id, ticket_id)
        assert state["attempts"] == attempt
        if attempt < MAX_ATTEMPTS:
            assert state["status"] == "pending"
            assert "잠시 후 다시 시도합니다" in state["error"]  # another try is coming
            job = Job.fetch(TRANSCRIPTION.job_id(rec_id), connection=queue.connection)
            queue.scheduled_job_registry.remove(job)  # the retry comes due now
            queue.enqueue_job(job)
    assert state["status"] == "failed"
    assert state["ticket_status"] == "needs_review"
    assert "404" in state["error"]
    assert "잠시 후" not in state["error"]  # no promise of a try that never comes
    assert state["error"].endswith("직접 확인해 주세요.")
