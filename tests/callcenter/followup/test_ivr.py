"""The follow-up check by call: placed once per try through Twilio's REST API, then the IVR
asks 1/2/3 and a 1-5 score through signed voice webhooks."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select, update

from callcenter.db import db
from callcenter.followup.calls import place_follow_up_call
from callcenter.followup.checks import set_channel
from callcenter.models import FollowUpCheck, Ticket, TicketNote, utcnow
from tests.callcenter.followup.conftest import (
    MOBILE,
    FakeTwilio,
    resolved_ticket,
    signed_post,
    sweep,
)
from tests.twiml_tree import spoken, tree, url_parts, verbs


def _by_call(app: Flask) -> tuple[int, int]:
    ticket = resolved_ticket(app)
    with app.app_context():
        set_channel(db.session(), db.session.get(Ticket, ticket.id), "call")
        db.session.commit()
    made = sweep(app)["made"]
    return ticket.id, made[0]


def _placed(app: Flask, check_id: int) -> str:
    with app.app_context():
        sid = place_follow_up_call(check_id)
        assert place_follow_up_call(check_id) is None  # a repeated job calls no one again
        assert sid is not None
        return sid


def _post(app: Flask, path: str, call_sid: str, **form: str):  # type: ignore[no-untyped-def]
    data = {"CallSid": call_sid, "To": MOBILE, "From": "+8215881379", **form}
    return signed_post(app, app.test_client(), path, data)


def _check(app: Flask) -> FollowUpCheck:
    with app.app_context():
        check = db.session.scalars(select(FollowUpCheck)).one()
        db.session.expunge(check)
        return check


def test_the_call_is_placed_once_and_asks_the_question(app: Flask, twilio: FakeTwilio):
    _ticket_id, check_id = _by_call(app)
    call_sid = _placed(app, check_id)
    assert len(twilio.calls_made) == 1
    made = twilio.calls_made[0]
    assert made["to"] == MOBILE and made["url"].endswith(f"/followup/voice/start?check={check_id}")
    response = _post(app, made["url"].split("localhost", 1)[1], call_sid)
    root = tree(response.get_data())
    said = spoken(root)
    assert "사후 점검 전화" in said and "1번" in said and "3번" in said
    gather = root.find("Gather")
    assert gather is not None
    assert url_parts(gather.get("action")) == (
        "/followup/voice/answer",
        {"check": str(check_id), "n": "1"},
    )


def test_answer_2_and_score_reopen_the_ticket_and_keep_the_score(app: Flask, twilio: FakeTwilio):
    ticket_id, check_id = _by_call(app)
    call_sid = _placed(app, check_id)
    response = _post(app, f"/followup/voice/answer?check={check_id}&n=1", call_sid, Digits="2")
    gather = tree(response.get_data()).find("Gather")
    assert gather is not None
    assert url_parts(gather.get("action")) == (
        "/followup/voice/score",
        {"check": str(check_id), "a": "not_yet"},
    )
    _post(app, f"/followup/voice/score?check={check_id}&a=not_yet", call_sid, Digits="4")
    check = _check(app)
    assert (check.status, check.reply, check.score) == ("answered", "not_yet", 4)
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket is not None and ticket.status == "in_progress"
        note = db.session.scalars(select(TicketNote)).one()
        assert note.text == "사후 점검 응답(전화): 아직 해결 안 됨"


def test_answer_1_closes_the_follow_up(app: Flask, twilio: FakeTwilio):
    ticket_id, check_id = _by_call(app)
    call_sid = _placed(app, check_id)
    _post(app, f"/followup/voice/answer?check={check_id}&n=1", call_sid, Digits="1")
    _post(app, f"/followup/voice/score?check={check_id}&a=resolved", call_sid, Digits="5")
    # A replayed score request changes nothing.
    _post(app, f"/followup/voice/score?check={check_id}&a=resolved", call_sid, Digits="1")
    assert (_check(app).reply, _check(app).score) == ("resolved", 5)
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket is not None and ticket.status == "follow_up_done"


def test_a_wrong_key_asks_again_then_ends_leaving_the_check_open(app: Flask, twilio: FakeTwilio):
    _ticket_id, check_id = _by_call(app)
    call_sid = _placed(app, check_id)
    again = _post(app, f"/followup/voice/answer?check={check_id}&n=1", call_sid, Digits="7")
    root = tree(again.get_data())
    assert "다시 한 번" in spoken(root)
    gather = root.find("Gather")
    assert gather is not None and url_parts(gather.get("action"))[1]["n"] == "2"
    done = _post(app, f"/followup/voice/answer?check={check_id}&n=2", call_sid, Digits="9")
    assert verbs(tree(done.get_data()))[-1] == "Hangup"
    assert _check(app).status == "waiting"


def test_a_call_for_another_number_or_call_touches_nothing(app: Flask, twilio: FakeTwilio):
    _ticket_id, check_id = _by_call(app)
    call_sid = _placed(app, check_id)
    response = signed_post(
        app,
        app.test_client(),
        f"/followup/voice/answer?check={check_id}&n=1",
        {"CallSid": call_sid, "To": "+821099990000", "Digits": "1"},
    )
    assert "이미 끝났습니다" in response.get_data(as_text=True)
    _post(app, f"/followup/voice/answer?check={check_id}&n=1", "CA" + "9" * 32, Digits="1")
    assert _check(app).status == "waiting"
    unsigned = app.test_client().post(
        f"/followup/voice/answer?check={check_id}&n=1", data={"CallSid": call_sid, "Digits": "1"}
    )
    assert unsigned.status_code == 403


def test_answer_3_reopens_and_a_replayed_call_after_the_answer_hears_it_is_closed(
    app: Flask, twilio: FakeTwilio
):
    ticket_id, check_id = _by_call(app)
    call_sid = _placed(app, check_id)
    _post(app, f"/followup/voice/answer?check={check_id}&n=1", call_sid, Digits="3")
    assert (_check(app).status, _check(app).reply) == ("answered", "call_me")
    # Twilio retrying the same step, or the caller calling the number back later: no change.
    again = _post(app, f"/followup/voice/answer?check={check_id}&n=1", call_sid, Digits="1")
    assert "이미 끝났습니다" in spoken(tree(again.get_data()))
    start = _post(app, f"/followup/voice/start?check={check_id}", call_sid)
    assert "이미 끝났습니다" in spoken(tree(start.get_data()))
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket is not None and ticket.status == "in_progress"
        assert db.session.scalars(select(TicketNote.text)).all() == [
            "사후 점검 응답(전화): 통화 원함"
        ]


def test_an_unanswered_call_try_is_tried_again_with_a_new_call(app: Flask, twilio: FakeTwilio):
    _ticket_id, check_id = _by_call(app)
    _placed(app, check_id)
    with app.app_context():
        db.session.execute(
            update(FollowUpCheck).values(next_try_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    assert sweep(app)["asked"] == [check_id]
    _placed(app, check_id)
    assert len(twilio.calls_made) == 2 and _check(app).tries == 2
