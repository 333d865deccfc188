"""Number formatting and masking, segment times, routing explanation parsing."""

from __future__ import annotations

import re

import phonenumbers
import pytest

from callcenter.console.present import (
    clock,
    mask_number,
    national_format,
    segments_of,
    topic_scores,
)

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


def test_segments_sorted_and_malformed_skipped():
    raw = [
        {"start": 5, "end": 7, "text": " 둘째 "},
        {"start": "x", "text": "bad"},
        "nonsense",
        {"start": 0, "end": 5, "text": "첫째"},
        {"start": 9, "text": "   "},
    ]
    segments = segments_of(raw)  # type: ignore[arg-type]
    assert [(s.label, s.text) for s in segments] == [("0:00", "첫째"), ("0:05", "둘째")]
    assert clock(3725) == "1:02:05"


@pytest.mark.parametrize(
    "raw",
    [
        {"casting": 0.8, "mold": 0.4},
        [{"topic": "mold", "score": 0.4}, {"code": "casting", "score": 0.8}],
        [["casting", 0.8], ["mold", 0.4], ["broken"]],
    ],
)
def test_topic_scores_accept_several_shapes(raw):
    scores = topic_scores({"topic_scores": raw})
    assert [(s.code, s.score, s.share) for s in scores] == [
        ("casting", 0.8, 1.0),
        ("mold", 0.4, 0.5),
    ]
