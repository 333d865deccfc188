"""Daily KPI rollups: each settled day summed once, re-summed when one of its rows changes.

A day is *settled* once it ended before yesterday (every call of it has ended). The worker's
sweep sums settled days into the ``kpi_*`` tables and marks them fresh. Any later change to
a call, ticket or recording of a settled day — a ticket resolved a week later, a follow-up
moved — marks that day stale in the same transaction (an ORM flush hook), so the dashboard
computes it live until the sweep sums it again: the figures are exact at every moment.

A build marks fresh only the version of the day it read; a change that lands meanwhile bumps
the version, and the day stays stale for the next sweep.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_app_context
from sqlalchemy import (
    Connection,
    Date,
    delete,
    event,
    func,
    inspect,
    literal,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from callcenter.db import AppSession
from callcenter.kpi.definitions import Period
from callcenter.kpi.live import (
    call_hours,
    follow_up_day_groups,
    recording_figures,
    ticket_groups,
)
from callcenter.models import Call, Recording, Ticket, utcnow
from callcenter.models.kpi import (
    CALL_FIGURES,
    FOLLOW_UP_FIGURES,
    MONTH_TABLES,
    RECORDING_FIGURES,
    ROLLUP_TABLES,
    TICKET_FIGURES,
    kpi_call_hours,
    kpi_days,
    kpi_follow_up_days,
    kpi_recording_days,
    kpi_ticket_days,
)

log = logging.getLogger(__name__)
SETTLE_DAYS = 2  # today and yesterday are still moving
# A sweep sums at most this many days, then the worker takes jobs again.
DAYS_PER_SWEEP = 120
DEFAULT_TIMEZONE = "Asia/Seoul"

Runs = Sequence[tuple[date, date]]


def settled_until(today: date) -> date:
    """The last settled day: the day before yesterday."""
    return today - timedelta(days=SETTLE_DAYS)


def runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days joined into (first, last) runs, in order."""
    out: list[tuple[date, date]] = []
    for day in sorted(days):
        if out and out[-1][1] + timedelta(days=1) == day:
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return out


# --- marking days stale -------------------------------------------------------------------


def _upsert(connection: Connection) -> Any:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(kpi_days)


def mark_stale(connection: Connection, days: Iterable[date]) -> None:
    """Mark these days' rollups stale (creating their rows), bumping each day's version."""
    now = utcnow()
    rows = [
        {"day": d, "timezone": "", "fresh": False, "version": 1, "marked_at": now} for d in days
    ]
    if not rows:
        return
    statement = _upsert(connection)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["day"],
            set_={
                "fresh": False,
                "version": kpi_days.c.version + 1,
                "marked_at": statement.excluded.marked_at,
            },
        ),
        rows,
    )


def stale_all(session: Session) -> None:
    """Mark every summed day stale (after data was changed behind the ORM's back)."""
    session.execute(
        update(kpi_days).values(fresh=False, version=kpi_days.c.version + 1, marked_at=utcnow())
    )


def touched_days(session: Session, zone: ZoneInfo) -> set[date]:
    """Local days whose KPI figures this flush changes (calls, tickets, recordings)."""
    days: set[date] = set()
    changed = [*session.new, *session.deleted]
    changed += [obj for obj in session.dirty if session.is_modified(obj)]
    for obj in changed:
        if isinstance(obj, Call):
            moment = obj.started_at
        elif isinstance(obj, Ticket):
            moment = obj.created_at
            # A moved follow-up changes the figures of its old date and of its new one.
            history = inspect(obj).attrs.follow_up_on.history
            for day in (*history.added, *history.deleted, *history.unchanged):
                if day is not None:
                    days.add(day)
        elif isinstance(obj, Recording):
            moment = obj.created_at
        else:
            continue
        if moment is not None:
            days.add(moment.astimezone(zone).date())
    return days


def init_app(app: Flask) -> None:
    """Mark settled days stale on every flush that changes their rows (one hook per process)."""
    if not event.contains(AppSession, "after_flush", _session_flushed):
        event.listen(AppSession, "after_flush", _session_flushed)


def _session_flushed(session: Session, _context: Any) -> None:
    # Outside an app (a script on the bare session) the days are cut in the default zone.
    timezone = current_app.config["TIMEZONE"] if has_app_context() else DEFAULT_TIMEZONE
    mark_touched_days(session, timezone)


def mark_touched_days(session: Session, timezone: str) -> None:
    """Mark the settled days this flush touched stale, in the flush's own transaction."""
    zone = ZoneInfo(timezone)
    cutoff = settled_until(datetime.now(zone).date())
    # Today's and yesterday's rows are never rolled up: the hot path (webhooks) writes nothing.
    days = {d for d in touched_days(session, zone) if d <= cutoff}
    if days:
        mark_stale(session.connection(), days)


# --- building -----------------------------------------------------------------------------


