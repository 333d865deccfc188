"""Ticket actions shared by the console forms and the JSON API: parse, check, perform.

Each action takes plain input values (form fields or JSON members), raises WorkflowError
with a message id when the input or the move is not allowed, and leaves the commit to
the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callcenter.console.queries import local_today
from callcenter.i18n import t
from callcenter.models import TICKET_STATUSES, Center, Ticket, Topic, User
from callcenter.services import workflow
from callcenter.services.routing import region_choices, reroute_ticket
from callcenter.services.workflow import WorkflowError

# (endpoint, URL path under /tickets/<number>/, action): the same in the console and the API.
ACTION_ROUTES = (
    ("claim", "claim", "claim"),
    ("assign", "assign", "assign"),
    ("change_status", "status", "status"),
    ("reroute", "reroute", "reroute"),
    ("add_note", "notes", "note"),
    ("follow_up", "follow-up", "follow_up"),
    ("submit_summary", "summary", "summary"),
    ("record_callback", "callback", "callback"),
)
REASON_MAX = 1000


def load_ticket(session: Session, number: str, *, for_update: bool = False) -> Ticket:
    """The ticket with this number, or 404; locked for update when about to change it."""
    query = select(Ticket).where(Ticket.number == number)
    if for_update:
        query = query.with_for_update()
    ticket = session.scalars(query).first()
    if ticket is None:
        abort(404)
    return ticket


def describe(exc: WorkflowError, lang: str | None = None) -> str:
    """The error's message with status codes shown by name, in ``lang`` (default: current)."""
    values = {
        key: t(f"status.{value}", lang) if key in ("old", "new", "status") else value
        for key, value in exc.values.items()
    }
    return t(exc.msg_id, lang, **values)


def parse_day(value: Any, *, required: bool) -> date | None:
    """A YYYY-MM-DD date; empty means None unless required."""
    if value in (None, ""):
        if required:
            raise WorkflowError("work.date_required")
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise WorkflowError("work.bad_date") from None


def _today() -> date:
    return local_today(current_app.config["TIMEZONE"])


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def perform(
    session: Session,
    action: str,
    ticket: Ticket,
    data: Mapping[str, Any],
    *,
    user: User,
    ip: str | None,
) -> str:
    """Run one action on ``ticket``; returns the message id to confirm it.

    A ``version`` in ``data`` (the ticket page's token) must match the ticket's: a ticket
    changed since the page was shown is refused, except for a note (notes never conflict).
    """
    if action != "note":
        workflow.check_version(ticket, data.get("version"))
    if action == "claim":
        workflow.claim(session, ticket, user=user, ip=ip)
        return "done.claim"
    if action == "assign":
        username = _text(data, "assignee")
        assignee = session.scalars(
            select(User).where(func.lower(User.username) == username.lower())
        ).first()
        if assignee is None:
            raise WorkflowError("work.no_such_user")
        workflow.assign(session, ticket, assignee, user=user, ip=ip)
        return "done.assign"
    if action == "status":
        status = _text(data, "status")
        if status not in TICKET_STATUSES:
            raise WorkflowError("work.bad_status")
        follow_up = workflow.checked_follow_up(
            parse_day(data.get("follow_up_on"), required=False), _today()
        )
        workflow.change_status(
            session,
            ticket,
            status,
            user=user,
            follow_up_on=follow_up,
            outcome=_text(data, "outcome") or None,
            solution=_text(data, "solution"),
            ip=ip,
        )
        return "done.status"
    if action == "reroute":
        released = reroute(session, ticket, data, user=user)
        return "done.reroute_released" if released else "done.reroute"
    if action == "note":
        workflow.add_note(session, ticket, _text(data, "text"), user=user, ip=ip)
        return "done.note"
    if action == "follow_up":
        day = workflow.checked_follow_up(
            parse_day(data.get("follow_up_on"), required=False), _today()
        )
        workflow.set_follow_up(session, ticket, day, user=user, ip=ip)
        return "done.follow_up"
    if action == "summary":
        workflow.submit_summary(session, ticket, _text(data, "summary"), user=user, ip=ip)
        return "done.summary" if ticket.status == "routed" else "done.summary_unrouted"
    if action == "callback":
        result = _text(data, "result")
        workflow.record_callback(session, ticket, result, _text(data, "note"), user=user, ip=ip)
        return "done.callback_reached" if result == "reached" else "done.callback_no_answer"
    raise WorkflowError("work.unknown_action")


def reroute(session: Session, ticket: Ticket, data: Mapping[str, Any], *, user: User) -> str | None:
    """Change topic, caller region and/or center through the routing service (reason
    required); returns the name of an assignee released by a change of center."""
    workflow.require_actor(user, ticket)
    reason = _text(data, "reason")
    topic = _text(data, "topic") or None
    center = (_text(data, "center") or "").upper() or None
    region = _text(data, "region") or None
    if not reason:
        raise WorkflowError("work.reason_required")
    if len(reason) > REASON_MAX:
        raise WorkflowError("work.too_long", limit=REASON_MAX)
    if topic is None and center is None and region is None:
        raise WorkflowError("work.reroute_nothing")
    if region is not None and region not in region_choices():
        raise WorkflowError("work.unknown_region")
    if topic is not None and session.get(Topic, topic) is None:
        raise WorkflowError("work.unknown_topic")
    if center is not None and session.get(Center, center) is None:
        raise WorkflowError("work.unknown_center")
    old_center = ticket.center_code
    try:
        reroute_ticket(
            session,
            ticket,
            user=user,
            reason=reason,
            topic_code=topic,
            center_code=center,
            region=region,
        )
    except ValueError as exc:
        current_app.logger.info("re-route of %s refused: %s", ticket.number, exc)
        raise WorkflowError("work.reroute_refused", detail=str(exc)) from None
    workflow.mark_routed_by_hand(session, ticket, user=user)
    released = workflow.release_after_reroute(session, ticket, old_center, user=user)
    session.flush()
    return released


def add_action_routes(bp: Blueprint, handler: Callable[[str, str], ResponseReturnValue]) -> None:
    """Register POST /tickets/<number>/<path> for every action, each calling ``handler``."""
    for endpoint, path, action in ACTION_ROUTES:

        def view(number: str, _action: str = action) -> ResponseReturnValue:
            return handler(number, _action)

        view.__name__ = endpoint
        view.__doc__ = f"POST the '{action}' action on a ticket."
        bp.add_url_rule(f"/tickets/<number>/{path}", endpoint, view, methods=["POST"])
