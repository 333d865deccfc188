"""CSV exports of the call log's current filter: calls, and the tickets of those calls.

UTF-8 with a byte-order mark so that Excel opens Korean text correctly; rows are streamed
in batches, so a year of calls never sits in memory at once. Each export is one table of
columns: the header, the selected expression and the cell's writer are named once, together.
Codes are written as the reader's words (Korean, or English for English readers); callers'
numbers whole only for roles that see them (``display.sees_full_numbers``); no cell starts
with what a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from callcenter.display import FORMULA_STARTS, caller_text, csv_cell, names
from callcenter.i18n import MESSAGES, t
from callcenter.kpi.definitions import OUTCOMES
from callcenter.kpi.sql import sort_key
from callcenter.models import TICKET_KINDS, TICKET_STATUSES, Call, Ticket, Transcript
from callcenter.supervisor.calllog import CallFilter, conditions

BOM = "\ufeff"
BATCH = 2000


def csv_lines(
    header: Sequence[str], rows: Iterable[Sequence[Any]], batch: int = BATCH
) -> Iterator[str]:
    """The CSV text in pieces: the BOM and header first, then a piece per batch of rows.

    None is written as an empty cell (the csv module's rule); a text cell that a spreadsheet
    would run as a formula is neutralised (``display.csv_cell``).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(cell) for cell in header])
    yield BOM + buffer.getvalue()
    remaining = iter(rows)
    while chunk := list(islice(remaining, batch)):
        buffer.seek(0)
        buffer.truncate()
        # csv_cell inlined: a function call per cell of 100,000 rows adds up.
        writer.writerows(
            [("'" + c) if c.__class__ is str and c[:1] in FORMULA_STARTS else c for c in row]
            for row in chunk
        )
        yield buffer.getvalue()


def file_name(what: str, f: CallFilter, today: date) -> str:
    """calls_2026-11-01_2026-11-30.csv: the period in the name (open ends: first call, today)."""
    end = (f.end or today).isoformat()
    return f"{what}_{f.start.isoformat()}_{end}.csv" if f.start else f"{what}_until_{end}.csv"


class Labels:
    """Labels looked up once per export, not once per row (100,000 rows add up)."""

    def __init__(self, timezone: str, full_numbers: bool = False) -> None:
        self.zone = ZoneInfo(timezone)
        self.full_numbers = full_numbers
        self.centers = names("center")
        self.topics = names("topic")
        self.outcomes = {o: t(f"sv.outcome.{o}") for o in OUTCOMES}
        self.statuses = _words("status", TICKET_STATUSES)
        self.kinds = _words("kind", TICKET_KINDS)
        self.sources = _words(
            "region_source", ("area_code", "ivr_digit", "ivr_speech", "operator", "unknown")
        )
        self.languages = {"ko": t("sv.language.ko"), "en": t("sv.language.en")}

    def time(self, moment: datetime | None) -> str:
        """Local date and time to the second (YYYY-MM-DD HH:MM:SS), or empty."""
        # isoformat is several times cheaper than strftime, once per cell of 100,000 rows.
        return moment.astimezone(self.zone).isoformat(" ", "seconds")[:19] if moment else ""


def _words(prefix: str, codes: Sequence[str]) -> dict[str, str]:
    return {c: t(f"{prefix}.{c}") for c in codes if f"{prefix}.{c}" in MESSAGES}


Writer = Callable[[Labels, Any], Any]


@dataclass(frozen=True)
class Column:
    """One CSV column: its header (message ``sv.csv.<key>``), what to select, how to write it."""

    key: str
    expression: ColumnElement[Any]
    write: Writer | None = None  # None: the value as selected (None as an empty cell)


def _time(labels: Labels, moment: datetime | None) -> str:
    return labels.time(moment)


def _caller(labels: Labels, number: str | None) -> str:
    return caller_text(number, labels.full_numbers)


def _status(labels: Labels, code: str | None) -> str | None:
    return labels.statuses.get(code or "", code)


def _kind(labels: Labels, code: str | None) -> str | None:
    return labels.kinds.get(code or "", code)


def _source(labels: Labels, code: str | None) -> str | None:
    return labels.sources.get(code or "", code)


def _language(labels: Labels, code: str | None) -> str | None:
    return labels.languages.get(code or "", code)


def _center(labels: Labels, code: str | None) -> str:
    return labels.centers.get(code or "", "")


def _topic(labels: Labels, code: str | None) -> str:
    return labels.topics.get(code or "", "")


def _outcome(labels: Labels, outcome: str | None) -> str | None:
    return labels.outcomes.get(outcome or "", outcome)


_call, _ticket, _transcript = Call.__table__.c, Ticket.__table__.c, Transcript.__table__.c

# One row per call, its first ticket beside it.
CALL_COLUMNS = (
    Column("started", _call.started_at, _time),
    Column("call_sid", _call.call_sid),
    Column("caller", _call.from_number, _caller),
    Column("region", _call.region),
    Column("region_source", _call.region_source, _source),
    Column("language", _call.language, _language),
    Column("menu", _call.menu_choice),
    Column("duration", _call.duration_seconds),
    Column("outcome", _call.outcome, _outcome),
    Column("queue_wait", _call.queue_wait_seconds),
    Column("ticket", _ticket.number),
    Column("kind", _ticket.kind, _kind),
    Column("status", _ticket.status, _status),
    Column("center", _ticket.center_code, _center),
    Column("topic", _ticket.topic_code, _topic),
)

