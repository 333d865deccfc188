"""The supervisor's audit trail page: who listened to or changed what, and when."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from callcenter.auth import roles_required
from callcenter.db import db
from callcenter.display import UNSET, center_name, is_code, mask_numbers_in, topic_name
from callcenter.i18n import MESSAGES, t
from callcenter.kpi.definitions import Period
from callcenter.models import AuditLog, Recording, Ticket, User
from callcenter.supervisor.calllog import last_year, parse_date
from callcenter.supervisor.views import SUPERVISOR_ROLES, bp

AUDIT_PAGE = 50


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
        errors.append(t("sv.filter.bad_date", field=t("sv.col.day"), last=last_year()))
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
        details={entry.id: detail_text(entry.action, entry.detail) for entry in entries},
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
        link_users = "accounts.user" in current_app.view_functions
        for user_id, username in session.execute(
            select(User.id, User.username).where(User.id.in_(want["user"]))
        ):
            link = url_for("accounts.user", user_id=user_id) if link_users else ""
            found[("user", user_id)] = (username, link)
    for call_id in want["call"]:
        found[("call", call_id)] = (f"#{call_id}", url_for("supervisor.call", call_id=call_id))
    return found


def detail_text(action: str, detail: dict[str, Any] | None) -> str:
    """An audit row's detail in words: keys named, statuses and codes as their names."""
    parts = []
    for key, value in sorted((detail or {}).items()):
        if key == "ip":
            continue  # shown in its own column
        name = t(f"sv.audit.key.{key}") if f"sv.audit.key.{key}" in MESSAGES else key
        parts.append(f"{name}: {_audit_value(action, key, value)}")
    return "; ".join(parts)


def _audit_value(action: str, key: str, value: Any) -> str:
    if value is None or value == "":
        return UNSET
    text = str(value)
    if " → " in text:  # an account change, 'INCHEON → BUSAN' ('–' for none)
        return " → ".join(
            _audit_value(action, key, side.strip("–") or None) for side in text.split(" → ")
        )
    if action == "ticket.status" and key in ("from", "to") and f"status.{text}" in MESSAGES:
        return t(f"status.{text}")
    if key == "role" and f"role.{text}" in MESSAGES:
        return t(f"role.{text}")
    if key == "language" and f"sv.language.{text}" in MESSAGES:
        return t(f"sv.language.{text}")
    if key == "center" and is_code("center", text):
        return center_name(text)
    if key == "topic" and is_code("topic", text):
        return topic_name(text)
    if f"sv.audit.value.{text}" in MESSAGES:
        return t(f"sv.audit.value.{text}")
    return mask_numbers_in(text)
