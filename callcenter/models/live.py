"""Live calls: operators' presence and the callers waiting for one, the record of truth.

Every web worker decides offers from these rows (conditional UPDATEs claim them), so no
state lives only in one process's memory.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from callcenter.models.base import Base, utcnow
from callcenter.models.calls import Call
from callcenter.models.users import User

# 대기, 전화 울림(제안 중), 통화 중, 후처리, 자리비움, 로그아웃
PRESENCE_STATES = ("available", "ringing", "on_call", "wrap_up", "away", "offline")
# A live call: waiting in its center's queue, ringing one operator, talking, or finished.
LIVE_CALL_STATUSES = ("queued", "ringing", "connected", "ended", "abandoned", "left")
LIVE_CALL_OPEN = ("queued", "ringing", "connected")


class OperatorPresence(Base):
    """One operator's state for live calls; ``since`` orders who has been idle longest."""

    __tablename__ = "operator_presence"
    __table_args__ = (Index("ix_operator_presence_center_state", "center_code", "state", "since"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    center_code: Mapped[str | None] = mapped_column(ForeignKey("centers.code"))
    state: Mapped[str] = mapped_column(String(20), default="offline")
    since: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime | None]
    wrap_up_until: Mapped[datetime | None]
    live_call_id: Mapped[int | None] = mapped_column(ForeignKey("live_calls.id"))
    missed_offers: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()


class LiveCall(Base):
    """A caller who asked for a person: routed center, offers, answer, overflow, the end."""

    __tablename__ = "live_calls"
    __table_args__ = (Index("ix_live_calls_status_center", "status", "center_code", "enqueued_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    # The routed center, the center whose queue holds the call now, and the order to try.
    home_center: Mapped[str] = mapped_column(ForeignKey("centers.code"))
    center_code: Mapped[str] = mapped_column(ForeignKey("centers.code"))
    ranking: Mapped[list[str]] = mapped_column(JSON, default=list)
    topic_group: Mapped[str | None] = mapped_column(String(10))  # menu digit, when known
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    enqueued_at: Mapped[datetime] = mapped_column(default=utcnow)
    polled_at: Mapped[datetime | None]  # Twilio's last wait request: the caller still waits
    offered_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    wait_seconds: Mapped[int | None] = mapped_column(Integer)  # until answered or given up
    offers: Mapped[int] = mapped_column(Integer, default=0)
    overflows: Mapped[int] = mapped_column(Integer, default=0)
    transfers: Mapped[int] = mapped_column(Integer, default=0)
    missed_by: Mapped[list[int]] = mapped_column(JSON, default=list)  # operators who let it ring
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    call: Mapped[Call] = relationship()
    operator: Mapped[User | None] = relationship()
