"""Supervisor pages: the KPI dashboard, the audit trail and the job queues' health."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from redis.exceptions import RedisError
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from callcenter.auth import roles_required
from callcenter.auth.views import client_ip
from callcenter.db import db
from callcenter.i18n import t
from callcenter.jobs import QUEUE_NAMES, get_queue
from callcenter.kpi.definitions import Period
from callcenter.models import AuditLog, Recording, Ticket, User
from callcenter.services.audit import audit
from callcenter.supervisor.calllog import parse_date
from callcenter.supervisor.dashboard import build_dashboard
from callcenter.supervisor.dashboard_charts import charts_for
from callcenter.supervisor.views import SUPERVISOR_ROLES, bp

MAX_DAYS = 3 * 366
AUDIT_PAGE = 50
FAILED_SHOWN = 20


def local_today() -> date:
    """Today in the hotline's time zone."""
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()


def chosen_period(today: date) -> tuple[Period, list[str]]:
    """The dashboard's period from ?from=&to= (default: the last 30 days), and any errors."""
    errors = []
    try:
        end = parse_date(request.args.get("to")) or today
    except ValueError:
        errors.append("to")
        end = today
    try:
        start = parse_date(request.args.get("from")) or end - timedelta(days=29)
    except ValueError:
        errors.append("from")
        start = end - timedelta(days=29)
    if start > end or (end - start).days >= MAX_DAYS:
        errors.append("range")
        start = end - timedelta(days=29)
    return Period(start, end, current_app.config["TIMEZONE"]), errors


@bp.get("/dashboard")
@roles_required(*SUPERVISOR_ROLES)
def dashboard() -> ResponseReturnValue:
    """KPIs of a chosen period with charts beside tables of the same numbers."""
    today = local_today()
    period, errors = chosen_period(today)
    board = build_dashboard(db.session(), period, today)
    presets = [
        (days, (today - timedelta(days=days - 1)).isoformat(), today.isoformat())
        for days in (7, 30, 90, 365)
    ]
    return render_template(
        "supervisor/dashboard.html",
        board=board,
        charts=charts_for(board),
        errors=errors,
        presets=presets,
    )


@bp.get("/audit", endpoint="audit")
@roles_required(*SUPERVISOR_ROLES)
def audit_log() -> ResponseReturnValue:
    """Who listened to which recording, who changed what, when: newest first, filterable."""
    session = db.session()
    query = select(AuditLog).options(selectinload(AuditLog.user))
    user_id = request.args.get("user", type=int)
    action = request.args.get("action", "").strip()
    if user_id:
        query = query.where(AuditLog.user_id == user_id)
    if action:
        query = query.where(AuditLog.action == action)
    timezone = current_app.config["TIMEZONE"]
    errors = []
    try:
        start = parse_date(request.args.get("from"))
        end = parse_date(request.args.get("to"))
    except ValueError:
        errors.append("date")
        start = end = None
    if start or end:
        begin, after = Period(
            start or date(2000, 1, 1), end or date(2999, 12, 31), timezone
        ).utc_bounds()
        query = query.where(AuditLog.created_at >= begin, AuditLog.created_at < after)
    before = request.args.get("before", type=int)
    if before:
        query = query.where(AuditLog.id < before)
    entries = list(session.scalars(query.order_by(AuditLog.id.desc()).limit(AUDIT_PAGE + 1)))
    more = len(entries) > AUDIT_PAGE
    entries = entries[:AUDIT_PAGE]
    args: dict[str, Any] = {
        k: v for k, v in request.args.items() if k not in ("before", "page") and v
    }
    page = request.args.get("page", 1, type=int) or 1
    return render_template(
        "supervisor/audit.html",
        entries=entries,
        targets=_targets(entries),
        users=session.scalars(select(User).order_by(User.username)).all(),
        actions=session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action)).all(),
        selected={"user": user_id, "action": action, "from": start, "to": end},
        errors=errors,
        page=page,
        first_url=url_for("supervisor.audit", **args),
        next_url=url_for("supervisor.audit", **args, before=entries[-1].id, page=page + 1)
        if more
        else None,
    )


