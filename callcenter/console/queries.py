"""The inbox query: scope, tab, filters, search, counts and keyset paging.

Shared by the console pages and the JSON API so that both list the same tickets.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from callcenter.models import (
    TICKET_KINDS,
    TICKET_STATUSES,
    Recording,
    Ticket,
    Transcript,
    User,
    utcnow,
)
from callcenter.search.index import summary_entries, transcript_entries
from callcenter.search.match import keys_containing, like_pattern
from callcenter.search.terms import bigrams

AnySelect = TypeVar("AnySelect", bound=Select[*tuple[Any, ...]])

TABS = ("new", "mine", "in_progress", "review", "follow_up", "all")
PAGE_SIZE = 50
# A change committed a little after a later one was seen must still be reported.
CHANGES_OVERLAP = timedelta(seconds=60)
_NUMBER = re.compile(r"^1379-?\d{0,8}-?\d{0,4}$")
_DATED = re.compile(r"^(20\d{6})-?(\d{4})$")
# The fewest digits of a whole Korean number (02-123-4567).
WHOLE_NUMBER_DIGITS = 9


@dataclass(frozen=True)
class InboxFilter:
    """What an inbox lists; parsed from query-string arguments."""

    tab: str = "new"
    scope: str = "center"  # center or all
    center: str | None = None  # the center shown for scope=center (or a filter for all)
    topic: str | None = None
    status: str | None = None
    kind: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    cursor: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # Whether the user sees callers' numbers in full; if not, number search takes only a
    # whole number or its last four digits (no probing digit by digit).
    full_numbers: bool = True

    def has_filters(self) -> bool:
        """Whether anything narrows the list beyond scope and tab."""
        return any((self.topic, self.status, self.kind, self.date_from, self.date_to, self.q))

    def args(self, **changes: Any) -> dict[str, str]:
        """Query-string arguments reproducing this filter (with ``changes``), for links."""
        f = replace(self, **changes)
        out = {
            "tab": f.tab,
            "scope": f.scope,
            "center": f.center if f.scope == "all" else None,
            "topic": f.topic,
            "status": f.status,
            "kind": f.kind,
            "from": f.date_from.isoformat() if f.date_from else None,
            "to": f.date_to.isoformat() if f.date_to else None,
            "q": f.q or None,
            "cursor": f.cursor,
        }
        return {k: v for k, v in out.items() if v}


def _date(value: str | None) -> date | None:
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    # Years far off are typing mistakes (and overflow the day arithmetic).
    return day if day is None or 2000 <= day.year <= 2999 else None


def parse_filter(args: Any, user: User, topics: set[str], centers: set[str]) -> InboxFilter:
    """Read an InboxFilter from request args; unknown values fall back to defaults.

    Operators default to their own center; supervisors and admins to every center.
    """
    default_scope = "center" if user.role == "operator" and user.center_code else "all"
    scope = args.get("scope") if args.get("scope") in ("center", "all") else default_scope
    center = args.get("center") if args.get("center") in centers else None
    if scope == "center":
        center = user.center_code or center
        if center is None:
            scope = "all"
    tab = args.get("tab") if args.get("tab") in TABS else "new"
    return InboxFilter(
        tab=tab,
        scope=scope,
        center=center,
        topic=args.get("topic") if args.get("topic") in topics else None,
        status=args.get("status") if args.get("status") in TICKET_STATUSES else None,
        kind=args.get("kind") if args.get("kind") in TICKET_KINDS else None,
        date_from=_date(args.get("from")),
        date_to=_date(args.get("to")),
        q=(args.get("q") or "").strip()[:100],
        cursor=args.get("cursor") or None,
        full_numbers=user.role in ("supervisor", "admin"),
    )


def local_today(timezone: str) -> date:
    """Today's date in the hotline's time zone."""
    return utcnow().astimezone(ZoneInfo(timezone)).date()


def _day_start(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(timezone))


# Tickets no center holds: still with the machine (received, transcribing) or waiting for a
# person to say what the caller wants. Every center's review tab lists them, so none is hidden.
REVIEW_STATUSES = ("received", "transcribing", "needs_review")
# Tabs that follow the user, not the center: my tickets wherever they were routed.
PERSONAL_TABS = ("mine", "follow_up")
# Resolved tickets with no follow-up date sort after every dated one.
_NO_DATE = date(9999, 12, 31)


def follow_up_key() -> ColumnElement[date]:
    """The follow-up queue's sort key: the date, undated last."""
    return func.coalesce(Ticket.follow_up_on, _NO_DATE)


