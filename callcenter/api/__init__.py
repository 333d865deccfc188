"""JSON API under /api/: the console's reads and actions, behind the same roles.

Session-authenticated like the console; POSTs carry the CSRF token in ``X-CSRFToken``.
Errors are ``{"error", "message" (Korean), "message_en"}``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from callcenter.auth import json_error, protect_blueprint
from callcenter.auth.views import client_ip
from callcenter.console.actions import add_action_routes, describe, load_ticket, perform
from callcenter.console.inbox import acting_user, current_filter
from callcenter.console.live import ticket_state
from callcenter.console.present import caller_for, segments_of
from callcenter.console.queries import changed_since, inbox_page
from callcenter.db import db
from callcenter.i18n import both
from callcenter.models import Ticket, User, utcnow
from callcenter.serializers import ticket_as_dict
from callcenter.services.workflow import WorkflowError, allowed_moves, may_act, version_of

bp = Blueprint("api", __name__, url_prefix="/api")
protect_blueprint(bp, "operator", "supervisor", "admin")

# WorkflowError message ids that mean "not now" (409) or "not yours" (403); others are 400.
CONFLICTS = {
    "work.illegal_move",
    "work.already_assigned",
    "work.cannot_assign",
    "work.summary_not_needed",
    "work.follow_up_finished",
    "work.stale",
    "work.taken",
}
FORBIDDEN = {"work.not_yours", "work.assign_other_center"}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def ticket_json(ticket: Ticket, user: User, *, detail: bool = False) -> dict[str, Any]:
    """A ticket as this user may see it (the caller's number masked unless allowed)."""
    data = ticket_as_dict(ticket)
    caller = caller_for(user, ticket)
    data.update(
        caller=ticket.caller_number if caller.full else caller.text,
        caller_masked=not caller.full,
        assignee=ticket.assignee.username if ticket.assignee else None,
        updated_at=_iso(ticket.updated_at),
        version=version_of(ticket),
        routed_at=_iso(ticket.routed_at),
        first_response_at=_iso(ticket.first_response_at),
        resolved_at=_iso(ticket.resolved_at),
        follow_up_done_at=_iso(ticket.follow_up_done_at),
        closed_at=_iso(ticket.closed_at),
        url=f"/console/tickets/{ticket.number}",
    )
    if detail:
        transcript = ticket.recording.transcript if ticket.recording else None
        data["segments"] = [
            {"start": s.start, "end": s.end, "text": s.text}
            for s in segments_of(transcript.segments if transcript else None)
        ]
        data["notes"] = [
            {
                "author": n.author.username if n.author else None,
                "text": n.text,
                "created_at": _iso(n.created_at),
            }
            for n in ticket.notes
        ]
        data["can_act"] = may_act(user, ticket)
        data["allowed_moves"] = list(allowed_moves(user, ticket))
    return data


@bp.get("/tickets")
def list_tickets() -> ResponseReturnValue:
    """Tickets for the same tabs, filters and cursor as the inbox page."""
    user = acting_user()
    f = current_filter(user)
    page = inbox_page(db.session(), f, user, current_app.config["TIMEZONE"], with_transcripts=True)
    return jsonify(
        tickets=[ticket_json(t, user) for t in page.tickets],
        next_cursor=page.next_cursor,
        tab_counts=page.tab_counts,
        status_counts=page.status_counts,
        filter=f.args(),
    )


@bp.get("/tickets/changes")
def ticket_changes() -> ResponseReturnValue:
    """Tickets in the inbox's scope changed since ``since`` (ISO time): the live inbox poll."""
    user = acting_user()
    try:
        since = datetime.fromisoformat(request.args.get("since", ""))
        if since.tzinfo is None or not 2000 <= since.year <= 2999:
            raise ValueError("naive or out of range")
    except ValueError:
        return json_error(400, "bad_since", "api.bad_since")
    f = current_filter(user)
    rows = changed_since(db.session(), f, current_app.config["TIMEZONE"], since)
    cursor = max((t.updated_at for t in rows), default=since)
    return jsonify(
        cursor=cursor.isoformat(),
        server_time=utcnow().isoformat(),
        changes=[
            {
                "id": t.id,
                "number": t.number,
                "status": t.status,
                "center": t.center_code,
                "topic": t.topic_code,
                "updated_at": t.updated_at.isoformat(),
            }
            for t in rows
        ],
    )


@bp.get("/tickets/<number>")
def get_ticket(number: str) -> ResponseReturnValue:
    """One ticket with transcript segments, notes and the moves this user may make."""
    user = acting_user()
    return jsonify(ticket_json(load_ticket(db.session(), number), user, detail=True))


@bp.get("/tickets/<number>/state")
def get_ticket_state(number: str) -> ResponseReturnValue:
    """What the open ticket page polls: a signature that changes with the ticket, its notes
    and its transcript (cheap: no transcript text, no notes' text)."""
    session = db.session()
    return jsonify(ticket_state(session, load_ticket(session, number)))


def _act(number: str, action: str) -> ResponseReturnValue:
    session = db.session()
    user = acting_user()
    item = load_ticket(session, number, for_update=True)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        data = request.form.to_dict()
    try:
        done = perform(session, action, item, data, user=user, ip=client_ip())
    except WorkflowError as exc:
        session.rollback()
        status = 409 if exc.msg_id in CONFLICTS else 403 if exc.msg_id in FORBIDDEN else 400
        return jsonify(
            error=exc.msg_id.split(".", 1)[1],
            message=describe(exc, "ko"),
            message_en=describe(exc, "en"),
        ), status
    session.commit()
    texts = both(done)
    return jsonify(
        ok=True,
        message=texts["ko"],
        message_en=texts["en"],
        ticket=ticket_json(item, user, detail=True),
    )


add_action_routes(bp, _act)

# Live calls (presence, voice tokens) register on the same blueprint.
from callcenter.api import live  # noqa: E402,F401
