"""The ticket page, its form actions and the audited recording endpoint."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from callcenter.auth.views import client_ip
from callcenter.console import bp
from callcenter.console.actions import add_action_routes, describe, load_ticket, perform
from callcenter.console.inbox import acting_user
from callcenter.console.present import caller_for, explanation_rows, segments_of, topic_scores
from callcenter.console.queries import local_today
from callcenter.db import db
from callcenter.i18n import t
from callcenter.models import AuditLog, Institute, Recording, Ticket, User, utcnow
from callcenter.services.audit import audit
from callcenter.services.workflow import (
    WorkflowError,
    allowed_moves,
    assignable_users,
    may_act,
)
from routing import reference

AUDIO_TYPES = {".wav": "audio/wav", ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".m4a": "audio/mp4"}
# Browsers may open a recording with two requests at once; count that as one play.
PLAY_DEDUP_SECONDS = 10
# A range that does not start at byte 0 is part of a play audited within this time.
PLAY_COVERS = timedelta(minutes=30)


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
        routing_rows=explanation_rows(routing),
        institutes=suggested_institutes(session, item),
        can_act=may_act(user, item),
        moves=[m for m in allowed_moves(user, item) if m != "assigned"],
        assignees=assignable_users(session, item, user) if may_act(user, item) else [],
        history=ticket_history(session, item),
        topics=reference.topics(),
        centers=reference.centers(),
        today=today.isoformat(),
        default_follow_up=(today + timedelta(days=7)).isoformat(),
    )


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


def served_from(response: Response) -> int | None:
    """The first byte a recording response serves (None when it serves no audio).

    Decided from the response, not from the request's Range header, so that no spelling of
    a range (suffix, zero-padded, several ranges) streams audio unaudited.
    """
    if response.status_code == 200:
        return 0
    if response.status_code == 206:
        match = re.match(r"bytes (\d+)-\d+/", response.headers.get("Content-Range", ""))
        return int(match[1]) if match else 0
    return None


def log_play(
    session: Session,
    user: User,
    item: Ticket,
    recording: Recording,
    *,
    within: timedelta = timedelta(seconds=PLAY_DEDUP_SECONDS),
) -> None:
    """Write one 'recording.play' audit row unless this user has one for it ``within``."""
    recent = session.scalars(
        select(AuditLog.id).where(
            AuditLog.action == "recording.play",
            AuditLog.user_id == user.id,
            AuditLog.target_id == recording.id,
            AuditLog.created_at > utcnow() - within,
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
    response = send_file(
        path,
        mimetype=AUDIO_TYPES.get(path.suffix.lower(), "application/octet-stream"),
        conditional=True,
        etag=True,
        max_age=0,
    )
    start = served_from(response)
    if start == 0:
        log_play(session, acting_user(), item, item.recording)  # a play begins
    elif start is not None:
        # A seek or buffering of a play: covered by this user's play of the last half hour,
        # else audited itself (a client that never asks for byte 0 is still a listener).
        log_play(session, acting_user(), item, item.recording, within=PLAY_COVERS)
    response.headers["Cache-Control"] = "private, no-store"
    return response
