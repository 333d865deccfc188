"""Realistic call history for demos and benchmarks, bulk-inserted and deterministic per seed.

Calls follow office rhythms (weekdays, 10–11 h and 14–16 h peaks, Korean public holidays
quiet); each call runs the IVR flow — menu, region question, recording, queue, status
lookup, voicemail — and leaves the rows the real webhooks and jobs would: events, a
recording and Korean transcript, a routed ticket that ages through its statuses, audit rows.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from callcenter.demo.call_plan import CallPlan, plan_call
from callcenter.kpi.rollups import mark_stale
from callcenter.models import (
    AuditLog,
    Call,
    CallEvent,
    Recording,
    Ticket,
    TicketCounter,
    Transcript,
    User,
)
from callcenter.search import index as search_index
from routing import reference

CHUNK = 5000  # calls per flush: bounds memory, keeps executemany batches large
TABLES = (Call, CallEvent, Recording, Transcript, Ticket, AuditLog)
WEEKDAY_WEIGHT = (1.15, 1.05, 1.0, 1.0, 0.9, 0.12, 0.06)
WORK_HOURS = (
    (0.02,) * 7 + (0.08, 0.3, 0.8, 1.3, 1.2, 0.6, 0.9, 1.2, 1.1, 1.0, 0.7, 0.25, 0.12)
) + (0.06,) * 4
QUIET_HOURS = (0.02,) * 8 + (0.1, 0.3, 0.5, 0.5, 0.4, 0.4, 0.4, 0.3, 0.3, 0.2, 0.1) + (0.05,) * 5


class DemoDataError(Exception):
    """The demo history cannot be written (e.g. this seed's calls already exist)."""


@dataclass
class DemoCounts:
    """How many rows of each kind were written."""

    rows: dict[str, int] = field(default_factory=lambda: {m.__tablename__: 0 for m in TABLES})


@dataclass
class _Batch:
    rows: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {m.__tablename__: [] for m in TABLES}
    )


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(a))


def center_table() -> dict[tuple[str | None, str | None], str]:
    """(topic or None, region or None) → nearest eligible center, as routing/ would choose."""
    points = {a.region_ko: (a.lat, a.lon) for a in reference.area_codes()}
    table: dict[tuple[str | None, str | None], str] = {}
    for topic in [t.code for t in reference.topics()] + [None]:
        eligible = [c for c in reference.centers() if topic is None or topic in c.topics]
        for region, (lat, lon) in list(points.items()) + [(None, (36.91, 127.23))]:
            nearest = min(eligible, key=lambda c: _haversine(lat, lon, c.lat, c.lon))
            table[(topic, region)] = nearest.code
    return table


def korean_holidays(end: date, days: int) -> Any:
    """Korean public holidays of the years the history spans."""
    first = end - timedelta(days=days - 1)
    return holidays.country_holidays("KR", years=range(first.year, end.year + 1))


def call_starts(
    rng: random.Random, n: int, end: date, days: int, zone: ZoneInfo, kr_holidays: Any
) -> list[datetime]:
    """``n`` call start times (UTC, sorted) over ``days`` local days ending with ``end``."""
    first = end - timedelta(days=days - 1)
    day_list = [first + timedelta(days=i) for i in range(days)]
    # A gentle yearly wave: busier in spring and autumn, quiet around the lunar holidays.
    weights = [
        (0.07 if d in kr_holidays else WEEKDAY_WEIGHT[d.weekday()])
        * (1 + 0.15 * math.sin(2 * math.pi * d.timetuple().tm_yday / 182.6))
        for d in day_list
    ]
    chosen = rng.choices(day_list, weights=weights, k=n)
    hours = range(24)
    starts = []
    for day in chosen:
        quiet = day.weekday() >= 5 or day in kr_holidays
        hour = rng.choices(hours, weights=QUIET_HOURS if quiet else WORK_HOURS)[0]
        local = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), zone)
        starts.append(local.astimezone(UTC))
    starts.sort()
    return starts


def _next_ids(session: Session) -> dict[str, int]:
    return {
        m.__tablename__: (session.scalar(select(func.max(m.id))) or 0) + 1  # type: ignore[attr-defined]
        for m in TABLES
    }


def _demo_operators(session: Session) -> dict[str, int]:
    """One demo operator per center (cannot sign in: no usable password); id by center."""
    ids: dict[str, int] = {}
    for center in reference.centers():
        username = f"demo_{center.code.lower()}"
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            user = User(
                username=username,
                display_name=f"{center.city} 상담원",
                password_hash="!demo-account-no-login",
                role="operator",
                center_code=center.code,
                active=False,
            )
            session.add(user)
            session.flush()
        ids[center.code] = user.id
    return ids


