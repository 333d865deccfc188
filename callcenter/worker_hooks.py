"""Set-up a worker process does once, before it takes jobs (models load here)."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence

from flask import Flask

from callcenter.config import ConfigError

log = logging.getLogger(__name__)


def warmup(app: Flask, queues: Sequence[str]) -> None:
    """Load what the jobs on ``queues`` need, once per worker process.

    The transcription engine is loaded here and used by this same process: transcription
    jobs run in-process (see IN_PROCESS_QUEUES in callcenter/cli/worker.py), never in a
    forked work horse, where CTranslate2 and OpenMP thread pools do not survive the fork.
    """
    from transcription.prepare import ModelError

    if "transcription" in queues:
        # Before the model starts its threads: on Linux each thread has its own nice value,
        # and threads inherit it from the thread that creates them.
        lower_cpu_priority(app.config["TRANSCRIBE_NICE"])
    if "routing" in queues:
        # Kiwi and the topic model load once here, not in every forked job.
        from routing.router import get_router

        get_router()
    if "transcription" not in queues or not app.config["TRANSCRIBE_PRELOAD"]:
        return
    from transcription.engines import load_engine

    started = time.perf_counter()
    try:
        engine = load_engine(app.config)
    except ModelError as exc:
        raise ConfigError(str(exc)) from None
    log.info(
        "transcription engine %s (%s) loaded in %.1f s",
        engine.name,
        engine.model,
        time.perf_counter() - started,
    )


def lower_cpu_priority(nice: int) -> None:
    """Raise this process's nice value to at least ``nice`` (never raises its priority)."""
    current = os.nice(0)
    if nice > current:
        os.nice(nice - current)
        log.info("transcription worker runs at nice %d", os.nice(0))
