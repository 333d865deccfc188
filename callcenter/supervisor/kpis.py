"""KPIs for a date range, as a few SQL aggregates folded into plain dataclasses.

Every query scans its table once, grouped coarsely (calls by UTC hour, tickets by center,
topic and kind); the folding into days, hours of the day, centers and topics happens here
in Python, so SQLite and PostgreSQL run the same portable SQL. UTC hours are exact local
hours in any zone whose offset is a whole number of hours (Asia/Seoul is UTC+9, no DST).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from callcenter.models import Call, Recording, Ticket, Transcript
from callcenter.supervisor.sql import seconds_between, utc_hour

OUTCOMES = (
    "ticket",
    "voicemail",
    "callback",
    "status_lookup",
    "answered",
    "abandoned_queue",
    "hung_up_menu",
)
SERVICE_LEVEL_SECONDS = 20  # the usual "answered within 20 seconds" target
CALLBACK_TARGET_SECONDS = 3600  # a callback request returned within the hour
BACKLOG_STATUSES = ("pending", "downloading", "transcribing")


@dataclass(frozen=True)
class Period:
    """Local calendar days ``start``..``end`` inclusive, in ``timezone``."""

    start: date
    end: date
    timezone: str = "Asia/Seoul"

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[start 00:00 local, day after end 00:00 local) as UTC datetimes."""
        zone = ZoneInfo(self.timezone)
        begin = datetime.combine(self.start, time(), zone).astimezone(UTC)
        after = datetime.combine(self.end + timedelta(days=1), time(), zone).astimezone(UTC)
        return begin, after

    def days(self) -> list[date]:
        """Every day of the period, in order."""
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


@dataclass
class Mean:
    """A running mean kept as count and total, so that groups can be added up."""

    count: int = 0
    total: float = 0.0

    def add(self, count: int | None, total: float | None) -> None:
        """Fold in a group's count and sum."""
        self.count += count or 0
        self.total += float(total or 0)

    @property
    def value(self) -> float | None:
        """The mean, or None when nothing was counted."""
        return self.total / self.count if self.count else None


def ratio(part: int, whole: int) -> float | None:
    """part ÷ whole, or None when whole is 0 (shown as "–", never as 0 %)."""
    return part / whole if whole else None


@dataclass
class CallKpis:
    """What happened to the calls that started in the period."""

    total: int = 0
    by_outcome: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    queued: int = 0  # reached the operator queue (<Enqueue>)
    answered: int = 0
    answered_within_target: int = 0
    abandoned: int = 0  # hung up while queued
    callback_from_queue: int = 0  # pressed 1 in the queue for a callback
    hung_up_menu: int = 0  # hung up before choosing: counted apart from abandonment
    queue_wait: Mean = field(default_factory=Mean)  # every queued call with a known wait
    answer_wait: Mean = field(default_factory=Mean)  # answered calls (speed of answer)
    duration: Mean = field(default_factory=Mean)

    @property
    def abandonment_rate(self) -> float | None:
        """Abandoned in the queue ÷ queued."""
        return ratio(self.abandoned, self.queued)

    @property
    def service_level(self) -> float | None:
        """Answered within the target ÷ queued."""
        return ratio(self.answered_within_target, self.queued)

    @property
    def menu_hang_up_rate(self) -> float | None:
        """Hung up in the menu ÷ all calls."""
        return ratio(self.hung_up_menu, self.total)


@dataclass
class DayRow:
    """One local day of traffic."""

    day: date
    calls: int = 0
    queued: int = 0
    abandoned: int = 0
    answered_within_target: int = 0


@dataclass
class Traffic:
    """Calls by local day, by local hour of the day and by weekday (0 = Monday)."""

    days: list[DayRow]
    by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    by_weekday: list[int] = field(default_factory=lambda: [0] * 7)


@dataclass
class TicketKpis:
    """Tickets created in the period (one group: overall, a center or a topic)."""

    tickets: int = 0
    routed: int = 0
    needs_review: int = 0
    resolved: int = 0
    routing_delay: Mean = field(default_factory=Mean)  # call end → ticket routed
    first_response: Mean = field(default_factory=Mean)  # created → first operator action
    resolution: Mean = field(default_factory=Mean)  # created → resolved
    callbacks_requested: int = 0
    callbacks_returned: int = 0
    callbacks_returned_within_target: int = 0
    callback_return: Mean = field(default_factory=Mean)  # callback created → first response
    follow_ups_due: int = 0  # follow-up date in the period and not after today
    follow_ups_done: int = 0
    follow_ups_overdue: int = 0  # due before today and still not done

    @property
    def follow_up_completion(self) -> float | None:
        """Follow-ups done ÷ due."""
        return ratio(self.follow_ups_done, self.follow_ups_due)

    @property
    def callback_return_rate(self) -> float | None:
        """Callback requests returned ÷ requested."""
        return ratio(self.callbacks_returned, self.callbacks_requested)


