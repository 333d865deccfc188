"""How supervisor pages show things: durations, rates, local times, regions.

Names of topics and centers and masked numbers come from ``callcenter.display``.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from callcenter.display import UNSET
from callcenter.i18n import current_language, t
from routing import reference


def duration(seconds: float | None) -> str:
    """3분 20초 / 2시간 5분 / 1.5일 (English: 3 min 20 s, 2 h 5 min, 1.5 d); '—' for none."""
    if seconds is None:
        return UNSET
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
    """0.2314 → 23.1%; '—' when there was nothing to divide."""
    return UNSET if value is None else f"{value * 100:.1f}%"


def local(moment: datetime | None, timezone: str, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """An aware datetime in the hotline's time zone."""
    return moment.astimezone(ZoneInfo(timezone)).strftime(fmt) if moment else ""


def regions() -> tuple[str, ...]:
    """Region names as calls store them (provinces of area_codes.csv)."""
    return tuple(a.region_ko for a in reference.area_codes())


def _signed(value: float, unit: str) -> str:
    # U+2212 MINUS SIGN: read as 'minus', aligned like '+'.
    return f"{'+' if value > 0 else '−'}{abs(value):.1f}{unit}"


def versus_count(now: int, before: int) -> str:
    """This period's count beside the previous one: 'previous 1,234 (+5.2%)'."""
    if now == before:
        change = t("sv.dash.no_change")
    elif before == 0:
        change = t("sv.dash.new")
    else:
        change = _signed((now - before) / before * 100, "%")
    return t("sv.dash.prev_count", value=f"{before:,}", change=change)


def versus_rate(now: float | None, before: float | None) -> str:
    """A rate beside the previous period's, the change in percentage points."""
    if before is None:
        return t("sv.dash.prev_time", value=percent(None))
    if now is None or round(now, 3) == round(before, 3):
        change = t("sv.dash.no_change")
    else:
        change = _signed((now - before) * 100, "%p")
    return t("sv.dash.prev_rate", value=percent(before), change=change)


def versus_time(before: float | None) -> str:
    """A duration's previous value (times are compared by eye: 3분 vs 4분)."""
    return t("sv.dash.prev_time", value=duration(before))
