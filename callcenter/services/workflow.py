"""Ticket status moves, and what operators do to a ticket: claim, assign, notes, follow-up.

The transition table is the one place that says which status moves are legal and who makes
them; every move, a person's or a job's, goes through :func:`move`. The console and the API
offer and enforce only a person's moves. Every change a person makes writes an audit row.
Services flush, callers commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.models import Ticket, TicketNote, User, utcnow
from callcenter.services.audit import audit
from ivr_flows.hours import holiday_name

PERSON = "person"
SYSTEM = "system"
CALLER = "caller"  # the caller's answer to the follow-up check (callcenter/followup)


@dataclass(frozen=True)
class Transition:
    """A legal status move: ``old`` to ``new``, made by ``actor`` (person or system) through
    ``cause``: "status" (a person picks it), "claim", "callback", "transcription", "routing"."""

    old: str
    new: str
    actor: str
    cause: str


def _moves(actor: str, cause: str, table: dict[str, tuple[str, ...]]) -> tuple[Transition, ...]:
    return tuple(
        Transition(old, new, actor, cause)
        for old, news in table.items()
        for new in news
        if new != old
    )


# A person's status menu, by status: the only moves the console and the API offer.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "received": ("needs_review",),
    "transcribing": ("needs_review",),
    "needs_review": (),
    "routed": ("assigned", "needs_review"),
    "assigned": ("in_progress", "routed", "needs_review"),
    "in_progress": ("resolved", "routed"),
    "resolved": ("follow_up_done", "in_progress"),
    "follow_up_done": ("closed", "in_progress"),
    "closed": (),
}
# Statuses in which nobody has started work on a ticket. The system's moves leave only these,
# so a job never undoes a person's progress: a move the table lacks simply does not happen.
NOT_STARTED = ("received", "transcribing", "needs_review", "routed")

TABLE: tuple[Transition, ...] = (
    *_moves(PERSON, "status", TRANSITIONS),
    # Moves that follow from a person's other actions.
    *_moves(PERSON, "claim", {"routed": ("assigned",)}),
    # Re-routed to another center: the work starts again there (see release_after_reroute).
    *_moves(PERSON, "reroute", {"assigned": ("routed",), "in_progress": ("routed",)}),
    # Talking with the caller is working the ticket.
    # (From received too: callback requests made before they were routed at creation.)
    *_moves(
        PERSON,
        "callback",
        {"received": ("in_progress",), "routed": ("in_progress",), "assigned": ("in_progress",)},
    ),
    # Transcription starts, or finds nothing a machine can read (an operator listens); only
    # while the ticket is still the machine's (routing or a person has not had it).
    *_moves(
        SYSTEM,
        "transcription",
        {"received": ("transcribing", "needs_review"), "transcribing": ("needs_review",)},
    ),
    # A routing decision: the routing job's, or the router's on a person's summary or re-route.
    *_moves(SYSTEM, "routing", {old: ("routed", "needs_review") for old in NOT_STARTED}),
    # The caller answers the 사후 점검 of a resolved ticket: solved closes the follow-up; not
    # yet, or "call me", reopens it for its operator.
    *_moves(CALLER, "follow_up", {"resolved": ("follow_up_done", "in_progress")}),
)
_LEGAL = {(t.old, t.new, t.cause) for t in TABLE}
# Statuses still owed work (the "open" tickets of an inbox).
OPEN_STATUSES = ("received", "transcribing", "needs_review", "routed", "assigned", "in_progress")
NOTE_MAX = 4000
SUMMARY_MAX = 4000
SOLUTION_MAX = 4000
# The closing outcome codes, the one table of them: code -> (Korean, English) label.
OUTCOMES: dict[str, tuple[str, str]] = {
    "solved": ("해결", "Solved"),
    "referred": ("기관 연계", "Referred to an institute"),
    "callback_needed": ("회신 필요", "Needs a call back"),
    "follow_up_needed": ("사후 점검 필요", "Needs a follow-up check"),
    "other": ("기타", "Other"),
}
# Days after resolving that the follow-up check is proposed for (then the next working day).
FOLLOW_UP_DAYS = 7


class WorkflowError(ValueError):
    """An action is not allowed now; ``msg_id`` names the message shown to the person."""

    def __init__(self, msg_id: str, **values: object) -> None:
        super().__init__(msg_id)
        self.msg_id = msg_id
        self.values = values


def may_act(user: User, ticket: Ticket) -> bool:
    """Supervisors and admins act on any ticket. Operators act on their own tickets, and on
    unclaimed ones of their center or of no center yet (a needs_review ticket before
    routing); another operator's claimed ticket is theirs alone (a note is still allowed)."""
    if user.role in ("supervisor", "admin"):
        return True
    if ticket.assignee_id is not None:
        return ticket.assignee_id == user.id
    return ticket.center_code is None or (
        user.center_code is not None and ticket.center_code == user.center_code
    )


