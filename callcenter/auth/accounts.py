"""Account changes made by an administrator (web) or the command line, each audited.

Every function validates, changes the user, adds an ``AuditLog`` row and flushes; the
caller commits. ``actor`` is the administrator acting, or None for the command line
(its rows say ``via: cli``). Audit rows never hold a password or a hash.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callcenter.auth.security import (
    UserError,
    create_user,
    profile_errors,
    set_password,
    verify_password,
)
from callcenter.models import User, utcnow
from callcenter.services.audit import audit

# No 0/O, 1/l/I: a generated password is read off the screen and typed or spoken once.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_password(groups: int = 4, size: int = 4) -> str:
    """A random password like ``hK7d-pQ3x-…`` (4 × 4 characters, about 93 bits)."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(size)) for _ in range(groups))


def is_locked(user: User) -> bool:
    """True while a sign-in lockout holds the account."""
    return user.locked_until is not None and user.locked_until > utcnow()


def _audit(
    session: Session,
    action: str,
    user: User,
    actor: User | None,
    ip: str | None,
    **detail: Any,
) -> None:
    if actor is None:
        detail["via"] = "cli"
    audit(
        session,
        action,
        user=actor,
        target_type="user",
        target_id=user.id,
        ip=ip,
        username=user.username,
        **detail,
    )


def _refuse_self(user: User, actor: User | None, *, demote: bool) -> None:
    """An admin cannot deactivate themselves or take the admin role from themselves."""
    if actor is not None and actor.id == user.id:
        raise UserError(
            "role" if demote else "active",
            "user.error.self_demote" if demote else "user.error.self_deactivate",
        )


def _lock_admins(session: Session) -> None:
    """PostgreSQL: lock the active admins, so that two admins removing each other queue up."""
    session.scalars(
        select(User.id).where(User.role == "admin", User.active.is_(True)).with_for_update()
    ).all()


def _require_an_admin(session: Session, *, demote: bool) -> None:
    """After the change is flushed, raise unless an active admin remains.

    Counting after the write matters on SQLite, where FOR UPDATE is a no-op: the flush takes
    the database's write lock, so no other removal can commit between this count and ours.
    """
    remaining = session.scalar(
        select(func.count()).select_from(User).where(User.role == "admin", User.active.is_(True))
    )
    if not remaining:
        raise UserError("role" if demote else "active", "user.error.last_admin")


def create_account(
    session: Session,
    *,
    actor: User | None,
    ip: str | None,
    username: str,
    role: str,
    password: str,
    center_code: str | None = None,
    display_name: str = "",
    language: str = "ko",
    generated: bool = False,
) -> User:
    """Create an account (raises UserError) and audit ``user.create``."""
    user = create_user(
        session,
        username=username,
        role=role,
        password=password,
        center_code=center_code,
        display_name=display_name,
        language=language,
    )
    # A password an administrator typed or generated in the web form is theirs, not the
    # user's: the user picks their own at first sign-in (the command line sets up its own).
    user.must_change_password = actor is not None
    _audit(
        session,
        "user.create",
        user,
        actor,
        ip,
        display_name=user.display_name,
        role=role,
        center=center_code or "",
        language=language,
        password="generated" if generated else "typed",
    )
    session.flush()
    return user


def reset_password(
    session: Session,
    user: User,
    password: str,
    *,
    actor: User | None,
    ip: str | None,
    generated: bool = False,
) -> None:
    """Set a new password (ends the user's sessions and any lockout); audit ``user.password``.

    Set by an administrator for someone else, the user must change it at next sign-in.
    """
    set_password(user, password)
    user.must_change_password = actor is not None and actor.id != user.id
    _audit(
        session, "user.password", user, actor, ip, password="generated" if generated else "typed"
    )
    session.flush()


def change_own_password(
    session: Session, user: User, current: str, new: str, confirm: str, *, ip: str | None
) -> None:
    """The signed-in user's own change: the current password, then a new one twice."""
    if not verify_password(user, current):
        raise UserError("current_password", "user.error.current_password")
    if new != confirm:
        raise UserError("confirm", "user.error.password_mismatch")
    if new == current:
        raise UserError("password", "user.error.password_same")
    set_password(user, new)
    user.must_change_password = False
    audit(session, "user.password_change", user=user, target_type="user", target_id=user.id, ip=ip)
    session.flush()


def unlock_account(session: Session, user: User, *, actor: User | None, ip: str | None) -> bool:
    """Lift a sign-in lockout; False (and no audit row) when there was none."""
    if not is_locked(user) and not user.failed_logins:
        return False
    user.locked_until = None
    user.failed_logins = 0
    _audit(session, "user.unlock", user, actor, ip)
    session.flush()
    return True


def set_active(
    session: Session, user: User, active: bool, *, actor: User | None, ip: str | None
) -> bool:
    """Deactivate (ends sessions) or reactivate; False when already so. Audited.

    Raises UserError for oneself or the last active admin; the session then holds a flushed
    change and must be rolled back.
    """
    if bool(user.active) == active:
        return False
    removes_admin = not active and user.role == "admin"
    if not active:
        _refuse_self(user, actor, demote=False)
    if removes_admin:
        _lock_admins(session)
    user.active = active
    # A new epoch either way: sessions from before a deactivation never come back.
    user.session_epoch = (user.session_epoch or 0) + 1
    if active:
        user.failed_logins = 0
        user.locked_until = None
    session.flush()
    if removes_admin:
        _require_an_admin(session, demote=False)
    _audit(session, "user.reactivate" if active else "user.deactivate", user, actor, ip)
    session.flush()
    return True


def update_account(
    session: Session,
    user: User,
    *,
    actor: User | None,
    ip: str | None,
    display_name: str,
    role: str,
    center_code: str | None,
    language: str,
) -> dict[str, str]:
    """Change name, role, center and language (raises UserError); audit ``user.update``.

    Returns the changes as ``{field: "old → new"}`` (empty: nothing changed, no audit row).
    After a UserError the session may hold a flushed change and must be rolled back.
    """
    errors = profile_errors(
        session, role=role, center_code=center_code, display_name=display_name, language=language
    )
    if errors:
        raise errors[0]
    demotes_admin = user.role == "admin" and role != "admin" and bool(user.active)
    if user.role == "admin" and role != "admin":
        _refuse_self(user, actor, demote=True)
    if demotes_admin:
        _lock_admins(session)
    wanted = {
        "display_name": display_name or user.username,
        "role": role,
        "center_code": center_code,
        "language": language,
    }
    changes = {}
    for field, new in wanted.items():
        old = getattr(user, field)
        if old != new:
            changes[field.removesuffix("_code")] = f"{old or '–'} → {new or '–'}"
            setattr(user, field, new)
    if changes:
        session.flush()
        if demotes_admin:
            _require_an_admin(session, demote=True)
        _audit(session, "user.update", user, actor, ip, **changes)
        session.flush()
    return changes
