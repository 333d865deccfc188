"""The caller's location: from the landline area code, or from the IVR's region question.

Minimal version written for the IVR (issue #3); the routing branch owns the full one.
Pure: reference data in, a :class:`Location` out.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

import phonenumbers

from routing import reference


class Location(NamedTuple):
    """Where a caller is, as far as we know, and how we learned it."""

    region: str | None  # region_ko ("경남") or an IVR group name ("부산·울산·경남")
    lat: float | None
    lon: float | None
    source: str  # area_code, ivr_digit, ivr_speech, unknown


UNKNOWN = Location(None, None, None, "unknown")


@cache
def _area_prefixes() -> dict[str, reference.AreaCode]:
    # E.164 drops the trunk 0: "055" is "55" after +82.
    return {a.prefix.lstrip("0"): a for a in reference.area_codes()}


def region_from_number(e164: str | None) -> Location:
    """A Korean landline's region; mobile, 070, 080, 15xx/16xx, withheld or foreign give unknown."""
    if not e164 or not e164.strip().startswith("+"):
        return UNKNOWN  # "Anonymous", "Restricted", "" and other withheld forms
    try:
        parsed = phonenumbers.parse(e164.strip(), None)
    except phonenumbers.NumberParseException:
        return UNKNOWN
    if parsed.country_code != 82:
        return UNKNOWN
    national = phonenumbers.national_significant_number(parsed)
    prefixes = _area_prefixes()
    # Seoul's "2" is the only one-digit code; every other area code has two digits.
    for length in (1, 2):
        area = prefixes.get(national[:length])
        if area is not None and len(national) > length + 5:
            return Location(area.region_ko, area.lat, area.lon, "area_code")
    return UNKNOWN


def ivr_region(digit: str | None) -> Location | None:
    """The region group the caller chose with a key, or None for any other key."""
    for row in reference.ivr_regions():
        if row.digit == (digit or "").strip():
            return Location(row.name_ko, row.lat, row.lon, "ivr_digit")
    return None


# Cities and other spoken forms, mapped to the province code of area_codes.csv.
_SPOKEN_PLACES: dict[str, tuple[str, ...]] = {
    region: tuple(words.split())
    for region, words in {
        "서울": "서울특별시",
        "인천": "인천광역시 부평 송도",
        "경기": "경기도 수원 성남 안산 용인 고양 부천 화성 평택 안양 시흥 김포 파주 의정부 광명 "
        "군포 하남 오산 이천 남양주",
        "강원": "강원도 강원특별자치도 춘천 원주 강릉 속초 동해 삼척",
        "충남": "충청남도 천안 아산 당진 서산 공주 논산 보령 홍성",
        "충북": "충청북도 청주 충주 제천 진천",
        "대전": "대전광역시",
        "세종": "세종시 세종특별자치시",
        "전북": "전라북도 전북특별자치도 전주 익산 군산 정읍 김제",
        "전남": "전라남도 목포 여수 순천 광양 나주",
        "광주": "광주광역시",
        "대구": "대구광역시",
        "경북": "경상북도 포항 구미 경주 안동 경산 김천 영천",
        "부산": "부산광역시",
        "울산": "울산광역시",
        "경남": "경상남도 창원 김해 진주 양산 거제 통영 마산 사천 밀양",
        "제주": "제주도 제주특별자치도 서귀포",
    }.items()
}
# Names of a whole IVR group ("충청도") resolve to that group.
_SPOKEN_GROUPS: dict[str, str] = {"충청": "3", "전라": "4", "호남": "4", "수도권": "1"}


def _normalise(text: str) -> str:
    return re.sub(r"[\s.,!?·~\-]+", "", text).lower()


@cache
def _speech_table() -> list[tuple[str, Location]]:
    by_region = {a.region_ko: a for a in reference.area_codes()}
    table: list[tuple[str, Location]] = []
    for region, aliases in _SPOKEN_PLACES.items():
        area = by_region[region]
        for word in (region, area.region_en.lower(), *aliases):
            table.append((_normalise(word), Location(region, area.lat, area.lon, "ivr_speech")))
    for word, digit in _SPOKEN_GROUPS.items():
        group = ivr_region(digit)
        assert group is not None
        table.append((word, group._replace(source="ivr_speech")))
    # Longest first, so "경상남도" wins over a shorter name inside it.
    table.sort(key=lambda item: len(item[0]), reverse=True)
    return table


def region_from_speech(text: str | None) -> Location | None:
    """A region named in a spoken answer ("부산이요", "창원에 있습니다"), or None."""
    spoken = _normalise(text or "")
    if not spoken:
        return None
    best: tuple[int, int, Location] | None = None
    for word, location in _speech_table():
        at = spoken.find(word)
        # Earliest mention wins; at the same place the longer name (sorted first) wins.
        if at >= 0 and (best is None or at < best[0]):
            best = (at, -len(word), location)
    return best[2] if best else None
