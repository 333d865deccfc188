"""Set-up a worker process does once, before it forks work horses (models load here)."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask


def warmup(app: Flask, queues: Sequence[str]) -> None:
    """Load what the jobs on ``queues`` need, once per worker process."""
    # Filled in by the transcription package (model load) once it lands.
    if "routing" in queues:
        # Kiwi and the topic model load once here, not in every forked job.
        from routing.router import get_router

        get_router()
