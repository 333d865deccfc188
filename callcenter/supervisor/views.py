"""Supervisor pages: call log, one call's timeline, CSV exports (blueprint ``supervisor``).

Only supervisors and admins: the blueprint guard refuses everyone else, and each view
also carries ``roles_required`` so that role tests over the URL map can read its roles.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from callcenter.auth import protect_blueprint, roles_required
from callcenter.db import db
from callcenter.display import (
    caller_text,
    center_name,
    clock,
    mask_numbers_in,
    sees_full_numbers,
    topic_name,
)
from callcenter.i18n import MESSAGES, t
from callcenter.kpi.definitions import OUTCOMES
from callcenter.models import TICKET_STATUSES, Call, Recording
from callcenter.supervisor import exports, messages  # noqa: F401  (registers the texts)
from callcenter.supervisor.calllog import (
    COUNT_CAP,
    STATUS_GROUPS,
    CallFilter,
    capped_count,
    filter_choices,
    last_year,
    load_page,
    parse_filter,
)
from callcenter.supervisor.present import (
    duration,
    local,
    percent,
    regions,
    versus_count,
    versus_rate,
    versus_time,
)
from callcenter.supervisor.timeline import timeline
from routing import reference

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor")
SUPERVISOR_ROLES = ("supervisor", "admin")
protect_blueprint(bp, *SUPERVISOR_ROLES)


@bp.context_processor
def _helpers() -> dict[str, object]:
    """``sv.*`` in the supervisor templates: masking and formatting helpers."""
    unset = t("sv.none")
    full = full_numbers()
    return {
        "sv": SimpleNamespace(
            **_HELPERS,
            center_name=lambda code: center_name(code, unset),
            topic_name=lambda code: topic_name(code, unset),
            caller=lambda number: caller_text(number, full),
            # Free text that may carry a number (a Twilio error, what a caller said).
            text=(lambda value: value) if full else mask_numbers_in,
        )
    }


def full_numbers() -> bool:
    """Whether the signed-in user sees callers' full numbers on these pages and exports."""
    return bool(current_user.is_authenticated and sees_full_numbers(current_user.role))


def local_today() -> date:
    """Today in the hotline's time zone."""
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()


def filter_messages(f: CallFilter) -> list[str]:
    """What was wrong with the call log's filter, in words (Korean first)."""
    out = []
    fields = {"from": "sv.filter.from", "to": "sv.filter.to"}
    for key in f.errors:
        if key in fields:
            out.append(t("sv.filter.bad_date", field=t(fields[key]), last=last_year()))
        elif key == "range" and f.start and f.end:
            out.append(
                t("sv.filter.end_before_start", start=f.start.isoformat(), end=f.end.isoformat())
            )
    others = [key for key in f.errors if key not in (*fields, "range")]
    if others:
        names = {"status": "sv.filter.status", "outcome": "sv.col.outcome"}
        labels = [t(names.get(key, f"sv.col.{key}")) for key in others]
        out.append(t("sv.filter.invalid", fields=", ".join(labels)))
    return out


def quick_periods(today: date) -> list[tuple[str, date, date]]:
    """One-click periods of the call log: today, yesterday, the last 7 days."""
    yesterday = today - timedelta(days=1)
    return [
        ("sv.filter.today", today, today),
        ("sv.filter.yesterday", yesterday, yesterday),
        ("sv.filter.last7", today - timedelta(days=6), today),
    ]


_HELPERS: dict[str, object] = {
    "clock": clock,
    "duration": duration,
    "percent": percent,
    "vs_count": versus_count,
    "vs_rate": versus_rate,
    "vs_time": versus_time,
    # A known text for prefix+key, else the key itself (actions and event kinds grow).
    "label": lambda prefix, key: t(prefix + key) if prefix + key in MESSAGES else key,
    "status": lambda code: t(f"status.{code}") if f"status.{code}" in MESSAGES else code,
    "local": lambda moment, fmt="%Y-%m-%d %H:%M:%S": local(
        moment, current_app.config["TIMEZONE"], fmt
    ),
}


