"""CSV exports of the call log's current filter: calls, and the tickets of those calls.

UTF-8 with a byte-order mark so that Excel opens Korean text correctly; rows are streamed
in batches, so a year of calls never sits in memory at once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.i18n import t
from callcenter.models import Call, Recording, Ticket, Transcript
from callcenter.supervisor.calllog import CallFilter, conditions
from callcenter.supervisor.kpis import OUTCOMES
from callcenter.supervisor.present import center_name, mask_caller, topic_name
from routing import reference

BOM = "\ufeff"
BATCH = 2000


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text in pieces: the BOM and header first, then a piece per batch of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    yield BOM + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for n, row in enumerate(rows, 1):
        writer.writerow(["" if v is None else v for v in row])
        if n % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


class _Names:
    """Labels looked up once per export, not once per row (100,000 rows add up)."""

    def __init__(self, timezone: str) -> None:
        self.zone = ZoneInfo(timezone)
        self.centers = {c.code: center_name(c.code) for c in reference.centers()}
        self.topics = {t_.code: topic_name(t_.code) for t_ in reference.topics()}
        self.outcomes = {o: t(f"sv.outcome.{o}") for o in OUTCOMES}

    def time(self, moment: datetime | None) -> str:
        """Local time of day, or empty."""
        return moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def _streamed(session: Session, query: Any) -> Iterator[Any]:
    """Rows of ``query`` in batches; the session is closed when the stream ends.

    The response is streamed after the request's own teardown has already removed its
    session, so this one must give its connection back itself (PostgreSQL would otherwise
    keep it idle in a transaction).
    """
    try:
        yield from session.execute(query)
    finally:
        session.close()


def call_rows(
    session: Session, f: CallFilter, timezone: str
) -> tuple[list[str], Iterator[list[Any]]]:
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

    def rows() -> Iterator[list[Any]]:
        names = _Names(timezone)
        # Plain columns, not ORM objects: no identity map, no JSON decoding per row.
        query = (
            select(
                Call.id,
                Call.started_at,
                Call.call_sid,
                Call.from_number,
                Call.region,
                Call.region_source,
                Call.language,
                Call.menu_choice,
                Call.duration_seconds,
                Call.outcome,
                Call.queue_wait_seconds,
                Ticket.number,
                Ticket.kind,
                Ticket.status,
                Ticket.center_code,
                Ticket.topic_code,
            )
            .outerjoin(Ticket, Ticket.call_id == Call.id)
            .where(*conditions(f, timezone))
            .order_by(Call.started_at.desc(), Call.id.desc(), Ticket.id)
            .execution_options(yield_per=BATCH)
        )
        last_call = None
        for row in _streamed(session, query):
            if row.id == last_call:
                continue  # a second ticket of the same call: the first one stands for it
            last_call = row.id
            yield [
                names.time(row.started_at),
                row.call_sid,
                mask_caller(row.from_number),
                row.region,
                row.region_source,
                row.language,
                row.menu_choice,
                row.duration_seconds,
                names.outcomes.get(row.outcome or "", row.outcome or ""),
                row.queue_wait_seconds,
                row.number or "",
                row.kind or "",
                row.status or "",
                names.centers.get(row.center_code or "", ""),
                names.topics.get(row.topic_code or "", ""),
            ]

    return header, rows()


def ticket_rows(
    session: Session, f: CallFilter, timezone: str
) -> tuple[list[str], Iterator[list[Any]]]:
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

    def rows() -> Iterator[list[Any]]:
        names = _Names(timezone)
        query = (
            select(
                Ticket.number,
                Ticket.created_at,
                Ticket.kind,
                Ticket.status,
                Ticket.caller_number,
                Ticket.region,
                Ticket.center_code,
                Ticket.topic_code,
                Ticket.routed_at,
                Ticket.first_response_at,
                Ticket.resolved_at,
                Ticket.follow_up_on,
                Ticket.follow_up_done_at,
                Ticket.closed_at,
                Ticket.summary,
                Transcript.text,
            )
            .join(Call, Call.id == Ticket.call_id)
            .outerjoin(Recording, Recording.id == Ticket.recording_id)
            .outerjoin(Transcript, Transcript.recording_id == Recording.id)
            .where(*conditions(f, timezone))
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
            .execution_options(yield_per=BATCH)
        )
        for row in _streamed(session, query):
            yield [
                row.number,
                names.time(row.created_at),
                row.kind,
                row.status,
                mask_caller(row.caller_number),
                row.region,
                names.centers.get(row.center_code or "", ""),
                names.topics.get(row.topic_code or "", ""),
                names.time(row.routed_at),
                names.time(row.first_response_at),
                names.time(row.resolved_at),
                row.follow_up_on.isoformat() if row.follow_up_on else "",
                names.time(row.follow_up_done_at),
                names.time(row.closed_at),
                row.summary or row.text or "",
            ]

    return header, rows()
