"""Answers to a follow-up check: matched to their ticket safely, then applied once.

A text message is matched by the caller's number AND an open check of that number asked by
text; anything else (no open check, the check closed, two open checks for the number, a body
that is not 1, 2 or 3) is kept for an operator's review and touches no ticket. A repeated
MessageSid returns the first delivery's result. Ticket moves go through the workflow table
(cause "follow_up"): 해결됨 closes the follow-up, 아직/통화 원함 reopens the ticket for its
operator with the answer as a note.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callcenter.models import FollowUpCheck, FollowUpReply, Ticket, TicketNote, utcnow
from callcenter.models.followup import OPEN_CHECK_STATUSES
from callcenter.services.audit import audit
from callcenter.services.workflow import move

ANSWER_KEYS = {"1": "resolved", "2": "not_yet", "3": "call_me"}
ANSWER_WORDS = {"resolved": "해결됨", "not_yet": "아직 해결 안 됨", "call_me": "통화 원함"}
BODY_MAX = 1600


def parse_answer(body: str | None) -> str | None:
    """The answer a reply body gives: one key 1-3, alone (full-width digits and a trailing
    full stop or spaces allowed); anything else is not an answer."""
    text = unicodedata.normalize("NFKC", body or "").strip().rstrip(".!").strip()
    return ANSWER_KEYS.get(text)


@dataclass(frozen=True)
class ReplyResult:
    """What became of one inbound message."""

    reply: FollowUpReply
    duplicate: bool = False

    @property
    def applied(self) -> bool:
        """The message answered a check."""
        return self.reply.outcome == "applied"


def receive_sms(session: Session, message_sid: str, from_number: str, body: str) -> ReplyResult:
    """Match and apply one inbound text message; commits (idempotent per MessageSid)."""
    known = _known(session, message_sid)
    if known is not None:
        return ReplyResult(known, duplicate=True)
    reply = FollowUpReply(
        message_sid=message_sid,
        from_number=from_number[:40],
        body=(body or "")[:BODY_MAX],
        received_at=utcnow(),
    )
    answer = parse_answer(body)
    checks = list(
        session.scalars(
            select(FollowUpCheck)
            .where(
                FollowUpCheck.to_number == from_number,
                FollowUpCheck.channel == "sms",
                FollowUpCheck.status == "waiting",
            )
            .with_for_update()
        )
    )
    if len(checks) > 1:
        reply.outcome, reply.reason = "review", "ambiguous"
    elif not checks:
        reply.outcome = "review"
        reply.reason = "closed" if _had_check(session, from_number) else "no_check"
    elif answer is None:
        reply.outcome, reply.reason, reply.check_id = "review", "garbage", checks[0].id
    else:
        reply.outcome, reply.check_id = "applied", checks[0].id
        apply_answer(session, checks[0], answer, via="sms")
    session.add(reply)
    try:
        session.commit()
    except IntegrityError:  # the same MessageSid delivered twice at once: the other won
        session.rollback()
        known = _known(session, message_sid)
        if known is None:
            raise
        return ReplyResult(known, duplicate=True)
    return ReplyResult(reply)


def _known(session: Session, message_sid: str) -> FollowUpReply | None:
    return session.scalars(
        select(FollowUpReply).where(FollowUpReply.message_sid == message_sid)
    ).one_or_none()


def _had_check(session: Session, number: str) -> bool:
    found = session.scalars(
        select(FollowUpCheck.id).where(
            FollowUpCheck.to_number == number, FollowUpCheck.status.not_in(OPEN_CHECK_STATUSES)
        )
    ).first()
    return found is not None


def apply_answer(
    session: Session, check: FollowUpCheck, answer: str, *, via: str, score: int | None = None
) -> None:
    """Record the caller's answer on the check and move the ticket by the workflow table."""
    now = utcnow()
    check.status, check.reply, check.answered_at = "answered", answer, now
    if score is not None:
        check.score = score
    ticket = session.get(Ticket, check.ticket_id)
    assert ticket is not None
    old = ticket.status
    if answer == "resolved":
        if move(ticket, "follow_up_done", cause="follow_up"):
            ticket.follow_up_done_at = now
    elif move(ticket, "in_progress", cause="follow_up"):
        ticket.resolved_at = None  # reopened: the resolution no longer stands
    if answer != "resolved":
        text = f"사후 점검 응답({'문자' if via == 'sms' else '전화'}): {ANSWER_WORDS[answer]}"
        session.add(TicketNote(ticket_id=ticket.id, author_id=None, text=text, created_at=now))
    audit(
        session,
        "followup.reply",
        user=None,
        target_type="ticket",
        target_id=ticket.id,
        reply=answer,
        reply_ko=ANSWER_WORDS[answer],
        channel=via,
        check_id=check.id,
    )
    if ticket.status != old:
        audit(
            session,
            "ticket.status",
            user=None,
            target_type="ticket",
            target_id=ticket.id,
            **{"from": old, "to": ticket.status, "via": "follow_up"},
        )
    session.flush()


def set_score(session: Session, check: FollowUpCheck, score: int) -> None:
    """The caller's 1-5 satisfaction score, given on the call after the answer."""
    check.score = score
    audit(
        session,
        "followup.score",
        user=None,
        target_type="ticket",
        target_id=check.ticket_id,
        score=score,
        check_id=check.id,
    )
    session.flush()
