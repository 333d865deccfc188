"""The ``send_sms`` job and its sweep: the ticket-number text sent once via Twilio's REST API.

The webhook records an ``SmsMessage`` row in the same transaction as the ticket
(``callcenter.voice.sms``) and only then enqueues this job, so Redis being down loses
nothing: the sweep enqueues rows still ``pending`` after a short grace. The job claims its
row before calling Twilio, so however often it is enqueued or retried the caller gets one
message.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from callcenter.db import db
from callcenter.models import CallEvent, SmsMessage, utcnow
from callcenter.pipeline.jobs import ACTIVE_JOB_STATUSES, SMS, enqueue_sms

# Sends tried before a message is given up (the job's own tries plus the sweep's).
MAX_ATTEMPTS = 6
# A pending row younger than this still has its own job on the way.
GRACE_SECONDS = 30
# A row left ``sending`` this long ago belongs to a job that died (its limit is SMS.timeout).
STALE_SENDING_SECONDS = 5 * SMS.timeout


def sms_configured() -> bool:
    """Twilio credentials and a sender number are configured."""
    config = current_app.config
    return bool(config.get("TWILIO_CREDENTIALS_CONFIGURED") and config.get("TWILIO_SMS_FROM"))


def send_sms(message_id: int) -> str | None:
    """Job: send one recorded message, once; returns Twilio's SID (None if not ours to send)."""
    claimed = db.session.execute(
        update(SmsMessage)
        .where(SmsMessage.id == message_id, SmsMessage.status == "pending")
        .values(status="sending", attempts=SmsMessage.attempts + 1, updated_at=utcnow())
    )
    db.session.commit()
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None  # sent, given up, or another job holds it
    message = db.session.get(SmsMessage, message_id)
    assert message is not None
    if not sms_configured():
        _give_up(message, "문자 발송 설정(TWILIO_ACCOUNT_SID, TWILIO_SMS_FROM)이 없습니다.")
        return None
    config = current_app.config
    client = Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"])
    try:
        sent = client.messages.create(
            to=message.to_number, from_=config["TWILIO_SMS_FROM"], body=message.body
        )
    except TwilioRestException as exc:
        if exc.status is not None and 400 <= exc.status < 500 and exc.status != 429:
            _give_up(message, f"Twilio가 문자를 거절했습니다 ({exc.status} {exc.code}).")
            return None  # a wrong number or a refused sender: retrying changes nothing
        _release(message, f"Twilio 오류로 문자를 보내지 못했습니다 ({exc.status}).")
        raise
    except Exception as exc:
        _release(message, f"문자를 보내지 못했습니다 ({type(exc).__name__}).")
        raise
    message.status, message.message_sid = "sent", str(sent.sid)
    message.sent_at, message.error = utcnow(), None
    ticket = message.ticket
    if ticket.call_id is not None:
        db.session.add(
            CallEvent(
                call_id=ticket.call_id,
                kind="sms",
                step=message.purpose,
                detail={"ticket_id": ticket.id, "message_sid": message.message_sid},
            )
        )
    db.session.commit()
    return message.message_sid


def _release(message: SmsMessage, error: str) -> None:
    """A failure worth retrying: back to pending for RQ's retry or the sweep."""
    if message.attempts >= MAX_ATTEMPTS:
        _give_up(message, error)
        return
    message.status, message.error = "pending", f"{error} 다시 보냅니다."
    db.session.commit()


def _give_up(message: SmsMessage, error: str) -> None:
    message.status, message.error = "failed", error
    db.session.commit()
    current_app.logger.warning("SMS %s failed for good: %s", message.id, error)


def resend_pending_sms(*, older_than: int = GRACE_SECONDS) -> list[int]:
    """Sweep: enqueue messages pending longer than ``older_than`` seconds; returns their ids.

    A row left ``sending`` by a job that died is pending again; one tried MAX_ATTEMPTS
    times is failed. A job RQ still holds for a row is left alone.
    """
    now = utcnow()
    db.session.execute(
        update(SmsMessage)
        .where(
            SmsMessage.status == "sending",
            SmsMessage.updated_at < now - timedelta(seconds=STALE_SENDING_SECONDS),
        )
        .values(status="pending", error="발송 중 작업이 끝나 다시 보냅니다.", updated_at=now)
    )
    db.session.commit()
    waiting = db.session.scalars(
        select(SmsMessage).where(
            SmsMessage.status == "pending",
            SmsMessage.updated_at < now - timedelta(seconds=older_than),
        )
    ).all()
    queued = []
    for message in waiting:
        if message.attempts >= MAX_ATTEMPTS:
            _give_up(message, "여러 번 시도했지만 문자를 보내지 못했습니다.")
            continue
        status = SMS.status(message.id)
        if status in ACTIVE_JOB_STATUSES:
            continue  # RQ still has it (queued, running, or a retry scheduled)
        if status is not None:
            SMS.delete(message.id)  # finished or failed without sending: start afresh
        if enqueue_sms(message):
            queued.append(message.id)
    return queued
