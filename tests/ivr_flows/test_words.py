"""Speech matching, business hours, numbers read aloud, and the location contract."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from ivr_flows import IvrSettings, holiday_name, is_open
from ivr_flows.speech import choice_from_speech, spoken_digit
from ivr_flows.texts import describe_hours, korean_ordinal, spell_digits, topic_particle
from routing.location import ivr_region, region_from_number, region_from_speech

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.mark.parametrize(
    ("text", "digit"),
    [
        ("기술 상담", "1"),
        ("기술애로 상담 접수요", "1"),
        ("금형에 문제가 생겼어요", "1"),
        ("장비", "2"),
        ("시험 인증 문의", "2"),
        ("기술 이전 문의드려요", "3"),
        ("판로 개척", "3"),
        ("조회", "4"),
        ("접수한 건 확인하고 싶어요", "4"),
        ("상담원 연결해 주세요", "0"),
        ("상담사랑 통화하고 싶어요", "0"),
        ("영어", "9"),
        ("English", "9"),
        ("일 번", "1"),
        ("0번이요", "0"),
        ("음 잘 모르겠어요", None),
        ("", None),
    ],
)
def test_menu_choice_from_speech(text, digit):
    assert choice_from_speech(text) == digit


def test_spoken_digit_only_for_short_answers():
    assert spoken_digit("6번") == "6"
    assert spoken_digit("육 번이요") == "6"
    assert spoken_digit("부산 6번 출구") is None


def _kst(*args: int) -> datetime:
    return datetime(*args, tzinfo=SEOUL)


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (_kst(2026, 11, 27, 9, 0), True),  # Friday 09:00
        (_kst(2026, 11, 27, 17, 59), True),
        (_kst(2026, 11, 27, 8, 59), False),
        (_kst(2026, 11, 27, 18, 0), False),
        (_kst(2026, 11, 28, 11, 0), False),  # Saturday
        (_kst(2026, 2, 17, 11, 0), False),  # 설날 (a Tuesday)
        (_kst(2026, 3, 2, 11, 0), False),  # substitute holiday for 삼일절
        (_kst(2026, 9, 25, 11, 0), False),  # 추석
        (datetime(2026, 11, 27, 1, 0, tzinfo=UTC), True),  # 10:00 in Seoul
    ],
)
def test_business_hours_follow_the_korean_calendar(moment, open_):
    assert is_open(moment, IvrSettings()) is open_


def test_business_hours_are_configurable():
    saturday_morning = _kst(2026, 11, 28, 8, 0)
    settings = IvrSettings(weekdays=(5,), open_minute=7 * 60, close_minute=12 * 60)
    assert is_open(saturday_morning, settings)


def test_holiday_names_and_naive_times():
    assert holiday_name(_kst(2026, 2, 17, 0, 0).date())
    assert holiday_name(_kst(2026, 2, 19, 0, 0).date()) is None
    with pytest.raises(ValueError):
        is_open(datetime(2026, 11, 27, 10, 0), IvrSettings())


def test_numbers_read_aloud():
    assert spell_digits("1379-20261127-0042") == "일 삼 칠 구, 이 공 이 육 일 일 이 칠, 공 공 사 이"
    assert spell_digits("0042", "en") == "zero zero four two"
    ordinals = {n: korean_ordinal(n) for n in (1, 2, 3, 4, 10, 11, 20, 21, 35, 100)}
    assert ordinals == {
        1: "첫",
        2: "두",
        3: "세",
        4: "네",
        10: "열",
        11: "열한",
        20: "스무",
        21: "스물한",
        35: "서른다섯",
        100: "100",
    }
    assert topic_particle("강원") == "은"
    assert topic_particle("서울·인천·경기") == "는"


def test_hours_in_words():
    assert describe_hours("ko", (0, 1, 2, 3, 4), 540, 1080) == "평일 오전 9시부터 오후 6시까지"
    assert describe_hours("en", (0, 1, 2, 3, 4), 540, 1080) == "weekdays, 9 a.m. to 6 p.m."
    assert describe_hours("ko", (0, 2), 720, 810) == "월요일, 수요일 낮 12시부터 오후 1시 30분까지"


@pytest.mark.parametrize(
    ("number", "region"),
    [
        ("+8221234567", "서울"),  # 02-123-4567
        ("+82415551234", "충남"),  # 041
        ("+82557771234", "경남"),  # 055
        ("+82641234567", "제주"),  # 064
        ("+821012345678", None),  # mobile
        ("+827012345678", None),  # 070
        ("+82801234567", None),  # 080
        ("+8215881379", None),  # 15xx
        ("+8216449999", None),  # 16xx
        ("Anonymous", None),
        ("Restricted", None),
        ("", None),
        ("+266696687", None),  # Twilio's placeholder for a withheld number
        ("+14155551234", None),
    ],
)
def test_region_from_number(number, region):
    location = region_from_number(number)
    assert location.region == region
    assert location.source == ("area_code" if region else "unknown")
    assert (location.lat is not None) == bool(region)


def test_region_from_the_ivr_question():
    busan = ivr_region("6")
    assert busan is not None and busan.source == "ivr_digit"
    assert busan.region == "부산·울산·경남" and busan.lat == pytest.approx(35.1798)
    assert ivr_region("8") is None and ivr_region("") is None
    for text, region in [
        ("부산이요", "부산"),
        ("창원에 있습니다", "경남"),
        ("경상남도 김해", "경남"),
        ("제주도요", "제주"),
        ("충청도", "대전·세종·충청"),
    ]:
        found = region_from_speech(text)
        assert found is not None and found.region == region and found.source == "ivr_speech"
    assert region_from_speech("잘 모르겠어요") is None
