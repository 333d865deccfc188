"""The Call row behind each webhook, read and written with Core statements (no ORM flush).

A webhook must answer Twilio within milliseconds; the ORM's unit of work cost more than the
rest of the request. Here a call is a plain :class:`CallRow`: read in one SELECT, changed in
Python by the flows, and written back — its changed columns and its new CallEvents — in one
statement on PostgreSQL (a data-modifying CTE), two on SQLite.

KPI rollups: the ORM flush hook (``callcenter.kpi.rollups``) does not see these
statements, so :func:`save_call` marks the call's day stale itself when that day is settled.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import (
    Executable,
    Select,
    Table,
    bindparam,
    cast,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from callcenter.kpi import rollups
from callcenter.models import Call, CallEvent, utcnow
from routing.location import region_from_number

CALLS: Table = Call.__table__  # type: ignore[assignment]
EVENTS: Table = CallEvent.__table__  # type: ignore[assignment]
CALL_SID = re.compile(r"^CA[0-9a-fA-F]{32}$")
# Every CallEvent column a webhook fills (all rows of one INSERT carry the same keys).
EVENT_FIELDS = (
    "kind",
    "step",
    "digits",
    "speech",
    "speech_confidence",
    "queue_position",
    "queue_time",
    "detail",
    "created_at",
)


@dataclass(eq=False)
class CallRow:
    """One ``calls`` row as the webhooks see it, with the CallEvents still to be written.

    Attributes mirror the table's columns (a test keeps them equal); assign them freely,
    :meth:`changes` compares with the values read.
    """

    id: int
    call_sid: str
    from_number: str
    to_number: str
    region: str | None
    region_source: str
    status: str
    status_sequence: int
    language: str
    menu_choice: str | None
    outcome: str | None
    queue_entered_at: datetime | None
    queue_wait_seconds: int | None
    queue_answered: bool | None
    started_at: datetime
    ended_at: datetime | None
    duration_seconds: int | None
    state: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list, repr=False)
    stored: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_row(cls, row: Any) -> CallRow:
        """A row read from the database."""
        call = cls(**row)
        call.mark_stored()
        return call

    def columns(self) -> dict[str, Any]:
        """Column name → current value."""
        return {name: getattr(self, name) for name in COLUMNS}

    def changes(self) -> dict[str, Any]:
        """Columns whose value differs from the stored one."""
        return {k: v for k, v in self.columns().items() if v != self.stored.get(k)}

    def mark_stored(self) -> None:
        """The current values are the database's (after reading or writing them)."""
        # A deep copy, so that a change made inside the JSON state is seen too.
        self.stored = {**self.columns(), "state": copy.deepcopy(self.state)}


COLUMNS = tuple(f.name for f in fields(CallRow) if f.name not in ("events", "stored"))


def call_sid(form: Any) -> str:
    """The request's CallSid; ValueError when missing or malformed."""
    sid = (form.get("CallSid") or "").strip()
    if not CALL_SID.match(sid):
        raise ValueError("CallSid missing or malformed")
    return sid


def new_call(form: Any) -> CallRow:
    """The row a first webhook of this call inserts (not in the database yet: id 0)."""
    number = (form.get("From") or "").strip()
    location = region_from_number(number)
    return CallRow(
        id=0,
        call_sid=call_sid(form),
        from_number=number[:40],
        to_number=(form.get("To") or "")[:40],
        region=location.region,
        region_source=location.source,
        status="in_progress",
        status_sequence=-1,
        language="ko",
        menu_choice=None,
        outcome=None,
        queue_entered_at=None,
        queue_wait_seconds=None,
        queue_answered=None,
        started_at=utcnow(),
        ended_at=None,
        duration_seconds=None,
        state={},
    )


def is_postgresql(session: Session) -> bool:
    """Whether the session talks to PostgreSQL (else SQLite)."""
    return bool(session.get_bind().dialect.name == "postgresql")


def autocommit(session: Session) -> None:
    """On PostgreSQL, commit each of the session's next statements on its own.

    Saves the BEGIN and COMMIT round trips of webhooks whose single write (one statement,
    see :func:`save_call`) is atomic by itself. Inside a transaction already begun, the
    statements simply join it. SQLite keeps its transaction: it costs no round trip there.
    """
    if is_postgresql(session) and not session.in_transaction():
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