def _scope_clause(f: InboxFilter) -> ColumnElement[bool] | None:
    if f.center is None:
        return None
    if f.scope == "center":
        return or_(
            Ticket.center_code == f.center,
            and_(Ticket.center_code.is_(None), Ticket.status.in_(REVIEW_STATUSES)),
        )
    return Ticket.center_code == f.center


def _tab_clauses(user: User, today: date) -> dict[str, ColumnElement[bool] | None]:
    return {
        "new": Ticket.status == "routed",
        "mine": and_(
            Ticket.assignee_id == user.id,
            Ticket.status.in_(("assigned", "in_progress", "needs_review", "resolved")),
        ),
        "in_progress": Ticket.status == "in_progress",
        "review": Ticket.status.in_(REVIEW_STATUSES),
        # Every resolved ticket awaits its follow-up check: due ones first, then upcoming.
        "follow_up": Ticket.status == "resolved",
        "all": None,
    }


def _outside_scope(f: InboxFilter) -> ColumnElement[bool]:
    """The negation of :func:`_scope_clause` (written out: NULL centers must count)."""
    elsewhere = or_(Ticket.center_code.is_(None), Ticket.center_code != f.center)
    if f.scope == "center":
        return and_(
            elsewhere,
            or_(Ticket.center_code.is_not(None), Ticket.status.not_in(REVIEW_STATUSES)),
        )
    return elsewhere


def _personal_scope(f: InboxFilter, user: User) -> ColumnElement[bool] | None:
    """For 내 담당 and 사후 점검 예정: the scope's tickets, and mine wherever routed."""
    scope = _scope_clause(f)
    if scope is None:
        return None
    return or_(scope, Ticket.assignee_id == user.id)


def _number_search(compact: str) -> ColumnElement[bool] | None:
    """A ticket number typed whole, without the 1379- prefix, or its prefix; else None."""
    if _NUMBER.match(compact) and len(compact) > 4:
        return Ticket.number.like(f"{compact}%")
    dated = _DATED.match(compact)
    if dated:  # 20261205-0012 or 202612050012: the number as printed without 1379-
        return Ticket.number == f"1379-{dated.group(1)}-{dated.group(2)}"
    return None


def _caller_search(digits: str, full_numbers: bool) -> ColumnElement[bool]:
    """Caller digits (and, for four digits, a ticket number's last four: what the IVR reads).

    Users who see whole numbers match any part of one; users who see masked numbers only a
    whole number or the last four digits (which the mask shows anyway).
    """
    national = f"+82{digits[1:]}" if digits.startswith("0") else None
    found: list[ColumnElement[bool]] = []
    if len(digits) == 4:
        found += [Ticket.number.like(f"%-{digits}"), Ticket.caller_number.like(f"%{digits}")]
    elif full_numbers:
        found.append(Ticket.caller_number.like(f"%{digits}%"))
        if national:
            # Typed nationally (010-..., 032-...) but stored as E.164 (+8210..., +8232...).
            found.append(Ticket.caller_number.like(f"{national}%"))
    elif len(digits) >= WHOLE_NUMBER_DIGITS:
        found += [Ticket.caller_number == digits, Ticket.caller_number == f"+{digits}"]
        if national:
            found.append(Ticket.caller_number == national)
    if not found:
        return Ticket.id.is_(None)  # a partial number: nothing, rather than a hint
    return or_(*found)


