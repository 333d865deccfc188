"""The supervisor's KPI dashboard page: a chosen period's figures, charts beside tables, each
figure beside the previous period's (the same number of days just before)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue

from callcenter.auth import roles_required
from callcenter.db import db
from callcenter.i18n import t
from callcenter.kpi.definitions import OUTCOMES, Period
from callcenter.supervisor.calllog import last_year, parse_date
from callcenter.supervisor.dashboard import build_dashboard
from callcenter.supervisor.dashboard_charts import by_tickets, charts_for
from callcenter.supervisor.views import SUPERVISOR_ROLES, bp, local_today

MAX_DAYS = 3 * 366
DEFAULT_DAYS = 30


@dataclass
class PeriodChoice:
    """The period asked for, or what is wrong with it (then no figures are shown)."""

    period: Period | None
    given: dict[str, str]  # the form's values as typed, to correct them
    problems: list[str] = field(default_factory=list)


def chosen_period(args: dict[str, str], today: date, timezone: str) -> PeriodChoice:
    """The period of ?from=&to= (by default the last 30 days), or Korean words on why not."""
    given = {key: args.get(key, "").strip() for key in ("from", "to")}
    days: dict[str, date | None] = {}
    problems = []
    for key, label in (("from", "sv.filter.from"), ("to", "sv.filter.to")):
        try:
            days[key] = parse_date(given[key])
        except ValueError:
            problems.append(t("sv.filter.bad_date", field=t(label), last=last_year()))
    if problems:
        return PeriodChoice(None, given, problems)
    end = days["to"] or today
    start = days["from"] or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        problems.append(
            t("sv.filter.end_before_start", start=start.isoformat(), end=end.isoformat())
        )
    elif (end - start).days >= MAX_DAYS:
        problems.append(t("sv.filter.too_long", days=(end - start).days + 1, limit=MAX_DAYS))
    if problems:
        return PeriodChoice(None, given, problems)
    given = {"from": start.isoformat(), "to": end.isoformat()}
    return PeriodChoice(Period(start, end, timezone), given)


def previous_period(period: Period) -> Period:
    """The same number of days just before ``period``."""
    length = (period.end - period.start).days + 1
    end = period.start - timedelta(days=1)
    return Period(end - timedelta(days=length - 1), end, period.timezone)


@bp.get("/dashboard")
@roles_required(*SUPERVISOR_ROLES)
def dashboard() -> ResponseReturnValue:
    """KPIs of a chosen period with charts beside tables of the same numbers."""
    today = local_today()
    choice = chosen_period(dict(request.args), today, current_app.config["TIMEZONE"])
    presets = [
        (days, (today - timedelta(days=days - 1)).isoformat(), today.isoformat())
        for days in (7, 30, 90, 365)
    ]
    if choice.period is None:
        page = render_template(
            "supervisor/dashboard.html", board=None, choice=choice, presets=presets
        )
        return page, 400
    session = db.session()
    board = build_dashboard(session, choice.period, today)
    before = build_dashboard(session, previous_period(choice.period), today, backlog_now=False)
    return render_template(
        "supervisor/dashboard.html",
        board=board,
        before=before,
        charts=charts_for(board),
        center_rows=by_tickets(board.per_center),
        topic_rows=by_tickets(board.per_topic),
        outcomes=OUTCOMES,
        choice=choice,
        presets=presets,
    )
