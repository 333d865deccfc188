"""Referrals: the lifecycle of one, several on a ticket, their audit rows and the caller's text."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update

from callcenter.db import db
from callcenter.models import AuditLog, Referral, SmsMessage, Ticket, User, utcnow
from callcenter.pipeline import sms
from callcenter.referrals.service import (
    change_referral_status,
    create_referral,
    update_referral,
)
from callcenter.referrals.sms import record_referral_sms
from callcenter.services.workflow import WorkflowError
from tests.callcenter.referrals.conftest import SMS_CONFIG, FakeMessages, plating_ticket
from tests.factories import make_user


@pytest.fixture
def app_config(app_config):  # type: ignore[no-untyped-def]
    app_config.update(SMS_CONFIG)
    return app_config


def _setup(app: Flask) -> tuple[int, int]:
    user = make_user(app, "kim", "operator", "INCHEON")
    ticket = plating_ticket(app, status="in_progress", assignee_id=user.id)
    return user.id, ticket.id


def test_a_referral_moves_requested_accepted_completed_and_every_change_is_audited(
    app: Flask, catalogue: None
):
    user_id, ticket_id = _setup(app)
    with app.app_context():
        session = db.session()
        user, ticket = session.get(User, user_id), session.get(Ticket, ticket_id)
        referral = create_referral(
            session,
            ticket,
            user=user,
            resource_kind="equipment",
            resource_id="EQ-SALT",
            due_on=date(2026, 12, 20),
            notes="성적서 KOLAS 필요",
        )
        session.commit()
        # The resource decides the institute and the contact when none is typed.
        assert (referral.institute, referral.resource_name) == ("KITECH", "복합염수분무 시험기")
        assert referral.contact == "장비예약 032-850-0000" and referral.status == "requested"
        with pytest.raises(WorkflowError) as refused:
            change_referral_status(session, referral, "completed", user=user)
        assert refused.value.msg_id == "ref.illegal_move"
        change_referral_status(session, referral, "accepted", user=user, note="담당 박연구원")
        update_referral(session, referral, user=user, contact="박연구원 032-850-2222")
        change_referral_status(session, referral, "completed", user=user)
        session.commit()
        assert referral.accepted_at is not None and referral.finished_at is not None
        assert "담당 박연구원" in referral.notes and referral.contact.startswith("박연구원")
        with pytest.raises(WorkflowError):
            change_referral_status(session, referral, "declined", user=user)
        actions = session.scalars(
            select(AuditLog.action)
            .where(AuditLog.target_type == "ticket", AuditLog.target_id == ticket_id)
            .order_by(AuditLog.id)
        ).all()
        assert actions == [
            "referral.create",
            "referral.moved",
            "referral.update",
            "referral.moved",
        ]


def test_a_ticket_carries_several_referrals_and_a_declined_one_ends(app: Flask, catalogue: None):
    user_id, ticket_id = _setup(app)
    with app.app_context():
        session = db.session()
        user, ticket = session.get(User, user_id), session.get(Ticket, ticket_id)
        first = create_referral(
            session, ticket, user=user, resource_kind="equipment", resource_id="EQ-SALT"
        )
        second = create_referral(session, ticket, user=user, institute="KIMS", contact="이담당")
        change_referral_status(session, second, "declined", user=user, note="해당 장비 없음")
        session.commit()
        rows = session.scalars(select(Referral).where(Referral.ticket_id == ticket_id)).all()
        assert [(r.institute, r.status) for r in rows] == [
            ("KITECH", "requested"),
            ("KIMS", "declined"),
        ]
        assert first.resource_kind == "equipment" and second.resource_kind is None


def test_refusals_unknown_resource_institute_or_someone_elses_ticket(app: Flask, catalogue: None):
    user_id, ticket_id = _setup(app)
    stranger = make_user(app, "busan", "operator", "BUSAN")
    with app.app_context():
        session = db.session()
        user, ticket = session.get(User, user_id), session.get(Ticket, ticket_id)
        for kwargs, msg_id in (
            ({"resource_kind": "equipment", "resource_id": "NOPE"}, "ref.unknown_resource"),
            ({"institute": "XXXX"}, "ref.unknown_institute"),
            ({}, "ref.unknown_institute"),
        ):
            with pytest.raises(WorkflowError) as refused:
                create_referral(session, ticket, user=user, **kwargs)
            assert refused.value.msg_id == msg_id
        with pytest.raises(WorkflowError) as refused:
            create_referral(session, ticket, user=session.get(User, stranger.id), institute="KIMS")
        assert refused.value.msg_id == "work.not_yours"


def test_each_referral_texts_the_caller_once_what_where_whom(
    app: Flask, catalogue: None, messages: FakeMessages
):
    user_id, ticket_id = _setup(app)
    with app.app_context():
        session = db.session()
        user, ticket = session.get(User, user_id), session.get(Ticket, ticket_id)
        one = create_referral(
            session, ticket, user=user, resource_kind="equipment", resource_id="EQ-SALT"
        )
        first = record_referral_sms(session, one)
        assert record_referral_sms(session, one) is first  # once per referral
        two = create_referral(
            session, ticket, user=user, resource_kind="expert", resource_id="EX-PLATE"
        )
        second = record_referral_sms(session, two)
        session.commit()
        assert first is not None and second is not None and first.id != second.id
        assert (first.purpose, first.subject) == ("referral", f"referral-{one.id}")
        body = first.body
        assert ticket.number in body and "장비 '복합염수분무 시험기'" in body
        assert "한국생산기술연구원" in body and "장비예약 032-850-0000" in body
        assert "전문가 '김도금'" in second.body and "032-850-1111" in second.body
        first_id = first.id
        assert sms.send_sms(first_id) == "SM" + "1" * 32
        assert sms.send_sms(first_id) is None  # a retried job sends nothing more
    assert [m["body"] for m in messages.sent] == [body]


def test_a_referral_text_is_sent_by_the_sweep_when_redis_was_down(
    app: Flask, catalogue: None, messages: FakeMessages
):
    user_id, ticket_id = _setup(app)
    with app.app_context():
        session = db.session()
        user, ticket = session.get(User, user_id), session.get(Ticket, ticket_id)
        referral = create_referral(session, ticket, user=user, institute="KITECH")
        message = record_referral_sms(session, referral)
        session.commit()  # ... and Redis was down: no job was ever enqueued
        assert message is not None
        session.execute(
            update(SmsMessage)
            .where(SmsMessage.id == message.id)
            .values(updated_at=utcnow() - timedelta(minutes=5))
        )
        session.commit()
        assert sms.resend_pending_sms() == [message.id]
        assert sms.send_sms(message.id) is not None
    assert len(messages.sent) == 1 and "담당자가 곧 연락드립니다" in messages.sent[0]["body"]


def test_a_landline_caller_gets_no_referral_text(app: Flask, catalogue: None):
    user = make_user(app, "kim", "operator", "INCHEON")
    ticket = plating_ticket(app, status="in_progress", assignee_id=user.id, caller="+82328501234")
    with app.app_context():
        session = db.session()
        referral = create_referral(
            session,
            session.get(Ticket, ticket.id),
            user=session.get(User, user.id),
            institute="KIMS",
        )
        assert record_referral_sms(session, referral) is None
