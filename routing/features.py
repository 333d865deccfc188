"""Features of a statement for the topic classifier: syllable n-grams and Kiwi lemmas.

Syllable n-grams inside each word survive transcription slips and unseen inflections
(구부리면 / 구부렸더니 share 구부); lemmas join irregular forms (부어 / 부을 / 붓는 -> 붓/VV).
The same function serves training and routing, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence


def statement_features(words: Sequence[str], lemmas: Sequence[tuple[str, ...]]) -> list[str]:
    """Distinct feature strings: ``c:`` syllable 1-3-grams per word, ``m:`` lemmas."""
    feats: set[str] = set()
    add = feats.add
    for w in words:
        padded = f"<{w}>"
        n = len(padded)
        for i in range(1, n - 1):
            add("c:" + padded[i])
        for i in range(n - 1):
            add("c:" + padded[i : i + 2])
        for i in range(n - 2):
            add("c:" + padded[i : i + 3])
    for group in lemmas:
        for lemma in group:
            add("m:" + lemma)
    # Adjacent lemma pairs catch two-word descriptions (쇳물 ... 붓다, 판 ... 구부리다).
    flat = [lemma for group in lemmas for lemma in group]
    for a, b in zip(flat, flat[1:], strict=False):
        add(f"p:{a}+{b}")
    return list(feats)
