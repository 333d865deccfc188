"""One way to show records everywhere: names of topics and centers, numbers formatted and masked."""

from __future__ import annotations

import re

import phonenumbers
import pytest
from flask import g

from callcenter.display import center_name, is_code, mask_number, names, national_format, topic_name

NUMBERS = [
    "+821012345678",
    "+8221234567",
    "+82212345678",
    "+82325551234",
    "+82315551234",
    "+82641234567",
    "+827012345678",
    "+8215881234",
    "+8280012345678",
    "+14155550100",
]


@pytest.mark.parametrize("number", NUMBERS)
def test_fast_korean_format_agrees_with_phonenumbers(number):
    expected = phonenumbers.format_number(
        phonenumbers.parse(number, "KR"), phonenumbers.PhoneNumberFormat.NATIONAL
    )
    assert national_format(number) == expected


@pytest.mark.parametrize("number", NUMBERS)
def test_mask_hides_all_but_the_last_four_digits_of_the_national_format(number):
    shown = phonenumbers.format_number(
        phonenumbers.parse(number, "KR"), phonenumbers.PhoneNumberFormat.NATIONAL
    )
    assert mask_number(number) == re.sub(r"[0-9]", "•", shown[:-4]) + shown[-4:]


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("+821012345678", "•••-••••-5678"),
        ("+8221234567", "••-•••-4567"),
        ("Anonymous", "Anonymous"),
        ("", ""),
        ("+82325551234", "•••-•••-1234"),
        ("+827012345678", "•••-••••-5678"),
    ],
)
def test_mask_keeps_only_the_last_four_digits(number, masked):
    assert mask_number(number) == masked
    assert sum(ch.isdigit() for ch in mask_number(number)) <= 4


def test_names_in_the_readers_language(app):
    with app.test_request_context():
        assert topic_name("casting") == "주조" and center_name("INCHEON") == "뿌리기술연구소(인천)"
        assert names("topic")["casting"] == "주조"
        assert names("topic", "en")["casting"] == "Casting"
        g._language = "en"
        assert topic_name("casting") == "Casting"


def test_unknown_codes_show_as_themselves_and_none_as_the_placeholder(app):
    with app.test_request_context():
        assert topic_name("nonsense") == "nonsense"
        assert topic_name(None) == "—" and center_name("") == "—"
        assert center_name("-", unset="–") == "–"  # the rollups' key for "no center"
        assert is_code("center", "INCHEON") and not is_code("topic", "INCHEON")
