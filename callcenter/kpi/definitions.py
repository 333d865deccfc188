"""KPI definitions for a date range, and the tally that adds figure rows up into them.

Figures arrive as rows of counts and (count, sum) pairs — from the live tables
(``live.py``) or from the daily rollups (``rollups.py``) — and are added into one
``Tally`` per dashboard, so both sources give the very same dataclasses. The rates and
means are derived here, never stored, so they stay exact however the period is cut.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from callcenter.models.kpi import CALL_FIGURES, OUTCOMES, TICKET_FIGURES

__all__ = ["OUTCOMES", "Period", "Tally"]

SERVICE_LEVEL_SECONDS = 20  # the usual "answered within 20 seconds" target
CALLBACK_TARGET_SECONDS = 3600  # a callback request returned within the hour
BACKLOG_STATUSES = ("pending", "downloading", "transcribing")
_CALL = {name: i for i, name in enumerate(CALL_FIGURES)}
# TicketKpis.add unpacks rows positionally (it runs for every center/topic row of a year).
assert TICKET_FIGURES[:3] == ("tickets", "routed", "needs_review")
assert TICKET_FIGURES[9:] == (
    "callbacks",
    "returned_n",
    "return_sum",
    "returned_in_target",
    "rerouted",
)


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

    def add(self, count: float | None, total: float | None) -> None:
        """Fold in a group's count and sum."""
        self.count += int(count or 0)
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
    callbacks_returned: int = 0  # an operator reached the caller
    callbacks_returned_within_target: int = 0
    callback_return: Mean = field(default_factory=Mean)  # callback created → returned
    rerouted: int = 0  # an operator corrected the topic or center
    follow_ups_due: int = 0  # follow-up date in the period and not after today
    follow_ups_done: int = 0
    follow_ups_overdue: int = 0  # due before today and still not done

    @property
    def follow_up_completion(self) -> float | None:
        """Follow-ups done ÷ due."""
        return ratio(self.follow_ups_done, self.follow_ups_due)

    @property
    def reroute_rate(self) -> float | None:
        """Tickets an operator re-routed ÷ tickets routed."""
        return ratio(self.rerouted, self.routed)

    @property
    def callback_return_rate(self) -> float | None:
        """Callback requests returned ÷ requested."""
        return ratio(self.callbacks_returned, self.callbacks_requested)

    def add(self, row: Sequence[float | None]) -> None:
        """Add one row of TICKET_FIGURES (in that order)."""
        (tickets, routed, review, route_n, route_s, resp_n, resp_s, res_n, res_s, callbacks) = row[
            :10
        ]
        returned_n, return_s, returned_fast, rerouted = row[10:14]
        self.tickets += int(tickets or 0)
        self.routed += int(routed or 0)
        self.needs_review += int(review or 0)
        self.resolved += int(res_n or 0)
        self.routing_delay.add(route_n, route_s)
        self.first_response.add(resp_n, resp_s)
        self.resolution.add(res_n, res_s)
        self.callbacks_requested += int(callbacks or 0)
        self.callbacks_returned += int(returned_n or 0)
        self.callbacks_returned_within_target += int(returned_fast or 0)
        self.callback_return.add(returned_n, return_s)
        self.rerouted += int(rerouted or 0)


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


class Tally:
    """Adds figure rows of one period up into its KPIs, whichever source they come from."""

    def __init__(self, period: Period) -> None:
        self.period = period
        self.call_sums = [0.0] * len(CALL_FIGURES)
        self.traffic = Traffic(days=[DayRow(d) for d in period.days()])
        self._days = {row.day: row for row in self.traffic.days}
        self.tickets = TicketKpis()
        self.per_center: dict[str, TicketKpis] = defaultdict(TicketKpis)
        self.per_topic: dict[str, TicketKpis] = defaultdict(TicketKpis)
        self.transcription = TranscriptionKpis()

    def add_calls(self, day: date, row: Sequence[float | None], hour: int | None = None) -> None:
        """Add one row of CALL_FIGURES for a local day (and hour, when the row is one hour)."""
        sums = self.call_sums
        for i, value in enumerate(row):
            if value:
                sums[i] += value
        calls = int(row[0] or 0)
        if hour is not None:
            self.traffic.by_hour[hour] += calls
        self.traffic.by_weekday[day.weekday()] += calls
        day_row = self._days.get(day)
        if day_row is not None:
            day_row.calls += calls
            day_row.queued += int(row[_CALL["queued"]] or 0)
            day_row.abandoned += int(row[_CALL["abandoned"]] or 0)
            day_row.answered_within_target += int(row[_CALL["answered_in_target"]] or 0)

    def add_hour_of_day(self, hour: int, calls: int) -> None:
        """Add calls to an hour of the day (rollup rows carry days and hours apart)."""
        self.traffic.by_hour[hour] += calls

    def add_tickets(
        self, center: str | None, topic: str | None, row: Sequence[float | None]
    ) -> None:
        """Add one row of TICKET_FIGURES for a center and topic (None: not routed)."""
        for group in self._groups(center, topic):
            group.add(row)

    def add_follow_ups(
        self, center: str | None, topic: str | None, due: int, done: int, overdue: int
    ) -> None:
        """Add follow-up checks owed by a center and topic."""
        for group in self._groups(center, topic):
            group.follow_ups_due += int(due or 0)
            group.follow_ups_done += int(done or 0)
            group.follow_ups_overdue += int(overdue or 0)

    def add_recordings(self, row: Sequence[float | None]) -> None:
        """Add one row of RECORDING_FIGURES."""
        kpis = self.transcription
        kpis.recordings += int(row[0] or 0)
        kpis.done += int(row[1] or 0)
        kpis.failed += int(row[2] or 0)
        kpis.processing.add(int(row[3] or 0), row[4])

    def _groups(self, center: str | None, topic: str | None) -> tuple[TicketKpis, ...]:
        return self.tickets, self.per_center[center or "-"], self.per_topic[topic or "-"]

    def call_kpis(self) -> CallKpis:
        """The call KPIs of everything added so far."""
        sums = self.call_sums
        counts = {name: int(sums[i]) for name, i in _CALL.items()}
        return CallKpis(
            total=counts["calls"],
            by_outcome={o: counts[f"outcome_{o}"] for o in OUTCOMES},
            queued=counts["queued"],
            answered=counts["answered"],
            answered_within_target=counts["answered_in_target"],
            abandoned=counts["abandoned"],
            callback_from_queue=counts["callback_from_queue"],
            hung_up_menu=counts["outcome_hung_up_menu"],
            queue_wait=Mean(counts["wait_n"], sums[_CALL["wait_sum"]]),
            answer_wait=Mean(counts["answer_wait_n"], sums[_CALL["answer_wait_sum"]]),
            duration=Mean(counts["duration_n"], sums[_CALL["duration_sum"]]),
        )
