"""The dashboard adds up daily rollups and live days into exactly the live computation."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from callcenter.db import db
from callcenter.demo.history import generate
from callcenter.kpi import rollup_reads, rollups
from callcenter.kpi.definitions import Period, Tally
from callcenter.kpi.live import add_live
from callcenter.models import Call, Ticket
from callcenter.models.kpi import kpi_days, kpi_ticket_days
from callcenter.supervisor.dashboard import Dashboard, build_dashboard

TZ = "Asia/Seoul"
TODAY = date(2026, 4, 1)  # every day of the generated history is settled by then


def assert_same(a, b):
    """Equal counts; sums equal up to float rounding (days are added in another order)."""
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


def assert_live(board: Dashboard, today: date = TODAY) -> None:
    """The board's figures equal one live computation over the whole period."""
    tally = Tally(board.period)
    add_live(tally, db.session(), [board.period], today)
    assert_same(board.calls, tally.call_kpis())
    assert_same(board.traffic, tally.traffic)
    assert_same(board.tickets, tally.tickets)
    assert_same(board.per_center, dict(tally.per_center))
    assert_same(board.per_topic, dict(tally.per_topic))
    live, shown = tally.transcription, board.transcription
    assert (live.recordings, live.done, live.failed) == (shown.recordings, shown.done, shown.failed)
    assert_same(live.processing, shown.processing)


def fresh(day: date) -> bool:
    return bool(db.session.scalar(select(kpi_days.c.fresh).where(kpi_days.c.day == day)))


@pytest.fixture
def history(app):
    with app.app_context():
        generate(db.session(), calls=1500, seed=9, end=date(2026, 3, 30), days=80, timezone=TZ)
        db.session.commit()
        yield


def test_runs_join_consecutive_days():
    days = [date(2026, 3, d) for d in (5, 1, 2, 3, 7, 8)]
    assert rollups.runs(days) == [
        (date(2026, 3, 1), date(2026, 3, 3)),
        (date(2026, 3, 5), date(2026, 3, 5)),
        (date(2026, 3, 7), date(2026, 3, 8)),
    ]


def test_rollups_add_up_to_the_live_figures(app, history):
    with app.app_context():
        session = db.session()
        before = build_dashboard(session, Period(date(2026, 1, 20), TODAY, TZ), TODAY)
        assert before.rollup_days == 0  # nothing summed yet: every day computed live
        # 80 days of history, 10 January to 30 March: all settled on 1 April. (Follow-up
        # dates after 30 March are not settled yet: they stay live.)
        assert rollups.refresh(session, TZ, TODAY) == 80
        assert rollups.days_to_build(session, TZ, TODAY) == []
        assert session.scalar(select(kpi_ticket_days.c.day).limit(1)) is not None
        for start, end in [
            (date(2026, 1, 20), TODAY),  # the whole history, summed days then the live tail
            (date(2026, 2, 1), date(2026, 2, 28)),  # a month, all summed
            (date(2026, 3, 15), date(2026, 3, 31)),  # settled days then yesterday
            (date(2026, 3, 31), TODAY),  # only live days
        ]:
            board = build_dashboard(session, Period(start, end, TZ), TODAY)
            settled = (min(end, TODAY - timedelta(days=2)) - start).days + 1
            assert board.rollup_days == max(settled, 0)
            assert_live(board)


def test_a_change_to_a_settled_day_is_computed_live_until_summed_again(app, history):
    with app.app_context():
        session = db.session()
        rollups.refresh(session, TZ, TODAY)
        ticket = session.scalars(
            select(Ticket).where(
                Ticket.follow_up_on.is_not(None),
                Ticket.follow_up_done_at.is_(None),
                Ticket.created_at < datetime(2026, 3, 1, tzinfo=UTC),
            )
        ).first()
        assert ticket is not None
        created = (ticket.created_at + timedelta(hours=9)).date()
        old_follow_up = ticket.follow_up_on
        new_follow_up = date(2026, 3, 25)
        # A week later the check is moved, then done; and the ticket is reopened.
        ticket.follow_up_on = new_follow_up
        ticket.follow_up_done_at = datetime(2026, 3, 25, 2, tzinfo=UTC)
        ticket.resolved_at = None
        session.commit()
        stale = [d for d in (created, old_follow_up, new_follow_up) if not fresh(d)]
        assert sorted(stale) == sorted({created, old_follow_up, new_follow_up})
        period = Period(date(2026, 1, 1), TODAY, TZ)
        board = build_dashboard(session, period, TODAY)
        assert_live(board)
        assert rollups.refresh(session, TZ, TODAY) == len({created, old_follow_up, new_follow_up})
        assert all(fresh(d) for d in (created, old_follow_up, new_follow_up))
        again = build_dashboard(session, period, TODAY)
        assert again.rollup_days == board.rollup_days + len(stale)
        assert_live(again)


