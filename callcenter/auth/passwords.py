"""Password rules beyond length: not common, not repeated, not made of the context.

A password is refused when it is on the bundled list of common passwords, when it has
fewer than ``MIN_DISTINCT`` different characters (``aaaaaaaaaa``, ten spaces,
``1212121212``), or when taking out the words anyone would guess first (the username and
display name, 1379, the centers' names, common password words, keyboard and alphabet
runs) leaves fewer than ``MIN_REMAINDER`` characters: ``kim1379kim1379`` and
``password2024!`` are as weak as their parts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from routing import reference

MIN_DISTINCT = 5
MIN_REMAINDER = 6
# Words of the place: whoever guesses a call-center password tries these first.
PLACE_WORDS = (
    "1379",
    "callcenter",
    "call-center",
    "hotline",
    "kitech",
    "center",
    "centre",
    "콜센터",
    "상담",
    "센터",
    "생산기술",
    "한국생산기술연구원",
)
# Words that common passwords are built from (with digits or symbols around them).
COMMON_WORDS = (
    "password",
    "passwd",
    "passw0rd",
    "p@ssw0rd",
    "qwerty",
    "letmein",
    "welcome",
    "administrator",
    "admin",
    "iloveyou",
    "login",
    "master",
    "dragon",
    "monkey",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "superman",
    "secret",
    "hello",
    "freedom",
    "whatever",
    "samsung",
    "korea",
    "seoul",
    "saranghae",
    "sarang",
    "changeme",
    "default",
    "test",
    "guest",
    "love",
)
# Runs along the keyboard or the alphabet, any four or more in a row (either direction).
RUNS = (
    "0123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv",
    "1q2w3e4r5t6y",
    "!@#$%^&*()",
)
_SEPARATORS = re.compile(r"[\s\-_.]+")


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list, lower case."""
    path = Path(__file__).with_name("common_passwords.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def _center_words() -> list[str]:
    words = []
    for center in reference.centers():
        words += [center.code, center.city, center.name_en]
        words += re.split(r"[\s()]+", center.name_ko)
    return [w for w in words if w]


def _runs(text: str) -> Iterable[str]:
    for run in RUNS:
        for sequence in (run, run[::-1]):
            for size in range(len(sequence), 3, -1):
                for start in range(len(sequence) - size + 1):
                    piece = sequence[start : start + size]
                    if piece in text:
                        yield piece


def guessable_remainder(password: str, context: Iterable[str] = ()) -> str:
    """What is left of ``password`` after the guessable words and runs are taken out."""
    text = _SEPARATORS.sub("", password.lower())
    names = [part for word in context for part in (word, *re.split(r"[\s\-_.@]+", word))]
    words = [*names, *PLACE_WORDS, *COMMON_WORDS, *_center_words()]
    pieces = {_SEPARATORS.sub("", w.lower()) for w in words}
    for piece in sorted((p for p in pieces if len(p) >= 3), key=len, reverse=True):
        text = text.replace(piece, "")
    for piece in sorted(set(_runs(text)), key=len, reverse=True):
        text = text.replace(piece, "")
    # A character three or more times in a row counts once ("aaaa" adds nothing).
    return re.sub(r"(.)\1{2,}", r"\1", text)


def is_guessable(password: str, context: Iterable[str] = ()) -> bool:
    """True when ``password`` is common, repetitive or made of its context."""
    if not password.strip() or password.lower() in common_passwords():
        return True
    if len(set(password)) < MIN_DISTINCT:
        return True
    return len(guessable_remainder(password, context)) < MIN_REMAINDER
