"""The ticket page, its form actions and the audited recording endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import PurePath

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
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
from callcenter.storage import MissingObject, StoreError, recording_store
from routing import reference

AUDIO_TYPES = {".wav": "audio/wav", ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".m4a": "audio/mp4"}
# Browsers may open a recording with two requests at once; count that as one play.
PLAY_DEDUP_SECONDS = 10
# A range that does not start at byte 0 is part of a play audited within this time.
PLAY_COVERS = timedelta(minutes=30)


def recording_size(recording: Recording | None) -> int | None:
    """The stored audio's size, or None when there is none to play (or the store is down).

    The key is checked by the store (a plain file name), so a row can never point a play at a
    file outside the store.
    """
    if recording is None or not recording.store_key or recording.purged_at is not None:
        return None
    try:
        return recording_store().size(recording.store_key)
    except (StoreError, ValueError):
        current_app.logger.warning("recording %s unavailable in the store", recording.id)
        return None


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
        audio_available=recording_size(item.recording) is not None,
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
    size = recording_size(item.recording)
    if size is None or item.recording is None or item.recording.store_key is None:
        abort(404)
    served = _served_range(size)
    if served is None:
        return Response(status=416, headers={"Content-Range": f"bytes */{size}"})
    start = served[0]
    if start == 0:
        log_play(session, acting_user(), item, item.recording)  # a play begins
    else:
        # A seek or buffering of a play: covered by this user's play of the last half hour,
        # else audited itself (a client that never asks for byte 0 is still a listener).
        log_play(session, acting_user(), item, item.recording, within=PLAY_COVERS)
    return _audio_response(item.recording.store_key, size, served)


def _served_range(size: int) -> tuple[int, int, bool] | None:
    """(start, end inclusive, partial?) to send: the one range asked for, else the whole file.

    None when the range cannot be satisfied (416). Several ranges at once are answered with
    the whole file, as HTTP allows.
    """
    asked = request.range
    if asked is None or asked.units != "bytes" or len(asked.ranges) != 1 or size == 0:
        return 0, size - 1, False
    bounds = asked.range_for_length(size)
    if bounds is None:
        return None
    return bounds[0], bounds[1] - 1, True


def _audio_response(key: str, size: int, served: tuple[int, int, bool]) -> Response:
    """The bytes from the recording store (local folder or S3), streamed through the app."""
    start, end, partial = served
    try:
        chunks: Iterator[bytes] = (
            recording_store().read_range(key, start, end) if size else iter(())
        )
    except MissingObject:
        abort(404)  # deleted since the size was read
    except StoreError:
        abort(503)
    response = Response(
        chunks,
        status=206 if partial else 200,
        mimetype=AUDIO_TYPES.get(PurePath(key).suffix.lower(), "application/octet-stream"),
        direct_passthrough=True,
    )
    response.headers["Content-Length"] = str(end - start + 1)
    if partial:
        response.headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    response.headers["Accept-Ranges"] = "bytes"
    response.headers["Cache-Control"] = "private, no-store"
    return response