def version_of(ticket: Ticket) -> str:
    """The ticket's version token for forms: changes whenever the ticket row changes."""
    moment = ticket.updated_at or ticket.created_at
    return moment.strftime("%Y%m%d%H%M%S%f") if moment else ""


def check_version(ticket: Ticket, version: object) -> None:
    """Refuse a change made from a page showing an older state of the ticket."""
    if version in (None, ""):
        return  # API clients that do not send one act on the current state
    if str(version) != version_of(ticket):
        raise WorkflowError("work.stale")


def next_working_day(day: date) -> date:
    """``day`` itself, or the first day after it that is no weekend and no Korean holiday."""
    while day.weekday() >= 5 or holiday_name(day):
        day += timedelta(days=1)
    return day


def proposed_follow_up(today: date) -> date:
    """The follow-up date offered when resolving: a week on, moved to a working day."""
    return next_working_day(today + timedelta(days=FOLLOW_UP_DAYS))


def checked_follow_up(day: date | None, today: date) -> date | None:
    """A follow-up date as stored: never in the past, moved off weekends and holidays."""
    if day is None:
        return None
    if day < today:
        raise WorkflowError("work.date_past")
    return next_working_day(day)


def may_see_full_number(user: User, ticket: Ticket) -> bool:
    """Supervisors and admins see the caller's number; operators only when they must call:
    callback requests, and tickets assigned to them."""
    if user.role in ("supervisor", "admin"):
        return True
    return ticket.kind == "callback" or ticket.assignee_id == user.id


def may_move(ticket: Ticket, new_status: str, *, cause: str) -> bool:
    """Whether the table has the move of ``ticket`` to ``new_status`` for ``cause``."""
    return (ticket.status, new_status, cause) in _LEGAL


def moved_status(old: str, new: str, *, cause: str) -> str:
    """The status after the move from ``old`` to ``new`` (``old`` if the table lacks it)."""
    return new if (old, new, cause) in _LEGAL else old


def move(ticket: Ticket, new_status: str, *, cause: str) -> bool:
    """Make the move if the table has it for ``cause``; True when the status changed.

    The one place a ticket's status is set. A move the table lacks changes nothing (for the
    system's causes: someone has started work on the ticket, and their progress stands).
    """
    if not may_move(ticket, new_status, cause=cause):
        return False
    ticket.status = new_status
    return True


def allowed_moves(user: User, ticket: Ticket) -> tuple[str, ...]:
    """Status moves this user may make on this ticket now."""
    if not may_act(user, ticket):
        return ()
    return TRANSITIONS.get(ticket.status, ())


def require_actor(user: User, ticket: Ticket) -> None:
    """Refuse a change by someone who may not act on this ticket now."""
    if not may_act(user, ticket):
        # Held by a colleague: a conflict of the moment (409), not a matter of role (403).
        raise WorkflowError("work.taken" if ticket.assignee_id is not None else "work.not_yours")


def _audit(session: Session, action: str, ticket: Ticket, user: User, **detail: Any) -> None:
    audit(session, action, user=user, target_type="ticket", target_id=ticket.id, **detail)


def _first_response(ticket: Ticket) -> None:
    # The first thing a person does with a ticket is its first response (a supervisor KPI).
    if ticket.first_response_at is None:
        ticket.first_response_at = utcnow()


