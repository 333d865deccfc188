"""사후 점검: the automatic follow-up check of a resolved ticket's caller, and the replies."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from callcenter.models.base import Base, utcnow

if TYPE_CHECKING:
    from callcenter.models.tickets import Ticket
    from callcenter.models.users import User

FOLLOW_UP_CHANNELS = ("sms", "call")
# pending (made, not tried) → waiting (asked, reply open) → answered | unanswered (tries used
# up: an operator's) | cancelled (the ticket moved on before the caller answered).
CHECK_STATUSES = ("pending", "waiting", "answered", "unanswered", "cancelled")
OPEN_CHECK_STATUSES = ("pending", "waiting")
# 1 해결됨, 2 아직 해결 안 됨, 3 통화 원함.
REPLIES = ("resolved", "not_yet", "call_me")


class FollowUpChannel(Base):
    """How a ticket's caller is checked on (default SMS), when an operator chose otherwise."""

    __tablename__ = "follow_up_channels"

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[str] = mapped_column(String(10), default="sms")


class FollowUpCheck(Base):
    """One follow-up check of a ticket on its follow-up date."""

    __tablename__ = "follow_up_checks"
    __table_args__ = (
        UniqueConstraint("ticket_id", "due_on"),  # one check per ticket and date
        Index("ix_follow_up_checks_status_next", "status", "next_try_at"),
        Index("ix_follow_up_checks_number_status", "to_number", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    due_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(10), default="sms")
    to_number: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    tries: Mapped[int] = mapped_column(Integer, default=0)
    call_try: Mapped[int] = mapped_column(Integer, default=0)  # the try a call job placed
    call_sid: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None]  # the last try
    next_try_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    reply: Mapped[str | None] = mapped_column(String(20))
    score: Mapped[int | None] = mapped_column(Integer)  # 1-5 satisfaction (calls)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    ticket: Mapped[Ticket] = relationship()


class FollowUpReply(Base):
    """One inbound text message: applied to a check, or left for an operator's review."""

    __tablename__ = "follow_up_replies"
    __table_args__ = (Index("ix_follow_up_replies_review", "outcome", "reviewed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str] = mapped_column(String(64), unique=True)  # duplicates: idempotent
    from_number: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text, default="")
    check_id: Mapped[int | None] = mapped_column(
        ForeignKey("follow_up_checks.id", ondelete="SET NULL")
    )
    # applied | review; why a reply needs review: no_check, closed, garbage, ambiguous.
    outcome: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    check: Mapped[FollowUpCheck | None] = relationship()
    reviewed_by: Mapped[User | None] = relationship()
