"""The KPIs' SQL: figure rows from the live tables, for a whole period or for one day.

Every query scans its rows once, grouped coarsely (calls by UTC hour, tickets by center
and topic); folding into local days and hours happens in Python (``Tally``), so SQLite and
PostgreSQL run the same portable SQL. UTC hours are exact local hours in any zone whose
offset is a whole number of hours (Asia/Seoul is UTC+9, no DST). The column labels are the
rollup tables' column names, so the same rows can be summed live or stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from callcenter.kpi.definitions import (
    BACKLOG_STATUSES,
    CALLBACK_TARGET_SECONDS,
    SERVICE_LEVEL_SECONDS,
    CallKpis,
    Period,
    Tally,
    TicketKpis,
    Traffic,
    TranscriptionKpis,
)
from callcenter.kpi.sql import seconds_between, utc_hour
from callcenter.models import Call, Recording, Ticket, Transcript
from callcenter.models.kpi import OUTCOMES


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def _sum_if(condition: ColumnElement[bool], value: Any) -> ColumnElement[float]:
    return func.sum(case((condition, value), else_=None))


def _during(column: Any, periods: Sequence[Period]) -> ColumnElement[bool]:
    """The timestamp falls in one of the periods (local days, as UTC bounds)."""
    bounds = [p.utc_bounds() for p in periods]
    return or_(*(and_(column >= begin, column < after) for begin, after in bounds))


def call_figures() -> list[ColumnElement[Any]]:
    """CALL_FIGURES of the calls in a query, labelled with their names."""
    queued = Call.queue_entered_at.is_not(None)
    waited = and_(queued, Call.queue_wait_seconds.is_not(None))
    answered = Call.queue_answered.is_(True)
    in_target = and_(answered, Call.queue_wait_seconds <= SERVICE_LEVEL_SECONDS)
    return [
        func.count().label("calls"),
        _count_if(queued).label("queued"),
        _count_if(answered).label("answered"),
        _count_if(in_target).label("answered_in_target"),
        _count_if(and_(queued, Call.outcome == "abandoned_queue")).label("abandoned"),
        _count_if(and_(queued, Call.outcome == "callback")).label("callback_from_queue"),
        _count_if(waited).label("wait_n"),
        _sum_if(waited, Call.queue_wait_seconds).label("wait_sum"),
        _count_if(and_(answered, waited)).label("answer_wait_n"),
        _sum_if(and_(answered, waited), Call.queue_wait_seconds).label("answer_wait_sum"),
        func.count(Call.duration_seconds).label("duration_n"),
        func.sum(Call.duration_seconds).label("duration_sum"),
        *(_count_if(Call.outcome == o).label(f"outcome_{o}") for o in OUTCOMES),
    ]


def call_hours(
    session: Session, periods: Sequence[Period]
) -> list[tuple[date, int, Sequence[float | None]]]:
    """(local day, local hour, CALL_FIGURES) for each hour of the periods with calls."""
    hour = utc_hour(Call.started_at).label("hour")
    rows = session.execute(
        select(hour, *call_figures()).where(_during(Call.started_at, periods)).group_by(hour)
    ).all()
    zone = ZoneInfo(periods[0].timezone)
    out: list[tuple[date, int, Sequence[float | None]]] = []
    for row in rows:
        h = row[0]
        moment = datetime(int(h[:4]), int(h[5:7]), int(h[8:10]), int(h[11:13]), tzinfo=UTC)
        local = moment.astimezone(zone)
        out.append((local.date(), local.hour, tuple(row[1:])))
    return out


def ticket_figures() -> list[ColumnElement[Any]]:
    """TICKET_FIGURES of tickets outer-joined to their calls, labelled with their names."""
    # Recorded requests only: a callback request is routed while its call is still going.
    routed_after_call = and_(
        Ticket.kind != "callback", Ticket.routed_at.is_not(None), Call.ended_at.is_not(None)
    )
    responded = Ticket.first_response_at.is_not(None)
    resolved = Ticket.resolved_at.is_not(None)
    callback = Ticket.kind == "callback"
    returned = and_(callback, Ticket.returned_at.is_not(None))
    return_s = seconds_between(Ticket.returned_at, Ticket.created_at)
    return [
        func.count().label("tickets"),
        _count_if(Ticket.routed_at.is_not(None)).label("routed"),
        _count_if(Ticket.status == "needs_review").label("needs_review"),
        _count_if(routed_after_call).label("route_n"),
        _sum_if(routed_after_call, seconds_between(Ticket.routed_at, Call.ended_at)).label(
            "route_sum"
        ),
        _count_if(responded).label("response_n"),
        _sum_if(responded, seconds_between(Ticket.first_response_at, Ticket.created_at)).label(
            "response_sum"
        ),
        _count_if(resolved).label("resolved_n"),
        _sum_if(resolved, seconds_between(Ticket.resolved_at, Ticket.created_at)).label(
            "resolution_sum"
        ),
        _count_if(callback).label("callbacks"),
        _count_if(returned).label("returned_n"),
        _sum_if(returned, return_s).label("return_sum"),
        _count_if(and_(returned, return_s <= CALLBACK_TARGET_SECONDS)).label("returned_in_target"),
        _count_if(Ticket.reroutes > 0).label("rerouted"),
    ]


def ticket_groups(session: Session, periods: Sequence[Period]) -> Sequence[Any]:
    """(center, topic, TICKET_FIGURES…) of the tickets created in the periods."""
    return session.execute(
        select(Ticket.center_code, Ticket.topic_code, *ticket_figures())
        .select_from(Ticket)
        .outerjoin(Call, Call.id == Ticket.call_id)
        .where(_during(Ticket.created_at, periods))
        .group_by(Ticket.center_code, Ticket.topic_code)
    ).all()


def follow_up_groups(session: Session, periods: Sequence[Period], today: date) -> Sequence[Any]:
    """(center, topic, due, done, overdue) of the follow-ups dated in the periods."""
    done = Ticket.follow_up_done_at.is_not(None)
    return session.execute(
        select(
            Ticket.center_code,
            Ticket.topic_code,
            _count_if(Ticket.follow_up_on <= today),
            _count_if(and_(Ticket.follow_up_on <= today, done)),
            _count_if(and_(Ticket.follow_up_on < today, ~done)),
        )
        .where(or_(*(Ticket.follow_up_on.between(p.start, p.end) for p in periods)))
        .group_by(Ticket.center_code, Ticket.topic_code)
    ).all()


def follow_up_day_groups(session: Session, day: date) -> Sequence[Any]:
    """(center, topic, follow_ups, follow_ups_done) of the follow-ups dated on ``day``."""
    return session.execute(
        select(
            Ticket.center_code,
            Ticket.topic_code,
            func.count().label("follow_ups"),
            func.count(Ticket.follow_up_done_at).label("follow_ups_done"),
        )
        .where(Ticket.follow_up_on == day)
        .group_by(Ticket.center_code, Ticket.topic_code)
    ).all()


def recording_figures(session: Session, periods: Sequence[Period]) -> Sequence[Any]:
    """RECORDING_FIGURES of the recordings made in the periods."""
    return session.execute(
        select(
            func.count(Recording.id).label("recordings"),
            _count_if(Recording.status == "done").label("done"),
            _count_if(Recording.status == "failed").label("failed"),
            func.count(Transcript.processing_seconds).label("processing_n"),
            func.sum(Transcript.processing_seconds).label("processing_sum"),
        )
        .select_from(Recording)
        .outerjoin(Transcript, Transcript.recording_id == Recording.id)
        .where(_during(Recording.created_at, periods))
    ).one()


def add_live(tally: Tally, session: Session, periods: Sequence[Period], today: date) -> None:
    """Add the periods' figures, computed from the live tables, into ``tally``."""
    for day, hour, figures in call_hours(session, periods):
        tally.add_calls(day, figures, hour)
    for row in ticket_groups(session, periods):
        tally.add_tickets(row[0], row[1], row[2:])
    for center, topic, due, done, overdue in follow_up_groups(session, periods, today):
        tally.add_follow_ups(center, topic, due, done, overdue)
    tally.add_recordings(recording_figures(session, periods))


