"""KPI rollups: the supervisor dashboard's figures, summed per local day and kept in the database.

A year of calls is too many rows to aggregate on every page view, and the KPIs add up, so
each settled local day (it ended before yesterday) is summed once into these tables and
re-summed whenever one of its rows changes (``kpi_days.fresh`` goes false; see
``callcenter/kpi/rollups.py``). The dashboard reads fresh days from here and computes
the rest — yesterday, today and any day marked stale — from the live tables.

The tables are plain Core tables: their columns are the figure names below, which the SQL
that computes them (``callcenter/kpi/live.py``) labels its columns with.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    Integer,
    String,
    Table,
)

from callcenter.models.base import Base, UTCDateTime

# How each call of the period ended (Call.outcome).
OUTCOMES = (
    "ticket",
    "voicemail",
    "callback",
    "status_lookup",
    "answered",
    "abandoned_queue",
    "hung_up_menu",
)
# Calls: counts and (count, sum) pairs of an hour; a mean is kept as its count and total.
CALL_FIGURES = (
    "calls",
    "queued",
    "answered",
    "answered_in_target",
    "abandoned",
    "callback_from_queue",
    "wait_n",
    "wait_sum",
    "answer_wait_n",
    "answer_wait_sum",
    "duration_n",
    "duration_sum",
    *(f"outcome_{name}" for name in OUTCOMES),
)
# Tickets created on a day, per center and topic.
TICKET_FIGURES = (
    "tickets",
    "routed",
    "needs_review",
    "route_n",
    "route_sum",
    "response_n",
    "response_sum",
    "resolved_n",
    "resolution_sum",
    "callbacks",
    "returned_n",
    "return_sum",
    "returned_in_target",
    "rerouted",
)
# Follow-up checks dated on a day, per center and topic.
FOLLOW_UP_FIGURES = ("follow_ups", "follow_ups_done")
# Recordings made on a day.
RECORDING_FIGURES = ("recordings", "done", "failed", "processing_n", "processing_sum")


def _figures(names: tuple[str, ...]) -> list[Column[int] | Column[float]]:
    # Sums of seconds are floats; counts are integers.
    return [
        Column(name, Float if name.endswith("_sum") else Integer, nullable=False, default=0)
        for name in names
    ]


def _key(name: str) -> Column[str]:
    # '' stands for "none" (an unrouted ticket): primary key columns cannot be NULL.
    return Column(name, String(20), primary_key=True, default="")


kpi_days = Table(
    "kpi_days",
    Base.metadata,
    Column("day", Date, primary_key=True),
    # Time zone the day was cut in; a day summed in another zone is not fresh.
    Column("timezone", String(60), nullable=False, default=""),
    Column("fresh", Boolean, nullable=False, default=False),
    # Bumped by every change to the day's rows: a build only marks the version it read fresh.
    Column("version", Integer, nullable=False, default=0),
    Column("built_at", UTCDateTime()),
    Column("marked_at", UTCDateTime()),
)

kpi_call_hours = Table(
    "kpi_call_hours",
    Base.metadata,
    Column("day", Date, primary_key=True),
    Column("hour", Integer, primary_key=True),  # local hour of the day, 0–23
    *_figures(CALL_FIGURES),
)


def _per_center_and_topic(name: str, when: str, figures: tuple[str, ...]) -> Table:
    return Table(
        name,
        Base.metadata,
        Column(when, Date, primary_key=True),
        _key("center_code"),
        _key("topic_code"),
        *_figures(figures),
    )


kpi_ticket_days = _per_center_and_topic("kpi_ticket_days", "day", TICKET_FIGURES)
kpi_follow_up_days = _per_center_and_topic("kpi_follow_up_days", "day", FOLLOW_UP_FIGURES)
# The same per whole calendar month (``month`` is its first day): a year is read from 12 rows
# per center and topic rather than 365. Summed from the day rows.
kpi_ticket_months = _per_center_and_topic("kpi_ticket_months", "month", TICKET_FIGURES)
kpi_follow_up_months = _per_center_and_topic("kpi_follow_up_months", "month", FOLLOW_UP_FIGURES)

kpi_recording_days = Table(
    "kpi_recording_days",
    Base.metadata,
    Column("day", Date, primary_key=True),
    *_figures(RECORDING_FIGURES),
)

ROLLUP_TABLES = (kpi_call_hours, kpi_ticket_days, kpi_follow_up_days, kpi_recording_days)
# Month table ← the day table it sums.
MONTH_TABLES = ((kpi_ticket_months, kpi_ticket_days), (kpi_follow_up_months, kpi_follow_up_days))
