"""Whole live calls over real HTTP: routed, offered, answered, missed, overflowed, abandoned."""

from __future__ import annotations

import time
from datetime import datetime

import pytest
from sqlalchemy import select

from callcenter.demo.simulator import Caller, Input
from callcenter.models import Call, CallEvent, LiveCall, OperatorPresence
from tests.callcenter.voice.conftest import SEOUL

INCHEON_LINE = "+82325551234"  # 032: routed to INCHEON, then ANSAN, then SEOUL
BUSAN_LINE = "+82515551234"


def press(*values: str) -> list[Input]:
    """Keys for successive <Gather>s."""
    return [Input("dtmf", v) for v in values]


def asks_for_person(number: str = INCHEON_LINE, **script: object) -> Caller:
    """A caller who presses 0 and waits; only a real (simulated) operator can answer."""
    options: dict[str, object] = {"agent_answers_after": None, "max_wait_cycles": 3}
    options.update(script)
    return Caller(number, inputs=press("0"), **options)  # type: ignore[arg-type]


def the_call(session) -> Call:
    session.expire_all()
    return session.scalars(select(Call)).one()


def the_live_call(session) -> LiveCall:
    session.expire_all()
    return session.scalars(select(LiveCall)).one()


def states(session) -> dict[int, str]:
    session.expire_all()
    return {p.user_id: p.state for p in session.scalars(select(OperatorPresence))}


def steps(session, kind: str = "live") -> list[str]:
    session.expire_all()
    query = select(CallEvent.step).where(CallEvent.kind == kind).order_by(CallEvent.id)
    return list(session.scalars(query))


def test_answered_at_the_routed_center(simulator, desk, session):
    incheon = desk("incheon1", "INCHEON")
    desk("ansan1", "ANSAN")
    result = simulator.place_call(asks_for_person())
    assert result.rang == [incheon.identity]
    assert result.answered_by == incheon.identity
    live = the_live_call(session)
    assert (live.status, live.home_center, live.center_code) == ("ended", "INCHEON", "INCHEON")
    assert live.operator_id is not None and live.answered_at is not None
    assert live.overflows == 0 and live.offers == 1
    call = the_call(session)
    assert call.outcome == "answered" and call.queue_answered is True
    assert call.queue_wait_seconds == live.wait_seconds
    assert steps(session)[:4] == ["live_routed", "live_offer", "live_ring", "live_answered"]
    assert "live_done" in steps(session)
    # After the call: wrap-up (30 s by default), then available again.
    presence = incheon.presence()
    assert presence["state"] == "wrap_up" and presence["wrap_up_until"] is not None


def test_no_answer_goes_to_the_next_operator(simulator, desk, session):
    first = desk("incheon1", "INCHEON", answers=False)  # idle longest: offered first
    time.sleep(0.01)
    second = desk("incheon2", "INCHEON")
    result = simulator.place_call(asks_for_person())
    assert result.rang == [first.identity, second.identity]
    assert result.answered_by == second.identity
    live = the_live_call(session)
    assert live.status == "ended" and live.offers == 2
    user_ids = {d.identity: int(d.identity.split("-")[1]) for d in (first, second)}
    assert live.missed_by == [user_ids[first.identity]]
    assert "live_missed" in steps(session) and "live_requeued" in steps(session)
    # The operator who let it ring is available again (not stuck ringing) and counted.
    assert first.presence()["state"] == "available"
    assert first.presence()["missed_offers"] == 1


def test_nobody_available_overflows_to_the_next_nearest_center(simulator, desk, session):
    desk("incheon1", "INCHEON", available=False)  # signed in, but not 대기
    seoul = desk("seoul1", "SEOUL")
    ansan = desk("ansan1", "ANSAN")
    result = simulator.place_call(asks_for_person())
    assert result.rang == [ansan.identity]  # ANSAN is nearer to 인천 than SEOUL
    assert seoul.offered == []
    live = the_live_call(session)
    assert (live.home_center, live.center_code, live.overflows) == ("INCHEON", "ANSAN", 1)
    [offer] = [
        e.detail for e in session.scalars(select(CallEvent).where(CallEvent.step == "live_offer"))
    ]
    assert offer["overflow"] is True and offer["reason"] == "home_unstaffed"


def test_caller_hangs_up_while_ringing(simulator, desk, session):
    operator = desk("incheon1", "INCHEON")
    result = simulator.place_call(asks_for_person(hangup_while_ringing=True))
    assert result.rang == [operator.identity] and result.answered_by is None
    live = the_live_call(session)
    assert live.status == "abandoned" and live.answered_at is None
    assert operator.presence()["state"] == "available"
    assert the_call(session).outcome == "abandoned_queue"


def test_caller_hangs_up_while_queued(simulator, desk, session):
    operator = desk("busan1", "BUSAN", available=False)
    result = simulator.place_call(asks_for_person(max_wait_cycles=2))
    assert result.queue_result == "hangup" and result.rang == []
    live = the_live_call(session)
    assert live.status == "abandoned" and live.operator_id is None
    assert operator.presence()["state"] == "offline"
    call = the_call(session)
    assert call.outcome == "abandoned_queue" and call.queue_answered is False
    assert set(states(session).values()) <= {"offline", "away"}


@pytest.mark.parametrize(
    "voice_time", [datetime(2026, 11, 27, 19, 30, tzinfo=SEOUL)], ids=["evening"]
)
def test_after_hours_takes_a_message_instead(simulator, desk, session):
    operator = desk("incheon1", "INCHEON")
    result = simulator.place_call(Caller(INCHEON_LINE, inputs=press("0")))
    assert "/voice/queue-wait" not in result.paths() and result.rang == []
    assert any("상담 시간이 아닙니다" in line for line in result.said)
    assert session.scalars(select(LiveCall)).all() == []
    assert operator.presence()["state"] == "available"


def test_waiting_caller_is_offered_the_callback(simulator, session):
    result = simulator.place_call(Caller("+821012345678", inputs=press("0", "1")))
    assert result.queue_result == "leave" and result.rang == []
    assert any("다시 전화 요청이 접수되었습니다" in line for line in result.said)
    assert the_live_call(session).status == "left"
    assert the_call(session).outcome == "callback"


@pytest.mark.parametrize(
    "inputs", [[Input("speech", "상담원 연결해 주세요")], []], ids=["spoken", "after-retries"]
)
def test_spoken_request_and_menu_retries_reach_the_routed_center(simulator, desk, session, inputs):
    desk("incheon1", "INCHEON")
    busan = desk("busan1", "BUSAN")
    caller = Caller(BUSAN_LINE, inputs=inputs, agent_answers_after=None, max_wait_cycles=3)
    result = simulator.place_call(caller)
    assert result.answered_by == busan.identity
    live = the_live_call(session)
    assert (live.home_center, live.center_code, live.status) == ("BUSAN", "BUSAN", "ended")
