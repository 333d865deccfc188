"""The dashboard's month cache gives exactly the numbers of one uncached computation."""

from __future__ import annotations

from datetime import date

from redis import Redis

from callcenter.db import db
from callcenter.supervisor.dashboard import build_dashboard, segments
from callcenter.supervisor.demo_data import generate
from callcenter.supervisor.kpis import Period, call_kpis, ticket_kpis


def test_segments_cache_only_whole_past_months():
    period = Period(date(2026, 1, 15), date(2026, 4, 10))
    pieces = segments(period, today=date(2026, 4, 12))
    assert [(p.start, p.end, whole) for p, whole in pieces] == [
        (date(2026, 1, 15), date(2026, 1, 31), False),
        (date(2026, 2, 1), date(2026, 2, 28), True),
        (date(2026, 3, 1), date(2026, 3, 31), True),
        (date(2026, 4, 1), date(2026, 4, 10), False),
    ]
    # March 31 is yesterday when today is 1 April: still moving, so computed live.
    pieces = segments(Period(date(2026, 3, 1), date(2026, 4, 1)), today=date(2026, 4, 1))
    assert [whole for _, whole in pieces] == [False]


def test_cached_months_add_up_to_the_whole_period(app):
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
    assert (cold.cached_months, warm.cached_months) == (0, 1)  # February is whole and past
    for board in (cold, warm):
        assert board.calls == calls
        assert board.traffic == traffic
        assert board.tickets == overall
        assert board.per_center == per_center
        assert board.per_topic == per_topic
        assert [d.day for d in board.traffic.days][0] == date(2026, 1, 10)
        assert len(board.traffic.days) == 70
