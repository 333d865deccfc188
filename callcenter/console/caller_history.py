"""What the console shows beside a ticket: the caller's other tickets and calls, and for
inbox rows a snippet of what was said, the age and how many tickets the number has."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callcenter.i18n import t
from callcenter.models import Call, Ticket, Transcript, utcnow

SNIPPET_CHARS = 70
HISTORY_LIMIT = 10


def has_number(number: str | None) -> bool:
    """Whether a caller number identifies someone (withheld numbers have no digits)."""
    return sum(ch.isdigit() for ch in number or "") >= 4


def age(moment: datetime | None, now: datetime | None = None) -> str:
    """How long ago, in words: 방금, 12분 전, 3시간 전, 5일 전."""
    if moment is None:
        return ""
    seconds = max(0, int(((now or utcnow()) - moment).total_seconds()))
    if seconds < 60:
        return t("age.now")
    if seconds < 3600:
        return t("age.minutes", n=seconds // 60)
    if seconds < 86400:
        return t("age.hours", n=seconds // 3600)
    return t("age.days", n=seconds // 86400)


@dataclass(frozen=True)
class RowExtra:
    """An inbox row's snippet and the count of the caller's other tickets."""

    snippet: str
    others: int


def _clip(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1] + "…"


def row_extras(session: Session, tickets: Sequence[Ticket]) -> dict[int, RowExtra]:
    """Snippets (typed summary, else the transcript's start) and other-ticket counts, in two
    queries for the whole page."""
    if not tickets:
        return {}
    recording_ids = [tk.recording_id for tk in tickets if tk.recording_id and not tk.summary]
    heard: dict[int, str] = {}
    if recording_ids:
        rows = session.execute(
            select(
                Transcript.recording_id, func.substr(Transcript.text, 1, SNIPPET_CHARS + 20)
            ).where(Transcript.recording_id.in_(recording_ids))
        )
        heard = {rid: text or "" for rid, text in rows}
    numbers = sorted({tk.caller_number for tk in tickets if has_number(tk.caller_number)})
    per_number: dict[str, int] = {}
    if numbers:
        rows = session.execute(
            select(Ticket.caller_number, func.count())
            .where(Ticket.caller_number.in_(numbers))
            .group_by(Ticket.caller_number)
        )
        per_number = {number: int(n) for number, n in rows}
    return {
        tk.id: RowExtra(
            _clip(tk.summary or heard.get(tk.recording_id or 0, "")),
            max(0, per_number.get(tk.caller_number, 1) - 1),
        )
        for tk in tickets
    }


@dataclass(frozen=True)
class CallerHistory:
    """The caller's other tickets (newest first) and calls, with the totals."""

    tickets: list[Ticket]
    calls: list[Call]
    ticket_total: int
    call_total: int


def caller_history(session: Session, ticket: Ticket) -> CallerHistory:
    """Other tickets and calls from the same number (none for a withheld number)."""
    number = ticket.caller_number
    if not has_number(number):
        return CallerHistory([], [], 0, 0)
    others = select(Ticket).where(Ticket.caller_number == number, Ticket.id != ticket.id)
    calls = select(Call).where(Call.from_number == number)
    if ticket.call_id:
        calls = calls.where(Call.id != ticket.call_id)
    return CallerHistory(
        list(session.scalars(others.order_by(Ticket.created_at.desc()).limit(HISTORY_LIMIT))),
        list(session.scalars(calls.order_by(Call.started_at.desc()).limit(HISTORY_LIMIT))),
        int(session.scalar(select(func.count()).select_from(others.subquery())) or 0),
        int(session.scalar(select(func.count()).select_from(calls.subquery())) or 0),
    )
