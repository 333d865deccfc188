"""The ticket-number text message: composed and recorded with the ticket.

The webhook writes an ``SmsMessage`` row in the same transaction as the ticket and only then
enqueues ``callcenter.pipeline.sms.send_sms``, which sends it once via Twilio's REST API.
"""

from __future__ import annotations

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.models import SmsMessage, Ticket
from callcenter.pipeline.sms import sms_configured
from callcenter.services.tickets import TicketRef


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
    return sms_configured() and is_mobile(ticket.caller_number)


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