def change_status(
    session: Session,
    ticket: Ticket,
    new_status: str,
    *,
    user: User,
    follow_up_on: date | None = None,
    outcome: str | None = None,
    solution: str | None = None,
    ip: str | None = None,
) -> None:
    """Move ``ticket`` to ``new_status`` if the table allows it; stamps times and audits.

    Resolving needs an outcome code (``OUTCOMES``) and the solution; ``follow_up_on`` must
    already be checked (:func:`checked_follow_up`).
    """
    require_actor(user, ticket)
    old = ticket.status
    if not may_move(ticket, new_status, cause="status"):
        raise WorkflowError("work.illegal_move", old=old, new=new_status)
    if new_status == "resolved":
        solution = (solution or "").strip()
        if outcome not in OUTCOMES:
            raise WorkflowError("work.outcome_required")
        if not solution:
            raise WorkflowError("work.solution_required")
        if len(solution) > SOLUTION_MAX:
            raise WorkflowError("work.too_long", limit=SOLUTION_MAX)
        ticket.outcome, ticket.solution = outcome, solution
    now = utcnow()
    if new_status == "assigned" and ticket.assignee_id is None:
        ticket.assignee_id = user.id
    if new_status == "routed":
        ticket.assignee_id = None  # released back to the center's queue
    if new_status == "resolved":
        ticket.resolved_at = now
        if follow_up_on is not None:
            ticket.follow_up_on = follow_up_on
    elif new_status == "follow_up_done":
        ticket.follow_up_done_at = now
    elif new_status == "closed":
        ticket.closed_at = now
    elif new_status == "in_progress" and old in ("resolved", "follow_up_done"):
        # Reopened: the earlier resolution no longer stands.
        ticket.resolved_at = None
        ticket.follow_up_done_at = None
    move(ticket, new_status, cause="status")
    _first_response(ticket)
    detail: dict[str, object] = {"from": old, "to": new_status}
    if follow_up_on is not None:
        detail["follow_up_on"] = follow_up_on.isoformat()
    if new_status == "resolved":
        detail["outcome"] = outcome
    _audit(session, "ticket.status", ticket, user, ip=ip, **detail)
    session.flush()


def assign(
    session: Session, ticket: Ticket, assignee: User, *, user: User, ip: str | None = None
) -> None:
    """Give the ticket to ``assignee`` (claim when assignee is the user)."""
    if user.role == "operator" and ticket.assignee_id not in (None, user.id):
        raise WorkflowError("work.already_assigned")
    require_actor(user, ticket)
    if not assignee.active:
        raise WorkflowError("work.assignee_inactive")
    if user.role == "operator":
        if assignee.id != user.id and assignee.center_code != user.center_code:
            raise WorkflowError("work.assign_other_center")
    if ticket.status not in ("routed", "assigned", "in_progress", "needs_review"):
        raise WorkflowError("work.cannot_assign", status=ticket.status)
    previous = ticket.assignee_id
    ticket.assignee_id = assignee.id
    move(ticket, "assigned", cause="claim")
    _first_response(ticket)
    _audit(
        session,
        "ticket.assign",
        ticket,
        user,
        ip=ip,
        assignee=assignee.username,
        previous_assignee_id=previous,
    )
    session.flush()


def claim(session: Session, ticket: Ticket, *, user: User, ip: str | None = None) -> None:
    """Take the ticket yourself."""
    assign(session, ticket, user, user=user, ip=ip)


def add_note(
    session: Session, ticket: Ticket, text: str, *, user: User, ip: str | None = None
) -> TicketNote:
    """Add an operator's note (any signed-in role may annotate any ticket it can see)."""
    text = text.strip()
    if not text:
        raise WorkflowError("work.note_empty")
    if len(text) > NOTE_MAX:
        raise WorkflowError("work.too_long", limit=NOTE_MAX)
    note = TicketNote(ticket_id=ticket.id, author_id=user.id, text=text, created_at=utcnow())
    session.add(note)
    if may_act(user, ticket):
        _first_response(ticket)
    session.flush()
    _audit(session, "ticket.note", ticket, user, ip=ip, note_id=note.id)
    return note


CALLBACK_RESULTS = ("reached", "no_answer")


def record_callback(
    session: Session,
    ticket: Ticket,
    result: str,
    note: str = "",
    *,
    user: User,
    ip: str | None = None,
) -> None:
    """Log one attempt to call a callback requester back; reaching them returns the call."""
    require_actor(user, ticket)
    if ticket.kind != "callback":
        raise WorkflowError("work.not_callback")
    if result not in CALLBACK_RESULTS:
        raise WorkflowError("work.bad_callback_result")
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise WorkflowError("work.too_long", limit=NOTE_MAX)
    old = ticket.status
    ticket.return_attempts = (ticket.return_attempts or 0) + 1
    if result == "reached":
        if ticket.returned_at is None:
            ticket.returned_at = utcnow()
        if ticket.assignee_id is None:
            ticket.assignee_id = user.id
        move(ticket, "in_progress", cause="callback")
    _first_response(ticket)
    if note:
        session.add(
            TicketNote(ticket_id=ticket.id, author_id=user.id, text=note, created_at=utcnow())
        )
    _audit(
        session,
        "ticket.callback",
        ticket,
        user,
        ip=ip,
        result=result,
        attempt=ticket.return_attempts,
        **({"from": old, "to": ticket.status} if ticket.status != old else {}),
    )
    session.flush()


