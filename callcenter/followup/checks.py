"""Due follow-up checks: made on a resolved ticket's follow-up date, asked, tried again.

The sweep ``run_follow_up_checks`` (callcenter/pipeline/sweeps.py) runs about once a minute:

1. a resolved ticket whose follow-up date (the console's rules set it) has come gets one check
   (unique per ticket and date, so sweeps running at once make one);
2. an open check whose ticket moved on (an operator reopened or closed it) is cancelled;
3. an open check due a try is asked — by text (an outbox message, sent once, swept again if
   Redis was down) or by an outbound call (a job) — or, its tries used up with no answer,
   becomes ``unanswered``: left for an operator.

Callers are asked only within the hotline's business hours (BUSINESS_OPEN_MINUTE to
BUSINESS_CLOSE_MINUTE, local time; FOLLOW_UP_ASK_MINUTES overrides), never at midnight when the
date turns. A follow-up date more than FOLLOW_UP_MAX_LATE_DAYS (7) past when first seen (a
worker down for long, imported history) gets no automatic check: it is the operator's.

Settings (app config): FOLLOW_UP_TRIES (2), FOLLOW_UP_RETRY_HOURS (24).
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callcenter.db import db
from callcenter.models import FollowUpChannel, FollowUpCheck, SmsMessage, Ticket, utcnow
from callcenter.models.followup import FOLLOW_UP_CHANNELS, OPEN_CHECK_STATUSES
from callcenter.pipeline.jobs import FOLLOW_UP_CALL, enqueue_sms
from callcenter.voice.sms import sms_possible

DEFAULT_TRIES = 2
DEFAULT_RETRY_HOURS = 24
DEFAULT_MAX_LATE_DAYS = 7


def question_body(ticket: Ticket) -> str:
    """The follow-up question: one key to reply with."""
    return (
        f"[1379 중소기업 기술지원] 접수번호 {ticket.number} 건의 사후 점검입니다. "
        "문제가 해결되셨나요? 숫자 하나로 답장해 주세요. "
        "1 해결됨 / 2 아직 해결 안 됨 / 3 통화 원함"
    )


def local_today() -> date:
    """Today in the hotline's time zone."""
    return utcnow().astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


def ask_window() -> tuple[int, int]:
    """Local minutes of the day between which callers are asked (business hours)."""
    config = current_app.config
    window = config.get("FOLLOW_UP_ASK_MINUTES")
    if window:
        return int(window[0]), int(window[1])
    return int(config["BUSINESS_OPEN_MINUTE"]), int(config["BUSINESS_CLOSE_MINUTE"])


def may_ask_now() -> bool:
    """Whether now, local time, is within :func:`ask_window`."""
    local = utcnow().astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    start, end = ask_window()
    return start <= local.hour * 60 + local.minute < end


def channel_of(session: Session, ticket_id: int) -> str:
    """How this ticket's caller is checked on (text unless an operator chose a call)."""
    row = session.get(FollowUpChannel, ticket_id)
    return row.channel if row is not None else "sms"


def set_channel(session: Session, ticket: Ticket, channel: str) -> None:
    """Choose text or call for this ticket's checks (an open check keeps its own). Flushes."""
    if channel not in FOLLOW_UP_CHANNELS:
        raise ValueError(channel)
    row = session.get(FollowUpChannel, ticket.id)
    if row is None:
        session.add(FollowUpChannel(ticket_id=ticket.id, channel=channel))
    else:
        row.channel = channel
    session.flush()


def make_due_checks(session: Session, today: date) -> list[int]:
    """One check for each resolved ticket whose follow-up date has come; commits each."""
    made = []
    late = int(current_app.config.get("FOLLOW_UP_MAX_LATE_DAYS", DEFAULT_MAX_LATE_DAYS))
    due = session.scalars(
        select(Ticket)
        .outerjoin(
            FollowUpCheck,
            and_(FollowUpCheck.ticket_id == Ticket.id, FollowUpCheck.due_on == Ticket.follow_up_on),
        )
        .where(
            Ticket.status == "resolved",
            Ticket.follow_up_on.is_not(None),
            Ticket.follow_up_on <= today,
            Ticket.follow_up_on >= today - timedelta(days=late),
            FollowUpCheck.id.is_(None),
        )
        .limit(500)
    ).all()
    for ticket in due:
        assert ticket.follow_up_on is not None
        channel = channel_of(session, ticket.id)
        check = FollowUpCheck(
            ticket_id=ticket.id,
            due_on=ticket.follow_up_on,
            channel=channel,
            to_number=ticket.caller_number or "",
            status="pending" if _reachable(ticket, channel) else "unanswered",
        )
        session.add(check)
        try:
            session.commit()
        except IntegrityError:  # another sweep made it
            session.rollback()
            continue
        made.append(check.id)
    return made


def _reachable(ticket: Ticket, channel: str) -> bool:
    if channel == "sms":
        return sms_possible(ticket)
    return bool(ticket.caller_number)


def cancel_moved_on(session: Session) -> int:
    """Open checks whose ticket is no longer resolved (an operator moved it): cancelled."""
    stale = session.scalars(
        select(FollowUpCheck)
        .join(Ticket, Ticket.id == FollowUpCheck.ticket_id)
        .where(FollowUpCheck.status.in_(OPEN_CHECK_STATUSES), Ticket.status != "resolved")
    ).all()
    for check in stale:
        check.status = "cancelled"
    session.commit()
    return len(stale)


def ask_due(session: Session) -> list[int]:
    """Ask every open check due a try; give up on those whose tries are used. Returns asked."""
    config = current_app.config
    tries = int(config.get("FOLLOW_UP_TRIES", DEFAULT_TRIES))
    interval = timedelta(hours=float(config.get("FOLLOW_UP_RETRY_HOURS", DEFAULT_RETRY_HOURS)))
    now = utcnow()
    due = session.scalars(
        select(FollowUpCheck)
        .where(
            or_(
                FollowUpCheck.status == "pending",
                and_(FollowUpCheck.status == "waiting", FollowUpCheck.next_try_at <= now),
            )
        )
        .order_by(FollowUpCheck.id)
        .limit(500)
    ).all()
    asked = []
    for check in due:
        if check.tries >= tries:
            check.status = "unanswered"  # left for an operator
            session.commit()
            continue
        check.tries += 1
        check.status, check.sent_at, check.next_try_at = "waiting", now, now + interval
        message = _record_question(session, check) if check.channel == "sms" else None
        session.commit()
        if message is not None:
            enqueue_sms(message)  # if Redis is down, the outbox sweep sends it
        elif check.channel == "call":
            FOLLOW_UP_CALL.try_enqueue(check.id)
        asked.append(check.id)
    return asked


def _record_question(session: Session, check: FollowUpCheck) -> SmsMessage:
    message = SmsMessage(
        ticket_id=check.ticket_id,
        purpose="follow_up",
        subject=f"check-{check.id}-{check.tries}",
        to_number=check.to_number,
        body=question_body(check.ticket),
        status="pending",
    )
    session.add(message)
    session.flush()
    return message


def run_follow_up_checks() -> dict[str, object]:
    """Sweep: make the due checks, cancel those overtaken, ask those due a try (in hours)."""
    session = db.session()
    made = make_due_checks(session, local_today())
    cancelled = cancel_moved_on(session)
    asked = ask_due(session) if may_ask_now() else []
    return {"made": made, "cancelled": cancelled, "asked": asked}
