"""The follow-up check by text: asked on the due date, answered 1/2/3 through the signed
messaging webhook; garbage, duplicates, strangers and late replies go to review."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select, update

from callcenter.db import db
from callcenter.followup.checks import local_today
from callcenter.models import (
    AuditLog,
    FollowUpCheck,
    FollowUpReply,
    SmsMessage,
    Ticket,
    TicketNote,
    utcnow,
)
from callcenter.pipeline import sms
from tests.callcenter.followup.conftest import (
    MOBILE,
    FakeTwilio,
    resolved_ticket,
    signed_post,
    sweep,
)
from tests.helpers import signed_in_client


def _reply(app: Flask, body: str, sid: str = "SM" + "a" * 32, number: str = MOBILE):  # type: ignore[no-untyped-def]
    client = app.test_client()
    return signed_post(
        app, client, "/followup/sms", {"From": number, "Body": body, "MessageSid": sid}
    )


def _state(app: Flask, ticket_id: int) -> tuple[str, str, str | None]:
    with app.app_context():
        db.session.expire_all()
        ticket = db.session.get(Ticket, ticket_id)
        check = db.session.scalars(select(FollowUpCheck)).one()
        assert ticket is not None
        return ticket.status, check.status, check.reply


def test_the_due_check_texts_the_question_once(app: Flask, twilio: FakeTwilio):
    ticket = resolved_ticket(app)
    first = sweep(app)
    assert len(first["made"]) == 1 and first["asked"] == first["made"]
    assert sweep(app) == {"made": [], "cancelled": 0, "asked": []}  # nothing twice
    with app.app_context():
        message = db.session.scalars(select(SmsMessage)).one()
        assert (message.purpose, message.subject) == ("follow_up", f"check-{first['made'][0]}-1")
        assert "1 해결됨 / 2 아직 해결 안 됨 / 3 통화 원함" in message.body
        assert ticket.number in message.body
        sms.send_sms(message.id)
    assert len(twilio.messages_sent) == 1 and twilio.messages_sent[0]["to"] == MOBILE
    assert _state(app, ticket.id) == ("resolved", "waiting", None)


def test_reply_1_closes_the_follow_up(app: Flask, twilio: FakeTwilio):
    ticket = resolved_ticket(app)
    sweep(app)
    response = _reply(app, "1")
    assert response.status_code == 200 and "사후 점검을 마칩니다" in response.get_data(as_text=True)
    assert _state(app, ticket.id) == ("follow_up_done", "answered", "resolved")
    with app.app_context():
        row = db.session.get(Ticket, ticket.id)
        assert row is not None and row.follow_up_done_at is not None
        audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "ticket.status")).one()
        assert audit.user_id is None
        assert audit.detail == {"from": "resolved", "to": "follow_up_done", "via": "follow_up"}


def test_reply_2_or_3_reopens_the_ticket_for_its_operator_with_the_reply_shown(
    app: Flask, twilio: FakeTwilio
):
    for n, (body, words) in enumerate((("2", "아직 해결 안 됨"), (" ３. ", "통화 원함"))):
        number = f"+8210987654{n:02d}"
        ticket = resolved_ticket(app, caller=number)
        sweep(app)
        _reply(app, body, sid=f"SM{n:032d}", number=number)
        with app.app_context():
            row = db.session.get(Ticket, ticket.id)
            assert row is not None
            assert (row.status, row.resolved_at, row.assignee_id) == (
                "in_progress",
                None,
                ticket.assignee_id,
            )
            note = db.session.scalars(
                select(TicketNote).where(TicketNote.ticket_id == ticket.id)
            ).one()
            assert note.text == f"사후 점검 응답(문자): {words}"
    client = signed_in_client(app, "viewer", "supervisor", None)
    page = client.get(f"/console/tickets/{ticket.number}").get_data(as_text=True)
    assert "사후 점검 응답(문자): 통화 원함" in page and "3 통화 원함" in page


def test_garbage_goes_to_review_and_leaves_the_check_open(app: Flask, twilio: FakeTwilio):
    ticket = resolved_ticket(app)
    sweep(app)
    response = _reply(app, "네 감사합니다 1번이요")
    assert "<Message>" not in response.get_data(as_text=True)
    assert _state(app, ticket.id) == ("resolved", "waiting", None)
    with app.app_context():
        reply = db.session.scalars(select(FollowUpReply)).one()
        assert (reply.outcome, reply.reason, reply.check_id is not None) == (
            "review",
            "garbage",
            True,
        )
    _reply(app, "1", sid="SM" + "b" * 32)  # a proper answer afterwards still counts
    assert _state(app, ticket.id) == ("follow_up_done", "answered", "resolved")


def test_a_duplicate_message_sid_is_applied_once(app: Flask, twilio: FakeTwilio):
    ticket = resolved_ticket(app)
    sweep(app)
    assert _reply(app, "2").status_code == 200
    repeat = _reply(app, "2")
    assert repeat.status_code == 200 and "<Message>" not in repeat.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(FollowUpReply)).all().__len__() == 1
        notes = db.session.scalars(select(TicketNote).where(TicketNote.ticket_id == ticket.id))
        assert len(notes.all()) == 1
        assert (
            len(
                db.session.scalars(
                    select(AuditLog).where(AuditLog.action == "followup.reply")
                ).all()
            )
            == 1
        )


def test_a_reply_from_a_number_with_no_open_check_touches_no_ticket(app: Flask, twilio: FakeTwilio):
    ticket = resolved_ticket(app)
    sweep(app)
    _reply(app, "1", number="+821055550000")
    assert _state(app, ticket.id) == ("resolved", "waiting", None)
    with app.app_context():
        reply = db.session.scalars(select(FollowUpReply)).one()
        assert (reply.outcome, reply.reason, reply.check_id) == ("review", "no_check", None)
    client = signed_in_client(app, "kim2", "operator", "INCHEON")
    page = client.get("/console/follow-up/review").get_data(as_text=True)
    assert "+821055550000" in page and "열린 점검 없음" in page


def test_a_reply_after_the_check_closed_goes_to_review(app: Flask, twilio: FakeTwilio):
    ticket = resolved_ticket(app)
    sweep(app)
    _reply(app, "1")
    _reply(app, "2", sid="SM" + "c" * 32)  # changed their mind a day later
    assert _state(app, ticket.id) == ("follow_up_done", "answered", "resolved")
    with app.app_context():
        late = db.session.scalars(select(FollowUpReply).order_by(FollowUpReply.id.desc())).first()
        assert late is not None and (late.outcome, late.reason) == ("review", "closed")
        late_id = late.id
    client = signed_in_client(app, "kim2", "operator", "INCHEON")
    page = client.get("/console/follow-up/review").get_data(as_text=True)
    assert "점검 종료 후 답장" in page
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    client.post(f"/console/follow-up/replies/{late_id}/reviewed", data={"csrf_token": token})
    page = client.get("/console/follow-up/review").get_data(as_text=True)
    assert "점검 종료 후 답장" not in page


def test_two_open_checks_for_one_number_are_never_guessed(app: Flask, twilio: FakeTwilio):
    one = resolved_ticket(app)
    two = resolved_ticket(app, suffix="b")
    sweep(app)
    _reply(app, "1")
    assert _state_of(app, one.id) == _state_of(app, two.id) == "resolved"
    with app.app_context():
        reply = db.session.scalars(select(FollowUpReply)).one()
        assert (reply.outcome, reply.reason) == ("review", "ambiguous")


def _state_of(app: Flask, ticket_id: int) -> str:
    with app.app_context():
        row = db.session.get(Ticket, ticket_id)
        assert row is not None
        return row.status


def test_unsigned_replies_are_refused(app: Flask):
    response = app.test_client().post(
        "/followup/sms", data={"From": MOBILE, "Body": "1", "MessageSid": "SM" + "d" * 32}
    )
    assert response.status_code == 403


def test_no_answer_after_the_tries_leaves_it_for_an_operator(app: Flask, twilio: FakeTwilio):
    ticket = resolved_ticket(app)
    sweep(app)

    def a_day_passes() -> None:
        with app.app_context():
            db.session.execute(
                update(FollowUpCheck).values(next_try_at=utcnow() - timedelta(minutes=1))
            )
            db.session.commit()

    a_day_passes()
    assert len(sweep(app)["asked"]) == 1  # the second try
    a_day_passes()
    assert sweep(app)["asked"] == []
    assert _state(app, ticket.id) == ("resolved", "unanswered", None)
    with app.app_context():
        subjects = db.session.scalars(select(SmsMessage.subject).order_by(SmsMessage.id)).all()
        assert [s.rsplit("-", 1)[1] for s in subjects] == ["1", "2"]
    client = signed_in_client(app, "kim2", "operator", "INCHEON")
    page = client.get("/console/follow-up/review").get_data(as_text=True)
    assert ticket.number in page and "응답 없음 (상담원 확인)" in page


def test_a_check_is_cancelled_when_an_operator_reopens_the_ticket(app: Flask, twilio: FakeTwilio):
    ticket = resolved_ticket(app)
    sweep(app)
    with app.app_context():
        db.session.execute(update(Ticket).values(status="in_progress"))
        db.session.commit()
    assert sweep(app)["cancelled"] == 1
    _reply(app, "1")
    assert _state(app, ticket.id) == ("in_progress", "cancelled", None)


def test_callers_are_asked_only_in_business_hours_and_stale_dates_are_left_alone(
    app: Flask, twilio: FakeTwilio
):
    ticket = resolved_ticket(app)
    with app.app_context():
        month_ago = local_today() - timedelta(days=30)
    resolved_ticket(app, caller="+821022223333", due=month_ago)
    app.config["FOLLOW_UP_ASK_MINUTES"] = (0, 0)  # never: e.g. midnight, when the date turns
    first = sweep(app)
    assert len(first["made"]) == 1 and first["asked"] == []  # the month-old date: no check
    assert _state(app, ticket.id) == ("resolved", "pending", None)
    app.config["FOLLOW_UP_ASK_MINUTES"] = (0, 24 * 60)
    assert sweep(app)["asked"] == first["made"]
