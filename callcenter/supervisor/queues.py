"""The supervisor's job queue page: queued, running and failed jobs, and requeueing them."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from redis.exceptions import RedisError
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

from callcenter.auth import roles_required
from callcenter.auth.views import client_ip
from callcenter.db import db
from callcenter.i18n import t
from callcenter.jobs import QUEUE_NAMES, get_queue
from callcenter.services.audit import audit
from callcenter.supervisor.views import SUPERVISOR_ROLES, bp

FAILED_SHOWN = 20


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
