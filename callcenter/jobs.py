"""The one module that enqueues work; jobs are named by dotted path and take primary keys.

Our database is the record of truth: callers store the job id on their own row, and a
sweep re-enqueues rows whose job was lost (Redis down at the time, a killed worker). The
jobs themselves are defined in ``callcenter.pipeline.jobs``, the sweeps in
``callcenter.pipeline.sweeps``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.job import Job

from callcenter.redis_conn import get_redis

QUEUE_NAMES = ("transcription", "routing", "default")


def get_queue(name: str = "default", app: Flask | None = None) -> Queue:
    """The named RQ queue on this app's Redis."""
    if name not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {name!r}")
    return Queue(name, connection=get_redis(app))


def enqueue(
    func_path: str,
    *args: Any,
    queue: str = "default",
    job_id: str | None = None,
    timeout: int = 300,
    retry: Retry | None = None,
    app: Flask | None = None,
    **kwargs: Any,
) -> Job:
    """Enqueue ``func_path(*args, **kwargs)``; a job id already queued or running is reused."""
    q = get_queue(queue, app)
    if job_id is not None:
        existing = Job.fetch(job_id, connection=q.connection) if _job_exists(q, job_id) else None
        if existing is not None and existing.get_status(refresh=True) in (
            "queued",
            "started",
            "deferred",
            "scheduled",
        ):
            return existing
    return q.enqueue(
        func_path,
        *args,
        job_id=job_id,
        job_timeout=timeout,
        retry=retry,
        result_ttl=24 * 3600,
        failure_ttl=7 * 24 * 3600,
        **kwargs,
    )


def try_enqueue(func_path: str, *args: Any, **kwargs: Any) -> Job | None:
    """Enqueue, or log and return None when Redis is unreachable (the row stays for the sweep)."""
    try:
        return enqueue(func_path, *args, **kwargs)
    except (RedisError, OSError) as exc:
        current_app.logger.warning("could not enqueue %s%r: %s", func_path, args, exc)
        return None


def _job_exists(q: Queue, job_id: str) -> bool:
    return bool(q.connection.exists(Job.key_for(job_id)))
