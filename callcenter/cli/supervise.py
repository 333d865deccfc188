"""The child processes of `flask serve`: the web server, and RQ workers restarted when they die.

A worker can end on its own: the transcription watchdog ends one whose job hangs (RQ then
retries the job), a crash, the OOM killer. Recordings would then pile up untranscribed, so
the supervisor starts it again, waiting longer after each quick death (a worker that cannot
start, e.g. with its model missing, must not spin). The web server's exit stops everything:
gunicorn supervises its own workers, so its master ending means a real failure.

Each child runs in its own process group, so that what it leaves behind (RQ's scheduler
process and work horses, gunicorn's workers) is ended with it and never orphaned.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

log = logging.getLogger("callcenter.serve")

# Time the children get to finish after SIGTERM (RQ finishes its current job, gunicorn its
# requests) before their whole process group is killed. A job cut short stays in RQ's
# started registry and is retried when its lease expires.
STOP_GRACE_SECONDS = 20.0


@dataclass(frozen=True)
class Backoff:
    """Restart delays: ``first``, doubled after each quick death up to ``maximum``."""

    first: float = 1.0
    maximum: float = 60.0
    # A worker that ran this long was healthy: its next restart is quick again.
    stable_after: float = 30.0

    def delay(self, quick_deaths: int) -> float:
        """Seconds to wait before restarting after ``quick_deaths`` quick deaths in a row."""
        return min(self.maximum, self.first * 2 ** max(0, quick_deaths - 1))


@dataclass
class Child:
    """One supervised command and its current process (None while waiting to restart)."""

    name: str
    args: Sequence[str]
    restart: bool
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    quick_deaths: int = 0
    restart_at: float | None = None
    restarts: int = 0


class ChildExited(Exception):
    """A child that is not restarted (the web server) has exited."""


class Supervisor:
    """Starts children in their own process groups, restarts workers, stops them all."""

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        backoff: Backoff | None = None,
        stop_grace: float = STOP_GRACE_SECONDS,
        cwd: str | None = None,
    ) -> None:
        self.env = dict(env) if env is not None else None
        self.backoff = backoff or Backoff()
        self.stop_grace = stop_grace
        self.cwd = cwd
        self.children: list[Child] = []
        self._stopping = False

    def add(self, name: str, args: Sequence[str], *, restart: bool) -> Child:
        """Register a command; ``restart`` ones are started again whenever they exit."""
        child = Child(name, list(args), restart)
        self.children.append(child)
        return child

    def start(self) -> None:
        """Start every registered child."""
        for child in self.children:
            self._spawn(child)

    def poll(self) -> None:
        """Reap exited children, schedule or perform restarts; raise ChildExited if fatal."""
        if self._stopping:
            return
        now = time.monotonic()
        for child in self.children:
            if child.process is None:
                if child.restart_at is not None and now >= child.restart_at:
                    child.restarts += 1
                    self._spawn(child)
                continue
            code = child.process.poll()
            if code is None:
                continue
            pid, ran = child.process.pid, now - child.started_at
            child.process = None
            _kill_group(pid)  # its RQ scheduler or a work horse must not live on
            if not child.restart:
                log.error("%s (pid %d) %s; stopping", child.name, pid, describe_exit(code))
                raise ChildExited(f"{child.name} {describe_exit(code)}")
            quick = ran < self.backoff.stable_after
            child.quick_deaths = child.quick_deaths + 1 if quick else 1
            delay = self.backoff.delay(child.quick_deaths)
            child.restart_at = now + delay
            log.warning(
                "%s (pid %d) %s after %.1f s; restarting in %g s (restart %d)",
                child.name,
                pid,
                describe_exit(code),
                ran,
                delay,
                child.restarts + 1,
            )

    def run(self, stop: threading.Event, interval: float = 0.2) -> None:
        """Supervise until ``stop`` is set; raises ChildExited when the web server exits."""
        while not stop.wait(interval):
            self.poll()

    def stop(self) -> None:
        """SIGTERM every child, wait up to ``stop_grace``, then kill their process groups."""
        self._stopping = True
        running = [(c, c.process) for c in self.children if c.process is not None]
        for _child, process in running:
            if process.poll() is None:
                process.terminate()  # the leader only: RQ and gunicorn shut down warm
        deadline = time.monotonic() + self.stop_grace
        for child, process in running:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning(
                    "%s (pid %d) still running %g s after SIGTERM; killing it",
                    child.name,
                    process.pid,
                    self.stop_grace,
                )
            # Whatever it left in its group (work horses, a scheduler) goes too.
            _kill_group(process.pid)
            process.wait()
            child.process = None

    def _spawn(self, child: Child) -> None:
        child.process = subprocess.Popen(
            child.args, env=self.env, cwd=self.cwd, start_new_session=True
        )
        child.started_at = time.monotonic()
        child.restart_at = None
        log.info("%s started (pid %d)", child.name, child.process.pid)


def describe_exit(code: int) -> str:
    """``exited with code 70`` or ``killed by SIGKILL``, from a Popen return code."""
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code}"


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # the group is already empty
