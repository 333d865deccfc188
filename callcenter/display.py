"""How records read on every page, export and API answer: names of topics and centers in
the reader's language, phone numbers in national format, masked numbers (on pages, in
exports and in log lines), withheld numbers said so, and CSV cells no spreadsheet runs.

The console, the supervisor pages, the CSV exports and the API all show these the same way,
from one cache of the reference names.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from functools import cache
from typing import Any, Literal

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


# Twilio's stand-ins for a withheld caller ID (besides words such as 'Anonymous').
_WITHHELD_NUMBERS = frozenset({"+266696687", "+7378742833", "+2562533", "+8656696", "+86282452253"})
_WITHHELD_TEXT = {"ko": "발신번호 없음", "en": "No caller ID"}

# Who sees callers' full numbers on pages and exports of many calls (call log, timeline, CSV).
# One ticket's page shows its caller to whoever must call back
# (``services.workflow.may_see_full_number``); a list or a file of thousands of numbers is a
# different exposure, so there only the role that answers for the data gets them whole.
FULL_NUMBER_ROLES = frozenset({"admin"})


def sees_full_numbers(role: str | None) -> bool:
    """Whether ``role`` sees callers' full numbers in call lists, timelines and exports."""
    return role in FULL_NUMBER_ROLES


def is_withheld(number: str | None) -> bool:
    """No caller ID: empty, a word such as 'Anonymous', or one of Twilio's stand-ins."""
    if not number or number in _WITHHELD_NUMBERS:
        return True
    if number[0] == "+" and number[1:].isdigit():  # E.164, nearly every call: no counting
        return len(number) < 5
    return sum(ch.isdigit() for ch in number) < 4


def withheld_text(language: str | None = None) -> str:
    """'발신번호 없음' (English: 'No caller ID')."""
    return _WITHHELD_TEXT["ko" if (language or current_language()) == "ko" else "en"]


def caller_text(number: str | None, full: bool, language: str | None = None) -> str:
    """A caller's number as shown: whole (national format) or masked; withheld said so."""
    if number is None or is_withheld(number):
        return withheld_text(language)
    return national_format(number) if full else mask_number(number)


# A phone number inside free text (a log line, a URL's query, an event's detail): +82 or 0
# and 9-11 digits with optional separators, or any +E.164; '%2B' is a URL-encoded '+'.
# Not inside longer digit runs or identifiers (ticket numbers 1379-20261105-0042, CallSids).
_PHONE_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])"
    r"(?:(?:\+|%2[Bb])82[ .-]?0?|0)\d{1,2}[ .-]?\d{3,4}[ .-]?\d{4}(?!\d)"
    r"|(?<![0-9A-Za-z])(?:\+|%2[Bb])\d{7,14}(?!\d)"
)


def _mask_found(match: re.Match[str]) -> str:
    found = match.group(0)
    if found[:3].upper() == "%2B":
        found = "+" + found[3:]
    return mask_number(re.sub(r"[ .]", "-", found) if found[0] == "0" else found)


def mask_numbers_in(text: str) -> str:
    """``text`` with every phone number in it masked (last four digits kept)."""
    if not any(ch.isdigit() for ch in text):  # most log lines: no regex work
        return text
    return _PHONE_IN_TEXT.sub(_mask_found, text)


# Keys of a call event's stored detail that hold a caller's number (Twilio's and ours).
NUMBER_KEYS = frozenset({"from", "caller", "From", "Caller", "caller_number", "number"})


def shown_detail(detail: Mapping[str, Any] | None, full: bool) -> dict[str, Any]:
    """A stored event detail as a page may show it: callers' numbers masked unless ``full``."""
    shown: dict[str, Any] = {}
    for key, value in (detail or {}).items():
        if isinstance(value, str) and (key in NUMBER_KEYS or not full):
            value = caller_text(value, full) if key in NUMBER_KEYS else mask_numbers_in(value)
        shown[key] = value
    return shown


def csv_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run: text starting with =, +, -, @, a tab or
    a carriage return gets a leading apostrophe (formula injection); other values as given."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


FORMULA_STARTS = frozenset("=+-@\t\r")


def _masked_arg(value: Any) -> Any:
    return mask_numbers_in(value) if isinstance(value, str) else value


def install_log_masking() -> None:
    """Mask phone numbers in every log record of this process (access logs' query strings,
    app messages, Twilio errors): a record factory, so handlers set up later are covered."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "masks_numbers", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if isinstance(record.msg, str):
            record.msg = mask_numbers_in(record.msg)
        if isinstance(record.args, dict):
            # In place: gunicorn's access-log atoms are a dict subclass with defaults.
            for key, value in list(record.args.items()):
                record.args[key] = _masked_arg(value)
        elif isinstance(record.args, Mapping):
            record.args = {k: _masked_arg(v) for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(_masked_arg(v) for v in record.args)
        return record

    factory.masks_numbers = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def init_app(app: Any) -> None:
    """Mask numbers in this process's logs; names and callers for every template (the
    header's center name)."""
    install_log_masking()
    app.jinja_env.globals.update(center_name=center_name, caller_text=caller_text)


def clock(seconds: float | None) -> str:
    """A time within a recording as m:ss (h:mm:ss past an hour): one format on every page."""
    if seconds is None:
        return ""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
