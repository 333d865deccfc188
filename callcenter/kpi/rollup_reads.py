"""Reading the KPI rollups: which days of a period are fresh, and their summed figures.

Ticket and follow-up figures of every whole calendar month in the period come from the
month tables (12 rows per center and topic for a year instead of 365). A month row always
equals the sum of its day rows — both are rewritten in the transaction that builds a day —
so a month with a few stale days is read as the month minus those days' (old) rows, and
the stale days are then added live like any other: one changed ticket in a month does not
cost the month its month row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from callcenter.kpi.definitions import Period, Tally
from callcenter.kpi.rollups import Runs, month_end, runs, settled_until
from callcenter.models.kpi import (
    CALL_FIGURES,
    RECORDING_FIGURES,
    TICKET_FIGURES,
    kpi_call_hours,
    kpi_days,
    kpi_follow_up_days,
    kpi_follow_up_months,
    kpi_recording_days,
    kpi_ticket_days,
    kpi_ticket_months,
)


def fresh_days(session: Session, period: Period, today: date) -> set[date]:
    """Days of the period whose rollups are fresh in the period's time zone."""
    last = min(period.end, settled_until(today))
    if last < period.start:
        return set()
    return set(
        session.scalars(
            select(kpi_days.c.day).where(
                kpi_days.c.day.between(period.start, last),
                kpi_days.c.fresh.is_(True),
                kpi_days.c.timezone == period.timezone,
            )
        )
    )


def whole_months(period: Period) -> list[date]:
    """First days of the calendar months that lie wholly inside the period."""
    months = []
    first = period.start if period.start.day == 1 else month_end(period.start) + timedelta(1)
    while month_end(first) <= period.end:
        months.append(first)
        first = month_end(first) + timedelta(days=1)
    return months


def _in_runs(column: Any, day_runs: Runs) -> ColumnElement[bool]:
    return or_(*(column.between(first, last) for first, last in day_runs))


def add_rollups(
    tally: Tally, session: Session, period: Period, fresh: set[date], today: date
) -> None:
    """Add the summed figures of the period's fresh days into ``tally``.

    Every other day of the period must be added live by the caller.
    """
    fresh_runs = runs(fresh)
    if fresh_runs:
        _add_calls(tally, session, fresh_runs)
        recordings = kpi_recording_days.c
        tally.add_recordings(
            session.execute(
                select(*(func.sum(recordings[n]) for n in RECORDING_FIGURES)).where(
                    _in_runs(recordings.day, fresh_runs)
                )
            ).one()
        )
    months = whole_months(period)
    in_months = {m + timedelta(days=i) for m in months for i in range(month_end(m).day)}
    # Days of those months summed in their month rows but not fresh now: taken out again.
    # (Days after the last settled one were never summed.)
    cutoff = settled_until(today)
    taken_out = runs(d for d in in_months if d not in fresh and d <= cutoff)
    rest = runs(fresh - in_months)
    _add_tickets(tally, session, months, taken_out, rest)
    _add_follow_ups(tally, session, months, taken_out, rest, today)


def _add_calls(tally: Tally, session: Session, day_runs: Runs) -> None:
    calls = kpi_call_hours.c
    in_days = _in_runs(calls.day, day_runs)
    call_sums = [func.sum(calls[name]) for name in CALL_FIGURES]
    for row in session.execute(select(calls.day, *call_sums).where(in_days).group_by(calls.day)):
        tally.add_calls(row[0], row[1:])
    for hour, count in session.execute(
        select(calls.hour, func.sum(calls.calls)).where(in_days).group_by(calls.hour)
    ):
        tally.add_hour_of_day(hour, int(count or 0))


def _negated(row: Iterable[float | None]) -> list[float]:
    return [-(value or 0) for value in row]


def _add_tickets(
    tally: Tally, session: Session, months: Sequence[date], taken_out: Runs, rest: Runs
) -> None:
    month, day = kpi_ticket_months.c, kpi_ticket_days.c
    parts = [
        (kpi_ticket_months, month.month.in_(months) if months else None, 1),
        (kpi_ticket_days, _in_runs(day.day, taken_out) if taken_out else None, -1),
        (kpi_ticket_days, _in_runs(day.day, rest) if rest else None, 1),
    ]
    for table, where, sign in parts:
        if where is None:
            continue
        c = table.c
        for row in session.execute(
            select(c.center_code, c.topic_code, *(func.sum(c[n]) for n in TICKET_FIGURES))
            .where(where)
            .group_by(c.center_code, c.topic_code)
        ):
            figures = row[2:] if sign > 0 else _negated(row[2:])
            tally.add_tickets(row[0] or None, row[1] or None, figures)


def _add_follow_ups(
    tally: Tally,
    session: Session,
    months: Sequence[date],
    taken_out: Runs,
    rest: Runs,
    today: date,
) -> None:
    # Summed days all lie before today: every check in them is due, and overdue unless done.
    month, day = kpi_follow_up_months.c, kpi_follow_up_days.c
    for table, where, sign in (
        (kpi_follow_up_months, month.month.in_(months) if months else None, 1),
        (kpi_follow_up_days, _in_runs(day.day, taken_out) if taken_out else None, -1),
    ):
        if where is None:
            continue
        c = table.c
        for center, topic, n, done in session.execute(
            select(c.center_code, c.topic_code, func.sum(c.follow_ups), func.sum(c.follow_ups_done))
            .where(where)
            .group_by(c.center_code, c.topic_code)
        ):
            n, done = sign * int(n or 0), sign * int(done or 0)
            tally.add_follow_ups(center or None, topic or None, n, done, n - done)
    if rest:
        due = day.day <= today
        for center, topic, n_due, n_done, n_overdue in session.execute(
            select(
                day.center_code,
                day.topic_code,
                func.sum(case((due, day.follow_ups), else_=0)),
                func.sum(case((due, day.follow_ups_done), else_=0)),
                func.sum(case((day.day < today, day.follow_ups - day.follow_ups_done), else_=0)),
            )
            .where(_in_runs(day.day, rest))
            .group_by(day.center_code, day.topic_code)
        ):
            tally.add_follow_ups(center or None, topic or None, n_due, n_done, n_overdue)
