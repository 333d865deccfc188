"""The ticket-number text: recorded with the ticket, sent once, even when Redis was down."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from redis import Redis
from rq import Queue
from sqlalchemy import select, update
from twilio.base.exceptions import TwilioRestException

from callcenter import create_app
from callcenter.cli.worker import build_worker
from callcenter.db import db
from callcenter.demo.simulator import Caller, Input
from callcenter.jobs import enqueue
from callcenter.models import CallEvent, SmsMessage, Ticket, utcnow
from callcenter.pipeline import sms
from callcenter.pipeline.jobs import SMS
from tests.callcenter.voice.conftest import AUDIO

MOBILE = "+821012345678"
SID = "SM" + "1" * 32
SMS_CONFIG = {
    "TWILIO_ACCOUNT_SID": "AC" + "2" * 32,
    "TWILIO_CREDENTIALS_CONFIGURED": True,
    "TWILIO_SMS_FROM": "+8215881379",
}
REDIS_DOWN = {**SMS_CONFIG, "REDIS_URL": "redis://127.0.0.1:1/0"}


class FakeMessages:
    """Twilio's Messages resource: the one true outside edge, the only mock in these tests."""

    def __init__(self, error: Exception | None = None) -> None:
        self.sent: list[dict[str, str]] = []
        self.error = error

    def create(self, **kwargs: str) -> Any:
        if self.error is not None:
            raise self.error
        self.sent.append(kwargs)
        return type("Message", (), {"sid": SID})()


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> FakeMessages:
    fake = FakeMessages()
    monkeypatch.setattr(sms, "Client", lambda sid, token: type("C", (), {"messages": fake}))
    return fake


def _problem_call(simulator) -> Any:
    return simulator.place_call(Caller(MOBILE, inputs=[Input("dtmf", "1")] * 2, audio=AUDIO))


def _outbox(session) -> list[SmsMessage]:
    session.expire_all()
    return list(session.scalars(select(SmsMessage)))


def _age(app: Flask, message_id: int, seconds: int) -> None:
    with app.app_context():
        db.session.execute(
            update(SmsMessage)
            .where(SmsMessage.id == message_id)
            .values(updated_at=utcnow() - timedelta(seconds=seconds))
        )
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("voice_config", [SMS_CONFIG])
def test_ticket_number_is_texted_once_to_mobile_callers(app, simulator, session, messages):
    result = _problem_call(simulator)
    assert any("문자 메시지로도" in line for line in result.said)
    ticket = session.scalars(select(Ticket)).one()
    [message] = _outbox(session)  # both recording callbacks, one text
    assert (message.ticket_id, message.status, message.to_number) == (ticket.id, "pending", MOBILE)
    queue = Queue("default", connection=Redis.from_url(app.config["REDIS_URL"]))
    job = queue.fetch_job(f"sms-{message.id}")
    assert job is not None and job.func_name == "callcenter.pipeline.sms.send_sms"
    with app.app_context():
        assert sms.send_sms(message.id) == SID
        assert sms.send_sms(message.id) is None  # a retried job sends nothing more
    assert len(messages.sent) == 1
    assert messages.sent[0]["to"] == MOBILE and messages.sent[0]["from_"] == "+8215881379"
    assert ticket.number in messages.sent[0]["body"]
    [message] = _outbox(session)
    assert (message.status, message.attempts, message.message_sid) == ("sent", 1, SID)
    event = session.scalars(select(CallEvent).where(CallEvent.kind == "sms")).one()
    assert event.detail == {"ticket_id": ticket.id, "message_sid": SID}


@pytest.mark.parametrize("voice_config", [SMS_CONFIG])
def test_a_callback_request_is_texted_too(app, simulator, session):
    simulator.place_call(Caller(MOBILE, inputs=[Input("dtmf", "0"), Input("dtmf", "1")]))
    ticket = session.scalars(select(Ticket)).one()
    [message] = _outbox(session)
    assert ticket.kind == "callback" and message.ticket_id == ticket.id


@pytest.mark.parametrize("voice_config", [SMS_CONFIG])
def test_landline_callers_get_no_text(app, simulator, session):
    result = simulator.place_call(Caller("+8221234567", inputs=[Input("dtmf", "1")], audio=AUDIO))
    assert not any("문자 메시지" in line for line in result.said)
    assert _outbox(session) == []
    assert Queue("default", connection=Redis.from_url(app.config["REDIS_URL"])).count == 0


def test_no_text_without_twilio_credentials(app, simulator, session):
    result = _problem_call(simulator)
    assert not any("문자 메시지" in line for line in result.said)
    assert _outbox(session) == []
    assert Queue("default", connection=Redis.from_url(app.config["REDIS_URL"])).count == 0