def current_filter() -> CallFilter:
    """The call log filter of this request."""
    choices = filter_choices(
        regions(),
        tuple(c.code for c in reference.centers()),
        tuple(t.code for t in reference.topics()),
    )
    return parse_filter(request.args, choices)


@bp.get("/")
@roles_required(*SUPERVISOR_ROLES)
def index() -> ResponseReturnValue:
    """The supervisor's home is the dashboard."""
    return redirect(url_for("supervisor.dashboard"))


@bp.get("/calls")
@roles_required(*SUPERVISOR_ROLES)
def calls() -> ResponseReturnValue:
    """Every call, newest first: filters, search, sorting and keyset paging."""
    f = current_filter()
    timezone = current_app.config["TIMEZONE"]
    session = db.session()
    cursor = request.args.get("after")
    rows, next_cursor = load_page(session, f, timezone, cursor)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    return render_template(
        "supervisor/calls.html",
        f=f,
        rows=rows,
        total=capped_count(
            session, f, timezone, first_page=None if cursor or next_cursor else len(rows)
        ),
        cap=COUNT_CAP,
        page=page,
        next_url=url_for("supervisor.calls", **f.args(), after=next_cursor, page=page + 1)
        if next_cursor
        else None,
        outcomes=OUTCOMES,
        regions=regions(),
        centers=reference.centers(),
        topics=reference.topics(),
        status_groups=tuple(STATUS_GROUPS),
        statuses=TICKET_STATUSES,
        problems=filter_messages(f),
        quick=quick_periods(local_today()),
        ticket_endpoint=_ticket_endpoint(),
    )


def _ticket_endpoint() -> str | None:
    return "console.ticket" if "console.ticket" in current_app.view_functions else None


@bp.get("/calls/<int:call_id>")
@roles_required(*SUPERVISOR_ROLES)
def call(call_id: int) -> ResponseReturnValue:
    """One call: its IVR timeline, recordings and transcripts, and its tickets."""
    session = db.session()
    item = session.scalars(
        select(Call)
        .where(Call.id == call_id)
        .options(
            selectinload(Call.events),
            selectinload(Call.recordings).selectinload(Recording.transcript),
            selectinload(Call.tickets),
        )
    ).first()
    if item is None:
        raise NotFound()
    ticket_for_recording = {t.recording_id: t for t in item.tickets if t.recording_id}
    audio_endpoint = "console.recording_audio"
    return render_template(
        "supervisor/call.html",
        call=item,
        events=timeline(list(item.events), item.started_at, full_numbers()),
        recordings=item.recordings,
        tickets=item.tickets,
        ticket_for_recording=ticket_for_recording,
        audio_endpoint=audio_endpoint if audio_endpoint in current_app.view_functions else None,
        ticket_endpoint=_ticket_endpoint(),
    )


def _csv_response(name: str, lines: Iterator[str]) -> Response:
    # The rows are read while streaming: keep the request (language, session) alive.
    response = Response(stream_with_context(lines), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/export/calls.csv")
@roles_required(*SUPERVISOR_ROLES)
def export_calls() -> ResponseReturnValue:
    """The filtered calls as CSV (UTF-8 with BOM for Excel)."""
    f = current_filter()
    header, rows = exports.call_rows(
        db.session(), f, current_app.config["TIMEZONE"], full_numbers=full_numbers()
    )
    name = exports.file_name("calls", f, local_today())
    return _csv_response(name, exports.csv_lines(header, rows))


@bp.get("/export/tickets.csv")
@roles_required(*SUPERVISOR_ROLES)
def export_tickets() -> ResponseReturnValue:
    """The tickets of the filtered calls as CSV (UTF-8 with BOM for Excel)."""
    f = current_filter()
    header, rows = exports.ticket_rows(
        db.session(), f, current_app.config["TIMEZONE"], full_numbers=full_numbers()
    )
    name = exports.file_name("tickets", f, local_today())
    return _csv_response(name, exports.csv_lines(header, rows))


# The dashboard, audit and queue pages register on the same blueprint.
from callcenter.supervisor import audit, dashboard_page, queues  # noqa: E402, F401
