"""The periodic sweeps, listed once: workers run each of them about once a minute.

A sweep finds rows whose job was lost (Redis down at the time, a killed worker) and enqueues
it again, or does periodic upkeep. Named by dotted path, like jobs, so this list imports
nothing until a worker runs it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from rq.utils import import_attribute

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


def run_sweeps() -> None:
    """Run every sweep once, each isolated from the others' failures."""
    for path in SWEEPS:
        try:
            import_attribute(path)()
        except Exception:  # a sweep must never take the worker down
            current_app.logger.exception("sweep %s failed", path)
