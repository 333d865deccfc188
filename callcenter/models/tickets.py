"""Tickets: what the hotline owes a caller, from intake to the follow-up check."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from callcenter.models.base import Base, utcnow

if TYPE_CHECKING:
    from callcenter.models.calls import Call, Recording
    from callcenter.models.users import User

TICKET_KINDS = ("problem", "voicemail", "callback")
TICKET_STATUSES = (
    "received",
    "transcribing",
    "routed",
    "assigned",
    "in_progress",
    "resolved",
    "follow_up_done",
    "closed",
    "needs_review",
)


class Ticket(Base):
    """One caller's request, numbered like 1379-20261127-0042."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_center_status", "center_code", "status", "created_at"),
        Index("ix_tickets_created_at", "created_at"),
        Index("ix_tickets_caller_number", "caller_number"),
        Index("ix_tickets_follow_up_on", "follow_up_on"),
        # 내 담당 and 사후 점검 예정 list a user's tickets of every center.
        Index("ix_tickets_assignee_status", "assignee_id", "status"),
        # The supervisor call log looks up each call's ticket and filters calls by center/topic.
        Index("ix_tickets_call_id", "call_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))
    recording_id: Mapped[int | None] = mapped_column(ForeignKey("recordings.id"))
    kind: Mapped[str] = mapped_column(String(20), default="problem")
    status: Mapped[str] = mapped_column(String(20), default="received")
    caller_number: Mapped[str] = mapped_column(String(40), default="")
    region: Mapped[str | None] = mapped_column(String(20))
    region_source: Mapped[str] = mapped_column(String(20), default="unknown")
    menu_choice: Mapped[str | None] = mapped_column(String(20))
    topic_code: Mapped[str | None] = mapped_column(ForeignKey("topics.code"))
    center_code: Mapped[str | None] = mapped_column(ForeignKey("centers.code"))
    institutes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Topic scores and evidence, where the caller's point came from, distances.
    routing: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[str | None] = mapped_column(Text)  # typed by an operator for needs_review
    solution: Mapped[str | None] = mapped_column(Text)  # what was done, written when resolving
    outcome: Mapped[str | None] = mapped_column(String(20))  # workflow.OUTCOMES code
    queue_position: Mapped[int | None] = mapped_column(Integer)  # for callback requests
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    routed_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    # Callback requests: when an operator reached the caller (a KPI: how fast calls are returned).
    returned_at: Mapped[datetime | None]
    return_attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Operator re-routes: the first routing sent the caller to the wrong topic or center.
    reroutes: Mapped[int] = mapped_column(Integer, default=0)
    resolved_at: Mapped[datetime | None]
    follow_up_done_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    call: Mapped[Call | None] = relationship(back_populates="tickets")
    recording: Mapped[Recording | None] = relationship()
    assignee: Mapped[User | None] = relationship()
    notes: Mapped[list[TicketNote]] = relationship(
        back_populates="ticket", order_by="TicketNote.id", cascade="all, delete-orphan"
    )


class TicketNote(Base):
    """An operator's note on a ticket."""

    __tablename__ = "ticket_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()


class TicketCounter(Base):
    """Per-day sequence for human ticket numbers (row-locked on PostgreSQL)."""

    __tablename__ = "ticket_counters"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)
