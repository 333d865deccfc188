"""gunicorn entry for the benchmark: the real app, with the bare hello app beside it.

Both are served by the same gunicorn workers, so the ratio between them isolates what
the webhooks themselves cost.
"""

from __future__ import annotations

from werkzeug.middleware.dispatcher import DispatcherMiddleware

from bench.hello_app import app as hello_app
from callcenter import create_app

application = DispatcherMiddleware(create_app(), {"/bench-hello": hello_app})
