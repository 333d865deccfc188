"""CSV exports of the call log's current filter: calls, and the tickets of those calls.

UTF-8 with a byte-order mark so that Excel opens Korean text correctly; rows are streamed
in batches, so a year of calls never sits in memory at once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.i18n import t
from callcenter.kpi.definitions import OUTCOMES
from callcenter.kpi.sql import sort_key
from callcenter.models import Call, Ticket, Transcript
from callcenter.supervisor.calllog import CallFilter, conditions
from callcenter.supervisor.present import center_name, mask_caller, topic_name
from routing import reference

BOM = "\ufeff"
BATCH = 2000


def csv_lines(
    header: Sequence[str], rows: Iterable[Sequence[Any]], batch: int = BATCH
) -> Iterator[str]:
    """The CSV text in pieces: the BOM and header first, then a piece per batch of rows.

    None is written as an empty cell (the csv module's rule).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    yield BOM + buffer.getvalue()
    remaining = iter(rows)
    while chunk := list(islice(remaining, batch)):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(chunk)
        yield buffer.getvalue()


class _Names:
    """Labels looked up once per export, not once per row (100,000 rows add up)."""

    def __init__(self, timezone: str) -> None:
        self.zone = ZoneInfo(timezone)
        self.centers = {c.code: center_name(c.code) for c in reference.centers()}
        self.topics = {t_.code: topic_name(t_.code) for t_ in reference.topics()}
        self.outcomes = {o: t(f"sv.outcome.{o}") for o in OUTCOMES}

    def time(self, moment: datetime | None) -> str:
        """Local date and time to the second (YYYY-MM-DD HH:MM:SS), or empty."""
        # isoformat is several times cheaper than strftime, once per cell of 100,000 rows.
        return moment.astimezone(self.zone).isoformat(" ", "seconds")[:19] if moment else ""


def _streamed(session: Session, query: Any) -> Iterator[Any]:
    """Rows of ``query`` in batches; the session is closed when the stream ends.

    Core rows off the session's connection: no ORM result processing per row. The response
    is streamed after the request's own teardown has already removed its session, so this
    one must give its connection back itself (PostgreSQL would otherwise keep it idle in a
    transaction).
    """
    try:
        yield from session.connection().execute(query.execution_options(yield_per=BATCH))
    finally:
        session.close()


def call_rows(
    session: Session, f: CallFilter, timezone: str
) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    """Header and rows of the calls export (one row per call, its first ticket beside it)."""
    header = [
        t(f"sv.csv.{name}")
        for name in (
            "started",
            "call_sid",
            "caller",
            "region",
            "region_source",
            "language",
            "menu",
            "duration",
            "outcome",
            "queue_wait",
            "ticket",
            "kind",
            "status",
            "center",
            "topic",
        )
    ]

    def rows() -> Iterator[tuple[Any, ...]]:
        names = _Names(timezone)
        local, outcomes, centers, topics = names.time, names.outcomes, names.centers, names.topics
        c, k = Call.__table__.c, Ticket.__table__.c
        query = (
            select(
                c.id,
                c.started_at,
                c.call_sid,
                c.from_number,
                c.region,
                c.region_source,
                c.language,
                c.menu_choice,
                c.duration_seconds,
                c.outcome,
                c.queue_wait_seconds,
                k.number,
                k.kind,
                k.status,
                k.center_code,
                k.topic_code,
            )
            .outerjoin(Ticket.__table__, k.call_id == c.id)
            .where(*conditions(f, timezone))
            .order_by(c.started_at.desc(), c.id.desc(), k.id)
        )
        last_call = None
        for (
            call_id,
            started,
            sid,
            number,
            region,
            region_source,
            language,
            menu,
            seconds,
            outcome,
            wait,
            ticket,
            kind,
            status,
            center,
            topic,
        ) in _streamed(session, query):
            if call_id == last_call:
                continue  # a second ticket of the same call: the first one stands for it
            last_call = call_id
            yield (
                local(started),
                sid,
                mask_caller(number),
                region,
                region_source,
                language,
                menu,
                seconds,
                outcomes.get(outcome, outcome),
                wait,
                ticket,
                kind,
                status,
                centers.get(center, ""),
                topics.get(topic, ""),
            )

    return header, rows()


def ticket_rows(
    session: Session, f: CallFilter, timezone: str
) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    """Header and rows of the tickets export: tickets of the filtered calls, newest first."""
    header = [
        t(f"sv.csv.{name}")
        for name in (
            "ticket",
            "created",
            "kind",
            "status",
            "caller",
            "region",
            "center",
            "topic",
            "routed",
            "first_response",
            "resolved",
            "follow_up_on",
            "follow_up_done",
            "closed",
            "text",
        )
    ]

    def rows() -> Iterator[tuple[Any, ...]]:
        names = _Names(timezone)
        local, centers, topics = names.time, names.centers, names.topics
        k, c, r = Ticket.__table__.c, Call.__table__.c, Transcript.__table__.c
        query = (
            select(
                k.number,
                k.created_at,
                k.kind,
                k.status,
                k.caller_number,
                k.region,
                k.center_code,
                k.topic_code,
                k.routed_at,
                k.first_response_at,
                k.resolved_at,
                k.follow_up_on,
                k.follow_up_done_at,
                k.closed_at,
                k.summary,
                r.text,
            )
            .join(Call.__table__, c.id == k.call_id)
            # A transcript hangs off its recording: joined by the recording id directly.
            .outerjoin(Transcript.__table__, r.recording_id == k.recording_id)
            .where(*conditions(f, timezone))
            .order_by(sort_key(k.created_at).desc(), k.id.desc())
        )
        for (
            number,
            created,
            kind,
            status,
            caller,
            region,
            center,
            topic,
            routed,
            responded,
            resolved,
            follow_up_on,
            followed_up,
            closed,
            summary,
            heard,
        ) in _streamed(session, query):
            yield (
                number,
                local(created),
                kind,
                status,
                mask_caller(caller),
                region,
                centers.get(center, ""),
                topics.get(topic, ""),
                local(routed),
                local(responded),
                local(resolved),
                follow_up_on,  # a date: written as YYYY-MM-DD
                local(followed_up),
                local(closed),
                summary or heard,
            )

    return header, rows()
