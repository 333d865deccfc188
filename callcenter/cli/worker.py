"""`flask worker`: an RQ worker inside the app context (after redash's rq CLI)."""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from rq import SimpleWorker, Worker
from rq.job import Job
from rq.queue import Queue
from rq.worker import WorkerStatus

from callcenter.config import ConfigError
from callcenter.db import db
from callcenter.jobs import QUEUE_NAMES, get_queue
from callcenter.pipeline.sweeps import run_sweeps
from callcenter.redis_conn import check_redis


class AppContextMixin:
    """Runs each job inside a fresh app context and session; runs our sweeps as maintenance."""

    app: Flask

    def perform_job(self, job: Job, queue: Queue, *args: Any) -> bool:
        with self.app.app_context():
            try:
                return super().perform_job(job, queue, *args)  # type: ignore[misc]
            finally:
                db.session.remove()

    def main_work_horse(self, job: Job, queue: Queue) -> None:
        # A forked horse must not share the parent's pooled database connections.
        db.dispose_after_fork()
        super().main_work_horse(job, queue)  # type: ignore[misc]

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()  # type: ignore[misc]
        with self.app.app_context():
            try:
                run_sweeps()
            finally:
                db.session.remove()


# Queues whose jobs run inside the worker process instead of a forked work horse. The
# transcription model is loaded once per worker (warmup), and a horse forked from a process
# holding it hangs on its first inference (measured): CTranslate2's worker threads do not
# survive fork(), and PyTorch's OpenMP pool, once loading has started it, deadlocks the
# child. So those jobs stay in-process, time-limited by RQ's SIGALRM death penalty plus a
# watchdog thread; other queues still fork (their horses never touch the model).
IN_PROCESS_QUEUES = frozenset({"transcription"})
# How long past its timeout an in-process job may hang in native code before the watchdog
# ends the worker; RQ's abandoned-job handling then retries the job.
WATCHDOG_GRACE_SECONDS = 60


class AppWorker(AppContextMixin, Worker):
    """Forks a work horse per job (a killed or hung job cannot take the worker down),
    except for IN_PROCESS_QUEUES, whose jobs run here with the model already loaded."""

    def execute_job(self, job: Job, queue: Queue) -> None:
        if queue.name not in IN_PROCESS_QUEUES:
            super().execute_job(job, queue)
            return
        watchdog = _start_watchdog(self, job)
        try:
            # What SimpleWorker.execute_job does: no fork, same death penalty.
            execution = self.prepare_execution(job)
            self.perform_job(job, queue, execution)
            self.set_state(WorkerStatus.IDLE)
        finally:
            if watchdog is not None:
                watchdog.cancel()

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        # Nobody heartbeats while an in-process job runs: hold the registry entry for the
        # job's whole timeout, as SimpleWorker does, or it would look abandoned.
        if job.origin in IN_PROCESS_QUEUES:
            return SimpleWorker.get_heartbeat_ttl(self, job, working_time)  # type: ignore[arg-type]
        return int(super().get_heartbeat_ttl(job, working_time))


def _log_jobs_to_stderr() -> None:
    """Our jobs' INFO lines (model loaded, recording transcribed) beside RQ's own."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s", "%H:%M:%S"))
    for name in ("callcenter", "transcription"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)


def _start_watchdog(worker: Worker, job: Job) -> threading.Timer | None:
    """End the worker if an in-process job outlives its timeout (a hang SIGALRM cannot break)."""
    if not job.timeout or job.timeout < 0:
        return None

    def _expire() -> None:
        worker.log.critical(
            "job %s hung %s s past its timeout; ending worker %s so the job is retried",
            job.id,
            WATCHDOG_GRACE_SECONDS,
            worker.name,
        )
        os._exit(70)  # EX_SOFTWARE; the process manager restarts the worker

    timer = threading.Timer(job.timeout + WATCHDOG_GRACE_SECONDS, _expire)
    timer.daemon = True
    timer.start()
    return timer


class AppSimpleWorker(AppContextMixin, SimpleWorker):
    """Runs jobs in-process (tests, debugging)."""


def build_worker(
    app: Flask, queue_names: list[str], *, simple: bool = False
) -> AppWorker | AppSimpleWorker:
    """A worker for ``queue_names`` on the app's Redis."""
    queues = [get_queue(name, app) for name in queue_names]
    cls: type[AppWorker] | type[AppSimpleWorker] = AppSimpleWorker if simple else AppWorker
    # worker_ttl bounds the blocking dequeue, so maintenance (our sweeps) runs about each minute.
    worker = cls(queues, connection=queues[0].connection, worker_ttl=75, maintenance_interval=60)
    worker.app = app
    return worker


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run everything queued, then exit.")
@click.option(
    "--queues",
    "queue_names",
    default=",".join(QUEUE_NAMES),
    show_default=True,
    help="Comma-separated queues, in priority order.",
)
@click.option("--simple", is_flag=True, help="Run jobs in this process instead of forking.")
@with_appcontext
def worker_command(burst: bool, queue_names: str, simple: bool) -> None:
    """Process jobs from the queues."""
    from callcenter.worker_hooks import warmup

    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    names = [n.strip() for n in queue_names.split(",") if n.strip()]
    unknown = [n for n in names if n not in QUEUE_NAMES]
    if unknown:
        raise click.BadParameter(f"unknown queue(s): {', '.join(unknown)}", param_hint="--queues")
    try:
        db.check()
        check_redis(app)
        _log_jobs_to_stderr()
        warmup(app, names)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    worker = build_worker(app, names, simple=simple)
    run_sweeps()
    db.session.remove()
    worker.work(burst=burst, with_scheduler=not burst, logging_level="INFO")
