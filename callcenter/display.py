"""How records read on every page, export and API answer: names of topics and centers in
the reader's language, phone numbers in national format, and masked numbers.

The console, the supervisor pages, the CSV exports and the API all show these the same way,
from one cache of the reference names.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

import phonenumbers

from callcenter.i18n import current_language
from routing import reference

Kind = Literal["topic", "center"]
UNSET = "—"
MASK = "•"
_HIDE_DIGITS = str.maketrans("0123456789", MASK * 10)


@cache
def _pairs(kind: Kind) -> dict[str, tuple[str, str]]:
    rows = reference.topics() if kind == "topic" else reference.centers()
    return {row.code: (row.name_ko, row.name_en) for row in rows}


def is_code(kind: Kind, value: str) -> bool:
    """Whether ``value`` is a known topic (or center) code."""
    return value in _pairs(kind)


def names(kind: Kind, language: str | None = None) -> dict[str, str]:
    """Code → name of every topic (or center) in one language (the current one by default).

    For tables of many rows: look the names up once, not once per row.
    """
    index = 0 if (language or current_language()) == "ko" else 1
    return {code: pair[index] for code, pair in _pairs(kind).items()}


def name_of(kind: Kind, code: str | None, unset: str = UNSET) -> str:
    """A topic's (or center's) name in the current language; an unknown code as itself,
    ``unset`` for none (or the rollups' placeholder '-')."""
    pair = _pairs(kind).get(code or "")
    if pair is not None:
        return pair[0] if current_language() == "ko" else pair[1]
    return code if code and code != "-" else unset


def topic_name(code: str | None, unset: str = UNSET) -> str:
    """A topic's name in the current language (``unset`` when there is none)."""
    return name_of("topic", code, unset)


def center_name(code: str | None, unset: str = UNSET) -> str:
    """A center's name in the current language (``unset`` when there is none)."""
    return name_of("center", code, unset)


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
    # A fast path for the common +82 shapes (an inbox page formats 50 numbers, an export
    # 100,000); anything unusual goes through phonenumbers. tests/callcenter check both agree.
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
