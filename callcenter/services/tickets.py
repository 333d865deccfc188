"""Ticket numbering and creation.

:func:`create_ticket_for_call` works on ORM objects; the voice webhooks, which must answer
within milliseconds, use :func:`open_call_ticket` (Core statements, no ORM flush). Both give
a call at most one ticket of each kind, numbered from the same daily counter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from callcenter.models import Call, Ticket, TicketCounter, utcnow
from callcenter.services.routing import callback_routing
from callcenter.services.workflow import moved_status

TICKETS: Table = Ticket.__table__  # type: ignore[assignment]
COUNTERS: Table = TicketCounter.__table__  # type: ignore[assignment]


class CallFacts(Protocol):
    """What a ticket copies from its call (an ORM ``Call`` or the webhooks' ``CallRow``)."""

    @property
    def id(self) -> int: ...
    @property
    def from_number(self) -> str: ...
    @property
    def region(self) -> str | None: ...
    @property
    def region_source(self) -> str: ...
    @property
    def menu_choice(self) -> str | None: ...


@dataclass(frozen=True)
class TicketRef:
    """A ticket as the webhooks need it: its id, number and who to text."""

    id: int
    number: str
    caller_number: str


def local_day(moment: datetime, timezone: str) -> date:
    """The calendar day of ``moment`` in the hotline's time zone."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def _counter_upsert(insert: Any) -> Any:
    statement = insert(COUNTERS).values(day=bindparam("day"), last=1)
    return statement.on_conflict_do_update(
        index_elements=["day"], set_={"last": COUNTERS.c.last + 1}
    ).returning(COUNTERS.c.last)


# Built once (the webhooks' hot path); one per dialect for the upserts.
_NEXT_NUMBER = {"postgresql": _counter_upsert(pg_insert), "sqlite": _counter_upsert(sqlite_insert)}
_CALL_TICKET = (
    select(TICKETS.c.id, TICKETS.c.number, TICKETS.c.caller_number, TICKETS.c.recording_id)
    .where(TICKETS.c.call_id == bindparam("call_id"), TICKETS.c.kind == bindparam("kind"))
    .order_by(TICKETS.c.id)
    .limit(1)
)
_SET_RECORDING = (
    update(TICKETS)
    .where(TICKETS.c.id == bindparam("ticket_id"))
    .values(recording_id=bindparam("recording_id"), updated_at=bindparam("now"))
)
_INSERT_TICKET = TICKETS.insert().returning(TICKETS.c.id)


def next_ticket_number(session: Session, day: date) -> str:
    """Allocate 1379-YYYYMMDD-NNNN; the counter row stays locked by the upsert until commit."""
    statement = _NEXT_NUMBER[session.get_bind().dialect.name]
    last = session.connection().execute(statement, {"day": day}).scalar_one()
    return f"1379-{day:%Y%m%d}-{last:04d}"


def _new_ticket_values(
    call: CallFacts, number: str, kind: str, recording_id: int | None, queue_position: int | None
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "number": number,
        "call_id": call.id,
        "recording_id": recording_id,
        "kind": kind,
        "status": "received",
        "caller_number": call.from_number,
        "region": call.region,
        "region_source": call.region_source,
        "menu_choice": call.menu_choice,
        "queue_position": queue_position,
    }
    if kind == "callback":
        # A callback request is work from the start: routed to the center nearest the caller
        # (there is no transcript to route by), so it sits in that center's new-ticket tab.
        routed = callback_routing(call.from_number, call.region, call.region_source)
        values.update(
            center_code=routed["center_code"],
            routing=routed["routing"],
            routed_at=utcnow(),
            status=moved_status("received", "routed", cause="routing"),
        )
        if not values["region"] and routed["region"]:
            values.update(region=routed["region"], region_source=routed["region_source"])
    return values


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
    number = next_ticket_number(session, local_day(now, timezone))
    ticket = Ticket(
        **_new_ticket_values(call, number, kind, recording_id, queue_position), created_at=now
    )
    session.add(ticket)
    session.flush()
    return ticket


def open_call_ticket(
    session: Session,
    call: CallFacts,
    *,
    kind: str,
    timezone: str,
    recording_id: int | None = None,
    queue_position: int | None = None,
) -> TicketRef:
    """:func:`create_ticket_for_call` in Core statements, for the webhooks (no ORM objects).

    Tickets made here are created now: they never touch a settled KPI day.
    """
    connection = session.connection()
    existing = connection.execute(_CALL_TICKET, {"call_id": call.id, "kind": kind}).first()
    if existing is not None:
        if recording_id is not None and existing.recording_id is None:
            connection.execute(
                _SET_RECORDING,
                {"ticket_id": existing.id, "recording_id": recording_id, "now": utcnow()},
            )
        return TicketRef(existing.id, existing.number, existing.caller_number)
    now = utcnow()
    number = next_ticket_number(session, local_day(now, timezone))
    values = _new_ticket_values(call, number, kind, recording_id, queue_position)
    ticket_id = connection.execute(
        _INSERT_TICKET, {**values, "created_at": now, "updated_at": now}
    ).scalar_one()
    return TicketRef(ticket_id, number, call.from_number)
