"""How tickets are shown: masked numbers, segment times, the routing explanation."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import phonenumbers

from callcenter.models import Ticket, User
from callcenter.services.workflow import may_see_full_number

MASK = "•"
_HIDE_DIGITS = str.maketrans("0123456789", MASK * 10)


def national_format(number: str) -> str:
    """+821012345678 → 010-1234-5678; text such as 'Anonymous' is returned unchanged."""
    korean = _korean_national(number)
    if korean is not None:
        return korean
    if not any(ch.isdigit() for ch in number):  # 'Anonymous', 'Restricted': nothing to parse
        return number
    try:
        parsed = phonenumbers.parse(number, "KR")
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def _korean_national(number: str) -> str | None:
    # A fast path for the common +82 shapes (an inbox page formats 50 numbers); anything
    # unusual goes through phonenumbers. tests/console check both agree.
    n = number[3:]
    if not number.startswith("+82") or not n.isdigit():
        return None
    if n.startswith("2") and len(n) in (8, 9):  # Seoul 02-XXX(X)-XXXX
        return f"02-{n[1:-4]}-{n[-4:]}"
    if n.startswith("10") and len(n) == 10:  # mobile 010-XXXX-XXXX
        return f"010-{n[2:6]}-{n[6:]}"
    if n.startswith("70") and len(n) == 10:  # internet phones 070-XXXX-XXXX
        return f"070-{n[2:6]}-{n[6:]}"
    if n[0] in "3456" and len(n) in (9, 10):  # area codes 031 ... 064
        return f"0{n[:2]}-{n[2:-4]}-{n[-4:]}"
    return None


def mask_number(number: str) -> str:
    """Every digit but the last four hidden, keeping the number's shape: •••-••••-5678."""
    korean = _korean_national(number)
    if korean is not None:  # all digits but the dashes, the last four characters digits
        return korean[:-4].translate(_HIDE_DIGITS) + korean[-4:]
    shown = national_format(number)
    digits = sum(ch.isdigit() for ch in shown)
    if digits < 4:
        return shown
    out, seen = [], 0
    for ch in shown:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > digits - 4 else MASK)
        else:
            out.append(ch)
    return "".join(out)


@dataclass(frozen=True)
class CallerNumber:
    """The caller's number as this user may see it."""

    text: str
    full: bool
    dial: str | None  # for a tel: link, only when shown in full


def caller_for(user: User, ticket: Ticket) -> CallerNumber:
    """Masked unless the user's role or relation to the ticket allows the full number."""
    number = ticket.caller_number or ""
    has_digits = sum(ch.isdigit() for ch in number) >= 4
    if not has_digits:
        return CallerNumber(number, True, None)
    if may_see_full_number(user, ticket):
        return CallerNumber(national_format(number), True, number)
    return CallerNumber(mask_number(number), False, None)


def clock(seconds: float | int | None) -> str:
    """Seconds as m:ss (or h:mm:ss)."""
    if seconds is None:
        return ""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


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
