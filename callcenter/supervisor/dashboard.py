"""The dashboard's KPIs for any period: whole past months cached, the edges computed live.

A year of 100,000 calls is too many rows to aggregate on every page view (SQLite needs
~0.3 s per scan on this class of machine), and the KPIs add up: so a period is cut into
whole calendar months that ended before yesterday — cached in Redis — and the days at
either end, always computed. Call figures of a past month no longer change (cached for
hours); ticket figures still move as old tickets get resolved and followed up (minutes).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from redis.exceptions import RedisError
from sqlalchemy.orm import Session

from callcenter.supervisor.kpis import (
    CallKpis,
    Period,
    TicketKpis,
    Traffic,
    TranscriptionKpis,
    backlog,
    call_kpis,
    merge,
    recording_kpis,
    ticket_kpis,
)

CACHE_VERSION = 1  # bump when a KPI definition changes
CALLS_TTL = 6 * 3600
TICKETS_TTL = 10 * 60


class Cache(Protocol):
    """The two Redis commands the cache needs."""

    def get(self, name: str) -> Any: ...

    def set(self, name: str, value: bytes, ex: int | None = None) -> Any: ...


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
    cached_months: int = 0


def segments(period: Period, today: date) -> list[tuple[Period, bool]]:
    """Consecutive pieces of the period; True marks a whole month that ended before yesterday."""
    pieces: list[tuple[Period, bool]] = []
    day = period.start
    while day <= period.end:
        month_end = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        whole = day.day == 1 and month_end <= period.end and month_end < today - timedelta(days=1)
        end = min(month_end, period.end)
        piece = Period(day, end, period.timezone)
        if pieces and not whole and not pieces[-1][1]:
            pieces[-1] = (Period(pieces[-1][0].start, end, period.timezone), False)
        else:
            pieces.append((piece, whole))
        day = end + timedelta(days=1)
    return pieces


def _cached(
    cache: Cache | None, key: str, ttl: int, compute: Callable[[], Any]
) -> tuple[Any, bool]:
    """(value, came from cache); Redis trouble only costs the speed-up, never the page."""
    if cache is not None:
        try:
            blob = cache.get(key)
            if blob is not None:
                return pickle.loads(blob), True  # our own values, written just below
        except (RedisError, OSError, pickle.UnpicklingError):
            pass
    value = compute()
    if cache is not None:
        try:
            cache.set(key, pickle.dumps(value), ex=ttl)
        except (RedisError, OSError):
            pass
    return value, False


def build_dashboard(
    session: Session, period: Period, today: date, cache: Cache | None = None
) -> Dashboard:
    """All KPIs of the period, from cached months and live edges."""
    result: Dashboard | None = None
    hits = 0
    for piece, whole in segments(period, today):
        store = cache if whole else None
        key = f"supervisor:kpi:v{CACHE_VERSION}:{piece.timezone}:{piece.start:%Y-%m}"

        def calls_part(p: Period = piece) -> tuple[CallKpis, Traffic, TranscriptionKpis]:
            return (*call_kpis(session, p), recording_kpis(session, p))

        def tickets_part(
            p: Period = piece,
        ) -> tuple[TicketKpis, dict[str, TicketKpis], dict[str, TicketKpis]]:
            return ticket_kpis(session, p, today)

        (calls, traffic, recordings), hit = _cached(store, key + ":calls", CALLS_TTL, calls_part)
        (overall, per_center, per_topic), _ = _cached(
            store, key + ":tickets", TICKETS_TTL, tickets_part
        )
        hits += hit
        part = Dashboard(period, calls, traffic, recordings, overall, per_center, per_topic)
        result = part if result is None else merge(result, part)
    assert result is not None  # a period has at least one day
    result.period = period
    result.cached_months = hits
    result.transcription.backlog_now, result.transcription.oldest_backlog_seconds = backlog(session)
    return result
