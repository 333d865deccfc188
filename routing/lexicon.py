"""The weighted topic lexicon, matched against a statement's words and lemmas.

Three kinds of terms (``routing/data/lexicon.tsv``):
- surface strings, found inside a word (leftmost-longest), or across up to three words
  with the spaces ignored (다이 캐스팅 = 다이캐스팅) when the match starts a word, so
  검사 형태 never yields 사형;
- lemmas ``form/TAG`` from Kiwi (녹/NNG rust is not 녹이/VV melt);
- combinations ``a+b`` whose parts must all occur (모래/NNG+붓/VV: sand and pouring).
Latin terms (KC, PCB) must stand alone as words.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

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


def _trie_pattern(terms: Iterable[str]) -> str:
    """One regex for many literals, shaped as a prefix tree.

    A flat alternation of ~900 terms is tried term by term at every position; the tree
    costs at most one branch per letter. Optional continuations are greedy, so at each
    position the longest term wins (레이저용접 over 용접).
    """
    trie: dict[str, Any] = {}
    for term in terms:
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie) or "(?!)"


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
        self._regex = re.compile(_trie_pattern(surface_terms))
        self._word_cache: dict[str, tuple[str, ...]] = {}
        # Proper prefixes of surface terms: only a word that is one can start a term that
        # runs on into the next word.
        self._prefixes = frozenset(t[:k] for t in surface_terms for k in range(1, len(t)))
        # Lemmas that any entry mentions: the others in a statement are skipped at once.
        self._lemma_keys = frozenset(self._lemma) | frozenset(
            p
            for combos in self._combos.values()
            for _, parts in combos
            for p in parts
            if _is_lemma(p)
        )

    def _word_keys(self, word: str, lemmas: tuple[str, ...]) -> tuple[str, ...]:
        """Keys found inside one word: surface terms (leftmost-longest) and known lemmas."""
        keys = []
        for m in self._regex.finditer(word):
            term = m.group(0)
            if term.isascii() and not _ascii_alone(word, *m.span()):
                continue
            keys.append(term)
        known = self._lemma_keys
        keys.extend(lemma for lemma in lemmas if lemma in known)
        return tuple(dict.fromkeys(keys))

    def match(self, words: Sequence[str], lemmas: Sequence[tuple[str, ...]]) -> list[Hit]:
        """Every term present in the statement, each counted once."""
        present: dict[str, str] = {}
        cache = self._word_cache
        n = len(words)
        for i, (w, group) in enumerate(zip(words, lemmas, strict=True)):
            keys = cache.get(w)
            if keys is None:
                if len(cache) > 200_000:
                    cache.clear()
                keys = cache[w] = self._word_keys(w, group)
            for k in keys:
                present.setdefault(k, w)
            if i + 1 < n and w in self._prefixes:
                # A term spoken across a space (다이 캐스팅, 부을 때) must start this word.
                nxt = words[i + 1]
                tail = w + nxt + (words[i + 2] if i + 2 < n else "")
                m = self._regex.match(tail)
                if m is not None and m.end() > len(w):
                    end, second = m.end(), len(w) + len(nxt)
                    term = m.group(0)
                    if (
                        term.isascii()
                        and end not in (second, len(tail))
                        and not _ascii_alone(tail, 0, end)
                    ):
                        continue
                    shown = f"{w} {nxt}" if end <= second else f"{w} {nxt} {words[i + 2]}"
                    present.setdefault(term, shown)
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


def _ascii_alone(text: str, start: int, end: int) -> bool:
    """True when no Latin letter or digit touches text[start:end] (KC, not kcal).

    An English plural ending is allowed (plastics, robots).
    """
    before = text[start - 1] if start else ""
    rest = text[end:]
    for ending in ("es", "s"):
        if rest.startswith(ending) and not _latin(rest[len(ending) : len(ending) + 1]):
            rest = rest[len(ending) :]
            break
    return not (_latin(before) or _latin(rest[:1]))


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()
