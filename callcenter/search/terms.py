"""Index terms: the overlapping two-character pieces (bigrams) of case-folded text.

Korean search words are often two syllables (도금, 용접, 금형), so the index keeps every
pair of neighbouring characters within each whitespace-separated run. Whatever LIKE (or
ILIKE) finds inside a text, the text holds every bigram of the searched word, so the index
may only ever widen a search, never lose a match; the database's own LIKE then decides.
"""

from __future__ import annotations


class _Fold(dict[int, int]):
    """``str.translate`` table mapping each character to its simple lowercase, filled lazily.

    Per character and without context, as the databases fold it (PostgreSQL's lower() under
    a UTF-8 locale, SQLite's ASCII-only ILIKE): ``str.lower`` would turn a final Σ into ς
    and İ into two characters, and a match could then hide from the index.
    """

    def __missing__(self, code: int) -> int:
        folded = ord(chr(code).lower()[0])
        self[code] = folded
        return folded


_FOLD = _Fold()


def fold(text: str) -> str:
    """``text`` with every character in its simple lowercase."""
    lowered = text.lower()
    if lowered == text:
        return text  # most Korean text: nothing to fold
    # str.lower differs from folding character by character only by İ (two characters)
    # and the final sigma; both show, so the fast result stands otherwise.
    if len(lowered) == len(text) and "ς" not in lowered:
        return lowered
    return text.translate(_FOLD)


def bigrams(text: str) -> list[str]:
    """The distinct bigrams of ``text`` (case-folded, none spanning whitespace), sorted.

    A piece of one character between spaces adds none: such a word cannot use the index.
    """
    return sorted({run[i : i + 2] for run in fold(text).split() for i in range(len(run) - 1)})
