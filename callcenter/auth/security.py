"""Passwords, sign-in checks, per-account lockout and the per-address throttle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from flask import Flask, current_app
from redis.exceptions import RedisError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from callcenter.models import ROLES, Center, User, utcnow
from callcenter.redis_conn import get_redis
from callcenter.services.audit import audit

MIN_PASSWORD_LENGTH = 10


class UserError(ValueError):
    """A user cannot be created or changed as asked; the message says why."""


def hash_password(password: str) -> str:
    """A salted scrypt hash (werkzeug's default method)."""
    return generate_password_hash(password, method="scrypt")


@cache
def _dummy_hash() -> str:
    return hash_password("not-a-real-password-for-timing")


def load_user_by_token(session: Session, token: str) -> User | None:
    """The user whose ``get_id()`` is ``token``, if still valid and active."""
    user_id, _, _digest = token.partition(":")
    if not user_id.isdigit():
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.active or user.get_id() != token:
        return None
    return user


def validate_new_user(
    session: Session, username: str, role: str, center_code: str | None, password: str
) -> None:
    """Raise UserError unless these make a valid new account."""
    if (
        not username
        or len(username) > 60
        or not username.replace("_", "").replace(".", "").isalnum()
    ):
        raise UserError("username: letters, digits, '.' and '_' only, up to 60 characters")
    if role not in ROLES:
        raise UserError(f"role: expected one of {', '.join(ROLES)}")
    if role == "operator" and not center_code:
        raise UserError("center: an operator belongs to a center")
    if center_code and session.get(Center, center_code) is None:
        raise UserError(f"center: unknown center code {center_code!r}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    taken = session.scalar(
        select(func.count()).select_from(User).where(func.lower(User.username) == username.lower())
    )
    if taken:
        raise UserError(f"username: {username!r} already exists")


def create_user(
    session: Session,
    *,
    username: str,
    role: str,
    password: str,
    center_code: str | None = None,
    display_name: str = "",
    language: str = "ko",
) -> User:
    """Validate and add a user with a hashed password (flushes; the caller commits)."""
    validate_new_user(session, username, role, center_code, password)
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=role,
        center_code=center_code,
        language=language,
        active=True,
        failed_logins=0,
    )
    session.add(user)
    session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """Replace a user's password; ends the user's open sessions and any lockout."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None


@dataclass(frozen=True)
class SignInResult:
    """The outcome of one sign-in attempt."""

    user: User | None
    reason: str  # ok, bad_credentials, locked, inactive


def check_sign_in(
    session: Session, username: str, password: str, *, ip: str | None
) -> SignInResult:
    """Verify credentials with per-account lockout; writes audit rows, the caller commits."""
    app = current_app
    user = session.scalars(
        select(User).where(func.lower(User.username) == username.strip().lower())
    ).first()
    now = utcnow()
    if user is None:
        # Same work as a real check so that response time does not reveal usernames.
        check_password_hash(_dummy_hash(), password)
        audit(session, "auth.login_failed", user=None, ip=ip, username=username[:60])
        return SignInResult(None, "bad_credentials")
    if user.locked_until is not None and user.locked_until > now:
        audit(session, "auth.login_failed", user=user, ip=ip, reason="locked")
        return SignInResult(None, "locked")
    if not check_password_hash(user.password_hash, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        reason = "bad_credentials"
        if user.failed_logins >= app.config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"])
            user.failed_logins = 0
            audit(session, "auth.locked", user=user, ip=ip)
            reason = "locked"
        audit(session, "auth.login_failed", user=user, ip=ip, reason="password")
        return SignInResult(None, reason)
    if not user.active:
        audit(session, "auth.login_failed", user=user, ip=ip, reason="inactive")
        return SignInResult(None, "inactive")
    user.failed_logins = 0
    user.locked_until = None
    audit(session, "auth.login", user=user, ip=ip)
    return SignInResult(user, "ok")


def _ip_key(ip: str) -> str:
    return f"auth:login-failures:{ip}"


def ip_throttled(app: Flask, ip: str) -> bool:
    """True when this address has failed too often in the current window."""
    try:
        count = get_redis(app).get(_ip_key(ip))
    except (RedisError, OSError) as exc:
        # Fail open: the per-account lockout in the database still applies.
        app.logger.warning("login throttle unavailable: %s", exc)
        return False
    return count is not None and int(count) >= app.config["LOGIN_IP_MAX_FAILURES"]


def record_ip_failure(app: Flask, ip: str) -> None:
    """Count a failed sign-in from this address; the window starts at its first failure."""
    try:
        client = get_redis(app)
        key = _ip_key(ip)
        pipe = client.pipeline()
        # SET NX starts the window once (EXPIRE NX needs Redis 7; the embedded one is 6.2).
        pipe.set(key, 0, ex=app.config["LOGIN_IP_WINDOW_MINUTES"] * 60, nx=True)
        pipe.incr(key)
        pipe.execute()
    except (RedisError, OSError) as exc:
        app.logger.warning("login throttle unavailable: %s", exc)
