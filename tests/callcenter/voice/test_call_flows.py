"""Whole calls over real HTTP, driven by the simulator: every branch of the 1379 flow."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import select

from callcenter.demo.simulator import Caller, Input
from callcenter.models import Call, CallEvent, Recording, Ticket, utcnow
from tests.callcenter.voice.conftest import AUDIO, SEOUL

LANDLINE = "+82415551234"  # 041: 충남
MOBILE = "+821012345678"


def keys(*values: str) -> list[Input]:
    return [Input("dtmf", v) for v in values]


def words(*values: str) -> list[Input]:
    return [Input("speech", v) for v in values]


def only_call(session) -> Call:
    session.expire_all()
    return session.scalars(select(Call)).one()


def tickets(session) -> list[Ticket]:
    session.expire_all()
    return list(session.scalars(select(Ticket).order_by(Ticket.id)))


def event_kinds(session, call: Call) -> list[str]:
    return [e.kind for e in session.scalars(select(CallEvent).where(CallEvent.call_id == call.id))]


def test_landline_caller_reports_a_problem_by_keypad(app, simulator, session):
    result = simulator.place_call(Caller(LANDLINE, inputs=keys("1"), audio=AUDIO))

    assert result.paths() == [
        "/voice/incoming",
        "/voice/menu",
        "/voice/record-done",
        "/voice/recording-status",
        "/voice/status",
    ]  # the area code gave the region: no region question
    assert all(200 <= e.status < 300 for e in result.exchanges)
    call = only_call(session)
    assert (call.region, call.region_source) == ("충남", "area_code")
    assert call.menu_choice == "1" and call.outcome == "ticket" and call.status == "completed"
    [ticket] = tickets(session)
    assert ticket.status == "received" and ticket.kind == "problem"
    assert ticket.caller_number == LANDLINE and ticket.region == "충남"
    digits = " ".join("공일이삼사오육칠팔구"[int(c)] for c in ticket.number[-4:])
    assert any(digits in line for line in result.said)  # read back digit by digit
    recording = session.scalars(select(Recording)).one()
    assert ticket.recording_id == recording.id
    assert recording.status == "pending" and recording.purpose == "problem"
    assert recording.recording_sid == result.recordings[0]
    assert recording.source_url.endswith(f"/Recordings/{recording.recording_sid}")
    assert recording.job_id == f"transcribe-{recording.id}"
    job = Queue("transcription", connection=Redis.from_url(app.config["REDIS_URL"])).fetch_job(
        recording.job_id
    )
    assert (
        job is not None and job.func_name == "callcenter.pipeline.transcribe.transcribe_recording"
    )
    assert job.args == (recording.id,)
    assert event_kinds(session, call) == ["incoming", "menu", "record", "recording", "status"]


def test_mobile_caller_speaks_the_menu_and_the_region(simulator, session):
    caller = Caller(MOBILE, inputs=words("장비 활용 문의드려요", "창원이요"), audio=AUDIO)
    result = simulator.place_call(caller)

    assert "/voice/region" in result.paths()
    call = only_call(session)
    assert (call.region, call.region_source, call.menu_choice) == ("경남", "ivr_speech", "2")
    [ticket] = tickets(session)
    assert (ticket.region, ticket.region_source, ticket.menu_choice) == ("경남", "ivr_speech", "2")
    events = session.scalars(select(CallEvent).where(CallEvent.kind.in_(["menu", "region"])))
    assert [e.speech for e in events] == ["장비 활용 문의드려요", "창원이요"]


@pytest.mark.parametrize("branch", ["1", "2", "3"])
def test_mobile_caller_answers_the_region_by_key(simulator, session, branch):
    simulator.place_call(Caller(MOBILE, inputs=keys(branch, "6"), audio=AUDIO))
    call = only_call(session)
    assert (call.region, call.region_source) == ("부산·울산·경남", "ivr_digit")
    [ticket] = tickets(session)
    assert ticket.menu_choice == branch and ticket.kind == "problem"


def test_region_question_is_skipped_after_two_misses(simulator, session):
    simulator.place_call(Caller(MOBILE, inputs=keys("3", "9", "8"), audio=AUDIO))
    call = only_call(session)
    assert call.region is None and call.region_source == "unknown"
    assert len(tickets(session)) == 1


def test_english_caller(simulator, session):
    result = simulator.place_call(Caller(MOBILE, inputs=keys("9", "1", "1"), audio=AUDIO))
    call = only_call(session)
    assert call.language == "en"
    assert any("press 1" in line for line in result.said)
    assert any("ticket number is" in line for line in result.said)
    assert len(tickets(session)) == 1


def test_status_lookup_only_finds_the_callers_own_tickets(simulator, session):
    simulator.place_call(Caller(MOBILE, inputs=keys("1", "1"), audio=AUDIO))
    [ticket] = tickets(session)
    ticket.status = "in_progress"
    session.commit()
    last4 = ticket.number[-4:]

    stranger = simulator.place_call(Caller("+821099998888", inputs=keys("4", last4, last4)))
    assert any("찾지 못했습니다" in line for line in stranger.said)
    assert not any("처리 중" in line for line in stranger.said)

    owner = simulator.place_call(Caller(MOBILE, inputs=keys("4", last4)))
    assert any("현재 처리 중 상태입니다" in line for line in owner.said)
    session.expire_all()
    outcomes = [c.outcome for c in session.scalars(select(Call).order_by(Call.id))]
    assert outcomes == ["ticket", "status_lookup", "status_lookup"]


def test_hang_up_in_the_menu(simulator, session):
    result = simulator.place_call(Caller(MOBILE, hangup_at_gather=1))
    assert result.hung_up_by_caller
    assert result.paths() == ["/voice/incoming", "/voice/status"]
    call = only_call(session)
    assert (call.outcome, call.status) == ("hung_up_menu", "completed")
    assert call.ended_at is not None and call.duration_seconds is not None
    assert tickets(session) == []


def test_hang_up_while_recording_still_makes_a_ticket_and_a_transcription(simulator, session):
    result = simulator.place_call(
        Caller(LANDLINE, inputs=keys("2"), audio=AUDIO, hangup_in_record=True)
    )
    assert result.hung_up_by_caller
    call = only_call(session)
    assert call.outcome == "ticket"
    [ticket] = tickets(session)
    recording = session.scalars(select(Recording)).one()
    assert ticket.recording_id == recording.id and recording.job_id is not None


def test_silence_three_times_reaches_an_agent(simulator, session):
    result = simulator.place_call(Caller(LANDLINE))
    assert result.paths()[:4] == ["/voice/incoming", "/voice/menu", "/voice/menu", "/voice/menu"]
    assert "/voice/queue-wait" in result.paths()
    assert only_call(session).outcome == "answered"


def test_queue_answered_by_an_agent(simulator, session):
    result = simulator.place_call(Caller(LANDLINE, inputs=keys("0"), agent_answers_after=2))
    assert result.queue_result == "bridged"
    assert result.paths().count("/voice/queue-wait") == 2
    call = only_call(session)
    assert call.outcome == "answered" and call.queue_answered is True
    assert call.queue_entered_at is not None and call.queue_wait_seconds == 30
    assert tickets(session) == []


def test_queue_callback_request_keeps_the_place(simulator, session):
    caller = Caller(MOBILE, inputs=keys("0", "1"), queue_position=3)
    result = simulator.place_call(caller)
    assert result.queue_result == "leave"
    assert any("대기 순서는 세 번째입니다" in line for line in result.said)
    assert any("다시 전화 요청이 접수되었습니다" in line for line in result.said)
    [ticket] = tickets(session)
    assert (ticket.kind, ticket.queue_position, ticket.caller_number) == ("callback", 3, MOBILE)
    call = only_call(session)
    assert call.outcome == "callback" and call.queue_answered is False


def test_caller_gives_up_in_the_queue(simulator, session):
    result = simulator.place_call(
        Caller(LANDLINE, inputs=keys("0"), agent_answers_after=None, max_wait_cycles=2)
    )
    assert result.queue_result == "hangup"
    call = only_call(session)
    assert call.outcome == "abandoned_queue" and call.queue_answered is False
    assert call.queue_wait_seconds == 60


@pytest.mark.parametrize("voice_config", [{"QUEUE_MAX_SIZE": 1}])
def test_full_queue_takes_a_voicemail(simulator, session):
    waiting = Call(call_sid="CA" + "f" * 32, from_number=MOBILE, queue_entered_at=utcnow())
    session.add(waiting)
    session.commit()
    result = simulator.place_call(Caller(LANDLINE, inputs=keys("0"), audio=AUDIO))
    assert "/voice/queue-wait" not in result.paths()
    assert any("모든 상담원이 통화 중" in line for line in result.said)
    [ticket] = tickets(session)
    assert ticket.kind == "voicemail"


@pytest.mark.parametrize(
    "voice_time",
    [
        datetime(2026, 11, 27, 19, 30, tzinfo=SEOUL),  # Friday evening
        datetime(2026, 11, 28, 10, 30, tzinfo=SEOUL),  # Saturday
        datetime(2026, 2, 17, 10, 30, tzinfo=SEOUL),  # 설날, a Tuesday
    ],
    ids=["evening", "saturday", "seollal"],
)
def test_out_of_hours_operator_branch_takes_a_voicemail(simulator, session, voice_time):
    result = simulator.place_call(Caller(LANDLINE, inputs=keys("0"), audio=AUDIO))
    assert "/voice/queue-wait" not in result.paths()
    assert any("지금은 상담 시간이 아닙니다" in line for line in result.said)
    call = only_call(session)
    assert call.outcome == "voicemail"
    [ticket] = tickets(session)
    assert ticket.kind == "voicemail" and ticket.status == "received"
    recording = session.scalars(select(Recording)).one()
    assert recording.purpose == "voicemail"


@pytest.mark.parametrize("voice_time", [datetime(2026, 11, 27, 20, 0, tzinfo=SEOUL)])
def test_out_of_hours_mobile_caller_is_asked_the_region_before_voicemail(simulator, session):
    result = simulator.place_call(Caller(MOBILE, inputs=keys("0", "7"), audio=AUDIO))
    assert result.paths()[:3] == ["/voice/incoming", "/voice/menu", "/voice/region"]
    [ticket] = tickets(session)
    assert (ticket.kind, ticket.region) == ("voicemail", "제주")


def test_empty_recording_is_asked_again(simulator, session):
    result = simulator.place_call(Caller(LANDLINE, inputs=keys("1")))  # says nothing
    assert result.paths().count("/voice/record") == 1
    assert result.verbs[-1] == "Hangup"
    assert tickets(session) == []
    assert only_call(session).outcome == "hung_up_menu"


def test_calls_keep_their_timeline(simulator, session):
    simulator.place_call(Caller(MOBILE, inputs=keys("7", "2", "1"), audio=AUDIO))
    call = only_call(session)
    steps = [
        (e.kind, e.step, e.digits)
        for e in session.scalars(select(CallEvent).where(CallEvent.call_id == call.id))
    ]
    assert steps == [
        ("incoming", "greeting", None),
        ("menu", "menu_retry", "7"),
        ("menu", "region_question", "2"),
        ("region", "record_prompt", "1"),
        ("record", "record_done", "#"),
        ("recording", "completed", None),
        ("status", "completed", None),
    ]
    assert call.started_at <= utcnow() and call.ended_at - call.started_at < timedelta(minutes=1)
