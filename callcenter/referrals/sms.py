"""The caller's text about a referral: what, where, whom to contact; through the outbox.

Recorded as an ``SmsMessage`` (purpose ``referral``, subject ``referral-<id>``) in the same
transaction as the referral, and enqueued only after the commit, so a message is owed once
per referral and the outbox's sweep sends it even if Redis was down at the time.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.models import Institute, Referral, SmsMessage, Ticket
from callcenter.voice.sms import sms_possible

KIND_WORDS = {"equipment": "장비", "expert": "전문가", "patent": "특허", "lab": "연구실"}


def referral_sms_body(ticket: Ticket, referral: Referral, institute: Institute | None) -> str:
    """Korean: the ticket, what it was referred to, where, and whom to contact."""
    where = institute.name_ko if institute is not None else referral.institute
    if institute is not None and institute.city:
        where = f"{where}({institute.city})"
    what = (
        f"{KIND_WORDS.get(referral.resource_kind or '', '자원')} '{referral.resource_name}'"
        if referral.resource_name
        else "기술 지원"
    )
    parts = [
        f"[1379 중소기업 기술지원] 접수번호 {ticket.number} 건을 {where}에 연계했습니다.",
        f"연계 내용: {what}.",
        f"문의: {referral.contact}." if referral.contact else "담당자가 곧 연락드립니다.",
    ]
    if referral.due_on is not None:
        parts.append(f"처리 예정일: {referral.due_on.isoformat()}.")
    return " ".join(parts)


def record_referral_sms(session: Session, referral: Referral) -> SmsMessage | None:
    """The referral's text, recorded once (None when it cannot be sent). Flushes."""
    ticket = referral.ticket
    if not sms_possible(ticket):
        return None
    subject = f"referral-{referral.id}"
    message = session.scalars(
        select(SmsMessage).where(
            SmsMessage.ticket_id == ticket.id,
            SmsMessage.purpose == "referral",
            SmsMessage.subject == subject,
        )
    ).one_or_none()
    if message is None:
        message = SmsMessage(
            ticket_id=ticket.id,
            purpose="referral",
            subject=subject,
            to_number=ticket.caller_number,
            body=referral_sms_body(ticket, referral, session.get(Institute, referral.institute)),
            status="pending",
        )
        session.add(message)
        session.flush()
    return message