@dataclass
class TranscriptionKpis:
    """Recordings of the period, and the backlog right now."""

    backlog_now: int = 0
    oldest_backlog_seconds: float | None = None
    recordings: int = 0
    done: int = 0
    failed: int = 0
    processing: Mean = field(default_factory=Mean)  # Whisper seconds per recording

    @property
    def failure_rate(self) -> float | None:
        """Failed ÷ recordings of the period."""
        return ratio(self.failed, self.recordings)


@dataclass
class Dashboard:
    """Everything the dashboard shows for one period."""

    period: Period
    calls: CallKpis
    traffic: Traffic
    transcription: TranscriptionKpis
    tickets: TicketKpis
    per_center: dict[str, TicketKpis]
    per_topic: dict[str, TicketKpis]


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def _sum_if(condition: ColumnElement[bool], value: ColumnElement[float]) -> ColumnElement[float]:
    return func.sum(case((condition, value), else_=None))


def call_kpis(session: Session, period: Period) -> tuple[CallKpis, Traffic]:
    """Call outcomes, queue figures and traffic for calls started in the period."""
    begin, after = period.utc_bounds()
    queued = Call.queue_entered_at.is_not(None)
    waited = and_(queued, Call.queue_wait_seconds.is_not(None))
    answered = Call.queue_answered.is_(True)
    in_target = and_(answered, Call.queue_wait_seconds <= SERVICE_LEVEL_SECONDS)
    hour = utc_hour(Call.started_at).label("hour")
    columns = [
        func.count().label("total"),
        *(_count_if(Call.outcome == o).label(o) for o in OUTCOMES),
        _count_if(queued).label("queued"),
        _count_if(answered).label("answered"),
        _count_if(in_target).label("in_target"),
        _count_if(and_(queued, Call.outcome == "abandoned_queue")).label("abandoned"),
        _count_if(and_(queued, Call.outcome == "callback")).label("callback_q"),
        _count_if(waited).label("wait_n"),
        _sum_if(waited, Call.queue_wait_seconds).label("wait_sum"),
        _count_if(and_(answered, waited)).label("answer_n"),
        _sum_if(and_(answered, waited), Call.queue_wait_seconds).label("answer_sum"),
        func.count(Call.duration_seconds).label("dur_n"),
        func.sum(Call.duration_seconds).label("dur_sum"),
    ]
    rows = session.execute(
        select(hour, *columns)
        .where(Call.started_at >= begin, Call.started_at < after)
        .group_by(hour)
    ).all()
    kpis = CallKpis()
    zone = ZoneInfo(period.timezone)
    day_rows = {d: DayRow(d) for d in period.days()}
    traffic = Traffic(days=list(day_rows.values()))
    for row in rows:
        kpis.total += row.total
        for outcome in OUTCOMES:
            kpis.by_outcome[outcome] += getattr(row, outcome) or 0
        kpis.queued += row.queued or 0
        kpis.answered += row.answered or 0
        kpis.answered_within_target += row.in_target or 0
        kpis.abandoned += row.abandoned or 0
        kpis.callback_from_queue += row.callback_q or 0
        kpis.hung_up_menu += row.hung_up_menu or 0
        kpis.queue_wait.add(row.wait_n, row.wait_sum)
        kpis.answer_wait.add(row.answer_n, row.answer_sum)
        kpis.duration.add(row.dur_n, row.dur_sum)
        local = datetime.strptime(row.hour, "%Y-%m-%d %H").replace(tzinfo=UTC).astimezone(zone)
        traffic.by_hour[local.hour] += row.total
        traffic.by_weekday[local.weekday()] += row.total
        day = day_rows.get(local.date())
        if day is not None:
            day.calls += row.total
            day.queued += row.queued or 0
            day.abandoned += row.abandoned or 0
            day.answered_within_target += row.in_target or 0
    return kpis, traffic


