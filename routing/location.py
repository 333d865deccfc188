"""Where the caller is: from the number's area code, the IVR region answer, or not known.

- ``region_from_number``: E.164 (+82, leading 0 dropped: 02-123-4567 -> +8221234567) ->
  area code -> the province point of ``area_codes.csv``. Mobile (010), 070, 080, 15xx/16xx,
  foreign numbers and withheld caller IDs ("Anonymous", "+266696687") carry no region:
  ``UNKNOWN`` (region None, source "unknown").
- ``ivr_region``: the IVR region question's DTMF digit -> the group's point from
  ``ivr_regions.csv``; the region is named by the group ("부산·울산·경남"), because the
  caller told us no more than that: an operator should not read a province into it.
- ``region_from_speech``: a spoken answer ("부산이요", "창원", "경기도 안산") -> the province
  of the city or province named (``places.tsv``) -> its point in ``area_codes.csv``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import phonenumbers

from routing import reference
from routing.text import normalise

SOURCES = ("area_code", "ivr_digit", "ivr_speech", "operator", "unknown")

# What may follow a place name inside one spoken word: an administrative suffix, then
# a particle or ending (부산이요, 창원시에서, 경기도쪽). Anything else (대전환, 구리관)
# is not a place.
_SUFFIX = re.compile(
    r"(?:특별자치시|특별자치도|특별시|광역시|시|군|구|도)?"
    r"(?:이요|요|이에요|예요|에요|입니다|이고요|이구요|이고|고|인데요|인데|이야|야|쪽이요|쪽이에요|"
    r"쪽에서|쪽|에서|에|이라|라|이랑|랑|하고|근처|공단|산단|지역|지방|시내)?$"
)


@dataclass(frozen=True)
class Location:
    """The caller's region (``region_ko`` of area_codes.csv), its point and how it was learned."""

    region: str | None
    region_en: str | None
    lat: float | None
    lon: float | None
    source: str
    detail: str = ""

    @property
    def known(self) -> bool:
        """True when there is a point to measure distances from."""
        return self.lat is not None and self.lon is not None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "region": self.region,
            "region_en": self.region_en,
            "lat": self.lat,
            "lon": self.lon,
            "source": self.source,
            "detail": self.detail,
        }


UNKNOWN = Location(None, None, None, None, "unknown", "")


@cache
def _areas_by_prefix() -> dict[str, reference.AreaCode]:
    return {a.prefix: a for a in reference.area_codes()}


@cache
def _areas_by_name() -> dict[str, reference.AreaCode]:
    names: dict[str, reference.AreaCode] = {}
    for a in reference.area_codes():
        names[a.region_ko] = a
        names[a.region_en.lower()] = a
    return names


@cache
def _groups_by_name() -> dict[str, reference.IvrRegion]:
    names: dict[str, reference.IvrRegion] = {}
    for g in reference.ivr_regions():
        names[g.name_ko] = g
        names[g.name_en.lower()] = g
    return names


def region_point(region: str, *, source: str, detail: str = "") -> Location | None:
    """The point of a region named as in area_codes.csv or an IVR group of ivr_regions.csv."""
    name = region.strip()
    area = _areas_by_name().get(name) or _areas_by_name().get(name.lower())
    if area is not None:
        return Location(area.region_ko, area.region_en, area.lat, area.lon, source, detail)
    group = _groups_by_name().get(name) or _groups_by_name().get(name.lower())
    if group is not None:
        return Location(group.name_ko, group.name_en, group.lat, group.lon, source, detail)
    return None


@lru_cache(maxsize=65536)
def region_from_number(e164: str | None) -> Location:
    """The province of a Korean landline number; ``UNKNOWN`` when it carries no region."""
    if not e164 or not e164.strip():
        return UNKNOWN
    try:
        number = phonenumbers.parse(e164.strip(), "KR")
    except phonenumbers.NumberParseException:
        return UNKNOWN  # "Anonymous", "Restricted", garbage
    if number.country_code != 82:
        return UNKNOWN
    nsn = phonenumbers.national_significant_number(number)
    prefix = "02" if nsn.startswith("2") else "0" + nsn[:2]
    area = _areas_by_prefix().get(prefix)
    # Subscriber part: 7-8 digits after the area code (02-123-4567, 055-1234-5678).
    if area is None or not 7 <= len(nsn) - (len(prefix) - 1) <= 8:
        return UNKNOWN
    return Location(area.region_ko, area.region_en, area.lat, area.lon, "area_code", prefix)


def ivr_region(digit: str | int | None) -> Location | None:
    """The IVR region answer (DTMF digit) -> the group's name and point."""
    key = str(digit).strip() if digit is not None else ""
    for group in reference.ivr_regions():
        if group.digit == key:
            return Location(
                group.name_ko,
                group.name_en,
                group.lat,
                group.lon,
                "ivr_digit",
                f"{group.digit} {group.name_ko}",
            )
    return None


@cache
def _places() -> dict[str, str]:
    table = {}
    for name, region in reference.places().items():
        table[name.lower()] = region
    return table


@cache
def _place_lengths() -> tuple[int, ...]:
    return tuple(sorted({len(n) for n in _places()}, reverse=True))


def _place_in_word(word: str) -> tuple[str, str] | None:
    places = _places()
    for n in _place_lengths():
        head = word[:n]
        if len(head) == n and head in places and _SUFFIX.match(word[n:]):
            return head, places[head]
    return None


def region_from_speech(text: str | None) -> Location | None:
    """The region of a spoken city or province; the most-named one, the last on a tie."""
    if not text:
        return None
    found: list[tuple[str, str]] = []
    for word in normalise(text).split():
        hit = _place_in_word(word)
        if hit:
            found.append(hit)
    if not found:
        return None
    counts: dict[str, int] = {}
    for _, region in found:
        counts[region] = counts.get(region, 0) + 1
    best = max(counts.values())
    name, region = next(h for h in reversed(found) if counts[h[1]] == best)
    return region_point(region, source="ivr_speech", detail=name)


def resolve_location(
    caller_number: str | None = None,
    ivr_answer: str | None = None,
    *,
    ivr_source: str | None = None,
) -> Location:
    """Number first; else the IVR answer (digit, region name or speech); else UNKNOWN.

    ``ivr_source`` keeps the source already recorded for the answer (e.g. a ticket's
    ``region_source``) when the answer is a region name.
    """
    by_number = region_from_number(caller_number)
    if by_number.known:
        return by_number
    answer = (ivr_answer or "").strip()
    if not answer:
        return UNKNOWN
    if answer.isdigit():
        return ivr_region(answer) or UNKNOWN
    source = ivr_source if ivr_source in SOURCES and ivr_source != "unknown" else "ivr_speech"
    named = region_point(answer, source=source, detail=answer)
    if named is not None:
        return named
    spoken = region_from_speech(answer)
    if spoken is not None:
        return Location(
            spoken.region, spoken.region_en, spoken.lat, spoken.lon, source, spoken.detail
        )
    return UNKNOWN
