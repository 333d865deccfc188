"""gunicorn settings for every way we start the web server.

``gunicorn --config python:callcenter.gunicorn_config app:app``. Only process-level concerns
live here; the app's settings come from the environment
(``callcenter/config.py``).
"""

from __future__ import annotations

import gc
from typing import Any


def post_worker_init(worker: Any) -> None:
    """Once a worker has loaded the app: move its objects out of the cyclic GC's reach.

    The loaded app (SQLAlchemy, Flask, twilio, phone and holiday tables) is some 130,000
    objects that live as long as the process; a full collection scanned them all, a pause
    of 50 ms or more in whichever webhook triggered it. Frozen, they are never scanned again.
    """
    gc.collect()
    gc.freeze()
