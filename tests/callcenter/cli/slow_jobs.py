"""Job functions for worker tests: where a job runs, one that sleeps, one that hangs."""

from __future__ import annotations

import os
import signal
import time


def process_id() -> int:
    """The process the job ran in."""
    return os.getpid()


def niceness() -> int:
    """The nice value of the process the job ran in."""
    return os.nice(0)


def sleep_for(seconds: float) -> str:
    """Sleep in Python: RQ's death penalty interrupts it."""
    time.sleep(seconds)
    return "woke"


def hang_blocking_alarms(seconds: float) -> str:
    """Sleep with SIGALRM blocked, as a hang inside native code looks to RQ."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(seconds)
    return "woke"
