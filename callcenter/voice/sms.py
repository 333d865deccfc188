"""The ticket-number text message, sent by a job through Twilio's REST API."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from twilio.rest import Client

from callcenter.db import db
from callcenter.models import CallEvent, Ticket
from callcenter.voice.recordings import sms_possible


def ticket_sms_body(ticket: Ticket) -> str:
    """The message: Korean first, with how to check progress by phone."""
    return (
        f"[1379 중소기업 기술지원] 접수번호 {ticket.number} 로 접수되었습니다. "
        f"진행 상황은 1379에서 4번을 누르고 끝 네 자리 {ticket.number[-4:]}를 입력하시면 "
        f"안내받으실 수 있습니다. (Ticket {ticket.number})"
    )


def _already_sent(ticket: Ticket) -> bool:
    events = db.session.scalars(
        select(CallEvent).where(CallEvent.call_id == ticket.call_id, CallEvent.kind == "sms")
    )
    return any((e.detail or {}).get("ticket_id") == ticket.id for e in events)


def send_ticket_sms(ticket_id: int) -> str | None:
    """Job: text the caller their ticket number, once; returns the message SID (None if skipped)."""
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or ticket.call_id is None or not sms_possible(ticket):
        return None
    if _already_sent(ticket):
        return None
    config = current_app.config
    client = Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"])
    message = client.messages.create(
        to=ticket.caller_number, from_=config["TWILIO_SMS_FROM"], body=ticket_sms_body(ticket)
    )
    db.session.add(
        CallEvent(
            call_id=ticket.call_id,
            kind="sms",
            step="ticket_number",
            detail={"ticket_id": ticket.id, "message_sid": message.sid},
        )
    )
    db.session.commit()
    return str(message.sid)
