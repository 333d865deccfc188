"""The dashboard's month cache gives exactly the numbers of one uncached computation."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date

import pytest
from redis import Redis

from callcenter.db import db
from callcenter.supervisor.dashboard import build_dashboard, segments
from callcenter.supervisor.demo_data import generate
from callcenter.supervisor.kpis import Period, call_kpis, ticket_kpis


def assert_same(a, b):
    """Equal counts; sums equal up to float rounding (months are added in another order)."""
    if is_dataclass(a):
        for f in fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name))
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            assert_same(a[key], b[key])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            assert_same(x, y)
    elif isinstance(a, float):
        assert a == pytest.approx(b)
    else:
        assert a == b


def test_segments_cache_settled_months_and_days_only():
    period = Period(date(2026, 1, 15), date(2026, 4, 10))
    pieces = segments(period, today=date(2026, 4, 12))
    spans = [(p.start, p.end, settled) for p, settled in pieces]
    # 17 single days of January, whole February and March, then 10 single days of April
    # (10 April ended before yesterday, 11 April).
    assert spans[0] == (date(2026, 1, 15), date(2026, 1, 15), True)
    assert spans[17:19] == [
        (date(2026, 2, 1), date(2026, 2, 28), True),
        (date(2026, 3, 1), date(2026, 3, 31), True),
    ]
    assert spans[-1] == (date(2026, 4, 10), date(2026, 4, 10), True)
    assert len(spans) == 17 + 2 + 10
    # Today 1 April: 31 March is yesterday, still moving; March cannot be cached whole.
    pieces = segments(Period(date(2026, 3, 1), date(2026, 4, 1)), today=date(2026, 4, 1))
    assert len(pieces) == 31
    assert all(settled for _, settled in pieces[:30])
    assert (pieces[-1][0].start, pieces[-1][0].end, pieces[-1][1]) == (
        date(2026, 3, 31),
        date(2026, 4, 1),
        False,
    )


def test_cached_pieces_add_up_to_the_whole_period(app):
    period = Period(date(2026, 1, 10), date(2026, 3, 20))
    today = date(2026, 4, 1)
    with app.app_context():
        generate(
            db.session(), calls=1500, seed=9, end=date(2026, 3, 20), days=80, timezone="Asia/Seoul"
        )
        db.session.commit()
        calls, traffic = call_kpis(db.session(), period)
        overall, per_center, per_topic = ticket_kpis(db.session(), period, today)
        cache = Redis.from_url(app.config["REDIS_URL"])
        cold = build_dashboard(db.session(), period, today, cache)
        warm = build_dashboard(db.session(), period, today, cache)
    # 22 days of January, February whole, 20 days of March: all settled by 1 April, so
    # three units (two runs of days and a month) are read back whole the second time.
    assert (cold.cached_pieces, warm.cached_pieces) == (0, 3)
    with app.app_context():
        # A day later the runs have moved: rebuilt from the cached single days, not the database.
        shifted = Period(date(2026, 1, 11), date(2026, 3, 21))
        moved = build_dashboard(db.session(), shifted, date(2026, 4, 1), cache)
        again = build_dashboard(db.session(), shifted, date(2026, 4, 1), cache)
        direct_calls, direct_traffic = call_kpis(db.session(), shifted)
        direct_tickets = ticket_kpis(db.session(), shifted, today)[0]
    for board in (moved, again):
        assert_same(board.calls, direct_calls)
        assert_same(board.traffic, direct_traffic)
        assert_same(board.tickets, direct_tickets)
    assert (moved.cached_pieces, again.cached_pieces) == (1, 3)  # February, then all three
    for board in (cold, warm):
        assert_same(board.calls, calls)
        assert_same(board.traffic, traffic)
        assert_same(board.tickets, overall)
        assert_same(board.per_center, per_center)
        assert_same(board.per_topic, per_topic)
        assert [d.day for d in board.traffic.days][0] == date(2026, 1, 10)
        assert len(board.traffic.days) == 70


def test_worker_sweep_warms_the_cache_once_per_interval(app):
    from callcenter.jobs import SWEEPS
    from callcenter.supervisor.dashboard import WARM_MARK, warm

    assert warm in SWEEPS  # workers run it between jobs
    with app.app_context():
        cache = Redis.from_url(app.config["REDIS_URL"])
        warm(days=40)
        keys = {k.decode() for k in cache.scan_iter("supervisor:kpi:v*")}
        # 40 days hold at least 10 settled pieces (single days or a whole month), 2 keys each.
        assert len(keys) >= 2 * 10 and cache.get(WARM_MARK) == b"1"
        cache.delete(*keys)
        warm(days=40)  # marked as warm a moment ago: nothing recomputed
        assert not list(cache.scan_iter("supervisor:kpi:v*"))
