"""Features of a statement for the topic classifier: syllable n-grams and Kiwi lemmas.

Syllable n-grams inside each word survive transcription slips and unseen inflections
(구부리면 / 구부렸더니 share 구부); lemmas join irregular forms (부어 / 부을 / 붓는 -> 붓/VV).
A statement is the *bag* of its words' feature sets plus adjacent lemma pairs (a feature
in two words counts twice), so routing can cache each word's share of the score; training
uses the same functions and the same bag.
"""

from __future__ import annotations

from collections.abc import Sequence


def word_features(word: str, lemmas: Sequence[str]) -> set[str]:
    """``c:`` syllable 1-3-grams of one word (with < > edges) and ``m:`` its lemmas."""
    feats: set[str] = set()
    add = feats.add
    padded = f"<{word}>"
    n = len(padded)
    for i in range(1, n - 1):
        add("c:" + padded[i])
    for i in range(n - 1):
        add("c:" + padded[i : i + 2])
    for i in range(n - 2):
        add("c:" + padded[i : i + 3])
    for lemma in lemmas:
        add("m:" + lemma)
    return feats


def pair_features(lemmas: Sequence[tuple[str, ...]]) -> list[str]:
    """Adjacent lemma pairs (쇳물 ... 붓다, 판 ... 구부리다) across the statement."""
    flat = [lemma for group in lemmas for lemma in group]
    return [f"p:{a}+{b}" for a, b in zip(flat, flat[1:], strict=False)]


def statement_features(words: Sequence[str], lemmas: Sequence[tuple[str, ...]]) -> list[str]:
    """The statement's feature bag: each word's feature set, then the lemma pairs."""
    feats: list[str] = []
    for w, group in zip(words, lemmas, strict=True):
        feats.extend(word_features(w, group))
    feats.extend(pair_features(lemmas))
    return feats
