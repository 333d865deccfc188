"""Liveness and readiness for load balancers and the serve command."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from callcenter.config import ConfigError
from callcenter.db import db
from callcenter.redis_conn import check_redis

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Reports database and Redis reachability; 503 if either is down."""
    checks: dict[str, str] = {}
    for name, check in (("database", db.check), ("redis", lambda: check_redis(current_app))):
        try:
            check()
            checks[name] = "ok"
        except ConfigError as exc:
            # The reason (host names, paths) goes to the log, not to anonymous callers.
            current_app.logger.warning("healthz: %s unavailable: %s", name, exc)
            checks[name] = "unavailable"
    healthy = all(v == "ok" for v in checks.values())
    return jsonify(status="ok" if healthy else "degraded", **checks), 200 if healthy else 503