def _search_clause(q: str, full_numbers: bool = True) -> tuple[ColumnElement[bool] | None, bool]:
    """The search condition, and whether it needs the transcript joined.

    A ticket number (whole, without 1379-, or its last four digits), caller digits, or
    words that must all occur in the ticket's transcript or its typed summary (ILIKE).
    Words of two characters or more are read through the search index, in subqueries; a
    one-character word has no index and is matched on the joined transcript, row by row.
    """
    if not q:
        return None, False
    number = _number_search(q.replace(" ", ""))
    if number is not None:
        return number, False
    digits = re.sub(r"[\s\-()+.]", "", q)
    if digits.isdigit() and len(digits) >= 3:
        return _caller_search(digits, full_numbers), False
    clauses, join = [], False
    for word in q.split()[:5]:
        if not bigrams(word):
            pattern = like_pattern(word)
            heard = Transcript.text.ilike(pattern, escape="\\")
            clauses.append(or_(heard, Ticket.summary.ilike(pattern, escape="\\")))
            join = True
            continue
        heard = Ticket.recording_id.in_(
            keys_containing(
                transcript_entries, Transcript.recording_id, Transcript.text, word, ilike=True
            )
        )
        typed = Ticket.id.in_(
            keys_containing(summary_entries, Ticket.id, Ticket.summary, word, ilike=True)
        )
        clauses.append(or_(heard, typed))
    return and_(*clauses), join


def _filtered(
    query: AnySelect,
    f: InboxFilter,
    timezone: str,
    *,
    with_status: bool,
    scope: ColumnElement[bool] | None | Literal["filter"] = "filter",
) -> AnySelect:
    """``query`` (over tickets) narrowed by scope, filters and search; no tab, paging or order.

    ``scope``: "filter" for the filter's scope, or a clause to use instead (None: no scope).
    """
    search, needs_transcript = _search_clause(f.q, f.full_numbers)
    if needs_transcript:
        query = query.outerjoin(Transcript, Transcript.recording_id == Ticket.recording_id)
    conditions = [
        _scope_clause(f) if isinstance(scope, str) else scope,
        Ticket.topic_code == f.topic if f.topic else None,
        Ticket.kind == f.kind if f.kind else None,
        Ticket.status == f.status if (f.status and with_status) else None,
        Ticket.created_at >= _day_start(f.date_from, timezone) if f.date_from else None,
        Ticket.created_at < _day_start(f.date_to + timedelta(days=1), timezone)
        if f.date_to
        else None,
        search,
    ]
    for condition in conditions:
        if condition is not None:
            query = query.where(condition)
    return query


def _order(tab: str) -> tuple[Any, ...]:
    # The follow-up queue runs oldest due date first; everything else newest first.
    if tab == "follow_up":
        return (follow_up_key().asc(), Ticket.id.asc())
    return (Ticket.created_at.desc(), Ticket.id.desc())