def _targets(entries: list[AuditLog]) -> dict[tuple[str, int], tuple[str, str]]:
    """(target type, id) → (label, link) for recordings, tickets, calls and users on the page."""
    session = db.session()
    want: dict[str, set[int]] = {"recording": set(), "ticket": set(), "call": set(), "user": set()}
    for entry in entries:
        if entry.target_type in want and entry.target_id is not None:
            want[entry.target_type].add(entry.target_id)
    found: dict[tuple[str, int], tuple[str, str]] = {}
    if want["recording"]:
        for rec_id, call_id in session.execute(
            select(Recording.id, Recording.call_id).where(Recording.id.in_(want["recording"]))
        ):
            link = url_for("supervisor.call", call_id=call_id) if call_id else ""
            found[("recording", rec_id)] = (t("sv.audit.recording", id=rec_id), link)
    if want["ticket"]:
        for ticket_id, number, call_id in session.execute(
            select(Ticket.id, Ticket.number, Ticket.call_id).where(Ticket.id.in_(want["ticket"]))
        ):
            link = url_for("supervisor.call", call_id=call_id) if call_id else ""
            found[("ticket", ticket_id)] = (number, link)
    if want["user"]:
        link_users = "admin.user" in current_app.view_functions
        for user_id, username in session.execute(
            select(User.id, User.username).where(User.id.in_(want["user"]))
        ):
            link = url_for("admin.user", user_id=user_id) if link_users else ""
            found[("user", user_id)] = (username, link)
    for call_id in want["call"]:
        found[("call", call_id)] = (f"#{call_id}", url_for("supervisor.call", call_id=call_id))
    return found


def queue_health() -> list[dict[str, Any]]:
    """Per queue: queued, running, scheduled and failed counts, and the latest failures."""
    health = []
    for name in QUEUE_NAMES:
        queue = get_queue(name)
        failed = FailedJobRegistry(queue=queue)
        ids = failed.get_job_ids(0, FAILED_SHOWN - 1)
        jobs = [j for j in Job.fetch_many(ids, connection=queue.connection) if j is not None]
        health.append(
            {
                "name": name,
                "queued": queue.count,
                "started": StartedJobRegistry(queue=queue).count,
                "scheduled": ScheduledJobRegistry(queue=queue).count,
                "failed": failed.count,
                "jobs": [
                    {
                        "id": job.id,
                        "func": job.func_name,
                        "args": ", ".join(repr(a) for a in job.args),
                        "ended_at": job.ended_at,
                        "error": _last_line(job),
                    }
                    for job in jobs
                ],
            }
        )
    return health


def _last_line(job: Job) -> str:
    result = job.latest_result()
    text = (result.exc_string if result is not None else None) or ""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


@bp.get("/queues")
@roles_required(*SUPERVISOR_ROLES)
def queues() -> ResponseReturnValue:
    """RQ queues: queued / running / failed jobs, with requeue for failed ones."""
    try:
        health, error = queue_health(), None
    except (RedisError, OSError) as exc:
        health, error = [], str(exc)
    return render_template("supervisor/queues.html", health=health, error=error)


@bp.post("/queues/requeue")
@roles_required(*SUPERVISOR_ROLES)
def requeue() -> ResponseReturnValue:
    """Requeue one failed job, or every failed job of a queue (CSRF-checked, audited)."""
    name = request.form.get("queue", "")
    if name not in QUEUE_NAMES:
        flash(t("sv.queues.unknown"), "error")
        return redirect(url_for("supervisor.queues"))
    registry = FailedJobRegistry(queue=get_queue(name))
    job_id = request.form.get("job_id", "")
    wanted = registry.get_job_ids() if request.form.get("all") else [job_id]
    done = []
    for ident in wanted:
        try:
            registry.requeue(ident)
            done.append(ident)
        except (InvalidJobOperation, NoSuchJobError):
            continue
    if done:
        user = current_user._get_current_object()  # type: ignore[attr-defined]
        for ident in done:
            audit(
                db.session(),
                "job.requeue",
                user=user,
                target_type="job",
                ip=client_ip(),
                queue=name,
                job_id=ident,
            )
        db.session.commit()
        flash(t("sv.queues.requeued", count=len(done)), "success")
    else:
        flash(t("sv.queues.nothing"), "warning")
    return redirect(url_for("supervisor.queues"))
