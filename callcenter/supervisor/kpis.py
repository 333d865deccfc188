"""KPIs for a date range, as a few SQL aggregates folded into plain dataclasses.

Every query scans its table once, grouped coarsely (calls by UTC hour, tickets by center,
topic and kind); the folding into days, hours of the day, centers and topics happens here
in Python, so SQLite and PostgreSQL run the same portable SQL. UTC hours are exact local
hours in any zone whose offset is a whole number of hours (Asia/Seoul is UTC+9, no DST).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar
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
T = TypeVar("T")


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
    routing_delay: Mean = field(default_factory=Mean)  # call end → routed (recorded kinds)
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


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def _sum_if(condition: ColumnElement[bool], value: Any) -> ColumnElement[float]:
    return func.sum(case((condition, value), else_=None))


def call_kpis(session: Session, period: Period) -> tuple[CallKpis, Traffic]:
    """Call outcomes, queue figures and traffic for calls started in the period."""
    begin, after = period.utc_bounds()
    queued = Call.queue_entered_at.is_not(None)
    waited = and_(queued, Call.queue_wait_seconds.is_not(None))
    answered = Call.queue_answered.is_(True)
    in_target = and_(answered, Call.queue_wait_seconds <= SERVICE_LEVEL_SECONDS)
    hour = utc_hour(Call.started_at).label("hour")
    rows = session.execute(
        select(
            hour,
            func.count(),
            _count_if(queued),
            _count_if(answered),
            _count_if(in_target),
            _count_if(and_(queued, Call.outcome == "abandoned_queue")),
            _count_if(and_(queued, Call.outcome == "callback")),
            _count_if(waited),
            _sum_if(waited, Call.queue_wait_seconds),
            _count_if(and_(answered, waited)),
            _sum_if(and_(answered, waited), Call.queue_wait_seconds),
            func.count(Call.duration_seconds),
            func.sum(Call.duration_seconds),
            *(_count_if(Call.outcome == o) for o in OUTCOMES),
        )
        .where(Call.started_at >= begin, Call.started_at < after)
        .group_by(hour)
    ).all()
    # Positional sums: thousands of hour rows are folded, and Row attribute access is slow.
    sums = [0.0] * 20
    zone = ZoneInfo(period.timezone)
    day_rows = {d: DayRow(d) for d in period.days()}
    traffic = Traffic(days=list(day_rows.values()))
    row: Any
    for row in rows:
        for i in range(1, 20):
            sums[i] += row[i] or 0
        h = row[0]
        moment = datetime(int(h[:4]), int(h[5:7]), int(h[8:10]), int(h[11:13]), tzinfo=UTC)
        local = moment.astimezone(zone)
        total = row[1]
        traffic.by_hour[local.hour] += total
        traffic.by_weekday[local.weekday()] += total
        day = day_rows.get(local.date())
        if day is not None:
            day.calls += total
            day.queued += row[2] or 0
            day.abandoned += row[5] or 0
            day.answered_within_target += row[4] or 0
    counts = [int(v) for v in sums]
    kpis = CallKpis(
        total=counts[1],
        by_outcome=dict(zip(OUTCOMES, counts[13:20], strict=True)),
        queued=counts[2],
        answered=counts[3],
        answered_within_target=counts[4],
        abandoned=counts[5],
        callback_from_queue=counts[6],
        hung_up_menu=counts[13 + OUTCOMES.index("hung_up_menu")],
        queue_wait=Mean(counts[7], sums[8]),
        answer_wait=Mean(counts[9], sums[10]),
        duration=Mean(counts[11], sums[12]),
    )
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

    # Recorded requests only: a callback request is routed while its call is still going.
    routed_after_call = and_(
        Ticket.kind != "callback", Ticket.routed_at.is_not(None), Call.ended_at.is_not(None)
    )
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
    for follow in follow_rows:
        for group in groups(follow.center_code, follow.topic_code):
            group.follow_ups_due += follow.due or 0
            group.follow_ups_done += follow.done or 0
            group.follow_ups_overdue += follow.overdue or 0
    return overall, dict(per_center), dict(per_topic)


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


def recording_kpis(session: Session, period: Period) -> TranscriptionKpis:
    """Recordings created in the period: how many, done, failed, Whisper seconds."""
    begin, after = period.utc_bounds()
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
    kpis = TranscriptionKpis(recordings=row[0], done=row[1] or 0, failed=row[2] or 0)
    kpis.processing.add(row[3], row[4])
    return kpis


_FIELDS: dict[type, tuple[str, ...]] = {}


def merge(target: T, other: T) -> T:
    """Add ``other``'s counts, sums, per-key and per-slot figures into ``target``."""
    names = _FIELDS.get(type(target))
    if names is None:
        names = _FIELDS[type(target)] = tuple(f.name for f in fields(target))  # type: ignore[arg-type]
    for name in names:
        mine, theirs = getattr(target, name), getattr(other, name)
        if isinstance(mine, Mean):
            mine.add(theirs.count, theirs.total)
        elif is_dataclass(mine) and not isinstance(mine, Period):
            merge(mine, theirs)
        elif isinstance(mine, int) and not isinstance(mine, bool):
            setattr(target, name, mine + theirs)
        elif isinstance(mine, dict):
            for key, value in theirs.items():
                if isinstance(value, int):
                    mine[key] = mine.get(key, 0) + value
                elif key in mine:
                    merge(mine[key], value)
                else:
                    mine[key] = value
        elif isinstance(mine, list) and mine and isinstance(mine[0], int):
            setattr(target, name, [a + b for a, b in zip(mine, theirs, strict=True)])
        elif isinstance(mine, list):
            mine.extend(theirs)  # day rows of consecutive segments
    return target
