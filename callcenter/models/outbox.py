"""Text messages we owe callers, written in the same transaction as the ticket they announce.

RQ only carries the sending: a row stays ``pending`` until a job has sent it, so a message
whose job was lost (Redis down at the time, a killed worker) is found and sent by the sweep.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from callcenter.models.base import Base, utcnow

if TYPE_CHECKING:
    from callcenter.models.tickets import Ticket

# pending → sending (a job holds it) → sent | failed; a job that died mid-send leaves
# ``sending``, which the sweep returns to ``pending`` once the job's time limit is long past.
SMS_STATUSES = ("pending", "sending", "sent", "failed")
SMS_PURPOSES = ("ticket_number", "referral", "follow_up")


class SmsMessage(Base):
    """One text message to a caller: what to send, and whether it has been."""

    __tablename__ = "sms_outbox"
    __table_args__ = (
        # One text per ticket, purpose and subject: the ticket-number text has no subject
        # (""); a referral's text names its referral, a follow-up question its check and try.
        UniqueConstraint("ticket_id", "purpose", "subject"),
        Index("ix_sms_outbox_status_updated", "status", "updated_at"),  # the sweep
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(30), default="ticket_number")
    subject: Mapped[str] = mapped_column(String(40), default="")  # e.g. "referral-7", "check-3-1"
    to_number: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    message_sid: Mapped[str | None] = mapped_column(String(64))  # Twilio's, once sent
    error: Mapped[str | None] = mapped_column(Text)  # the last failure, in Korean
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None]

    ticket: Mapped[Ticket] = relationship()
