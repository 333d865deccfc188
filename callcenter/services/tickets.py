"""Ticket numbering and creation."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from callcenter.models import Call, Ticket, TicketCounter, utcnow


def local_day(moment: datetime, timezone: str) -> date:
    """The calendar day of ``moment`` in the hotline's time zone."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def next_ticket_number(session: Session, day: date) -> str:
    """Allocate 1379-YYYYMMDD-NNNN; the counter row is locked by the UPDATE until commit."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(TicketCounter).values(day=day, last=0).on_conflict_do_nothing())
    last = session.execute(
        update(TicketCounter)
        .where(TicketCounter.day == day)
        .values(last=TicketCounter.last + 1)
        .returning(TicketCounter.last)
    ).scalar_one()
    return f"1379-{day:%Y%m%d}-{last:04d}"


def create_ticket_for_call(
    session: Session,
    call: Call,
    *,
    kind: str,
    timezone: str,
    recording_id: int | None = None,
    queue_position: int | None = None,
) -> Ticket:
    """Create the call's ticket of this kind, or return the one that exists (idempotent)."""
    existing = session.scalars(
        select(Ticket).where(Ticket.call_id == call.id, Ticket.kind == kind)
    ).first()
    if existing is not None:
        if recording_id is not None and existing.recording_id is None:
            existing.recording_id = recording_id
        return existing
    now = utcnow()
    ticket = Ticket(
        number=next_ticket_number(session, local_day(now, timezone)),
        call_id=call.id,
        recording_id=recording_id,
        kind=kind,
        status="received",
        caller_number=call.from_number,
        region=call.region,
        region_source=call.region_source,
        menu_choice=call.menu_choice,
        queue_position=queue_position,
        created_at=now,
    )
    session.add(ticket)
    session.flush()
    return ticket
