"""Races decided by the database: one call never rings two operators, nor one operator two calls."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from callcenter.db import db
from callcenter.live.decision import Offer
from callcenter.live.offers import LiveSettings, claim, offer_next
from callcenter.models import LiveCall, OperatorPresence
from tests.callcenter.live.rows import available_operators, queued_calls
from tests.callcenter.live.test_live_calls import asks_for_person

SETTINGS = LiveSettings()


def _race(app, work: list[Callable[[], Any]]) -> list[Any]:
    """Run each function in its own thread and app context, started together."""
    start = threading.Barrier(len(work))
    results: list[Any] = [None] * len(work)

    def run(i: int) -> None:
        with app.app_context():
            start.wait()
            try:
                results[i] = work[i]()
                db.session.commit()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def _states(app) -> dict[int, tuple[str, int | None]]:
    with app.app_context():
        rows = db.session.scalars(select(OperatorPresence)).all()
        return {r.user_id: (r.state, r.live_call_id) for r in rows}


def test_two_operators_racing_for_one_call_exactly_one_gets_it(app):
    first, second = available_operators(app, "op1", "op2")
    [live_id] = queued_calls(app, 1)

    def take(user_id: int) -> Callable[[], bool]:
        def attempt() -> bool:
            live = db.session.get(LiveCall, live_id)
            return claim(db.session(), live, Offer(user_id, "INCHEON", False, "home"), SETTINGS)

        return attempt

    for round_ in range(3):  # a few rounds: the race must hold however the threads interleave
        outcome = _race(app, [take(first), take(second)])
        assert sorted(outcome) == [False, True], (round_, outcome, _states(app))
        states = _states(app)
        with app.app_context():
            live = db.session.get(LiveCall, live_id)
            winner = live.operator_id
            assert live.status == "ringing" and winner in (first, second)
            loser = second if winner == first else first
            assert states[winner] == ("ringing", live_id) and states[loser] == ("available", None)
            # Put the call and the operator back for the next round.
            live.status, live.operator_id = "queued", None
            row = db.session.get(OperatorPresence, winner)
            row.state, row.live_call_id = "available", None
            db.session.commit()


def test_two_calls_racing_for_one_operator_exactly_one_rings_them(app):
    [operator] = available_operators(app, "op1")
    calls = queued_calls(app, 2)

    def offer(live_id: int) -> Callable[[], int | None]:
        def attempt() -> int | None:
            live = db.session.get(LiveCall, live_id)
            chosen = offer_next(db.session(), live, SETTINGS, waited=0)
            return chosen.user_id if chosen else None

        return attempt

    results = _race(app, [offer(calls[0]), offer(calls[1])])
    # The older call goes first; the younger one waits (never a second ring for the operator).
    assert results == [operator, None]
    assert _states(app)[operator] == ("ringing", calls[0])


def test_two_callers_over_http_one_operator_is_rung_for_one_of_them(app, simulator, desk):
    operator = desk("incheon1", "INCHEON")
    outcomes: list[Any] = [None, None]

    def place(i: int) -> None:
        outcomes[i] = simulator.place_call(asks_for_person(max_wait_cycles=2))

    threads = [threading.Thread(target=place, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    answered = [r for r in outcomes if r is not None and r.answered_by == operator.identity]
    assert len(answered) == 1 and len(operator.offered) == 1
    other = next(r for r in outcomes if r is not answered[0])
    assert other.rang == [] and other.queue_result == "hangup"
