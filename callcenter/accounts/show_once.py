"""A generated password kept for its one showing, never readable from the session cookie.

The signed session cookie is not encrypted (base64 anyone can read), so it holds only the
password XOR a random pad; the pad waits in Redis for ``KEEP_SECONDS`` and is deleted when
the page shows the password. Neither half alone reveals anything.
"""

from __future__ import annotations

import base64
import secrets

from flask import current_app, session
from redis.exceptions import RedisError

from callcenter.redis_conn import get_redis

SESSION_KEY = "admin_new_password"
KEEP_SECONDS = 600


def _redis_key(token: str) -> str:
    return f"accounts:show-once:{token}"


def _xor(data: bytes, pad: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, pad, strict=True))


def keep(user_id: int, password: str) -> bool:
    """Keep ``password`` for the next page of ``user_id``; False when Redis is unavailable."""
    data = password.encode()
    pad = secrets.token_bytes(len(data))
    token = secrets.token_urlsafe(18)
    try:
        get_redis(current_app).set(_redis_key(token), pad, ex=KEEP_SECONDS)
    except (RedisError, OSError) as exc:
        current_app.logger.warning("generated password not kept for showing: %s", exc)
        return False
    session[SESSION_KEY] = {
        "user_id": user_id,
        "token": token,
        "sealed": base64.b64encode(_xor(data, pad)).decode("ascii"),
    }
    return True


def take(user_id: int) -> str | None:
    """The password kept for ``user_id``, once (None when there is none or it expired)."""
    kept = session.get(SESSION_KEY)
    if not isinstance(kept, dict) or kept.get("user_id") != user_id:
        return None
    session.pop(SESSION_KEY)
    try:
        pad = get_redis(current_app).getdel(_redis_key(str(kept.get("token"))))
        sealed = base64.b64decode(str(kept.get("sealed")))
    except (RedisError, OSError, ValueError):
        return None
    if not isinstance(pad, bytes) or len(pad) != len(sealed):
        return None
    return _xor(sealed, pad).decode(errors="replace")
