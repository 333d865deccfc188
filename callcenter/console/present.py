"""How tickets are shown: the caller's number as a user may see it, segment times, the
routing explanation. Names and number formats come from ``callcenter.display``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from callcenter.display import clock, is_withheld, mask_number, national_format, withheld_text
from callcenter.models import Ticket, User
from callcenter.services.workflow import may_see_full_number


@dataclass(frozen=True)
class CallerNumber:
    """The caller's number as this user may see it."""

    text: str
    full: bool
    dial: str | None  # for a tel: link, only when shown in full


def caller_for(user: User, ticket: Ticket) -> CallerNumber:
    """Masked unless the user's role or relation to the ticket allows the full number."""
    number = ticket.caller_number or ""
    if is_withheld(number):  # 'Anonymous', Twilio's stand-ins: "발신번호 없음"
        return CallerNumber(withheld_text(), True, None)
    if may_see_full_number(user, ticket):
        return CallerNumber(national_format(number), True, number)
    return CallerNumber(mask_number(number), False, None)


@dataclass(frozen=True)
class Segment:
    """One transcript segment with its start time."""

    start: float
    end: float | None
    text: str

    @property
    def label(self) -> str:
        """The start time as m:ss."""
        return clock(self.start)


def segments_of(raw: list[dict[str, Any]] | None) -> list[Segment]:
    """Whisper-style segments ({start, end, text}) in time order; malformed ones skipped."""
    result = []
    for item in raw or []:
        if not isinstance(item, dict):
            continue
        try:
            start = float(item.get("start", 0))
            end = float(item["end"]) if item.get("end") is not None else None
        except (TypeError, ValueError):
            continue
        text = str(item.get("text", "")).strip()
        if text:
            result.append(Segment(start, end, text))
    return sorted(result, key=lambda s: s.start)


@dataclass(frozen=True)
class TopicScore:
    """One topic's score in the routing explanation."""

    code: str
    score: float
    share: float  # of the best score, for a bar 0..1


def topic_scores(routing: dict[str, Any]) -> list[TopicScore]:
    """Accepts {code: score}, [{"topic"|"code": c, "score": s}] or [[c, s]]; best first."""
    raw = routing.get("topic_scores") or routing.get("scores") or {}
    pairs: list[tuple[str, float]] = []
    if isinstance(raw, dict):
        items: list[Any] = list(raw.items())
    elif isinstance(raw, list):
        items = raw
    else:
        items = []
    for item in items:
        try:
            if isinstance(item, dict):
                code = item.get("topic") or item.get("code")
                pairs.append((str(code), float(item.get("score", 0))))
            else:
                pairs.append((str(item[0]), float(item[1])))
        except (TypeError, ValueError, IndexError, KeyError):
            continue
    pairs.sort(key=lambda p: -p[1])
    best = max((s for _, s in pairs), default=0.0) or 1.0
    return [TopicScore(c, s, max(0.0, min(1.0, s / best))) for c, s in pairs[:5]]


def explanation_rows(routing: dict[str, Any]) -> list[tuple[str, Any]]:
    """The rest of the explanation as (key, value) rows, in stored order."""
    return [(k, v) for k, v in routing.items() if k not in ("topic_scores", "scores")]


def readable(value: Any) -> str:
    """Scalars as text, lists of scalars joined, anything nested as compact JSON."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, str | int | bool):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, indent=1)
