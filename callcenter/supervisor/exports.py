"""CSV exports of the call log's current filter: calls, and the tickets of those calls.

UTF-8 with a byte-order mark so that Excel opens Korean text correctly; rows are streamed
in batches, so a year of calls never sits in memory at once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.i18n import t
from callcenter.models import Call, Recording, Ticket, Transcript
from callcenter.supervisor.calllog import CallFilter, conditions
from callcenter.supervisor.present import center_name, local, mask_caller, topic_name

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
        query = (
            select(Call, Ticket)
            .outerjoin(Ticket, Ticket.call_id == Call.id)
            .where(*conditions(f, timezone))
            .order_by(Call.started_at.desc(), Call.id.desc(), Ticket.id)
            .execution_options(yield_per=BATCH)
        )
        last_call = None
        for call, ticket in _streamed(session, query):
            if call.id == last_call:
                continue  # a second ticket of the same call: the first one stands for it
            last_call = call.id
            yield [
                local(call.started_at, timezone),
                call.call_sid,
                mask_caller(call.from_number),
                call.region,
                call.region_source,
                call.language,
                call.menu_choice,
                call.duration_seconds,
                t(f"sv.outcome.{call.outcome}") if call.outcome else "",
                call.queue_wait_seconds,
                ticket.number if ticket else "",
                ticket.kind if ticket else "",
                ticket.status if ticket else "",
                center_name(ticket.center_code) if ticket and ticket.center_code else "",
                topic_name(ticket.topic_code) if ticket and ticket.topic_code else "",
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
        query = (
            select(Ticket, Transcript.text)
            .join(Call, Call.id == Ticket.call_id)
            .outerjoin(Recording, Recording.id == Ticket.recording_id)
            .outerjoin(Transcript, Transcript.recording_id == Recording.id)
            .where(*conditions(f, timezone))
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
            .execution_options(yield_per=BATCH)
        )
        for ticket, text in _streamed(session, query):
            yield [
                ticket.number,
                local(ticket.created_at, timezone),
                ticket.kind,
                ticket.status,
                mask_caller(ticket.caller_number),
                ticket.region,
                center_name(ticket.center_code) if ticket.center_code else "",
                topic_name(ticket.topic_code) if ticket.topic_code else "",
                local(ticket.routed_at, timezone),
                local(ticket.first_response_at, timezone),
                local(ticket.resolved_at, timezone),
                ticket.follow_up_on.isoformat() if ticket.follow_up_on else "",
                local(ticket.follow_up_done_at, timezone),
                local(ticket.closed_at, timezone),
                ticket.summary or text or "",
            ]

    return header, rows()
