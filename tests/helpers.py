"""Helpers for tests that drive the test app: signed-in clients, a real HTTP server, processes.

Test data (users, calls, tickets, audio) comes from ``tests.factories``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from tests.factories import PASSWORD, make_user

ROOT = Path(__file__).resolve().parent.parent
_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/auth/login") -> str:
    """The session's CSRF token, read from a page's meta tag."""
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = _TOKEN.search(page)
    assert match, "page has no csrf-token meta tag"
    return match.group(1)


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD, **extra: str):
    """POST the sign-in form with a valid CSRF token; returns the response."""
    token = csrf_token(client)
    return client.post(
        "/auth/login",
        data={"username": username, "password": password, "csrf_token": token, **extra},
    )


def signed_in_client(
    app: Flask, username: str, role: str = "operator", center: str | None = "INCHEON"
) -> FlaskClient:
    """A new test client signed in as a new user of ``role``."""
    make_user(app, username, role, center)
    client = app.test_client()
    response = sign_in(client, username)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve ``app`` from a threaded werkzeug server on a free 127.0.0.1 port; yields its URL.

    The ``live_server`` fixture serves the test's own app; use this directly for a second app
    (e.g. one whose database is down).
    """
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


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
    for name in ("S3_ENDPOINT_URL", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_REGION"):
        env[name] = app.config.get(name) or ""
    bucket = app.config.get("RECORDINGS_S3_BUCKET")
    prefix = app.config.get("RECORDINGS_S3_PREFIX", "")
    env["RECORDINGS_STORE"] = f"s3://{bucket}/{prefix}" if bucket else "local"
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
