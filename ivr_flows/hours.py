"""Business hours: configured weekdays and times in the hotline's zone, minus Korean holidays."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

import holidays

from ivr_flows.settings import IvrSettings


@cache
def _korean_holidays(year: int) -> holidays.HolidayBase:
    # Built once per year: constructing the calendar costs far more than a lookup.
    return holidays.country_holidays("KR", years=year)


def holiday_name(day: date) -> str | None:
    """The Korean public holiday on ``day`` (substitute holidays included), or None."""
    name = _korean_holidays(day.year).get(day)
    return str(name) if name else None


def is_open(moment: datetime, settings: IvrSettings) -> bool:
    """Whether agents take calls at ``moment`` (an aware datetime)."""
    if moment.tzinfo is None:
        raise ValueError("is_open needs an aware datetime")
    local = moment.astimezone(ZoneInfo(settings.timezone))
    if local.weekday() not in settings.weekdays or holiday_name(local.date()):
        return False
    minute = local.hour * 60 + local.minute
    return settings.open_minute <= minute < settings.close_minute
