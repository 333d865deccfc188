"""The supervisor's KPI dashboard page: a chosen period's figures, charts beside tables."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue

from callcenter.auth import roles_required
from callcenter.db import db
from callcenter.kpi.definitions import Period
from callcenter.supervisor.calllog import parse_date
from callcenter.supervisor.dashboard import build_dashboard
from callcenter.supervisor.dashboard_charts import charts_for
from callcenter.supervisor.views import SUPERVISOR_ROLES, bp

MAX_DAYS = 3 * 366


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
