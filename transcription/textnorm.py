"""Korean text normalisation for character error rate (CER) scoring.

Transcripts and references write the same speech differently: "3차원" or "삼차원", "KC" or
"케이씨", with or without spaces and punctuation. Scoring compares what was *said*, so both
sides are reduced to Hangul syllables only: digits and Latin letters are spelled out as a
Korean speaker reads them, everything that is not Hangul is dropped. Pure module: no I/O.
"""

from __future__ import annotations

import re
import unicodedata

_DIGITS = "영일이삼사오육칠팔구"
_SMALL_UNITS = ("", "십", "백", "천")
_BIG_UNITS = ("", "만", "억", "조", "경")

# Native Korean numerals used before these counters ("3개" is read 세 개, not 삼 개).
# Counters whose reading is ambiguous (번, 대) are left to the Sino-Korean reading.
_NATIVE_COUNTERS = ("개", "명", "시간", "시", "가지", "군데", "달", "마리", "살", "번째")
_NATIVE_ONES = ("", "한", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉")
_NATIVE_TENS = ("", "열", "스물", "서른", "마흔", "쉰", "예순", "일흔", "여든", "아흔")

LETTER_NAMES = {
    "A": "에이", "B": "비", "C": "씨", "D": "디", "E": "이", "F": "에프", "G": "지",
    "H": "에이치", "I": "아이", "J": "제이", "K": "케이", "L": "엘", "M": "엠", "N": "엔",
    "O": "오", "P": "피", "Q": "큐", "R": "알", "S": "에스", "T": "티", "U": "유",
    "V": "브이", "W": "더블유", "X": "엑스", "Y": "와이", "Z": "제트",
}  # fmt: skip

# Latin words read as words rather than letter by letter (lower-cased keys).
LATIN_WORDS = {
    "kolas": "콜라스",
    "mm": "밀리미터",
    "cm": "센티미터",
    "kg": "킬로그램",
    "kw": "킬로와트",
    "kwh": "킬로와트시",
    "ppm": "피피엠",
}

_SYMBOLS = {"%": "퍼센트", "℃": "도", "°C": "도", "°": "도", "㎜": "밀리미터", "㎏": "킬로그램"}

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_LATIN = re.compile(r"[A-Za-z]+")
_NOT_HANGUL = re.compile(r"[^\uac00-\ud7a3]+")


def sino_korean(number: int) -> str:
    """Read a non-negative integer the Sino-Korean way: 2024 -> 이천이십사."""
    if number == 0:
        return "영"
    groups: list[str] = []
    for big in _BIG_UNITS:
        number, group = divmod(number, 10000)
        if group:
            words = []
            for place, unit in enumerate(_SMALL_UNITS):
                digit = group // 10**place % 10
                if digit:
                    # 십, 백, 천 stand alone for 1 (not 일십); ones keep 일.
                    words.append(unit if digit == 1 and unit else _DIGITS[digit] + unit)
            text = "".join(reversed(words))
            # 10000 is 만, not 일만.
            groups.append("" if text == "일" and big == "만" else text)
            groups[-1] += big
        if not number:
            break
    return "".join(reversed(groups))


def native_korean(number: int) -> str | None:
    """Read 1-99 in native Korean as before a counter (3 -> 세, 20 -> 스무); None above."""
    if not 0 < number < 100:
        return None
    tens, ones = divmod(number, 10)
    if number == 20:
        return "스무"
    return _NATIVE_TENS[tens] + _NATIVE_ONES[ones]


def _read_number(match: re.Match[str]) -> str:
    raw = match.group(0).replace(",", "")
    whole, _, fraction = raw.partition(".")
    after = match.string[match.end() :]
    if not fraction and after.lstrip().startswith(_NATIVE_COUNTERS):
        if whole == "1" and after.lstrip().startswith("번째"):
            return "첫"
        native = native_korean(int(whole))
        if native:
            return native
    text = sino_korean(int(whole))
    if fraction:
        text += "점" + "".join(_DIGITS[int(d)] for d in fraction)
    return text


def _read_latin(match: re.Match[str]) -> str:
    word = match.group(0)
    known = LATIN_WORDS.get(word.lower())
    if known:
        return known
    return "".join(LETTER_NAMES[ch] for ch in word.upper())


def spell_out(text: str) -> str:
    """Write digits, Latin letters and unit symbols as Korean reads them, keeping the rest."""
    text = unicodedata.normalize("NFKC", text)
    for symbol, reading in _SYMBOLS.items():
        text = text.replace(symbol, reading)
    text = _NUMBER.sub(_read_number, text)
    return _LATIN.sub(_read_latin, text)


def normalise_for_cer(text: str) -> str:
    """Reduce text to the Hangul syllables that were said: no spaces, punctuation or digits."""
    return _NOT_HANGUL.sub("", spell_out(text))


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between two strings (substitutions, insertions, deletions)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def char_errors(ref: str, hyp: str) -> tuple[int, int]:
    """(character edits, reference length) after normalising both texts, for pooled CER."""
    r, h = normalise_for_cer(ref), normalise_for_cer(hyp)
    return edit_distance(r, h), len(r)


def cer(ref: str, hyp: str) -> float:
    """Character error rate of hyp against ref on normalised text.

    An empty normalised reference scores 0.0 for an empty hypothesis and 1.0 otherwise
    (anything heard in silence is all error).
    """
    errors, length = char_errors(ref, hyp)
    if length == 0:
        return 0.0 if errors == 0 else 1.0
    return errors / length
