"""Referrals: a ticket handed to an institute (and maybe one of its resources), and the
suggestions the catalogue made for a ticket when it was routed."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from callcenter.models.base import Base, utcnow

if TYPE_CHECKING:
    from callcenter.models.tickets import Ticket
    from callcenter.models.users import User

# 의뢰 (requested) → 접수 (accepted by the institute) → 완료 (done) / 반려 (declined).
REFERRAL_STATUSES = ("requested", "accepted", "completed", "declined")
RESOURCE_KINDS = ("equipment", "expert", "patent", "lab")


class Referral(Base):
    """One ticket referred to one institute, optionally to one catalogue resource."""

    __tablename__ = "referrals"
    __table_args__ = (
        Index("ix_referrals_ticket", "ticket_id"),
        Index("ix_referrals_institute_status", "institute", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    institute: Mapped[str] = mapped_column(ForeignKey("institutes.code"))
    resource_kind: Mapped[str | None] = mapped_column(String(10))
    resource_id: Mapped[str | None] = mapped_column(String(40))
    # The resource's name when referred: the catalogue may change or drop it later.
    resource_name: Mapped[str] = mapped_column(String(400), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")  # the responsible person
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="requested")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    accepted_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]  # completed or declined

    ticket: Mapped[Ticket] = relationship()
    created_by: Mapped[User | None] = relationship()


class TicketSuggestions(Base):
    """The catalogue's suggestions for a ticket, as ranked for its routing decision."""

    __tablename__ = "ticket_suggestions"

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    # The topic and center they were ranked for: a re-routed ticket gets them anew.
    topic_code: Mapped[str | None] = mapped_column(String(20))
    center_code: Mapped[str | None] = mapped_column(String(20))
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
