"""The dashboard's charts, drawn from the same numbers its tables print."""

from __future__ import annotations

from markupsafe import Markup

from callcenter.display import UNSET, center_name
from callcenter.i18n import t
from callcenter.kpi.definitions import OUTCOMES, TicketKpis
from callcenter.supervisor.charts import bar_chart, hbar_chart, line_chart
from callcenter.supervisor.dashboard import Dashboard
from callcenter.supervisor.present import percent


def weekday_names() -> list[str]:
    """Monday to Sunday in the current language."""
    return [t(f"sv.weekday.{i}") for i in range(7)]


def by_tickets(groups: dict[str, TicketKpis]) -> list[tuple[str, TicketKpis]]:
    """Centers (or topics) with the most tickets first, ties by code: the chart's order and
    the table's."""
    return sorted(groups.items(), key=lambda kv: (-kv[1].tickets, kv[0]))


def charts_for(board: Dashboard) -> dict[str, Markup]:
    """SVG charts keyed by name; each titled and described in the current language."""
    days = board.traffic.days
    every = max(1, len(days) // 10)
    hours = [str(h) for h in range(24)]
    by_center = by_tickets(board.per_center)
    calls_axis = t("sv.axis.calls")
    daily_desc = t(
        "sv.chart.daily_desc",
        calls=f"{board.calls.total:,}",
        days=len(days),
        abandoned=f"{board.calls.abandoned:,}",
    )
    return {
        "daily": line_chart(
            "chart-daily",
            [d.day.strftime("%m-%d") for d in days],
            [
                (t("sv.kpi.calls"), [d.calls for d in days]),
                (t("sv.kpi.abandoned"), [d.abandoned for d in days]),
            ],
            title=t("sv.chart.daily"),
            desc=daily_desc,
            label_every=every,
            width=760,
            height=280,
            x_title=t("sv.axis.day"),
            y_title=calls_axis,
        ),
        "hourly": bar_chart(
            "chart-hourly",
            hours,
            board.traffic.by_hour,
            title=t("sv.chart.hourly"),
            desc=t("sv.chart.hourly_desc", peak=_peak(hours, board.traffic.by_hour)),
            label_every=2,
            width=560,
            height=260,
            x_title=t("sv.axis.hour"),
            y_title=calls_axis,
        ),
        "weekday": bar_chart(
            "chart-weekday",
            weekday_names(),
            board.traffic.by_weekday,
            title=t("sv.chart.weekday"),
            desc=t("sv.chart.weekday_desc", peak=_peak(weekday_names(), board.traffic.by_weekday)),
            width=380,
            height=260,
            x_title=t("sv.axis.weekday"),
            y_title=calls_axis,
        ),
        "outcomes": hbar_chart(
            "chart-outcomes",
            [t(f"sv.outcome.{o}") for o in OUTCOMES],
            [board.calls.by_outcome[o] for o in OUTCOMES],
            title=t("sv.chart.outcomes"),
            desc=t(
                "sv.chart.outcomes_desc",
                rate=percent(board.calls.abandonment_rate),
                menu=f"{board.calls.hung_up_menu:,}",
            ),
            x_title=calls_axis,
        ),
        "centers": hbar_chart(
            "chart-centers",
            [center_name(code, t("sv.none")) for code, _ in by_center],
            [k.tickets for _, k in by_center],
            title=t("sv.chart.centers"),
            desc=t("sv.chart.centers_desc", tickets=f"{board.tickets.tickets:,}"),
            x_title=t("sv.axis.tickets"),
        ),
    }


def _peak(labels: list[str], values: list[int]) -> str:
    if not any(values):
        return UNSET
    return labels[max(range(len(values)), key=values.__getitem__)]
