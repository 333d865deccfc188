"""Caller location: area codes, IVR digits, spoken places, and what carries no region."""

from __future__ import annotations

import pytest

from routing import reference
from routing.location import (
    UNKNOWN,
    ivr_region,
    region_from_number,
    region_from_speech,
    resolve_location,
)


@pytest.mark.parametrize(
    ("number", "region", "prefix"),
    [
        ("+8221234567", "서울", "02"),  # 02-123-4567
        ("+82212345678", "서울", "02"),  # 02-1234-5678
        ("+82551234567", "경남", "055"),
        ("+82627654321", "광주", "062"),
        ("+82647001234", "제주", "064"),
        ("+82 41-555-1234", "충남", "041"),
    ],
)
def test_landline_area_code_gives_province_point(number, region, prefix):
    loc = region_from_number(number)
    assert loc is not None
    assert (loc.region, loc.source, loc.detail) == (region, "area_code", prefix)
    area = next(a for a in reference.area_codes() if a.prefix == prefix)
    assert (loc.lat, loc.lon) == (area.lat, area.lon)


@pytest.mark.parametrize(
    "number",
    [
        "+821012345678",  # mobile
        "+827012345678",  # 070 internet phone
        "+82801234567",  # 080 toll-free
        "+8215881234",  # 1588 nationwide
        "+8216441234",  # 1644
        "Anonymous",
        "Restricted",
        "",
        None,
        "+266696687",  # withheld caller ID forms
        "+14155550100",
        "+81312345678",  # foreign
        "+8223",  # too short to be a Seoul number
    ],
)
def test_numbers_without_region(number):
    assert region_from_number(number) is UNKNOWN


def test_every_area_code_is_reachable():
    for area in reference.area_codes():
        national = area.prefix[1:] + ("1234567" if area.prefix == "02" else "2345678")
        assert region_from_number("+82" + national).region == area.region_ko


def test_ivr_digit_gives_group_name_and_point():
    for group in reference.ivr_regions():
        loc = ivr_region(group.digit)
        assert loc.source == "ivr_digit"
        assert (loc.lat, loc.lon) == (group.lat, group.lon)
        assert loc.region == group.name_ko
        assert group.name_ko in loc.detail
    assert ivr_region("9") is None and ivr_region(None) is None


@pytest.mark.parametrize(
    ("spoken", "region"),
    [
        ("부산이요", "부산"),
        ("창원", "경남"),
        ("경기도 안산", "경기"),
        ("네 경상남도 김해시에서 전화드렸어요", "경남"),
        ("충청북도 청주요", "충북"),
        ("세종시", "세종"),
        ("광주광역시요", "광주"),
        ("Changwon", "경남"),
        ("서울 말고 부산이요", "부산"),  # a correction: the later answer
        ("충청도요", "대전·세종·충청"),  # a whole IVR group: named as the group, as for digit 3
        ("전라도", "광주·전라"),
    ],
)
def test_spoken_place_names(spoken, region):
    loc = region_from_speech(spoken)
    assert loc is not None and loc.region == region and loc.source == "ivr_speech"
    points = [(a.region_ko, a.lat, a.lon) for a in reference.area_codes()]
    points += [(g.name_ko, g.lat, g.lon) for g in reference.ivr_regions()]
    assert (region, loc.lat, loc.lon) in points


@pytest.mark.parametrize("spoken", ["대전환을 했어요", "구리관이요", "잘 모르겠어요", "", None])
def test_words_that_merely_start_like_places_are_not_places(spoken):
    assert region_from_speech(spoken) is None


def test_every_place_maps_to_a_known_region():
    regions = {a.region_ko for a in reference.area_codes()}
    groups = {g.name_ko for g in reference.ivr_regions()}
    # Every province is reachable by name; whole groups only for names spanning several.
    assert regions <= set(reference.places().values()) <= regions | groups


def test_resolution_order_number_then_ivr_then_unknown():
    assert resolve_location("+82512345678", "1").region == "부산"  # number wins
    assert resolve_location("+821012345678", "6").source == "ivr_digit"
    assert resolve_location("Anonymous", "경남").region == "경남"
    assert resolve_location(None, "Gyeongnam").region == "경남"
    assert resolve_location(None, "경남", ivr_source="operator").source == "operator"
    assert resolve_location(None, "창원이요").region == "경남"
    assert resolve_location("+821012345678", None) is UNKNOWN
    assert resolve_location(None, "모름") is UNKNOWN
    assert not UNKNOWN.known
