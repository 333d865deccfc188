"""`flask serve` keeps answering while slow clients hold half-sent requests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from flask import Flask

from tests.helpers import ROOT, app_env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, timeout: float) -> int:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return int(response.status)


def _wait_until_up(base_url: str, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if _get(f"{base_url}/healthz", timeout=2) == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("flask serve did not start:\n" + log.read_text(errors="replace")[-3000:])


def test_half_sent_headers_do_not_stall_pages(app: Flask, tmp_path: Path):
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    args = [sys.executable, "-m", "flask", "--app", "app", "serve", "--port", str(port)]
    args += ["--web-workers", "1", "--workers", "0"]
    with open(log, "wb") as out:
        serve = subprocess.Popen(
            args, cwd=ROOT, env=app_env(app), stdout=out, stderr=out, start_new_session=True
        )
    slow: list[socket.socket] = []
    try:
        _wait_until_up(base_url, log)
        # Four clients that send half a request and then wait (one web worker process).
        for _ in range(4):
            conn = socket.create_connection(("127.0.0.1", port), timeout=5)
            conn.sendall(b"GET /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            slow.append(conn)
        time.sleep(0.5)
        started = time.monotonic()
        assert _get(f"{base_url}/auth/login", timeout=5) == 200
        assert _get(f"{base_url}/healthz", timeout=5) == 200
        assert time.monotonic() - started < 5
    finally:
        for conn in slow:
            conn.close()
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait(timeout=10)