def generate(
    session: Session,
    *,
    calls: int,
    seed: int,
    end: date,
    days: int,
    timezone: str,
    progress: Any = None,
) -> DemoCounts:
    """Write ``calls`` calls and everything they leave behind; the caller commits."""
    rng = random.Random(seed)
    zone = ZoneInfo(timezone)
    first_sid = _sid(random.Random(seed), "CA")
    if session.scalar(select(Call.id).where(Call.call_sid == first_sid)) is not None:
        raise DemoDataError(f"demo calls for seed {seed} already exist; choose another --seed")
    sid_rng = random.Random(seed)
    operators = _demo_operators(session)
    centers = center_table()
    now = datetime.combine(end + timedelta(days=1), time(), zone).astimezone(UTC)
    ids = _next_ids(session)
    counters = _ticket_counters(session)
    touched_days: set[date] = set()
    counts = DemoCounts()
    kr_holidays = korean_holidays(end, days)
    starts = call_starts(rng, calls, end, days, zone, kr_holidays)
    batch = _Batch()
    for index, start in enumerate(starts, 1):
        plan = plan_call(rng, start, zone, now, centers, kr_holidays)
        _emit(plan, batch, ids, sid_rng, counters, touched_days, operators, zone)
        if index % CHUNK == 0 or index == len(starts):
            _flush(session, batch, counts)
            batch = _Batch()
            if progress is not None:
                progress(index)
    _save_counters(session, counters, touched_days)
    _bump_sequences(session)
    # Bulk inserts bypass the ORM's flush hook: mark the KPI rollups of these days (and of
    # the follow-up dates after them) stale here, so the next refresh sums them again.
    first = end - timedelta(days=days - 1)
    mark_stale(session.connection(), (first + timedelta(days=i) for i in range(days + 90)))
    return counts


def _ticket_counters(session: Session) -> dict[date, int]:
    """The last ticket number used per day: the counters, or the numbers themselves where
    tickets were written without their counter (imports, test fixtures)."""
    counters = {c.day: c.last for c in session.scalars(select(TicketCounter))}
    day_part = func.substr(Ticket.number, 6, 8)
    for day, last in session.execute(
        select(day_part, func.max(Ticket.number))
        .where(Ticket.number.like("1379-%"))
        .group_by(day_part)
    ):
        try:
            key = datetime.strptime(day, "%Y%m%d").date()
            counters[key] = max(counters.get(key, 0), int(last[-4:]))
        except ValueError:
            continue
    return counters


def _sid(rng: random.Random, prefix: str) -> str:
    return f"{prefix}{rng.getrandbits(128):032x}"


def _take(ids: dict[str, int], table: str) -> int:
    value = ids[table]
    ids[table] += 1
    return value


def _emit(
    plan: CallPlan,
    batch: _Batch,
    ids: dict[str, int],
    sid_rng: random.Random,
    counters: dict[date, int],
    touched_days: set[date],
    operators: dict[str, int],
    zone: ZoneInfo,
) -> None:
    """Turn one planned call into rows with ids, ticket numbers and foreign keys."""
    call_id = _take(ids, "calls")
    batch.rows["calls"].append({**plan.call, "id": call_id, "call_sid": _sid(sid_rng, "CA")})
    for event in plan.events:
        batch.rows["call_events"].append(
            {**event, "id": _take(ids, "call_events"), "call_id": call_id}
        )
    recording_id = None
    if plan.recording is not None:
        recording_id = _take(ids, "recordings")
        sid = _sid(sid_rng, "RE")
        batch.rows["recordings"].append(
            {
                **plan.recording,
                "id": recording_id,
                "call_id": call_id,
                "recording_sid": sid,
                "source_url": f"https://api.twilio.com/2010-04-01/Recordings/{sid}",
                "job_id": f"transcribe-{recording_id}",
            }
        )
        if plan.transcript is not None:
            batch.rows["transcripts"].append(
                {**plan.transcript, "id": _take(ids, "transcripts"), "recording_id": recording_id}
            )
    if plan.ticket is None:
        return
    ticket_id = _take(ids, "tickets")
    created: datetime = plan.ticket["created_at"]
    day = created.astimezone(zone).date()
    counters[day] = counters.get(day, 0) + 1
    touched_days.add(day)
    assignee = (
        operators.get(plan.ticket["center_code"]) if plan.ticket["first_response_at"] else None
    )
    batch.rows["tickets"].append(
        {
            **plan.ticket,
            "id": ticket_id,
            "number": f"1379-{day:%Y%m%d}-{counters[day]:04d}",
            "call_id": call_id,
            "recording_id": recording_id,
            "assignee_id": assignee,
        }
    )
    for entry in plan.audit:
        target = recording_id if entry["target_type"] == "recording" else ticket_id
        batch.rows["audit_log"].append(
            {**entry, "id": _take(ids, "audit_log"), "user_id": assignee, "target_id": target}
        )


def _flush(session: Session, batch: _Batch, counts: DemoCounts) -> None:
    # Parents before children, so foreign keys hold at every statement.
    for model in TABLES:
        rows = batch.rows[model.__tablename__]
        if rows:
            session.execute(insert(model.__table__), rows)  # type: ignore[arg-type]
            counts.rows[model.__tablename__] += len(rows)
    # Core inserts pass no ORM flush, so the search index is written here.
    conn = session.connection()
    search_index.write(
        conn,
        search_index.transcript_entries,
        {r["recording_id"]: r.get("text") or "" for r in batch.rows["transcripts"]},
    )
    search_index.write(
        conn,
        search_index.summary_entries,
        {r["id"]: r["summary"] for r in batch.rows["tickets"] if r.get("summary") is not None},
    )


def _save_counters(session: Session, counters: dict[date, int], days: set[date]) -> None:
    """Real tickets created later on these days continue after the demo's numbers."""
    existing = {
        c.day: c for c in session.scalars(select(TicketCounter).where(TicketCounter.day.in_(days)))
    }
    for day in days:
        if day in existing:
            existing[day].last = counters[day]
        else:
            session.add(TicketCounter(day=day, last=counters[day]))
    session.flush()


def analyze(session: Session) -> None:
    """Refresh the planner's statistics after a bulk load (both SQLite and PostgreSQL)."""
    session.execute(text("ANALYZE"))


def _bump_sequences(session: Session) -> None:
    """PostgreSQL: explicit ids were inserted, so move each id sequence past them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in TABLES:
        table = model.__tablename__
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        )
