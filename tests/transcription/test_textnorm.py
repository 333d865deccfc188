"""CER text normalisation: what was said, not how it was written."""

from __future__ import annotations

import pytest

from transcription.textnorm import (
    cer,
    char_errors,
    edit_distance,
    native_korean,
    normalise_for_cer,
    sino_korean,
)


@pytest.mark.parametrize(
    ("number", "reading"),
    [
        (0, "영"),
        (1, "일"),
        (10, "십"),
        (16, "십육"),
        (100, "백"),
        (1379, "천삼백칠십구"),
        (2024, "이천이십사"),
        (10000, "만"),
        (15000, "만오천"),
        (20000, "이만"),
        (100000000, "일억"),
        (300000500, "삼억오백"),
    ],
)
def test_sino_korean_numbers(number: int, reading: str) -> None:
    assert sino_korean(number) == reading


def test_native_numbers_before_counters() -> None:
    assert native_korean(3) == "세"
    assert native_korean(20) == "스무"
    assert native_korean(21) == "스물한"
    assert native_korean(100) is None
    assert normalise_for_cer("부품 3개") == "부품세개"
    assert normalise_for_cer("2시간") == "두시간"
    assert normalise_for_cer("1번째") == "첫번째"
    # Counters outside the native list keep the Sino-Korean reading.
    assert normalise_for_cer("3차원 5%") == "삼차원오퍼센트"


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("KC 인증", "케이씨인증"),
        ("PCB 보드", "피씨비보드"),
        ("kc인증", "케이씨인증"),
        ("KOLAS 성적서", "콜라스성적서"),
        ("3D 프린터", "삼디프린터"),
        ("0.5mm", "영점오밀리미터"),
        ("500℃", "오백도"),
        ("1,200만 원", "천이백만원"),
        ("안녕하세요, 저희는... (웃음)", "안녕하세요저희는웃음"),
        ("Ｋ", "케이"),  # full-width Latin from some recognisers
    ],
)
def test_normalise_for_cer(written: str, normal: str) -> None:
    assert normalise_for_cer(written) == normal


def test_spelled_and_written_forms_score_equal() -> None:
    assert cer("3D 프린터를 빌리고 싶어요", "삼디 프린터를 빌리고 싶어요.") == 0.0
    assert cer("KC 인증", "케이씨 인증") == 0.0


def test_edit_distance() -> None:
    assert edit_distance("", "") == 0
    assert edit_distance("기공", "") == 2
    assert edit_distance("용접균열", "용접균얼") == 1
    assert edit_distance("abc", "acb") == 2
    assert edit_distance("주조", "다이주조") == 2


def test_cer_counts_edits_per_reference_character() -> None:
    assert cer("용접 균열", "용접 균얼") == pytest.approx(0.25)
    assert cer("기공", "") == 1.0
    assert char_errors("기공이요", "기공") == (2, 4)
    # Insertions can push CER above 1.
    assert cer("네", "네 네 네") == 2.0


def test_cer_with_an_empty_reference() -> None:
    assert cer("", "") == 0.0
    assert cer("...", " ") == 0.0
    assert cer("", "감사합니다") == 1.0