def call_kpis(session: Session, period: Period) -> tuple[CallKpis, Traffic]:
    """Call outcomes, queue figures and traffic for calls started in the period."""
    tally = Tally(period)
    for day, hour, figures in call_hours(session, [period]):
        tally.add_calls(day, figures, hour)
    return tally.call_kpis(), tally.traffic


def ticket_kpis(
    session: Session, period: Period, today: date | None = None
) -> tuple[TicketKpis, dict[str, TicketKpis], dict[str, TicketKpis]]:
    """Ticket KPIs overall, per center and per topic (tickets created in the period).

    Follow-ups are counted by their date (``follow_up_on`` in the period), not by the
    ticket's creation, because that is when the check was owed.
    """
    today = today or datetime.now(ZoneInfo(period.timezone)).date()
    tally = Tally(period)
    for row in ticket_groups(session, [period]):
        tally.add_tickets(row[0], row[1], row[2:])
    for center, topic, due, done, overdue in follow_up_groups(session, [period], today):
        tally.add_follow_ups(center, topic, due, done, overdue)
    return tally.tickets, dict(tally.per_center), dict(tally.per_topic)


def recording_kpis(session: Session, period: Period) -> TranscriptionKpis:
    """Recordings created in the period: how many, done, failed, Whisper seconds."""
    tally = Tally(period)
    tally.add_recordings(recording_figures(session, [period]))
    return tally.transcription


def transcription_kpis(
    session: Session, period: Period, now: datetime | None = None
) -> TranscriptionKpis:
    """Backlog now; outcome and Whisper time of the period's recordings."""
    kpis = recording_kpis(session, period)
    kpis.backlog_now, kpis.oldest_backlog_seconds = backlog(session, now)
    return kpis


def backlog(session: Session, now: datetime | None = None) -> tuple[int, float | None]:
    """Recordings waiting for or in transcription right now, and the oldest one's age."""
    now = now or datetime.now(UTC)
    count, oldest = session.execute(
        select(func.count(), func.min(Recording.created_at)).where(
            Recording.status.in_(BACKLOG_STATUSES)
        )
    ).one()
    return count, (now - oldest).total_seconds() if oldest is not None else None
