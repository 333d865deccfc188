"""Operators, supervisors and admins, and the audit trail of what they did."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from callcenter.models.base import Base, utcnow

ROLES = ("operator", "supervisor", "admin")


class User(Base):
    """A console user; passwords are stored hashed only."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(80), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20), default="operator")
    center_code: Mapped[str | None] = mapped_column(ForeignKey("centers.code"))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    language: Mapped[str] = mapped_column(String(5), default="ko")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Bumped when an account is deactivated or reactivated: part of the session fingerprint,
    # so reactivation does not bring back the sessions that deactivation ended.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    # Set when an administrator chose the password: the user must pick their own first.
    must_change_password: Mapped[bool] = mapped_column(default=False)

    # Flask-Login's user interface (no schema change).
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        """A loaded user is a signed-in user."""
        return True

    @property
    def is_active(self) -> bool:
        """Deactivated users cannot sign in."""
        return bool(self.active)

    def get_id(self) -> str:
        """Session id ``<id>:<fingerprint>``: a new password or deactivation ends sessions.

        The fingerprint is a digest of the hash (the session cookie is signed, not secret).
        """
        fingerprint = f"{self.password_hash}|{self.active}|{self.session_epoch or 0}"
        digest = hashlib.sha256(fingerprint.encode()).hexdigest()
        return f"{self.id}:{digest[:16]}"


class AuditLog(Base):
    """Who did what, when: recording plays, re-routes, status changes, sign-ins."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(60))  # e.g. recording.play, ticket.reroute
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship()
