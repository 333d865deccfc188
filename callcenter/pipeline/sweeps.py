"""The periodic sweeps, listed once: workers run each of them about once a minute.

A sweep finds rows whose job was lost (Redis down at the time, a killed worker) and enqueues
it again, or does periodic upkeep. Named by dotted path, like jobs, so this list imports
nothing until a worker runs it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from redis.exceptions import LockError, RedisError
from redis.lock import Lock
from rq.utils import import_attribute

from callcenter.redis_conn import get_redis

# One sweep at a time across workers; the timeout frees the lock of a worker killed mid-sweep.
SWEEP_LOCK_NAME = "callcenter:sweeps"
SWEEP_LOCK_SECONDS = 300

SWEEPS: tuple[str, ...] = (
    # Recording callbacks spooled to disk while the database was down.
    "callcenter.voice.spool.replay_spooled_recordings",
    # Recordings whose transcription was lost or stuck; transcribed tickets never routed.
    "callcenter.pipeline.transcribe.requeue_stuck",
    # Texts still owed (ticket numbers, referrals, follow-up questions).
    "callcenter.pipeline.sms.resend_pending_sms",
    # 사후 점검: checks due today made, overtaken ones cancelled, due tries asked.
    "callcenter.followup.checks.run_follow_up_checks",
    # Recordings past RECORDING_RETENTION_DAYS deleted, transcripts anonymised (retention.md).
    "callcenter.pipeline.retention.purge_expired",
    # KPI rollups of settled days.
    "callcenter.kpi.rollups.refresh_rollups",
    # Live calls: silent browsers offline, lost offers and ended calls released.
    "callcenter.live.sweep.sweep_live_calls",
)


def sweep_functions() -> list[Callable[[], Any]]:
    """The functions SWEEPS names."""
    return [import_attribute(path) for path in SWEEPS]


def run_sweeps() -> bool:
    """Run every sweep once, each isolated from the others' failures; one worker at a time.

    Two workers sweeping at once both find the same lost row and both enqueue it (recordings
    transcribed twice after a Redis outage), so a Redis lock lets one sweep per round: a
    worker that does not get it skips this round (False). With Redis unreachable nothing can
    be enqueued twice, and the sweeps that do not need Redis (the spool replay) still run.
    """
    lock: Lock | None
    try:
        lock = get_redis().lock(
            SWEEP_LOCK_NAME, timeout=SWEEP_LOCK_SECONDS, blocking=False, thread_local=False
        )
        if not lock.acquire():
            return False
    except (RedisError, OSError) as exc:
        current_app.logger.warning("sweeps run without their lock: %s", exc)
        lock = None
    try:
        _run_each_sweep()
    finally:
        if lock is not None:
            try:
                lock.release()
            except (LockError, RedisError, OSError):
                pass  # expired (a sweep ran past its timeout) or Redis gone: it lapses alone
    return True


def _run_each_sweep() -> None:
    for path in SWEEPS:
        try:
            import_attribute(path)()
        except Exception:  # a sweep must never take the worker down
            current_app.logger.exception("sweep %s failed", path)
