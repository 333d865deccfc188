"""The weighted topic lexicon, matched against a statement's words and lemmas.

Three kinds of terms (``routing/data/lexicon.tsv``):
- surface strings, found inside the text with spaces ignored (다이 캐스팅 = 다이캐스팅); a
  match that crosses a space must start a word, so 검사 형태 never yields 사형;
- lemmas ``form/TAG`` from Kiwi (녹/NNG rust is not 녹이/VV melt);
- combinations ``a+b`` whose parts must all occur (모래/NNG+붓/VV: sand and pouring).
Latin terms (KC, PCB) must stand alone as words.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from routing.reference import LexiconEntry


@dataclass(frozen=True)
class Hit:
    """One matched lexicon term: what it is evidence for and how strongly."""

    term: str
    topic: str
    weight: float
    matched: str


def _is_lemma(part: str) -> bool:
    return "/" in part


def _key(part: str) -> str:
    """Lookup key: lower-case form; a lemma keeps its upper-case tag (as Morphology emits)."""
    part = part.strip()
    if _is_lemma(part):
        form, tag = part.rsplit("/", 1)
        return f"{form.lower()}/{tag.upper()}"
    return part.lower()


class Lexicon:
    """Compiled lexicon: one regex for surface terms, dictionaries for lemmas and combinations."""

    def __init__(self, entries: Iterable[LexiconEntry]) -> None:
        self.entries = tuple(entries)
        self._surface: dict[str, list[LexiconEntry]] = defaultdict(list)
        self._lemma: dict[str, list[LexiconEntry]] = defaultdict(list)
        self._combos: dict[str, list[tuple[LexiconEntry, tuple[str, ...]]]] = defaultdict(list)
        surface_terms: set[str] = set()
        for e in self.entries:
            parts = tuple(_key(p) for p in e.term.split("+"))
            for p in parts:
                if not _is_lemma(p):
                    if len(p) < 2:
                        raise ValueError(f"lexicon term {e.term!r}: surface parts need 2+ letters")
                    surface_terms.add(p)
            if len(parts) > 1:
                self._combos[parts[0]].append((e, parts))
            elif _is_lemma(parts[0]):
                self._lemma[parts[0]].append(e)
            else:
                self._surface[parts[0]].append(e)
        # Longest first: at one position the most specific term wins (레이저용접 over 용접).
        ordered = sorted(surface_terms, key=lambda t: (-len(t), t))
        self._regex = re.compile("|".join(re.escape(t) for t in ordered))

    def _surface_matches(self, words: Sequence[str]) -> list[tuple[str, str]]:
        """(term, matched text) for surface terms, with the word-boundary rules applied."""
        joined = "".join(words)
        if not joined:
            return []
        word_of: list[int] = []
        starts: set[int] = set()
        pos = 0
        for i, w in enumerate(words):
            starts.add(pos)
            word_of.extend([i] * len(w))
            pos += len(w)
        found = []
        for m in self._regex.finditer(joined):
            s, e = m.start(), m.end()
            term = m.group(0)
            if word_of[s] != word_of[e - 1] and s not in starts:
                continue  # crosses a space without starting a word: an accident
            if term.isascii():
                before = joined[s - 1] if s > 0 and s not in starts else ""
                after = joined[e] if e < len(joined) and e not in starts else ""
                if before.isascii() and before.isalnum() or after.isascii() and after.isalnum():
                    continue
            found.append((term, " ".join(words[word_of[s] : word_of[e - 1] + 1])))
        return found

    def match(self, words: Sequence[str], lemmas: Sequence[tuple[str, ...]]) -> list[Hit]:
        """Every term present in the statement, each counted once."""
        present: dict[str, str] = {}
        for term, shown in self._surface_matches(words):
            present.setdefault(term, shown)
        for w, group in zip(words, lemmas, strict=True):
            for lemma in group:
                present.setdefault(lemma, w)
        hits: list[Hit] = []
        for key, shown in present.items():
            for e in self._surface.get(key, ()):
                hits.append(Hit(e.term, e.topic, e.weight, shown))
            for e in self._lemma.get(key, ()):
                hits.append(Hit(e.term, e.topic, e.weight, shown))
            for e, parts in self._combos.get(key, ()):
                if all(p in present for p in parts[1:]):
                    hits.append(
                        Hit(e.term, e.topic, e.weight, " … ".join(present[p] for p in parts))
                    )
        return hits
