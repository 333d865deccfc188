"""How supervisor pages show things: masked callers, durations, rates, names, local times."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from callcenter.i18n import current_language, t
from routing import reference

MASK = "•"


PLAIN_NUMBER = re.compile(r"\+?[0-9]{5,}")


def mask_caller(number: str | None) -> str:
    """Every digit but the last four hidden: +821012345678 → +82••••••5678; text unchanged."""
    number = number or ""
    if PLAIN_NUMBER.fullmatch(number):  # the common E.164 case, fast for 100,000-row exports
        head = "+82" if number.startswith("+82") else ("+" if number.startswith("+") else "")
        body = number[len(head) :]
        if len(body) > 4:
            return head + MASK * (len(body) - 4) + body[-4:]
    digits = sum(ch.isdigit() for ch in number)
    if digits < 4:
        return number
    out, seen = [], 0
    for ch in number:
        if ch.isdigit():
            seen += 1
            # Keep the country code readable: it says nothing about who called.
            keep = seen > digits - 4 or (number.startswith("+82") and seen <= 2)
            out.append(ch if keep else MASK)
        else:
            out.append(ch)
    return "".join(out)


def duration(seconds: float | None) -> str:
    """3분 20초 / 2시간 5분 / 1.5일 (English: 3 min 20 s, 2 h 5 min, 1.5 d); '–' for none."""
    if seconds is None:
        return "–"
    ko = current_language() == "ko"
    s = int(round(seconds))
    if s < 60:
        return f"{s}초" if ko else f"{s} s"
    if s < 3600:
        m, r = divmod(s, 60)
        return (
            (f"{m}분 {r}초" if ko else f"{m} min {r} s") if r else (f"{m}분" if ko else f"{m} min")
        )
    if s < 2 * 86400:
        h, r = divmod(s, 3600)
        return f"{h}시간 {r // 60}분" if ko else f"{h} h {r // 60} min"
    return f"{s / 86400:.1f}일" if ko else f"{s / 86400:.1f} d"


def percent(value: float | None) -> str:
    """0.2314 → 23.1%; '–' when there was nothing to divide."""
    return "–" if value is None else f"{value * 100:.1f}%"


def center_name(code: str | None) -> str:
    """A center's name in the current language; '–' when unset."""
    for center in reference.centers():
        if center.code == code:
            return center.name_ko if current_language() == "ko" else center.name_en
    return code if code and code != "-" else t("sv.none")


def topic_name(code: str | None) -> str:
    """A topic's name in the current language; '–' when unset."""
    for topic in reference.topics():
        if topic.code == code:
            return topic.name_ko if current_language() == "ko" else topic.name_en
    return code if code and code != "-" else t("sv.none")


def local(moment: datetime | None, timezone: str, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """An aware datetime in the hotline's time zone."""
    return moment.astimezone(ZoneInfo(timezone)).strftime(fmt) if moment else ""


def regions() -> tuple[str, ...]:
    """Region names as calls store them (provinces of area_codes.csv)."""
    return tuple(a.region_ko for a in reference.area_codes())
