"""The call log's query: filters, search, sorting and keyset paging over 100,000+ calls.

Pages are cut by keyset (``WHERE (key, id) < (last key, last id)``) so a deep page costs
what the first one does; the total is counted only up to a cap, so no page pays for a
COUNT(*) over every call. Tickets and menu paths are loaded for the page's calls only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, func, or_, select, union
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from callcenter.kpi.definitions import OUTCOMES, Period
from callcenter.models import Call, CallEvent, Recording, Ticket, Transcript
from callcenter.search.index import summary_entries, transcript_entries
from callcenter.search.match import keys_containing

PAGE_SIZE = 50
COUNT_CAP = 10_000
SORTS = ("newest", "oldest", "longest", "shortest")
TICKET_NUMBER = re.compile(r"^1379-\d{8}-\d{4}$")


@dataclass(frozen=True)
class CallFilter:
    """What the supervisor asked for; empty fields filter nothing."""

    start: date | None = None
    end: date | None = None
    outcome: str = ""
    region: str = ""
    center: str = ""
    topic: str = ""
    q: str = ""
    sort: str = "newest"
    errors: tuple[str, ...] = ()

    def args(self, **changes: Any) -> dict[str, Any]:
        """URL query arguments reproducing this filter (for links, paging and exports)."""
        f = replace(self, **changes) if changes else self
        values = {
            "from": f.start.isoformat() if f.start else "",
            "to": f.end.isoformat() if f.end else "",
            "outcome": f.outcome,
            "region": f.region,
            "center": f.center,
            "topic": f.topic,
            "q": f.q,
            "sort": "" if f.sort == "newest" else f.sort,
        }
        return {k: v for k, v in values.items() if v}


# Filter dates outside these years are typing mistakes (and overflow date arithmetic).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)


def parse_date(value: str | None) -> date | None:
    """YYYY-MM-DD (years 2000-2999) or None; raises ValueError on anything else."""
    day = date.fromisoformat(value) if value else None
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"date out of range: {value}")
    return day


def parse_filter(args: Mapping[str, str], choices: Mapping[str, tuple[str, ...]]) -> CallFilter:
    """Read the filter from request arguments; unknown values are dropped and reported."""
    errors: list[str] = []
    values: dict[str, Any] = {}
    for name, key in (("start", "from"), ("end", "to")):
        try:
            values[name] = parse_date(args.get(key, "").strip())
        except ValueError:
            errors.append(key)
    for name, allowed in choices.items():
        value = args.get(name, "").strip()
        if value and value not in allowed:
            errors.append(name)
            value = ""
        values[name] = value
    sort = args.get("sort", "newest")
    values["sort"] = sort if sort in SORTS else "newest"
    values["q"] = args.get("q", "").strip()[:80]
    return CallFilter(**values, errors=tuple(errors))


def filter_choices(
    regions: tuple[str, ...], centers: tuple[str, ...], topics: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    """Allowed values of each select box."""
    return {"outcome": OUTCOMES, "region": regions, "center": centers, "topic": topics}


def conditions(f: CallFilter, timezone: str) -> list[ColumnElement[bool]]:
    """WHERE clauses on calls for the filter (date range in local days, then the rest)."""
    where: list[ColumnElement[bool]] = []
    if f.start or f.end:
        begin, after = Period(
            f.start or date(2000, 1, 1), f.end or date(2999, 12, 31), timezone
        ).utc_bounds()
        if f.start:
            where.append(Call.started_at >= begin)
        if f.end:
            where.append(Call.started_at < after)
    if f.outcome:
        where.append(Call.outcome == f.outcome)
    if f.region:
        where.append(Call.region == f.region)
    ticket_match = []
    if f.center:
        ticket_match.append(Ticket.center_code == f.center)
    if f.topic:
        ticket_match.append(Ticket.topic_code == f.topic)
    if ticket_match:
        # IN, not EXISTS: the matching tickets are found once (by their center index), rather
        # than probed for every call scanned in time order.
        where.append(Call.id.in_(select(Ticket.call_id).where(*ticket_match)))
    if f.q:
        where.append(search_condition(f.q))
    return where


def search_condition(q: str) -> ColumnElement[bool]:
    """A ticket number, a CallSid, the caller's last digits, or words of the transcript.

    Words are matched as one substring of a transcript or a typed summary (LIKE), read
    through the search index.
    """
    if TICKET_NUMBER.match(q):
        return Call.id.in_(select(Ticket.call_id).where(Ticket.number == q))
    if q.startswith("CA") and len(q) == 34:
        return Call.call_sid == q
    digits = re.sub(r"[^0-9]", "", q)
    if digits and len(digits) >= 4 and not re.search(r"[^0-9\s+()-]", q):
        # Numbers are stored in E.164 (+8210...): match on the digits the caller's number ends with.
        return Call.from_number.like(f"%{digits[-8:]}")
    heard = select(Recording.call_id).where(
        Recording.id.in_(
            keys_containing(transcript_entries, Transcript.recording_id, Transcript.text, q)
        )
    )
    typed = select(Ticket.call_id).where(
        Ticket.id.in_(keys_containing(summary_entries, Ticket.id, Ticket.summary, q))
    )
    return Call.id.in_(union(heard, typed))


def _sort_key(sort: str) -> ColumnElement[Any]:
    if sort in ("longest", "shortest"):
        # Calls still in progress have no duration: they sort as 0 on every database.
        return func.coalesce(Call.duration_seconds, 0)
    return Call.started_at  # type: ignore[return-value]


def encode_cursor(sort: str, call: Call) -> str:
    """The position after ``call`` in this sort order, as a URL-safe string."""
    if sort in ("longest", "shortest"):
        return f"{call.duration_seconds or 0}_{call.id}"
    return f"{call.started_at.strftime('%Y%m%dT%H%M%S.%f')}_{call.id}"


def decode_cursor(sort: str, cursor: str) -> tuple[Any, int] | None:
    """The (key, id) a cursor stands for, or None when it is malformed."""
    try:
        key, ident = cursor.rsplit("_", 1)
        if sort in ("longest", "shortest"):
            return int(key), int(ident)
        return datetime.strptime(key, "%Y%m%dT%H%M%S.%f").replace(tzinfo=UTC), int(ident)
    except ValueError:
        return None


def page_query(
    f: CallFilter, timezone: str, cursor: str | None, size: int = PAGE_SIZE
) -> Select[int]:
    """Ids of the page's calls, one more than ``size`` to know whether a next page exists.

    Ids only: in time order they come from the (started_at, id, from_number) index alone,
    so even a caller-digits search that reads every call never touches the table rows.
    """
    key = _sort_key(f.sort)
    descending = f.sort in ("newest", "longest")
    query = select(Call.id).where(*conditions(f, timezone))
    position = decode_cursor(f.sort, cursor) if cursor else None
    if position is not None:
        value, ident = position
        # The plain bound first lets the database seek in the index instead of scanning.
        if descending:
            query = query.where(key <= value, or_(key < value, Call.id < ident))
        else:
            query = query.where(key >= value, or_(key > value, Call.id > ident))
    order = (key.desc(), Call.id.desc()) if descending else (key.asc(), Call.id.asc())
    return query.order_by(*order).limit(size + 1)


def capped_count(
    session: Session,
    f: CallFilter,
    timezone: str,
    cap: int = COUNT_CAP,
    first_page: int | None = None,
) -> int:
    """How many calls match, counted up to ``cap`` + 1 (shown as "10,000+").

    A first page that is not full already holds every match: no second scan then.
    """
    if first_page is not None and first_page < PAGE_SIZE:
        return first_page
    inner = select(Call.id).where(*conditions(f, timezone)).limit(cap + 1).subquery()
    return session.scalar(select(func.count()).select_from(inner)) or 0


@dataclass
class CallRow:
    """One line of the call log."""

    call: Call
    ticket: Ticket | None = None
    path: list[tuple[str, str]] = field(default_factory=list)


def menu_path(events: list[CallEvent]) -> list[tuple[str, str]]:
    """The caller's answers in order as (kind, answer): menu keys or words, the region."""
    return [
        (event.kind, event.digits or (f"“{event.speech}”" if event.speech else "…"))
        for event in events
    ]


