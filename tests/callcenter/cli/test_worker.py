"""Transcription jobs run inside the worker process: still time-limited, hangs still end."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

from flask import Flask
from rq.job import Job

from callcenter.jobs import enqueue, get_queue
from tests.helpers import ROOT, run_worker_process


def test_in_process_job_is_stopped_at_its_timeout(app: Flask):
    with app.app_context():
        job = enqueue(
            "tests.callcenter.cli.slow_jobs.sleep_for", 60, queue="transcription", timeout=2
        )
    started = time.monotonic()
    run_worker_process(app, queues="transcription")
    assert time.monotonic() - started < 40
    job = Job.fetch(job.id, connection=get_queue("transcription", app).connection)
    assert job.get_status() == "failed"
    assert "JobTimeoutException" in (job.latest_result().exc_string or "")


def test_transcription_jobs_run_in_the_worker_and_others_in_a_horse(app: Flask):
    with app.app_context():
        here = enqueue("tests.callcenter.cli.slow_jobs.process_id", queue="transcription")
        forked = enqueue("tests.callcenter.cli.slow_jobs.process_id", queue="default")
    output = run_worker_process(app, queues="transcription,default")
    worker_pid = int(re.search(r"started with PID (\d+)", output).group(1))  # type: ignore[union-attr]
    connection = get_queue("default", app).connection
    assert Job.fetch(here.id, connection=connection).return_value() == worker_pid
    horse_pid = Job.fetch(forked.id, connection=connection).return_value()
    assert horse_pid is not None and horse_pid != worker_pid


def test_routing_worker_runs_routing_jobs_while_transcription_waits(app: Flask):
    with app.app_context():
        waiting = enqueue("tests.callcenter.cli.slow_jobs.process_id", queue="transcription")
        routed = enqueue("tests.callcenter.cli.slow_jobs.process_id", queue="routing")
    run_worker_process(app, queues="routing,default")
    connection = get_queue("routing", app).connection
    assert Job.fetch(routed.id, connection=connection).is_finished
    assert Job.fetch(waiting.id, connection=connection).get_status() == "queued"


def test_transcription_workers_run_at_a_lower_cpu_priority(app: Flask):
    with app.app_context():
        transcription = enqueue("tests.callcenter.cli.slow_jobs.niceness", queue="transcription")
        routing = enqueue("tests.callcenter.cli.slow_jobs.niceness", queue="routing")
    run_worker_process(app, queues="transcription")
    run_worker_process(app, queues="routing,default")
    connection = get_queue("routing", app).connection
    assert app.config["TRANSCRIBE_NICE"] == 10
    assert Job.fetch(transcription.id, connection=connection).return_value() >= 10
    assert Job.fetch(routing.id, connection=connection).return_value() == os.nice(0)


def test_watchdog_ends_a_process_whose_job_ignores_the_alarm():
    """A hang SIGALRM cannot break: the watchdog exits so the job is retried elsewhere."""
    script = (
        "import logging\n"
        "from types import SimpleNamespace\n"
        "import callcenter.cli.worker as w\n"
        "w.WATCHDOG_GRACE_SECONDS = 1\n"
        "worker = SimpleNamespace(name='w1', log=logging.getLogger('w1'))\n"
        "job = SimpleNamespace(id='transcribe-1', timeout=1)\n"
        "w._start_watchdog(worker, job)\n"
        "from tests.callcenter.cli.slow_jobs import hang_blocking_alarms\n"
        "hang_blocking_alarms(60)\n"
    )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 70, result.stderr[-2000:]
    assert time.monotonic() - started < 30
