"""Passwords, sign-in checks, per-account lockout and the per-address throttle."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

from flask import Flask, current_app
from redis.exceptions import RedisError
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from callcenter.auth.passwords import is_guessable
from callcenter.i18n import LANGUAGES, t
from callcenter.models import ROLES, Center, User, utcnow
from callcenter.redis_conn import get_redis
from callcenter.services.audit import audit

MIN_PASSWORD_LENGTH = 10
# scrypt reads the whole password; a cap keeps one request from costing much.
MAX_PASSWORD_LENGTH = 200
USERNAME_MAX = 60
DISPLAY_NAME_MAX = 80
USERNAME_RE = re.compile(r"[A-Za-z0-9._]+")


class UserError(ValueError):
    """A user cannot be created or changed as asked: the field, a message id and its values.

    The web shows ``message()`` in the page's language next to ``field``; ``str()`` is the
    English text prefixed by the field, for the command line and logs.
    """

    def __init__(self, field: str, msg_id: str, **values: Any) -> None:
        super().__init__(field, msg_id)
        self.field = field
        self.msg_id = msg_id
        self.values = values

    def message(self, lang: str | None = None) -> str:
        """The reason in ``lang`` (default: the current language)."""
        return t(self.msg_id, lang, **self.values)

    def __str__(self) -> str:
        return f"{self.field}: {self.message('en')}"


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


def username_error(session: Session, username: str) -> UserError | None:
    """Why ``username`` cannot be a new sign-in name (format, or taken in any letter case)."""
    if not username or len(username) > USERNAME_MAX or not USERNAME_RE.fullmatch(username):
        return UserError("username", "user.error.username_format", max=USERNAME_MAX)
    query = (
        select(func.count()).select_from(User).where(func.lower(User.username) == username.lower())
    )
    if session.scalar(query):
        return UserError("username", "user.error.username_taken", username=username)
    return None


def profile_errors(
    session: Session, *, role: str, center_code: str | None, display_name: str, language: str
) -> list[UserError]:
    """What is wrong with a role, center, display name and language (empty when valid)."""
    errors = []
    if len(display_name) > DISPLAY_NAME_MAX or not display_name.isprintable():
        errors.append(UserError("display_name", "user.error.display_name", max=DISPLAY_NAME_MAX))
    if role not in ROLES:
        errors.append(UserError("role", "user.error.role", roles=", ".join(ROLES)))
    if role == "operator" and not center_code:
        errors.append(UserError("center", "user.error.center_required"))
    elif center_code and session.get(Center, center_code) is None:
        errors.append(UserError("center", "user.error.center_unknown", code=center_code))
    if language not in LANGUAGES:
        errors.append(UserError("language", "user.error.language"))
    return errors


def password_error(password: str, context: Iterable[str] = ()) -> UserError | None:
    """Why ``password`` cannot be used, if it cannot (``context``: the user's names)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return UserError("password", "user.error.password_short", min=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return UserError("password", "user.error.password_long", max=MAX_PASSWORD_LENGTH)
    if is_guessable(password, context):
        return UserError("password", "user.error.password_guessable")
    return None


def new_user_errors(
    session: Session,
    *,
    username: str,
    role: str,
    center_code: str | None,
    password: str,
    display_name: str = "",
    language: str = "ko",
) -> list[UserError]:
    """Every reason these do not make a valid new account, in form order (empty when valid)."""
    errors = [username_error(session, username)]
    errors += profile_errors(
        session,
        role=role,
        center_code=center_code,
        display_name=display_name,
        language=language,
    )
    errors.append(password_error(password, (username, display_name)))
    return [e for e in errors if e is not None]


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
    errors = new_user_errors(
        session,
        username=username,
        role=role,
        center_code=center_code,
        password=password,
        display_name=display_name,
        language=language,
    )
    if errors:
        raise errors[0]
    user = User(
        # Stored in lower case, so the unique constraint is case-insensitive too (sign-in
        # already ignores case): "Kim" and "kim" created at once cannot both succeed.
        username=username.lower(),
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


def verify_password(user: User, password: str) -> bool:
    """Whether ``password`` is the user's current password."""
    return check_password_hash(user.password_hash, password)


def set_password(user: User, password: str) -> None:
    """Replace a user's password; ends the user's open sessions and any lockout."""
    error = password_error(password, (user.username, user.display_name))
    if error is not None:
        raise error
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None


@dataclass(frozen=True)
class SignInResult:
    """The outcome of one sign-in attempt."""

    user: User | None
    reason: str  # ok, bad_credentials, locked, inactive


def masked_username(username: str) -> dict[str, Any]:
    """What the audit log keeps of a name that matches no account.

    People type passwords into the username box; the log keeps a keyed digest (repeated
    attempts on one name still line up) and the length, never the text.
    """
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, username.strip().lower().encode(), hashlib.sha256).hexdigest()
    return {"username_digest": digest[:16], "username_length": len(username)}


def check_sign_in(
    session: Session, username: str, password: str, *, ip: str | None
) -> SignInResult:
    """Verify credentials with per-account lockout; writes audit rows, the caller commits.

    An attempt claims its place in the failure count *before* the password is checked, in
    one atomic UPDATE, so parallel guesses cannot check more passwords than the limit. The
    claim is committed at once: the slow password hash runs with no write lock held.
    Unknown names lock the same way (counted in Redis) and every path hashes once, so
    neither the answer nor its time tells whether an account exists.
    """
    app = current_app
    limit = app.config["LOGIN_MAX_FAILURES"]
    user = session.scalars(
        select(User).where(func.lower(User.username) == username.strip().lower())
    ).first()
    if user is None:
        check_password_hash(_dummy_hash(), password)
        failures = _count_unknown_failure(username)
        audit(session, "auth.login_failed", user=None, ip=ip, **masked_username(username))
        return SignInResult(None, "locked" if failures >= limit else "bad_credentials")
    now = utcnow()
    attempt = session.execute(
        update(User)
        .where(User.id == user.id, or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(failed_logins=func.coalesce(User.failed_logins, 0) + 1)
        .returning(User.failed_logins)
    ).scalar_one_or_none()
    session.commit()
    if attempt is None or attempt > limit:
        # Locked, or this attempt came after the limit's last one: no password check.
        check_password_hash(_dummy_hash(), password)
        audit(session, "auth.login_failed", user=user, ip=ip, reason="locked")
        return SignInResult(None, "locked")
    session.refresh(user)
    if not check_password_hash(user.password_hash, password):
        reason = "bad_credentials"
        if attempt >= limit:
            user.locked_until = now + timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"])
            user.failed_logins = 0
            audit(session, "auth.locked", user=user, ip=ip)
            reason = "locked"
        audit(session, "auth.login_failed", user=user, ip=ip, reason="password")
        return SignInResult(None, reason)
    if not user.active:
        user.failed_logins = 0
        audit(session, "auth.login_failed", user=user, ip=ip, reason="inactive")
        return SignInResult(None, "inactive")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit(session, "auth.login", user=user, ip=ip)
    return SignInResult(user, "ok")


def _count_unknown_failure(username: str) -> int:
    """Failures for a name with no account in the lock window (0 when Redis is down)."""
    app = current_app
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()
    key = f"auth:unknown-failures:{name}"
    try:
        pipe = get_redis(app).pipeline()
        pipe.set(key, 0, ex=app.config["LOGIN_LOCK_MINUTES"] * 60, nx=True)
        pipe.incr(key)
        return int(pipe.execute()[1])
    except (RedisError, OSError) as exc:
        app.logger.warning("login throttle unavailable: %s", exc)
        return 0


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
