"""gunicorn settings for every way we start the web server.

``gunicorn --config python:callcenter.gunicorn_config app:app``. Only process-level concerns
live here; the app's settings come from the environment
(``callcenter/config.py``).
"""

from __future__ import annotations

import gc
import os
from typing import Any

# Threads, not one request per process: a client that sends its request slowly (or half a
# header and then nothing) holds one thread, not the whole worker; the other threads keep
# answering pages and Twilio's webhooks. In production a reverse proxy (nginx) in front
# buffers whole requests, so slow clients never reach these threads at all.
worker_class = "gthread"
threads = 8
# A request that takes longer than this is a hung worker: gunicorn restarts it.
timeout = 30
graceful_timeout = 30
# Idle keep-alive connections are closed after this many seconds.
keepalive = 5
# Request line and headers: small limits (forms and webhooks only).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190


def on_starting(server: Any) -> None:
    """In the master, before any worker: files the app creates are private (umask 077).

    The SQLite database, recordings, the spool and the embedded Redis hold callers' numbers
    and voices; no other account on the machine reads them.
    """
    os.umask(0o077)


def post_worker_init(worker: Any) -> None:
    """Once a worker has loaded the app: move its objects out of the cyclic GC's reach.

    The loaded app (SQLAlchemy, Flask, twilio, phone and holiday tables) is some 130,000
    objects that live as long as the process; a full collection scanned them all, a pause
    of 50 ms or more in whichever webhook triggered it. Frozen, they are never scanned again.
    """
    gc.collect()
    gc.freeze()
