"""Spoken answers to the menu, mapped to the same digits as the keypad."""

from __future__ import annotations

import re

# Phrases per menu digit; spaces are ignored when matching ("기술 상담" = "기술상담").
MENU_PHRASES: dict[str, tuple[str, ...]] = {
    digit: tuple(words.split())
    for digit, words in {
        "1": "기술애로 기술상담 기술지원 애로 애로사항 기술문제 문제 고장 불량 접수하고 상담접수 "
        "technical problem support",
        "2": "시험 인증 장비 테스트 측정 분석 검사 testing test certification equipment",
        "3": "특허 기술이전 인력 채용 판로 마케팅 수출 지식재산 patent transfer staff hiring "
        "sales market",
        "4": "조회 진행상황 진행상태 처리상황 접수확인 접수한건 접수건 확인하고 status check",
        "0": "상담원 상담사 상담직원 직원 사람 연결 통화하고 operator agent representative person",
        "9": "영어 잉글리시 english",
    }.items()
}

# Words that only name a digit: "1번", "일 번", "영번이요".
_SPOKEN_DIGITS = dict(zip("공영일이삼사오육칠팔구", "00123456789", strict=True)) | {
    word: str(n)
    for n, word in enumerate("zero one two three four five six seven eight nine".split())
}
_DIGIT_ANSWER = re.compile(
    r"^(?:(?P<num>[0-9])|(?P<word>[공영일이삼사오육칠팔구]|zero|one|two|three|four|five|six"
    r"|seven|eight|nine))(?:번|number|press)?(?:이요|요|입니다|이에요|으로|이요\.)?$"
)


def normalise(text: str) -> str:
    """Lower-case, without spaces or punctuation (Korean word spacing varies by recogniser)."""
    return re.sub(r"[\s.,!?·~\-'\"]+", "", text).lower()


def spoken_digit(text: str | None) -> str | None:
    """The digit a short answer names ("2번이요", "일 번", "three"), else None."""
    match = _DIGIT_ANSWER.match(normalise(text or ""))
    if not match:
        return None
    return match.group("num") or _SPOKEN_DIGITS[match.group("word")]


def choice_from_speech(text: str | None) -> str | None:
    """The menu digit a spoken answer asks for, or None.

    The longest matching phrase wins, so "기술 이전" goes to 3 even though it contains
    "기술", and "상담원 연결해 주세요" to 0 rather than "상담" of 1.
    """
    digit = spoken_digit(text)
    if digit is not None:
        return digit
    spoken = normalise(text or "")
    best: tuple[int, int, str] | None = None  # (length, -position, digit)
    for choice, phrases in MENU_PHRASES.items():
        for phrase in phrases:
            at = spoken.find(phrase)
            if at >= 0:
                candidate = (len(phrase), -at, choice)
                if best is None or candidate > best:
                    best = candidate
    return best[2] if best else None


def menu_hints(lang: str) -> str:
    """Speech hints for the menu <Gather>: the phrases callers are most likely to say."""
    if lang == "en":
        return "technical problem, testing, certification, equipment, patent, status, agent"
    return "기술 상담, 기술 애로, 시험, 인증, 장비, 특허, 기술이전, 인력, 판로, 조회, 상담원, 영어"
