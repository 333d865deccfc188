"""The ticket page, its form actions and the audited recording endpoint."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from callcenter.auth.views import client_ip
from callcenter.console import bp
from callcenter.console.actions import add_action_routes, describe, load_ticket, perform
from callcenter.console.caller_history import caller_history, has_number
from callcenter.console.inbox import acting_user
from callcenter.console.live import ticket_state
from callcenter.console.present import caller_for, segments_of, topic_scores
from callcenter.console.queries import local_today
from callcenter.console.routing_view import raw_detail, routing_lines
from callcenter.db import db
from callcenter.i18n import t
from callcenter.models import AuditLog, Institute, Recording, Ticket, User, utcnow
from callcenter.services.audit import audit
from callcenter.services.routing import region_choices
from callcenter.services.workflow import (
    OUTCOMES,
    WorkflowError,
    allowed_moves,
    assignable_users,
    may_act,
    proposed_follow_up,
    version_of,
)
from routing import reference

AUDIO_TYPES = {".wav": "audio/wav", ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".m4a": "audio/mp4"}
# Browsers may open a recording with two requests at once; count that as one play.
PLAY_DEDUP_SECONDS = 10


def recording_file(recording: Recording | None) -> Path | None:
    """The recording's file if it exists inside RECORDINGS_DIR (never a path outside it)."""
    if recording is None or not recording.local_path:
        return None
    root = Path(current_app.config["RECORDINGS_DIR"]).resolve()
    path = Path(recording.local_path)
    path = (path if path.is_absolute() else root / path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def ticket_history(session: Session, ticket: Ticket) -> list[AuditLog]:
    """What people did to this ticket and its recording, newest first."""
    conditions = [and_(AuditLog.target_type == "ticket", AuditLog.target_id == ticket.id)]
    if ticket.recording_id:
        conditions.append(
            and_(AuditLog.target_type == "recording", AuditLog.target_id == ticket.recording_id)
        )
    query = select(AuditLog).where(or_(*conditions)).order_by(AuditLog.id.desc()).limit(50)
    return list(session.scalars(query))


def suggested_institutes(session: Session, ticket: Ticket) -> list[Institute]:
    """The institutes routing suggested, in its order (else those covering the topic)."""
    codes = list(ticket.institutes or [])
    if not codes and ticket.topic_code:
        codes = [i.code for i in reference.institutes() if ticket.topic_code in i.expertise]
    found = {i.code: i for i in session.scalars(select(Institute).where(Institute.code.in_(codes)))}
    return [found[c] for c in codes if c in found]


@bp.get("/tickets/<number>")
def ticket(number: str) -> ResponseReturnValue:
    """Everything about one ticket, and the actions this user may take on it."""
    session = db.session()
    user = acting_user()
    item = load_ticket(session, number)
    transcript = item.recording.transcript if item.recording else None
    routing = item.routing or {}
    today = local_today(current_app.config["TIMEZONE"])
    return render_template(
        "console/ticket.html",
        ticket=item,
        caller=caller_for(user, item),
        transcript=transcript,
        segments=segments_of(transcript.segments if transcript else None),
        audio_available=recording_file(item.recording) is not None,
        scores=topic_scores(routing),
        routing_lines=routing_lines(routing, item.center_code, item.topic_code),
        routing_raw=raw_detail(routing) if user.role in ("supervisor", "admin") else "",
        institutes=suggested_institutes(session, item),
        can_act=may_act(user, item),
        moves=[m for m in allowed_moves(user, item) if m != "assigned"],
        assignees=assignable_users(session, item, user) if may_act(user, item) else [],
        history=ticket_history(session, item),
        history_of_caller=caller_history(session, item),
        caller_known=has_number(item.caller_number),
        topics=reference.topics(),
        centers=reference.centers(),
        regions=region_choices(),
        today=today.isoformat(),
        default_follow_up=proposed_follow_up(today).isoformat(),
        outcomes=OUTCOMES,
        version=version_of(item),
        state_signature=ticket_state(session, item)["signature"],
        poll_seconds=current_app.config["CONSOLE_POLL_SECONDS"],
    )


@bp.get("/next")
def next_ticket() -> ResponseReturnValue:
    """The oldest 새 티켓 of my center (of any center for supervisors), or the inbox."""
    session = db.session()
    user = acting_user()
    query = select(Ticket.number).where(Ticket.status == "routed", Ticket.assignee_id.is_(None))
    if user.role == "operator" and user.center_code:
        query = query.where(Ticket.center_code == user.center_code)
    number = session.scalar(query.order_by(Ticket.created_at.asc(), Ticket.id.asc()).limit(1))
    if number is None:
        flash(t("inbox.no_next"), "info")
        return redirect(url_for("console.inbox"))
    return redirect(url_for("console.ticket", number=number))


def _act(number: str, action: str) -> ResponseReturnValue:
    session = db.session()
    item = load_ticket(session, number, for_update=True)
    try:
        done = perform(session, action, item, request.form, user=acting_user(), ip=client_ip())
    except WorkflowError as exc:
        session.rollback()
        flash(describe(exc), "error")
    else:
        session.commit()
        flash(t(done), "success")
    return redirect(url_for("console.ticket", number=number))


add_action_routes(bp, _act)


def _starts_playback(range_header: str | None) -> bool:
    # A play starts at byte 0; later range requests are seeks or buffering of the same play.
    if not range_header:
        return True
    return range_header.replace(" ", "").lower().startswith("bytes=0-")


def log_play(session: Session, user: User, item: Ticket, recording: Recording) -> None:
    """Write one 'recording.play' audit row (not twice within a few seconds)."""
    recent = session.scalars(
        select(AuditLog.id).where(
            AuditLog.action == "recording.play",
            AuditLog.user_id == user.id,
            AuditLog.target_id == recording.id,
            AuditLog.created_at > utcnow() - timedelta(seconds=PLAY_DEDUP_SECONDS),
        )
    ).first()
    if recent is None:
        audit(
            session,
            "recording.play",
            user=user,
            target_type="recording",
            target_id=recording.id,
            ip=client_ip(),
            ticket=item.number,
        )
        session.commit()


@bp.get("/tickets/<number>/audio")
def recording_audio(number: str) -> ResponseReturnValue:
    """The ticket's recording with HTTP Range support; each play is audited."""
    session = db.session()
    item = load_ticket(session, number)
    path = recording_file(item.recording)
    if path is None or item.recording is None:
        abort(404)
    if _starts_playback(request.headers.get("Range")):
        log_play(session, acting_user(), item, item.recording)
    response = send_file(
        path,
        mimetype=AUDIO_TYPES.get(path.suffix.lower(), "application/octet-stream"),
        conditional=True,
        etag=True,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
