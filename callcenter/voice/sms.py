"""The ticket-number text message: recorded with the ticket, sent by a job via Twilio's REST API.

The webhook writes an ``SmsMessage`` row in the same transaction as the ticket and only then
enqueues the job, so Redis being down loses nothing: the worker's sweep enqueues rows still
``pending`` after a short grace. The job claims its row before calling Twilio, so however
often it is enqueued or retried the caller gets one message.
"""

from __future__ import annotations

from datetime import timedelta

import phonenumbers
from flask import current_app
from rq import Retry
from rq.job import JobStatus
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from callcenter.db import db
from callcenter.jobs import get_queue, try_enqueue
from callcenter.models import CallEvent, SmsMessage, Ticket, utcnow
from callcenter.services.tickets import TicketRef

SMS_JOB = "callcenter.voice.sms.send_sms"
QUEUE = "default"
RETRY = Retry(max=3, interval=[10, 30, 60])
JOB_TIMEOUT = 60
# Sends tried before a message is given up (the job's own tries plus the sweep's).
MAX_ATTEMPTS = 6
# A pending row younger than this still has its own job on the way.
GRACE_SECONDS = 30
# A row left ``sending`` this long ago belongs to a job that died (its limit is JOB_TIMEOUT).
STALE_SENDING_SECONDS = 5 * JOB_TIMEOUT
ACTIVE_JOB = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED)


def ticket_sms_body(ticket: Ticket | TicketRef) -> str:
    """The message: Korean first, with how to check progress by phone."""
    return (
        f"[1379 중소기업 기술지원] 접수번호 {ticket.number} 로 접수되었습니다. "
        f"진행 상황은 1379에서 4번을 누르고 끝 네 자리 {ticket.number[-4:]}를 입력하시면 "
        f"안내받으실 수 있습니다. (Ticket {ticket.number})"
    )


def is_mobile(number: str | None) -> bool:
    """A Korean mobile number (the only kind we can text)."""
    try:
        parsed = phonenumbers.parse(number or "", None)
    except phonenumbers.NumberParseException:
        return False
    return parsed.country_code == 82 and phonenumbers.number_type(parsed) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def sms_possible(ticket: Ticket | TicketRef) -> bool:
    """Twilio credentials and a sender are configured, and the caller has a mobile number."""
    return _configured() and is_mobile(ticket.caller_number)


def _configured() -> bool:
    config = current_app.config
    return bool(config.get("TWILIO_CREDENTIALS_CONFIGURED") and config.get("TWILIO_SMS_FROM"))


def record_ticket_sms(session: Session, ticket: Ticket | TicketRef) -> SmsMessage | None:
    """The ticket's number text, recorded once (None when it cannot be sent). Flushes.

    Callers hold the call's row lock, as for the ticket itself, so two webhooks of one
    call find the same row.
    """
    if not sms_possible(ticket):
        return None
    message = session.scalars(
        select(SmsMessage).where(
            SmsMessage.ticket_id == ticket.id, SmsMessage.purpose == "ticket_number"
        )
    ).one_or_none()
    if message is None:
        message = SmsMessage(
            ticket_id=ticket.id,
            purpose="ticket_number",
            to_number=ticket.caller_number,
            body=ticket_sms_body(ticket),
            status="pending",
        )
        session.add(message)
        session.flush()
    return message


def job_id_for(message_id: int) -> str:
    """The RQ job id of a message's sending (one job per message)."""
    return f"sms-{message_id}"


def enqueue_sms(message: SmsMessage) -> bool:
    """Queue the sending of a committed pending message; False when Redis is unreachable."""
    if message.status != "pending":
        return False
    job = try_enqueue(
        SMS_JOB,
        message.id,
        queue=QUEUE,
        job_id=job_id_for(message.id),
        timeout=JOB_TIMEOUT,
        retry=RETRY,
    )
    return job is not None


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
    if not _configured():
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
    queue = get_queue(QUEUE)
    queued = []
    for message in waiting:
        if message.attempts >= MAX_ATTEMPTS:
            _give_up(message, "여러 번 시도했지만 문자를 보내지 못했습니다.")
            continue
        job = queue.fetch_job(job_id_for(message.id))
        if job is not None:
            if job.get_status(refresh=True) in ACTIVE_JOB:
                continue  # RQ still has it (queued, running, or a retry scheduled)
            job.delete()  # finished or failed without sending: start afresh
        if enqueue_sms(message):
            queued.append(message.id)
    return queued