def encode_cursor(ticket: Ticket, tab: str) -> str:
    """An opaque keyset cursor after ``ticket`` for this tab's ordering."""
    if tab == "follow_up":
        key = (ticket.follow_up_on or _NO_DATE).isoformat()
    else:
        key = ticket.created_at.isoformat()
    raw = json.dumps([key, ticket.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _after(cursor: str | None, tab: str) -> ColumnElement[bool] | None:
    if not cursor:
        return None
    try:
        key, ticket_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        ticket_id = int(ticket_id)
        if tab == "follow_up":
            day = date.fromisoformat(key)
            return or_(follow_up_key() > day, and_(follow_up_key() == day, Ticket.id > ticket_id))
        moment = datetime.fromisoformat(key)
    except (ValueError, TypeError, json.JSONDecodeError):
        return None
    return or_(Ticket.created_at < moment, and_(Ticket.created_at == moment, Ticket.id < ticket_id))


@dataclass
class InboxPage:
    """One page of an inbox with its counts."""

    tickets: list[Ticket]
    next_cursor: str | None
    tab_counts: dict[str, int]
    status_counts: dict[str, int]


def inbox_page(
    session: Session,
    f: InboxFilter,
    user: User,
    timezone: str,
    page_size: int = PAGE_SIZE,
    *,
    with_transcripts: bool = False,
) -> InboxPage:
    """The tickets of this filter's page, newest first (follow-ups: soonest due first)."""
    today = local_today(timezone)
    tabs = _tab_clauses(user, today)
    scope: ColumnElement[bool] | None | Literal["filter"] = (
        _personal_scope(f, user) if f.tab in PERSONAL_TABS else "filter"
    )
    query = _filtered(select(Ticket), f, timezone, with_status=True, scope=scope)
    for clause in (tabs[f.tab], _after(f.cursor, f.tab)):
        if clause is not None:
            query = query.where(clause)
    loads = [selectinload(Ticket.assignee)]
    if with_transcripts:  # the JSON list carries call, recording and transcript of each row
        loads += [
            selectinload(Ticket.call),
            selectinload(Ticket.recording).selectinload(Recording.transcript),
        ]
    query = query.options(*loads).order_by(*_order(f.tab)).limit(page_size + 1)
    rows = list(session.scalars(query))
    more = len(rows) > page_size
    rows = rows[:page_size]
    tab_counts, status_counts = counts(session, f, user, timezone, today)
    return InboxPage(
        tickets=rows,
        next_cursor=encode_cursor(rows[-1], f.tab) if more and rows else None,
        tab_counts=tab_counts,
        status_counts=status_counts,
    )


def counts(
    session: Session, f: InboxFilter, user: User, timezone: str, today: date
) -> tuple[dict[str, int], dict[str, int]]:
    """(tickets per tab, tickets per status) under the scope and filters.

    Tabs follow the status filter; the per-status counts ignore it (they are its choices).
    내 담당 and 사후 점검 예정 also count my tickets of other centers (a second query, only
    when a center scope applies).
    """
    tabs = _tab_clauses(user, today)
    mine, follow_up = tabs["mine"], tabs["follow_up"]
    assert mine is not None and follow_up is not None
    query = _filtered(
        select(Ticket.status, func.count(), func.count().filter(mine)).select_from(Ticket),
        f,
        timezone,
        with_status=False,
    ).group_by(Ticket.status)
    per_status = {status: 0 for status in TICKET_STATUSES}
    tab = dict.fromkeys(TABS, 0)
    for status, total, mine_n in session.execute(query):
        per_status[status] = int(total)
        if f.status and status != f.status:
            continue
        tab["all"] += int(total)
        tab["mine"] += int(mine_n)
        for name, only in (
            ("new", ("routed",)),
            ("in_progress", ("in_progress",)),
            ("review", REVIEW_STATUSES),
            ("follow_up", ("resolved",)),
        ):
            if status in only:
                tab[name] += int(total)
    personal = _personal_scope(f, user)
    if personal is not None:
        # My tickets routed elsewhere: counted once more, beyond the scope's.
        outside = _filtered(
            select(func.count().filter(mine), func.count().filter(follow_up)).select_from(Ticket),
            f,
            timezone,
            with_status=True,
            scope=and_(Ticket.assignee_id == user.id, _outside_scope(f)),
        )
        mine_out, follow_out = session.execute(outside).one()
        tab["mine"] += int(mine_out)
        tab["follow_up"] += int(follow_out)
    return tab, per_status


def changed_since(
    session: Session, f: InboxFilter, timezone: str, since: datetime, limit: int = 100
) -> list[Ticket]:
    """Tickets in scope changed after ``since`` (minus an overlap), oldest change first."""
    query = (
        _filtered(select(Ticket), replace(f, q=""), timezone, with_status=True)
        .where(Ticket.updated_at > since - CHANGES_OVERLAP)
        .order_by(Ticket.updated_at.asc(), Ticket.id.asc())
        .limit(limit)
    )
    return list(session.scalars(query))
