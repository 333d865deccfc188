"""The offer decision on the database: idle longest, older callers first, wrap-up, beats."""

from __future__ import annotations

from datetime import timedelta

from callcenter.db import db
from callcenter.live.offers import LiveSettings, missed, offer_next
from callcenter.models import LiveCall, OperatorPresence, utcnow
from tests.callcenter.live.rows import available_operators, queued_calls

SETTINGS = LiveSettings(overflow_after=60)


def _offer(live_id: int, waited: float = 0) -> int | None:
    live = db.session.get(LiveCall, live_id)
    chosen = offer_next(db.session(), live, SETTINGS, waited=waited)
    db.session.commit()
    return chosen.user_id if chosen else None


def test_idle_longest_first_and_a_finished_wrap_up_counts_from_its_end(app):
    early, late = available_operators(app, "op1", "op2")
    first, second = queued_calls(app, 2)
    with app.app_context():
        now = utcnow()
        row = db.session.get(OperatorPresence, early)
        # In wrap-up until a second ago: idle since then, later than op2 became available.
        row.state, row.wrap_up_until = "wrap_up", now - timedelta(seconds=1)
        row.since = now - timedelta(minutes=10)
        db.session.get(OperatorPresence, late).since = now - timedelta(minutes=5)
        db.session.commit()
        assert _offer(first) == late
        assert _offer(second) == early


def test_wrap_up_still_running_or_a_silent_browser_is_never_offered(app):
    busy, silent = available_operators(app, "op1", "op2")
    [live_id] = queued_calls(app, 1)
    with app.app_context():
        now = utcnow()
        wrap = db.session.get(OperatorPresence, busy)
        wrap.state, wrap.wrap_up_until = "wrap_up", now + timedelta(seconds=20)
        gone = db.session.get(OperatorPresence, silent)
        gone.heartbeat_at = now - timedelta(seconds=SETTINGS.presence_timeout + 1)
        db.session.commit()
        assert _offer(live_id) is None


def test_an_older_caller_holds_the_center_until_offered_once(app):
    [operator] = available_operators(app, "op1")
    older, younger = queued_calls(app, 2)
    with app.app_context():
        assert _offer(younger) is None  # the older caller of the same center goes first
        assert _offer(older) == operator
        live = db.session.get(LiveCall, older)
        missed(db.session(), live, "no-answer")
        db.session.commit()
        # Offered once and let ring: the older caller no longer holds the line.
        assert _offer(younger) == operator


def test_after_the_overflow_limit_a_held_caller_goes_to_the_next_center(app):
    [incheon] = available_operators(app, "op1")
    [ansan] = available_operators(app, "ansan1", center="ANSAN")
    older, younger = queued_calls(app, 2)
    with app.app_context():
        assert _offer(younger, waited=30) is None
        assert _offer(younger, waited=61) == ansan
        assert db.session.get(LiveCall, younger).overflows == 1
        assert _offer(older) == incheon
