"""The dashboard's KPIs for any period: settled months and days cached, the rest live.

A year of 100,000 calls is too many rows to aggregate on every page view (SQLite needs
~0.3 s per scan on this class of machine), and the KPIs add up: so a period is cut into
whole calendar months and single days that ended before yesterday — each cached in
Redis — and a live tail (yesterday and today), always computed. Call figures of a settled
piece no longer change (cached for hours); ticket figures still move as old tickets get
resolved and followed up (cached for minutes). ``warm`` refills the cache from the worker.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from redis.exceptions import RedisError
from sqlalchemy.orm import Session

from callcenter.jobs import SWEEPS
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
    """The Redis commands the cache needs."""

    def get(self, name: str) -> Any: ...

    def set(self, name: str, value: bytes, ex: int | None = None) -> Any: ...

    def mget(self, keys: list[str]) -> Any: ...

    def pipeline(self, transaction: bool = True) -> Any: ...


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
    cached_pieces: int = 0


def segments(period: Period, today: date) -> list[tuple[Period, bool]]:
    """Consecutive pieces of the period; True marks a settled piece that may be cached.

    Settled means it ended before yesterday (every call of it has ended): a whole calendar
    month inside the period, or else a single day. Yesterday and today form one live piece.
    """
    settled_until = today - timedelta(days=2)
    pieces: list[tuple[Period, bool]] = []
    day = period.start
    while day <= period.end:
        month_end = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        if day.day == 1 and month_end <= min(period.end, settled_until):
            pieces.append((Period(day, month_end, period.timezone), True))
            day = month_end + timedelta(days=1)
        elif day <= settled_until:
            pieces.append((Period(day, day, period.timezone), True))
            day += timedelta(days=1)
        else:
            pieces.append((Period(day, period.end, period.timezone), False))
            break
    return pieces


def _fetch(cache: Cache | None, keys: list[str]) -> dict[str, Any]:
    """Cached values by key, in one round trip; Redis trouble only costs the speed-up."""
    if cache is None or not keys:
        return {}
    try:
        blobs = cache.mget(keys)
        # Our own values, written by _store below.
        return {k: pickle.loads(b) for k, b in zip(keys, blobs, strict=True) if b is not None}
    except (RedisError, OSError, pickle.UnpicklingError):
        return {}


def _store(cache: Cache | None, values: dict[str, tuple[bytes, int]]) -> None:
    if cache is None or not values:
        return
    try:
        pipe = cache.pipeline(transaction=False)
        for key, (blob, ttl) in values.items():
            pipe.set(key, blob, ex=ttl)
        pipe.execute()
    except (RedisError, OSError):
        pass


def _key(piece: Period) -> str:
    if piece.start == piece.end:
        span = f"{piece.start}"
    elif piece.start.day == 1 and piece.end == _month_end(piece.start):
        span = f"{piece.start:%Y-%m}"
    else:
        span = f"{piece.start}..{piece.end}"
    return f"supervisor:kpi:v{CACHE_VERSION}:{piece.timezone}:{span}"


def _month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def units(pieces: list[tuple[Period, bool]]) -> list[tuple[Period, bool, list[Period]]]:
    """Runs of settled single days joined into one unit (cached as a whole, too)."""
    out: list[tuple[Period, bool, list[Period]]] = []
    for piece, settled in pieces:
        last = out[-1] if out else None
        joinable = settled and piece.start == piece.end
        if last and joinable and last[1] and last[2][-1].start == last[2][-1].end:
            days = [*last[2], piece]
            out[-1] = (Period(last[0].start, piece.end, piece.timezone), True, days)
        else:
            out.append((piece, settled, [piece]))
    return out


class _Parts:
    """Computes or fetches the partial KPIs of pieces; remembers what to write back."""

    def __init__(self, session: Session, cache: Cache | None, today: date) -> None:
        self.session, self.cache, self.today = session, cache, today
        # Pickled at once: merging later adds other pieces into these very objects.
        self.fresh: dict[str, tuple[bytes, int]] = {}

    def compute(self, piece: Period, settled: bool) -> Dashboard:
        """Query the database for one piece; settled pieces are kept for the cache."""
        calls = (*call_kpis(self.session, piece), recording_kpis(self.session, piece))
        tickets = ticket_kpis(self.session, piece, self.today)
        if settled:
            self.keep(_key(piece), calls, tickets)
        return Dashboard(piece, *calls, *tickets)

    def keep(self, key: str, calls: Any, tickets: Any) -> None:
        """Write these parts back to the cache at the end."""
        self.fresh[key + ":calls"] = (pickle.dumps(calls), CALLS_TTL)
        self.fresh[key + ":tickets"] = (pickle.dumps(tickets), TICKETS_TTL)

    def fetch(self, pieces: list[Period]) -> dict[Period, Dashboard]:
        """The cached pieces among these, whole (both halves present) only."""
        keys = [_key(p) + half for p in pieces for half in (":calls", ":tickets")]
        found = _fetch(self.cache, keys)
        out = {}
        for piece in pieces:
            calls, tickets = found.get(_key(piece) + ":calls"), found.get(_key(piece) + ":tickets")
            if calls is not None and tickets is not None:
                out[piece] = Dashboard(piece, *calls, *tickets)
        return out

    def assemble(self, unit: Period, days: list[Period]) -> Dashboard:
        """A run of settled days from their own cache entries or the database."""
        cached = self.fetch(days)
        result: Dashboard | None = None
        for day in days:
            part = cached.get(day) or self.compute(day, settled=True)
            result = part if result is None else merge(result, part)
        assert result is not None
        self.keep(
            _key(unit),
            (result.calls, result.traffic, result.transcription),
            (result.tickets, result.per_center, result.per_topic),
        )
        result.period = unit
        return result


def build_dashboard(
    session: Session, period: Period, today: date, cache: Cache | None = None
) -> Dashboard:
    """All KPIs of the period: cached months and runs of days, then the live tail.

    A run of settled days is cached as a unit and as single days, so the usual views
    (last 7, 30, 90 or 365 days) cost one cache read per month part once warm, and a run
    that moved on by a day is rebuilt from its days rather than from the database.
    """
    parts = _Parts(session, cache, today)
    plan = units(segments(period, today))
    cached = parts.fetch([unit for unit, settled, _ in plan if settled])
    result: Dashboard | None = None
    hits = 0
    for unit, settled, days in plan:
        part = cached.get(unit)
        if part is not None:
            hits += 1
        elif settled and len(days) > 1:
            part = parts.assemble(unit, days)
        else:
            part = parts.compute(unit, settled)
        result = part if result is None else merge(result, part)
    _store(cache, parts.fresh)
    assert result is not None  # a period has at least one day
    result.period = period
    result.cached_pieces = hits
    result.transcription.backlog_now, result.transcription.oldest_backlog_seconds = backlog(session)
    return result


WARM_MARK = "supervisor:kpi:warm"


def warm(days: int = 366) -> None:
    """Refill the cache for the last ``days`` days; workers run this between jobs."""
    from zoneinfo import ZoneInfo

    from flask import current_app

    from callcenter.db import db
    from callcenter.redis_conn import get_redis

    cache = get_redis()
    if cache.get(WARM_MARK):
        return  # warmed a few minutes ago
    timezone = current_app.config["TIMEZONE"]
    today = datetime.now(ZoneInfo(timezone)).date()
    period = Period(today - timedelta(days=days - 1), today, timezone)
    build_dashboard(db.session(), period, today, cache)
    db.session.remove()
    cache.set(WARM_MARK, b"1", ex=TICKETS_TTL // 2)


if warm not in SWEEPS:
    SWEEPS.append(warm)