@pytest.mark.parametrize("voice_config", [REDIS_DOWN])
def test_text_owed_while_redis_was_down_is_sent_once_by_the_sweep(
    app, app_config, redis_url, simulator, session, messages
):
    result = _problem_call(simulator)
    # The promise is kept: the text is in the database with the ticket.
    assert any("문자 메시지로도" in line for line in result.said)
    ticket = session.scalars(select(Ticket)).one()
    [message] = _outbox(session)
    assert (message.status, message.attempts, message.to_number) == ("pending", 0, MOBILE)
    assert ticket.number in message.body

    up = create_app({**app_config, "REDIS_URL": redis_url})  # Redis is back
    with up.app_context():
        assert sms.resend_pending_sms() == []  # within the grace its own job may yet come
    _age(up, message.id, sms.GRACE_SECONDS + 5)
    with up.app_context():
        assert sms.resend_pending_sms() == [message.id]
        assert sms.resend_pending_sms() == []  # RQ has it queued
        # The same message enqueued twice over (a second job id): still one text.
        enqueue(SMS.path, message.id, job_id=f"sms-{message.id}-again")
        db.session.remove()
    queue = Queue("default", connection=Redis.from_url(redis_url))
    assert queue.count == 2
    build_worker(up, ["default"], simple=True).work(burst=True)

    jobs = [queue.fetch_job(f"sms-{message.id}"), queue.fetch_job(f"sms-{message.id}-again")]
    assert [j.get_status() for j in jobs if j is not None] == ["finished", "finished"]
    assert sorted([j.return_value() for j in jobs if j is not None], key=str) == [None, SID]
    assert len(messages.sent) == 1 and messages.sent[0]["to"] == MOBILE
    [message] = _outbox(session)
    assert (message.status, message.attempts, message.message_sid) == ("sent", 1, SID)
    assert message.sent_at is not None
    assert len(session.scalars(select(CallEvent).where(CallEvent.kind == "sms")).all()) == 1
    _age(up, message.id, 3600)
    with up.app_context():
        assert sms.resend_pending_sms() == []  # sent is sent


@pytest.mark.parametrize("voice_config", [SMS_CONFIG])
def test_twilio_errors_retry_or_give_up(app, simulator, session, messages):
    _problem_call(simulator)
    [message] = _outbox(session)
    messages.error = TwilioRestException(503, "https://api.twilio.com/", "unavailable")
    with app.app_context(), pytest.raises(TwilioRestException):
        sms.send_sms(message.id)  # RQ retries the job
    [message] = _outbox(session)
    assert (message.status, message.attempts) == ("pending", 1)
    assert "Twilio 오류" in (message.error or "")

    messages.error = TwilioRestException(400, "https://api.twilio.com/", "bad number", 21211)
    with app.app_context():
        assert sms.send_sms(message.id) is None  # a refused number is not retried
    [message] = _outbox(session)
    assert (message.status, message.attempts) == ("failed", 2)
    assert "거절" in (message.error or "") and messages.sent == []


@pytest.mark.parametrize("voice_config", [SMS_CONFIG])
def test_sweep_revives_a_dead_jobs_message_and_gives_up_after_max_attempts(
    app, simulator, session, messages
):
    _problem_call(simulator)
    [message] = _outbox(session)
    with app.app_context():
        # A job that died after claiming the row (killed worker) leaves it 'sending'.
        db.session.execute(update(SmsMessage).values(status="sending", attempts=1))
        db.session.commit()
        Queue("default", connection=Redis.from_url(app.config["REDIS_URL"])).empty()
        db.session.remove()
    _age(app, message.id, sms.STALE_SENDING_SECONDS + 5)
    with app.app_context():
        sms.resend_pending_sms()  # back to pending; young again, so left for the next round
        db.session.remove()
    [message] = _outbox(session)
    assert message.status == "pending"
    _age(app, message.id, sms.GRACE_SECONDS + 5)
    with app.app_context():
        assert sms.resend_pending_sms() == [message.id]
        assert sms.send_sms(message.id) == SID
    assert len(messages.sent) == 1

    with app.app_context():
        db.session.execute(
            update(SmsMessage).values(status="pending", attempts=sms.MAX_ATTEMPTS, error=None)
        )
        db.session.commit()
        db.session.remove()
    _age(app, message.id, sms.GRACE_SECONDS + 5)
    with app.app_context():
        assert sms.resend_pending_sms() == []
    [message] = _outbox(session)
    assert message.status == "failed" and "여러 번" in (message.error or "")
