"""`flask serve` supervises its children: a dead worker comes back, SIGTERM ends every process."""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from flask import Flask
from rq import Worker
from rq.job import Job

from callcenter.cli.serve import worker_children
from callcenter.cli.supervise import Backoff, ChildExited, Supervisor
from callcenter.jobs import enqueue, get_queue
from tests.helpers import ROOT, app_env, live_group_members

T = TypeVar("T")


def _wait_for(what: str, check: Callable[[], T | None], timeout: float = 60) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _group_ended(pgid: int) -> bool:
    """True once process group ``pgid`` has no live member (a SIGKILL lands within moments)."""
    _wait_for(f"process group {pgid} to end", lambda: not live_group_members(pgid), timeout=5)
    return True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _started(log: Path, name: str) -> list[int]:
    text = log.read_text(encoding="utf-8", errors="replace")
    return [int(pid) for pid in re.findall(rf"{name} started \(pid (\d+)\)", text)]


def test_serve_restarts_a_dead_worker_and_sigterm_ends_every_process(app: Flask, tmp_path: Path):
    log = tmp_path / "serve.log"
    args = [sys.executable, "-m", "flask", "--app", "app", "serve"]
    args += ["--port", str(_free_port()), "--web-workers", "1"]
    with open(log, "wb") as out:
        serve = subprocess.Popen(
            args, cwd=ROOT, env=app_env(app), stdout=out, stderr=out, start_new_session=True
        )
    connection = get_queue("default", app).connection
    groups: list[int] = []
    try:
        (web,) = _wait_for("the web server", lambda: _started(log, "web"))
        (first,) = _wait_for("the routing worker", lambda: _started(log, "routing-1"))
        (transcriber,) = _wait_for("the transcriber", lambda: _started(log, "transcribe-1"))
        groups += [web, first, transcriber]
        _wait_for("the banner", lambda: "실행 중" in log.read_text(encoding="utf-8"))
        _wait_for(
            "the worker to register with RQ",
            lambda: first in [w.pid for w in Worker.all(connection=connection)],
        )

        # As the transcription watchdog (or the OOM killer) would end it.
        os.kill(first, signal.SIGKILL)
        second = _wait_for("a new worker", lambda: _started(log, "routing-1")[1:])[0]
        groups.append(second)
        assert second != first
        assert f"routing-1 (pid {first}) killed by SIGKILL" in log.read_text(encoding="utf-8")
        assert _group_ended(first)  # its RQ scheduler process went with it

        with app.app_context():
            job = enqueue("tests.callcenter.cli.slow_jobs.process_id", queue="default")
        job = _wait_for(
            "the job to run",
            lambda: (j := Job.fetch(job.id, connection=connection)).is_finished and j,
        )
        pids = {w.name: w.pid for w in Worker.all(connection=connection)}
        assert pids.get(job.worker_name) == second

        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=60) == 0, log.read_text(encoding="utf-8")[-3000:]
        assert "SIGTERM received; stopping" in log.read_text(encoding="utf-8")
        for group in [serve.pid, web, second, transcriber]:
            assert _group_ended(group), group
    finally:
        for group in [serve.pid, *groups]:
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass
        serve.wait(timeout=10)


def _supervise(supervisor: Supervisor, seconds: float) -> None:
    stop = threading.Event()
    timer = threading.Timer(seconds, stop.set)
    supervisor.start()
    timer.start()
    try:
        supervisor.run(stop, interval=0.02)
    finally:
        timer.cancel()
        supervisor.stop()


def _delays(text: str) -> list[float]:
    return [float(d) for d in re.findall(r"restarting in ([\d.]+) s", text)]


def test_a_worker_dying_at_start_is_restarted_with_growing_delays(caplog: pytest.LogCaptureFixture):
    supervisor = Supervisor(backoff=Backoff(first=0.1, maximum=0.4, stable_after=10))
    child = supervisor.add("worker-1", [sys.executable, "-c", "raise SystemExit(3)"], restart=True)
    with caplog.at_level(logging.INFO, logger="callcenter.serve"):
        _supervise(supervisor, 3)
    assert "worker-1 (pid" in caplog.text and "exited with code 3" in caplog.text
    delays = _delays(caplog.text)
    assert delays[:4] == [0.1, 0.2, 0.4, 0.4]
    assert max(delays) == 0.4
    # Without the back-off it would have restarted every poll (dozens of times).
    assert 4 <= child.restarts <= 3 / 0.4 + 3


def test_a_worker_that_ran_a_while_is_restarted_quickly_again(caplog: pytest.LogCaptureFixture):
    supervisor = Supervisor(backoff=Backoff(first=0.1, maximum=0.4, stable_after=0.2))
    script = "import time; time.sleep(0.3)"
    supervisor.add("worker-1", [sys.executable, "-c", script], restart=True)
    with caplog.at_level(logging.INFO, logger="callcenter.serve"):
        _supervise(supervisor, 1.5)
    delays = _delays(caplog.text)
    assert len(delays) >= 2 and set(delays) == {0.1}


def test_web_server_exit_is_fatal_and_stop_ends_whole_groups():
    supervisor = Supervisor(stop_grace=0.5)
    supervisor.add("web", [sys.executable, "-c", "import time; time.sleep(0.3)"], restart=False)
    # A worker that ignores SIGTERM and has a child of its own, like a busy RQ work horse.
    stubborn = (
        "import signal, subprocess, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "subprocess.Popen(['sleep', '60'])\n"
        "time.sleep(60)\n"
    )
    worker = supervisor.add("worker-1", [sys.executable, "-c", stubborn], restart=True)
    supervisor.start()
    assert worker.process is not None
    group = worker.process.pid
    _wait_for("the grandchild", lambda: len(live_group_members(group)) == 2, timeout=10)
    with pytest.raises(ChildExited, match="web exited with code 0"):
        supervisor.run(threading.Event(), interval=0.02)
    supervisor.stop()
    assert _group_ended(group)
    assert worker.process is None


def _queues_of(args: list[str]) -> list[str]:
    return args[args.index("--queues") + 1].split(",")


def test_serve_runs_a_routing_worker_apart_from_the_transcription_workers():
    children = dict(worker_children(2))
    light = [name for name, args in children.items() if "routing" in _queues_of(args)]
    assert light == ["routing-1"]
    assert _queues_of(children["routing-1"]) == ["routing", "default"]
    transcribers = [name for name, args in children.items() if "transcription" in _queues_of(args)]
    assert transcribers == ["transcribe-1", "transcribe-2"]
