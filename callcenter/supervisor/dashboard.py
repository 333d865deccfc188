"""The dashboard's KPIs for any period: fresh days from the daily rollups, the rest live.

A year of 100,000 calls is too many rows to aggregate on every page view, so settled days
are summed once into the rollup tables (``callcenter.kpi.rollups``); the dashboard adds up
those sums and computes only yesterday, today and any day marked stale from the live tables.
Both sources fold into the same ``Tally``, so the figures are the same either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from callcenter.kpi import rollup_reads, rollups
from callcenter.kpi.definitions import (
    CallKpis,
    Period,
    Tally,
    TicketKpis,
    Traffic,
    TranscriptionKpis,
)
from callcenter.kpi.live import add_live, backlog


@dataclass
class Dashboard:
    """Everything the dashboard shows for one period."""

    period: Period
    calls: CallKpis
    traffic: Traffic
    transcription: TranscriptionKpis
    tickets: TicketKpis
    per_center: dict[str, TicketKpis]
    per_topic: dict[str, TicketKpis]
    rollup_days: int = 0  # days read from the rollups; the others were computed live


def build_dashboard(
    session: Session, period: Period, today: date, *, backlog_now: bool = True
) -> Dashboard:
    """All KPIs of the period: fresh days from the rollups, every other day live.

    ``backlog_now=False`` skips the transcription backlog, a figure of the present moment
    (the previous period, shown for comparison, has none of its own).
    """
    tally = Tally(period)
    fresh = rollup_reads.fresh_days(session, period, today)
    rollup_reads.add_rollups(tally, session, period, fresh, today)
    live = [day for day in period.days() if day not in fresh]
    if live:
        pieces = [Period(a, b, period.timezone) for a, b in rollups.runs(live)]
        add_live(tally, session, pieces, today)
    transcription = tally.transcription
    if backlog_now:
        transcription.backlog_now, transcription.oldest_backlog_seconds = backlog(session)
    return Dashboard(
        period=period,
        calls=tally.call_kpis(),
        traffic=tally.traffic,
        transcription=transcription,
        tickets=tally.tickets,
        per_center=dict(tally.per_center),
        per_topic=dict(tally.per_topic),
        rollup_days=len(fresh),
    )
