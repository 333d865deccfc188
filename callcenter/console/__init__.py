"""The operator console: the live inbox and the ticket page (server-rendered)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from callcenter.auth import protect_blueprint
from callcenter.console import messages as _messages  # noqa: F401  (registers the texts)
from callcenter.console import shift_messages as _shift  # noqa: F401  (registers the texts)
from callcenter.console.caller_history import age
from callcenter.console.present import caller_for, readable
from callcenter.display import center_name, is_code, topic_name
from callcenter.i18n import MESSAGES, t
from callcenter.models import AuditLog

bp = Blueprint("console", __name__, url_prefix="/console")
CONSOLE_ROLES = ("operator", "supervisor", "admin")
protect_blueprint(bp, *CONSOLE_ROLES)


def routing_label(key: str) -> str:
    """A readable label for a key of the routing explanation (the key itself if unknown)."""
    msg_id = f"routing.{key}"
    return t(msg_id) if msg_id in MESSAGES else key


def routing_value(key: str, value: Any) -> str:
    """A value of the routing explanation: codes shown by name, the rest made readable."""
    if isinstance(value, str):
        if f"region_source.{value}" in MESSAGES and "source" in key:
            return t(f"region_source.{value}")
        if is_code("center", value):
            return center_name(value)
        if is_code("topic", value):
            return topic_name(value)
    return readable(value)


def history_text(row: AuditLog) -> str:
    """One audit row of a ticket as a sentence."""
    detail = row.detail or {}
    if row.action == "ticket.status":
        return t(
            "history.status",
            old=t(f"status.{detail.get('from')}") if detail.get("from") else "?",
            new=t(f"status.{detail.get('to')}") if detail.get("to") else "?",
        )
    if row.action == "ticket.callback":
        result = "reached" if detail.get("result") == "reached" else "no_answer"
        return t(f"history.callback_{result}", attempt=str(detail.get("attempt", "")))
    if row.action == "ticket.reroute":
        return t("history.reroute", reason=str(detail.get("reason", "")))
    msg_id = f"history.{row.action.split('.', 1)[-1]}"
    if msg_id not in MESSAGES:
        return row.action
    try:
        return t(msg_id, **{k: "" if v is None else str(v) for k, v in detail.items()})
    except KeyError:  # an older row without a value the text names
        return row.action


def call_outcome(code: str | None) -> str:
    """A call's outcome by name (the call log's labels)."""
    msg_id = f"sv.outcome.{code}"
    return t(msg_id) if code and msg_id in MESSAGES else t("caller.call_outcome_none")


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {
        "topic_name": topic_name,
        "center_name": center_name,
        "caller_for": caller_for,
        "routing_label": routing_label,
        "routing_value": routing_value,
        "history_text": history_text,
        "call_outcome": call_outcome,
        "age": age,
    }


from callcenter.console import inbox, tickets  # noqa: E402,F401  (routes on bp)
