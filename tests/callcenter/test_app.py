"""The running parts: the health check and a worker that exits when its queues are empty."""

from __future__ import annotations

import subprocess
import sys

from flask import Flask

from tests.helpers import ROOT, app_env


def test_healthz_reports_database_and_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_worker_burst_exits_on_empty_queues(app: Flask):
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "worker", "--burst"],
        cwd=ROOT,
        env=app_env(app),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
