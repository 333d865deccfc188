"""The audit trail: one row per thing a person did (sign-ins, plays, changes)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from callcenter.models import AuditLog, User, utcnow


def audit(
    session: Session,
    action: str,
    *,
    user: User | None,
    target_type: str | None = None,
    target_id: int | None = None,
    ip: str | None = None,
    **detail: Any,
) -> AuditLog:
    """Add one audit row to the caller's transaction."""
    row = AuditLog(
        user_id=user.id if user is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        detail=dict(detail),
        ip=ip,
        created_at=utcnow(),
    )
    session.add(row)
    return row