def ticket_kpis(
    session: Session, period: Period, today: date | None = None
) -> tuple[TicketKpis, dict[str, TicketKpis], dict[str, TicketKpis]]:
    """Ticket KPIs overall, per center and per topic (tickets created in the period).

    Follow-ups are counted by their date (``follow_up_on`` in the period), not by the
    ticket's creation, because that is when the check was owed.
    """
    begin, after = period.utc_bounds()
    zone = ZoneInfo(period.timezone)
    today = today or datetime.now(zone).date()
    overall = TicketKpis()
    per_center: dict[str, TicketKpis] = defaultdict(TicketKpis)
    per_topic: dict[str, TicketKpis] = defaultdict(TicketKpis)

    def groups(center: str | None, topic: str | None) -> Iterable[TicketKpis]:
        yield overall
        yield per_center[center or "-"]
        yield per_topic[topic or "-"]

    routed_after_call = and_(Ticket.routed_at.is_not(None), Call.ended_at.is_not(None))
    responded = Ticket.first_response_at.is_not(None)
    resolved = Ticket.resolved_at.is_not(None)
    callback = Ticket.kind == "callback"
    response_s = seconds_between(Ticket.first_response_at, Ticket.created_at)
    rows = session.execute(
        select(
            Ticket.center_code,
            Ticket.topic_code,
            func.count().label("tickets"),
            _count_if(Ticket.routed_at.is_not(None)).label("routed"),
            _count_if(Ticket.status == "needs_review").label("needs_review"),
            _count_if(routed_after_call).label("route_n"),
            _sum_if(routed_after_call, seconds_between(Ticket.routed_at, Call.ended_at)).label(
                "route_sum"
            ),
            _count_if(responded).label("resp_n"),
            _sum_if(responded, response_s).label("resp_sum"),
            _count_if(resolved).label("res_n"),
            _sum_if(resolved, seconds_between(Ticket.resolved_at, Ticket.created_at)).label(
                "res_sum"
            ),
            _count_if(callback).label("cb"),
            _count_if(and_(callback, responded)).label("cb_n"),
            _sum_if(and_(callback, responded), response_s).label("cb_sum"),
            _count_if(and_(callback, responded, response_s <= CALLBACK_TARGET_SECONDS)).label(
                "cb_fast"
            ),
        )
        .select_from(Ticket)
        .outerjoin(Call, Call.id == Ticket.call_id)
        .where(Ticket.created_at >= begin, Ticket.created_at < after)
        .group_by(Ticket.center_code, Ticket.topic_code)
    ).all()
    for row in rows:
        for group in groups(row.center_code, row.topic_code):
            group.tickets += row.tickets
            group.routed += row.routed or 0
            group.needs_review += row.needs_review or 0
            group.resolved += row.res_n or 0
            group.routing_delay.add(row.route_n, row.route_sum)
            group.first_response.add(row.resp_n, row.resp_sum)
            group.resolution.add(row.res_n, row.res_sum)
            group.callbacks_requested += row.cb or 0
            group.callbacks_returned += row.cb_n or 0
            group.callbacks_returned_within_target += row.cb_fast or 0
            group.callback_return.add(row.cb_n, row.cb_sum)

    done = Ticket.follow_up_done_at.is_not(None)
    follow_rows = session.execute(
        select(
            Ticket.center_code,
            Ticket.topic_code,
            _count_if(Ticket.follow_up_on <= today).label("due"),
            _count_if(and_(Ticket.follow_up_on <= today, done)).label("done"),
            _count_if(and_(Ticket.follow_up_on < today, ~done)).label("overdue"),
        )
        .where(Ticket.follow_up_on >= period.start, Ticket.follow_up_on <= period.end)
        .group_by(Ticket.center_code, Ticket.topic_code)
    ).all()
    for row in follow_rows:
        for group in groups(row.center_code, row.topic_code):
            group.follow_ups_due += row.due or 0
            group.follow_ups_done += row.done or 0
            group.follow_ups_overdue += row.overdue or 0
    return overall, dict(per_center), dict(per_topic)


def transcription_kpis(
    session: Session, period: Period, now: datetime | None = None
) -> TranscriptionKpis:
    """Backlog now; outcome and Whisper time of the period's recordings."""
    begin, after = period.utc_bounds()
    now = now or datetime.now(UTC)
    backlog, oldest = session.execute(
        select(func.count(), func.min(Recording.created_at)).where(
            Recording.status.in_(BACKLOG_STATUSES)
        )
    ).one()
    row = session.execute(
        select(
            func.count(Recording.id),
            _count_if(Recording.status == "done"),
            _count_if(Recording.status == "failed"),
            func.count(Transcript.processing_seconds),
            func.sum(Transcript.processing_seconds),
        )
        .select_from(Recording)
        .outerjoin(Transcript, Transcript.recording_id == Recording.id)
        .where(Recording.created_at >= begin, Recording.created_at < after)
    ).one()
    kpis = TranscriptionKpis(
        backlog_now=backlog,
        oldest_backlog_seconds=(now - oldest).total_seconds() if oldest is not None else None,
        recordings=row[0],
        done=row[1] or 0,
        failed=row[2] or 0,
    )
    kpis.processing.add(row[3], row[4])
    return kpis


def dashboard(session: Session, period: Period, today: date | None = None) -> Dashboard:
    """All KPIs of the period."""
    calls, traffic = call_kpis(session, period)
    overall, per_center, per_topic = ticket_kpis(session, period, today)
    return Dashboard(
        period=period,
        calls=calls,
        traffic=traffic,
        transcription=transcription_kpis(session, period),
        tickets=overall,
        per_center=per_center,
        per_topic=per_topic,
    )