def build_day(session: Session, day: date, timezone: str) -> bool:
    """Sum one day into the rollup tables; True when it could be marked fresh."""
    version = session.scalar(select(kpi_days.c.version).where(kpi_days.c.day == day))
    piece = [Period(day, day, timezone)]
    hours: dict[int, list[float]] = defaultdict(lambda: [0.0] * len(CALL_FIGURES))
    for local_day, hour, figures in call_hours(session, piece):
        if local_day == day:  # always, in a zone with a whole-hour offset
            sums = hours[hour]
            for i, value in enumerate(figures):
                sums[i] += value or 0
    tickets = ticket_groups(session, piece)
    follow_ups = follow_up_day_groups(session, day)
    recordings = recording_figures(session, piece)
    for table in ROLLUP_TABLES:
        session.execute(delete(table).where(table.c.day == day))

    def keyed(row: Sequence[Any], names: tuple[str, ...]) -> dict[str, Any]:
        return {
            "day": day,
            "center_code": row[0] or "",
            "topic_code": row[1] or "",
            **{name: row[2 + i] or 0 for i, name in enumerate(names)},
        }

    inserts: list[tuple[Any, list[dict[str, Any]]]] = [
        (
            kpi_call_hours,
            [
                {"day": day, "hour": hour, **dict(zip(CALL_FIGURES, sums, strict=True))}
                for hour, sums in hours.items()
            ],
        ),
        (kpi_ticket_days, [keyed(row, TICKET_FIGURES) for row in tickets]),
        (kpi_follow_up_days, [keyed(row, FOLLOW_UP_FIGURES) for row in follow_ups]),
        (
            kpi_recording_days,
            [{"day": day, **{n: recordings[i] or 0 for i, n in enumerate(RECORDING_FIGURES)}}]
            if recordings[0]
            else [],
        ),
    ]
    for table, rows in inserts:
        if rows:
            session.execute(table.insert(), rows)
    _sum_month(session, day.replace(day=1))
    now = utcnow()
    if version is None:
        statement = _upsert(session.connection())
        result = session.execute(
            statement.values(
                day=day, timezone=timezone, fresh=True, version=0, built_at=now
            ).on_conflict_do_nothing(index_elements=["day"])
        )
    else:
        result = session.execute(
            update(kpi_days)
            .where(kpi_days.c.day == day, kpi_days.c.version == version)
            .values(fresh=True, timezone=timezone, built_at=now)
        )
    return bool(cast(CursorResult[Any], result).rowcount)


def month_end(first: date) -> date:
    """The last day of the month that starts on ``first``."""
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _sum_month(session: Session, first: date) -> None:
    # Re-summed with each of its days, in the same transaction: a month read as a whole
    # (only when every day of it is fresh) always equals its days.
    for months, days in MONTH_TABLES:
        figures = [c.name for c in days.c if c.name not in ("day", "center_code", "topic_code")]
        session.execute(delete(months).where(months.c.month == first))
        session.execute(
            months.insert().from_select(
                ["month", "center_code", "topic_code", *figures],
                select(
                    literal(first, Date()).label("month"),
                    days.c.center_code,
                    days.c.topic_code,
                    *(func.sum(days.c[name]) for name in figures),
                )
                .where(days.c.day.between(first, month_end(first)))
                .group_by(days.c.center_code, days.c.topic_code),
            )
        )


def _first_day(session: Session, zone: ZoneInfo) -> date | None:
    moments = [
        session.scalar(select(func.min(Call.started_at))),
        session.scalar(select(func.min(Ticket.created_at))),
        session.scalar(select(func.min(Recording.created_at))),
    ]
    days = [m.astimezone(zone).date() for m in moments if m is not None]
    follow_up = session.scalar(select(func.min(Ticket.follow_up_on)))
    if follow_up is not None:
        days.append(follow_up)
    return min(days) if days else None


def days_to_build(session: Session, timezone: str, today: date) -> list[date]:
    """Settled days with data whose rollups are missing, stale or cut in another zone."""
    cutoff = settled_until(today)
    known = {
        row.day: row.fresh and row.timezone == timezone
        for row in session.execute(
            select(kpi_days.c.day, kpi_days.c.fresh, kpi_days.c.timezone).where(
                kpi_days.c.day <= cutoff
            )
        )
    }
    need = {day for day, fresh in known.items() if not fresh}
    first = _first_day(session, ZoneInfo(timezone))
    if first is not None:
        day = first
        while day <= cutoff:
            if day not in known:
                need.add(day)
            day += timedelta(days=1)
    return sorted(need, reverse=True)  # recent days first: they are the ones looked at


def refresh(session: Session, timezone: str, today: date, limit: int | None = None) -> int:
    """Build the days that need it (most recent first), one short transaction per day."""
    built = 0
    for day in days_to_build(session, timezone, today)[:limit]:
        build_day(session, day, timezone)
        session.commit()
        built += 1
    return built


def refresh_rollups() -> None:
    """Worker sweep: sum the settled days that need it into the rollup tables."""
    from callcenter.db import db

    timezone = current_app.config["TIMEZONE"]
    today = datetime.now(ZoneInfo(timezone)).date()
    try:
        built = refresh(db.session(), timezone, today, DAYS_PER_SWEEP)
    finally:
        db.session.remove()
    if built:
        log.info("KPI rollups: %d day(s) summed", built)