def test_whole_months_inside_the_period():
    period = Period(date(2026, 1, 15), date(2026, 4, 30), TZ)
    assert rollup_reads.whole_months(period) == [
        date(2026, 2, 1),
        date(2026, 3, 1),
        date(2026, 4, 1),
    ]
    assert rollup_reads.whole_months(Period(date(2026, 2, 2), date(2026, 3, 30), TZ)) == []


def test_a_change_made_during_a_build_keeps_the_day_stale(app, history, monkeypatch):
    day = date(2026, 3, 10)
    real = rollups.ticket_groups

    def racing(session, period):
        # Another transaction changed a row of the day while this build was reading it.
        rollups.mark_stale(session.connection(), [day])
        return real(session, period)

    with app.app_context():
        session = db.session()
        monkeypatch.setattr(rollups, "ticket_groups", racing)
        assert rollups.build_day(session, day, TZ) is False
        session.commit()
        assert not fresh(day)
        monkeypatch.setattr(rollups, "ticket_groups", real)
        assert rollups.build_day(session, day, TZ) is True
        session.commit()
        assert fresh(day)


def test_todays_calls_mark_nothing(app):
    """The webhooks' flushes touch only today's rows: no rollup bookkeeping on the hot path."""
    with app.app_context():
        db.session.add(Call(call_sid="CA-today", started_at=datetime.now(UTC)))
        db.session.commit()
        assert db.session.scalar(select(kpi_days.c.day)) is None
        db.session.add(Call(call_sid="CA-old", started_at=datetime(2026, 3, 2, 3, tzinfo=UTC)))
        db.session.commit()
        assert db.session.scalars(select(kpi_days.c.day)).all() == [date(2026, 3, 2)]


def test_days_summed_in_another_time_zone_are_not_used(app, history):
    with app.app_context():
        session = db.session()
        rollups.refresh(session, TZ, TODAY)
        utc_period = Period(date(2026, 2, 1), date(2026, 2, 28), "UTC")
        assert rollup_reads.fresh_days(session, utc_period, TODAY) == set()
        board = build_dashboard(session, utc_period, TODAY)
        assert board.rollup_days == 0
        assert_live(board)
        assert date(2026, 2, 14) in rollups.days_to_build(session, "UTC", TODAY)


def test_worker_sweep_sums_recent_days_first_in_slices(app, history):
    from callcenter.pipeline.sweeps import sweep_functions

    assert rollups.refresh_rollups in sweep_functions()  # workers run it between jobs
    with app.app_context():
        rollups.refresh_rollups()
        summed = db.session.scalars(select(kpi_days.c.day).where(kpi_days.c.fresh)).all()
        db.session.remove()
    assert len(summed) == rollups.DAYS_PER_SWEEP
    # Most recent first: the day before yesterday (real time) down, one slice at a time.
    today = datetime.now(UTC).date()
    assert max(summed) >= today - timedelta(days=3)


def test_a_month_summed_in_part_adds_up(app, history):
    """The sweep sums recent days first: a month with some days summed is still exact."""
    with app.app_context():
        session = db.session()
        assert rollups.refresh(session, TZ, TODAY, limit=20) == 20  # 30 March back to 11 March
        assert fresh(date(2026, 3, 11)) and not fresh(date(2026, 3, 10))
        board = build_dashboard(session, Period(date(2026, 1, 1), TODAY, TZ), TODAY)
        assert board.rollup_days == 20
        assert_live(board)