# One row per ticket of the filtered calls.
TICKET_COLUMNS = (
    Column("ticket", _ticket.number),
    Column("created", _ticket.created_at, _time),
    Column("kind", _ticket.kind, _kind),
    Column("status", _ticket.status, _status),
    Column("caller", _ticket.caller_number, _caller),
    Column("region", _ticket.region),
    Column("center", _ticket.center_code, _center),
    Column("topic", _ticket.topic_code, _topic),
    Column("routed", _ticket.routed_at, _time),
    Column("first_response", _ticket.first_response_at, _time),
    Column("resolved", _ticket.resolved_at, _time),
    Column("follow_up_on", _ticket.follow_up_on),  # a date: written as YYYY-MM-DD
    Column("follow_up_done", _ticket.follow_up_done_at, _time),
    Column("closed", _ticket.closed_at, _time),
    # The typed summary, else what the caller said (an empty summary counts as none).
    Column("text", func.coalesce(func.nullif(_ticket.summary, ""), _transcript.text)),
)


def header(columns: Sequence[Column], full_numbers: bool = False) -> list[str]:
    """The header row in the current language (the caller's column says when it is masked)."""
    return [
        t(
            "sv.csv.caller_full"
            if column.key == "caller" and full_numbers
            else f"sv.csv.{column.key}"
        )
        for column in columns
    ]


def _written(
    rows: Iterable[Sequence[Any]],
    columns: Sequence[Column],
    timezone: str,
    skip: int = 0,
    full_numbers: bool = False,
) -> Iterator[list[Any]]:
    """Each row's cells after the first ``skip`` values, through the columns' writers."""
    labels = Labels(timezone, full_numbers)
    writers = [(i, column.write) for i, column in enumerate(columns) if column.write]
    for row in rows:
        cells = list(row[skip:])
        for i, write in writers:
            cells[i] = write(labels, cells[i])
        yield cells


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
    session: Session, f: CallFilter, timezone: str, full_numbers: bool = False
) -> tuple[list[str], Iterator[list[Any]]]:
    """Header and rows of the calls export (one row per call, its first ticket beside it)."""
    query = (
        select(_call.id, *(column.expression for column in CALL_COLUMNS))
        .outerjoin(Ticket.__table__, _ticket.call_id == _call.id)
        .where(*conditions(f, timezone))
        .order_by(_call.started_at.desc(), _call.id.desc(), _ticket.id)
    )

    def first_ticket_only() -> Iterator[Any]:
        last_call = None
        for row in _streamed(session, query):
            if row[0] == last_call:
                continue  # a second ticket of the same call: the first one stands for it
            last_call = row[0]
            yield row

    rows = _written(first_ticket_only(), CALL_COLUMNS, timezone, 1, full_numbers)
    return header(CALL_COLUMNS, full_numbers), rows


def ticket_rows(
    session: Session, f: CallFilter, timezone: str, full_numbers: bool = False
) -> tuple[list[str], Iterator[list[Any]]]:
    """Header and rows of the tickets export: tickets of the filtered calls, newest first."""
    query = (
        select(*(column.expression for column in TICKET_COLUMNS))
        .join(Call.__table__, _call.id == _ticket.call_id)
        # A transcript hangs off its recording: joined by the recording id directly.
        .outerjoin(Transcript.__table__, _transcript.recording_id == _ticket.recording_id)
        .where(*conditions(f, timezone))
        .order_by(sort_key(_ticket.created_at).desc(), _ticket.id.desc())
    )
    rows = _written(_streamed(session, query), TICKET_COLUMNS, timezone, 0, full_numbers)
    return header(TICKET_COLUMNS, full_numbers), rows


# Referrals (issue #12): one row per referral of the period. Free text an operator typed
# (resource name, contact, notes) is made formula-safe by csv_lines, like every cell.


def _referral_status(_labels: Labels, status: str | None) -> str:
    return t(f"ref.status.{status}") if status else ""


def referral_rows(session: Session, days: int, timezone: str) -> tuple[list[str], Iterator[Any]]:
    """Header and rows of the referrals export: the last ``days`` days' referrals, newest first."""
    from datetime import timedelta

    from callcenter.models import Referral, utcnow

    referral = Referral.__table__.c
    columns = (
        Column("referral", referral.id),
        Column("ticket", _ticket.number),
        Column("created", referral.created_at, _time),
        Column("center", _ticket.center_code, _center),
        Column("topic", _ticket.topic_code, _topic),
        Column("institute", referral.institute),
        Column("resource_kind", referral.resource_kind),
        Column("resource", referral.resource_name),
        Column("contact", referral.contact),
        Column("due_on", referral.due_on),
        Column("referral_status", referral.status, _referral_status),
        Column("accepted", referral.accepted_at, _time),
        Column("finished", referral.finished_at, _time),
        Column("notes", referral.notes),
    )
    query = (
        select(*(column.expression for column in columns))
        .join(Ticket.__table__, _ticket.id == referral.ticket_id)
        .where(referral.created_at >= utcnow() - timedelta(days=days))
        .order_by(referral.created_at.desc(), referral.id.desc())
    )
    return header(columns), _written(_streamed(session, query), columns, timezone)