def set_follow_up(
    session: Session, ticket: Ticket, day: date | None, *, user: User, ip: str | None = None
) -> None:
    """Set or clear the follow-up check date (사후 점검)."""
    require_actor(user, ticket)
    if ticket.status in ("follow_up_done", "closed"):
        raise WorkflowError("work.follow_up_finished")
    ticket.follow_up_on = day
    _audit(
        session,
        "ticket.follow_up",
        ticket,
        user,
        ip=ip,
        follow_up_on=day.isoformat() if day else None,
    )
    session.flush()


def submit_summary(
    session: Session, ticket: Ticket, text: str, *, user: User, ip: str | None = None
) -> None:
    """Record what a needs_review caller wants, then route it as if it were the transcript."""
    require_actor(user, ticket)
    text = text.strip()
    if not text:
        raise WorkflowError("work.summary_empty")
    if len(text) > SUMMARY_MAX:
        raise WorkflowError("work.too_long", limit=SUMMARY_MAX)
    if ticket.status not in ("needs_review", "received", "transcribing"):
        raise WorkflowError("work.summary_not_needed")
    old = ticket.status
    ticket.summary = text
    _first_response(ticket)
    _audit(session, "ticket.summary", ticket, user, ip=ip, length=len(text))
    session.flush()
    from callcenter.services.routing import route_ticket  # the routing team's service

    route_ticket(session, ticket)  # moves the status by the table's routing moves
    session.flush()
    if ticket.status != old:
        _audit(
            session,
            "ticket.status",
            ticket,
            user,
            ip=ip,
            **{"from": old, "to": ticket.status, "via": "summary"},
        )


def mark_routed_by_hand(session: Session, ticket: Ticket, *, user: User) -> None:
    """A ticket not yet routed becomes routed once a person gives it a topic and center."""
    if not (ticket.topic_code and ticket.center_code) or ticket.status == "routed":
        return
    old = ticket.status
    if not move(ticket, "routed", cause="routing"):
        return
    ticket.routed_at = ticket.routed_at or utcnow()
    _first_response(ticket)
    _audit(
        session, "ticket.status", ticket, user, **{"from": old, "to": "routed", "via": "reroute"}
    )
    session.flush()


def release_after_reroute(
    session: Session, ticket: Ticket, old_center: str | None, *, user: User
) -> str | None:
    """A ticket moved to another center leaves its assignee: it is a new ticket there.

    An assigned or in-progress ticket goes back to 배정 대기 without an assignee, and a note
    says so; returns the released assignee's display name (None when nothing changed).
    """
    if ticket.center_code == old_center or ticket.assignee_id is None:
        return None
    if ticket.status not in ("assigned", "in_progress"):
        return None
    assignee = session.get(User, ticket.assignee_id)
    name = assignee.display_name if assignee is not None else "?"
    old = ticket.status
    ticket.assignee_id = None
    move(ticket, "routed", cause="reroute")
    session.add(
        TicketNote(
            ticket_id=ticket.id,
            author_id=user.id,
            text=RELEASE_NOTE.format(name=name),
            created_at=utcnow(),
        )
    )
    _audit(
        session, "ticket.status", ticket, user, **{"from": old, "to": "routed", "via": "reroute"}
    )
    session.flush()
    return name


# The note left on a re-routed ticket whose assignee was released (Korean: it is read there).
RELEASE_NOTE = "센터가 바뀌어 {name} 님의 담당을 풀고 새 센터의 새 티켓(배정 대기)으로 돌렸습니다."


def assignable_users(session: Session, ticket: Ticket, user: User) -> list[User]:
    """Whom this user may hand the ticket to: colleagues of its center (supervisors: all)."""
    query = select(User).where(User.active.is_(True), User.role == "operator")
    if user.role == "operator":
        query = query.where(User.center_code == user.center_code)
    elif ticket.center_code:
        query = query.where(User.center_code == ticket.center_code)
    return list(session.scalars(query.order_by(User.username)))