# Statements built once: building one and its cache key costs more than executing it.
_SELECT = select(CALLS).where(CALLS.c.call_sid == bindparam("sid"))
_SELECT_FOR_UPDATE = _SELECT.with_for_update()
# pysqlite opens its transaction at the first write. Writing first (a no-op) makes the whole
# webhook one serialised transaction rather than reads of a stale state.
_SQLITE_LOCK = (
    update(CALLS)
    .where(CALLS.c.call_sid == bindparam("sid"))
    .values(status_sequence=CALLS.c.status_sequence)
)
_INSERT_VALUES = {c: bindparam(c, type_=CALLS.c[c].type) for c in COLUMNS if c != "id"}
_EVENT_VALUES = {
    "call_id": bindparam("call_id", type_=EVENTS.c.call_id.type),
    **{k: bindparam(k, type_=EVENTS.c[k].type) for k in EVENT_FIELDS},
}
_INSERT_EVENT = EVENTS.insert().values(_EVENT_VALUES)
_PG_INSERT = (
    pg_insert(CALLS).values(_INSERT_VALUES).on_conflict_do_nothing(index_elements=["call_sid"])
)
_PG_INSERT_RETURNING = _PG_INSERT.returning(CALLS.c.id)
_PG_NEW_CALL = _PG_INSERT_RETURNING.cte("new_call")
# Selects nothing, so inserts no event, when the CallSid existed.
_PG_INSERT_WITH_EVENT = (
    EVENTS.insert()
    .from_select(
        ["call_id", *EVENT_FIELDS],
        # Typed casts: PostgreSQL cannot infer a NULL's type in a SELECT list.
        select(
            _PG_NEW_CALL.c.id, *(cast(_EVENT_VALUES[k], EVENTS.c[k].type) for k in EVENT_FIELDS)
        ),
    )
    .returning(EVENTS.c.call_id)
)
_SQLITE_INSERT = (
    sqlite_insert(CALLS)
    .values(_INSERT_VALUES)
    .on_conflict_do_nothing(index_elements=["call_sid"])
    .returning(CALLS.c.id)
)


@functools.cache
def _update(columns: tuple[str, ...], with_event: bool) -> Executable:
    """UPDATE of these columns (binds ``set_<column>``), with one event insert on PostgreSQL."""
    change = (
        update(CALLS)
        .where(CALLS.c.id == bindparam("call_id"))
        .values({c: bindparam(f"set_{c}", type_=CALLS.c[c].type) for c in columns})
    )
    # One round trip: PostgreSQL runs a data-modifying CTE even when nothing reads it.
    return _INSERT_EVENT.add_cte(change.cte("call_change")) if with_event else change


def load_call(session: Session, sid: str, *, lock: bool) -> CallRow | None:
    """The call with this CallSid; with ``lock`` its row stays locked until commit."""
    connection = session.connection()
    query = _SELECT
    if lock:
        if not is_postgresql(session):
            connection.execute(_SQLITE_LOCK, {"sid": sid})
        query = _SELECT_FOR_UPDATE
    row = connection.execute(query, {"sid": sid}).mappings().one_or_none()
    return None if row is None else CallRow.from_row(row)


def insert_call(session: Session, call: CallRow) -> bool:
    """Insert a :func:`new_call` row with its pending events; False if the CallSid exists.

    On PostgreSQL the call and its events go in one statement, so a replayed CallSid writes
    nothing at all. A row we insert is invisible to others until commit: as good as locked.
    """
    values = {k: v for k, v in call.columns().items() if k != "id"}
    connection = session.connection()
    if not is_postgresql(session):
        call_id = connection.execute(_SQLITE_INSERT, values).scalar()
    elif not call.events:
        call_id = connection.execute(_PG_INSERT_RETURNING, values).scalar()
    elif len(call.events) == 1:
        call_id = connection.execute(_PG_INSERT_WITH_EVENT, {**values, **call.events[0]}).scalar()
        call.events.clear()
    else:  # several events (no webhook writes more than one yet): built for the occasion
        rows: list[Select[Any]] = [
            select(
                _PG_NEW_CALL.c.id,
                *(cast(literal(e[k], EVENTS.c[k].type), EVENTS.c[k].type) for k in EVENT_FIELDS),
            )
            for e in call.events
        ]
        statement = (
            EVENTS.insert()
            .from_select(["call_id", *EVENT_FIELDS], union_all(*rows))
            .returning(EVENTS.c.call_id)
        )
        call_id = connection.execute(statement, values).scalars().first()
        call.events.clear()
    if call_id is None:
        call.events.clear()
        return False
    call.id = call_id
    _insert_events(session, call)
    call.mark_stored()
    return True


def save_call(session: Session, call: CallRow) -> None:
    """Write the call's changed columns and its pending events (flush; the caller commits)."""
    changes = call.changes()
    if not changes and not call.events:
        return
    if changes:
        # Before the write: a day marked stale for nothing costs only a re-sum.
        mark_if_settled(session, call.started_at)
        with_event = len(call.events) == 1 and is_postgresql(session)
        params = {"call_id": call.id, **{f"set_{c}": v for c, v in changes.items()}}
        if with_event:
            params.update(call.events.pop())
        session.connection().execute(_update(tuple(sorted(changes)), with_event), params)
    _insert_events(session, call)
    call.mark_stored()


def _insert_events(session: Session, call: CallRow) -> None:
    if call.events:
        rows = [{"call_id": call.id, **event} for event in call.events]
        session.connection().execute(_INSERT_EVENT, rows)
        call.events.clear()


def add_event(call: CallRow, kind: str, step: str | None = None, **fields: Any) -> None:
    """Append one CallEvent (the supervisor's timeline of this call), written on save."""
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"not CallEvent fields: {sorted(unknown)}")
    event: dict[str, Any] = dict.fromkeys(EVENT_FIELDS)
    event.update(kind=kind, step=step, detail={}, created_at=utcnow())
    event.update(fields)
    call.events.append(event)


def mark_if_settled(session: Session, moment: datetime) -> None:
    """Mark ``moment``'s KPI day stale when it is settled (a change the ORM hook cannot see)."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    day = moment.astimezone(zone).date()
    if day <= rollups.settled_until(datetime.now(zone).date()):
        rollups.mark_stale(session.connection(), [day])