def load_page(
    session: Session, f: CallFilter, timezone: str, cursor: str | None
) -> tuple[list[CallRow], str | None]:
    """The page's rows with their tickets and menu paths, and the next page's cursor."""
    ids = list(session.scalars(page_query(f, timezone, cursor)))
    has_more = len(ids) > PAGE_SIZE
    ids = ids[:PAGE_SIZE]
    found = {c.id: c for c in session.scalars(select(Call).where(Call.id.in_(ids)))} if ids else {}
    calls = [found[i] for i in ids]
    tickets: dict[int, Ticket] = {}
    events: dict[int, list[CallEvent]] = defaultdict(list)
    if ids:
        for ticket in session.scalars(
            select(Ticket).where(Ticket.call_id.in_(ids)).order_by(Ticket.id)
        ):
            tickets.setdefault(ticket.call_id or 0, ticket)
        for event in session.scalars(
            select(CallEvent)
            .where(CallEvent.call_id.in_(ids), CallEvent.kind.in_(("menu", "region")))
            .order_by(CallEvent.call_id, CallEvent.id)
        ):
            events[event.call_id].append(event)
    rows = [CallRow(c, tickets.get(c.id), menu_path(events[c.id])) for c in calls]
    next_cursor = encode_cursor(f.sort, calls[-1]) if has_more else None
    return rows, next_cursor
