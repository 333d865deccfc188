"""Reading the KPI rollups: which days of a period are fresh, and their summed figures.

Whole calendar months of fresh days are read from the month tables (12 rows per center and
topic for a year instead of 365); the other fresh days from the day tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

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
from callcenter.supervisor.kpis import Period, Tally
from callcenter.supervisor.rollups import Runs, month_end, settled_until


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


def split_months(day_runs: Runs) -> tuple[list[date], list[tuple[date, date]]]:
    """Whole calendar months inside the runs (their first days), and the days left over."""
    months: list[date] = []
    rest: list[tuple[date, date]] = []
    for first, last in day_runs:
        day = first
        while day <= last:
            end = month_end(day.replace(day=1))
            if day.day == 1 and end <= last:
                months.append(day)
            else:
                rest.append((day, min(end, last)))
            day = min(end, last) + timedelta(days=1)
    return months, rest


def _in_runs(column: Any, day_runs: Runs) -> ColumnElement[bool]:
    return or_(*(column.between(first, last) for first, last in day_runs))


def add_rollups(tally: Tally, session: Session, day_runs: Runs, today: date) -> None:
    """Add the summed figures of these runs of fresh (hence settled) days into ``tally``."""
    calls = kpi_call_hours.c
    in_days = _in_runs(calls.day, day_runs)
    call_sums = [func.sum(calls[name]) for name in CALL_FIGURES]
    for row in session.execute(select(calls.day, *call_sums).where(in_days).group_by(calls.day)):
        tally.add_calls(row[0], row[1:])
    for hour, count in session.execute(
        select(calls.hour, func.sum(calls.calls)).where(in_days).group_by(calls.hour)
    ):
        tally.add_hour_of_day(hour, int(count or 0))

    months, rest = split_months(day_runs)
    _add_tickets(tally, session, months, rest)
    _add_follow_ups(tally, session, months, rest, today)

    recordings = kpi_recording_days.c
    tally.add_recordings(
        session.execute(
            select(*(func.sum(recordings[n]) for n in RECORDING_FIGURES)).where(
                _in_runs(recordings.day, day_runs)
            )
        ).one()
    )


def _add_tickets(tally: Tally, session: Session, months: Sequence[date], rest: Runs) -> None:
    for table, where in (
        (kpi_ticket_months, kpi_ticket_months.c.month.in_(months) if months else None),
        (kpi_ticket_days, _in_runs(kpi_ticket_days.c.day, rest) if rest else None),
    ):
        if where is None:
            continue
        c = table.c
        for row in session.execute(
            select(c.center_code, c.topic_code, *(func.sum(c[n]) for n in TICKET_FIGURES))
            .where(where)
            .group_by(c.center_code, c.topic_code)
        ):
            tally.add_tickets(row[0] or None, row[1] or None, row[2:])


def _add_follow_ups(
    tally: Tally, session: Session, months: Sequence[date], rest: Runs, today: date
) -> None:
    if months:
        # Whole settled months lie before today: every check in them is due, and overdue
        # unless done.
        c = kpi_follow_up_months.c
        for center, topic, n, done in session.execute(
            select(c.center_code, c.topic_code, func.sum(c.follow_ups), func.sum(c.follow_ups_done))
            .where(c.month.in_(months))
            .group_by(c.center_code, c.topic_code)
        ):
            tally.add_follow_ups(center or None, topic or None, n, done, (n or 0) - (done or 0))
    if rest:
        d = kpi_follow_up_days.c
        due = d.day <= today
        for center, topic, n_due, n_done, n_overdue in session.execute(
            select(
                d.center_code,
                d.topic_code,
                func.sum(case((due, d.follow_ups), else_=0)),
                func.sum(case((due, d.follow_ups_done), else_=0)),
                func.sum(case((d.day < today, d.follow_ups - d.follow_ups_done), else_=0)),
            )
            .where(_in_runs(d.day, rest))
            .group_by(d.center_code, d.topic_code)
        ):
            tally.add_follow_ups(center or None, topic or None, n_due, n_done, n_overdue)
