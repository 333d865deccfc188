"""Text preparation shared by training and routing: normalisation, fillers, morphology.

Kiwi (kiwipiepy, whose model ships as the ``kiwipiepy_model`` package) costs ~50-130 µs
per eojeol, far too slow for thousands of tickets a second if every transcript were
analysed whole. Callers reuse the same words, so analysis is done per eojeol and cached:
a warm cache answers most eojeols of a new transcript and only unseen ones reach Kiwi.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

# Whole-eojeol fillers of spoken Korean that carry no topic (hesitations, greetings).
FILLERS = frozenset(
    "어 어어 음 음음 으 엄 에 아 네 예 그 저 저기 저기요 뭐 뭐냐 뭐냐면 막 이제 좀 그니까 "
    "그러니까 그래서 여보세요 안녕하세요 그게 그거 그런데 근데 혹시 약간 진짜 되게 "
    "저희가 저희 제가 저는 있잖아요 그냥".split()
)

# Tags whose lemmas carry meaning for topics (nouns, verbs, adjectives, roots, adverbs,
# foreign words); particles, endings and suffixes are dropped.
CONTENT_TAGS = frozenset({"NNG", "NNP", "VV", "VA", "XR", "SL", "MAG"})

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text or "").lower().replace("_", " ")
    return _NON_WORD.sub(" ", text).split()


def normalise(text: str) -> str:
    """NFC, lower-case Latin letters, punctuation to spaces, single spaces."""
    return " ".join(_words(text))


def eojeols(text: str) -> list[str]:
    """The normalised text's space-separated words, without filler words."""
    return [w for w in _words(text) if w not in FILLERS]


def _coarse(tag: str) -> str:
    # VV-I / VV-R (irregular conjugations) and the like share one lemma key.
    return tag.split("-", 1)[0]


class Morphology:
    """Kiwi lemmas per eojeol, cached; ``form/TAG`` strings of content morphemes."""

    def __init__(self, kiwi: Any = None, *, max_cache: int = 200_000) -> None:
        if kiwi is None:
            from kiwipiepy import Kiwi

            # 'cong' is the model kiwipiepy_model ships; -1: no worker threads (a web or
            # job process must not start a thread pool of its own).
            kiwi = Kiwi(model_type="cong", num_workers=-1)
        self._kiwi = kiwi
        self._cache: dict[str, tuple[str, ...]] = {}
        self._max = max_cache
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _analyse(self, tokens: Iterable[Any]) -> tuple[str, ...]:
        out = []
        for tok in tokens:
            tag = _coarse(str(tok.tag))
            if tag in CONTENT_TAGS:
                out.append(f"{tok.form.lower()}/{tag}")
        return tuple(out)

    def _store(self, word: str, lemmas: tuple[str, ...]) -> None:
        with self._lock:
            if len(self._cache) >= self._max:
                # Rare; a full reset is cheaper than LRU bookkeeping on every hit.
                self._cache.clear()
            self._cache[word] = lemmas

    def lemmas(self, words: Sequence[str]) -> list[tuple[str, ...]]:
        """Lemmas of each word, in order (unseen words go to Kiwi in one call)."""
        cache = self._cache
        missing = [w for w in words if w not in cache]
        if missing:
            self.warm(missing)
        self.hits += len(words) - len(missing)
        return [cache[w] for w in words]

    def warm(self, words: Iterable[str]) -> int:
        """Analyse the words not yet cached; returns how many were new."""
        todo = sorted({w for w in words if w and w not in self._cache})
        if not todo:
            return 0
        # One call per word: kiwipiepy's list form (without worker threads) measured
        # slower per word than single calls, ~230 µs against ~100 µs.
        tokenize = self._kiwi.tokenize
        for word in todo:
            self._store(word, self._analyse(tokenize(word)))
        self.misses += len(todo)
        return len(todo)

    def cache_size(self) -> int:
        """How many eojeols are cached."""
        return len(self._cache)

    def forget(self) -> None:
        """Empty the cache and counters (benchmarks measure a cold start with this)."""
        with self._lock:
            self._cache.clear()
        self.hits = self.misses = 0
