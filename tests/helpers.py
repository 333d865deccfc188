"""Helpers for tests that start real processes against the test app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def app_env(app: Flask) -> dict[str, str]:
    """Environment variables that make a subprocess use this test app's database and Redis."""
    env = dict(os.environ)
    env.update(
        APP_ENV="test",
        SECRET_KEY="test-secret",
        DATABASE_URL=app.config["DATABASE_URL"],
        REDIS_URL=app.config["REDIS_URL"],
        RECORDINGS_DIR=app.config["RECORDINGS_DIR"],
        PUBLIC_BASE_URL=app.config["PUBLIC_BASE_URL"],
    )
    return env


def run_worker_process(app: Flask, *, queues: str | None = None, timeout: float = 300) -> str:
    """Run a real `flask worker --burst` process against the test app; returns its output."""
    args = [sys.executable, "-m", "flask", "--app", "app", "worker", "--burst"]
    if queues:
        args += ["--queues", queues]
    result = subprocess.run(
        args, cwd=ROOT, env=app_env(app), capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout + result.stderr


def live_group_members(pgid: int) -> list[int]:
    """Processes still running in process group ``pgid`` (zombies awaiting a reaper excluded)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # it ended while we looked
        state, group = fields[0], int(fields[2])
        if group == pgid and state not in ("Z", "X"):
            members.append(int(stat.parent.name))
    return members
