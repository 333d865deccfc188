"""Topic classifier: which of the 20 topics a caller's statement is about, with evidence.

Score of a topic = trained logistic-regression logit (syllable n-grams + Kiwi lemmas; the
signal that generalises past any word list) + ``lexicon_weight`` x the summed weights of
the lexicon terms found for it + the IVR menu prior (a nudge of ``MENU_PRIOR`` logits,
never a filter). Probabilities are the softmax of these scores. Evidence for an operator:
the lexicon terms matched per topic and the nearest known statements.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import numpy as np

from routing import reference
from routing.features import pair_features, word_features
from routing.lexicon import Hit, Lexicon
from routing.text import Morphology, eojeols

MODEL_PATH = reference.DATA_DIR / "topic_model.npz"

TECHNICAL = (
    "casting",
    "mold",
    "injection",
    "forming",
    "welding",
    "surface",
    "heat",
    "materials",
    "machining",
    "electric",
    "chemical",
    "textile",
    "robot",
    "bio",
    "energy",
)
# IVR main menu: 1 technical advice, 2 testing/certification and equipment, 3 patents,
# people and markets; 0 (operator) says nothing about the topic.
MENU_GROUPS: dict[str, tuple[str, ...]] = {
    "1": TECHNICAL,
    "2": ("cert", "equipment"),
    "3": ("ip", "hr", "market"),
}
MENU_ALIASES = {"technical": "1", "tech": "1", "support": "2", "cert": "2", "business": "3"}
# ~2x odds for the menu's topics: breaks near-ties, cannot outvote a clear statement.
MENU_PRIOR = 0.7
LOW_CONFIDENCE = 0.45


def menu_group(menu_choice: str | None) -> tuple[str, tuple[str, ...]] | None:
    """The (digit, topics) a menu answer points at, or None for no/unknown answer."""
    if not menu_choice:
        return None
    key = str(menu_choice).strip().lower()
    key = MENU_ALIASES.get(key, key)
    topics = MENU_GROUPS.get(key)
    return (key, topics) if topics else None


@dataclass(frozen=True)
class TopicResult:
    """Ranked topics with probabilities and the evidence behind them."""

    ranked: tuple[tuple[str, float], ...]
    hits: tuple[Hit, ...]
    examples: tuple[tuple[str, str, float], ...]
    menu: str | None = None
    words: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def topic(self) -> str:
        """The best topic code."""
        return self.ranked[0][0]

    @property
    def confidence(self) -> float:
        """Probability of the best topic."""
        return self.ranked[0][1]

    @property
    def low_confidence(self) -> bool:
        """True when an operator should check the topic (weak or no evidence)."""
        return self.words == 0 or self.confidence < LOW_CONFIDENCE

    def scores(self, top: int = 5) -> dict[str, float]:
        """The best ``top`` topics -> probability, best first."""
        if top == 5:
            return dict(self._top5)
        return {code: round(p, 3) for code, p in self.ranked[:top]}

    @cached_property
    def _top5(self) -> dict[str, float]:
        return {code: round(p, 3) for code, p in self.ranked[:5]}

    def evidence(self, top: int = 3) -> dict[str, Any]:
        """Matched terms of the leading topics and the nearest known statements."""
        leading = {code for code, _ in self.ranked[:top]}
        terms: dict[str, list[dict[str, Any]]] = {}
        for h in sorted(self.hits, key=lambda h: -h.weight):
            if h.topic in leading:
                terms.setdefault(h.topic, []).append(
                    {"term": h.term, "heard": h.matched, "weight": h.weight}
                )
        return {
            "terms": terms,
            "examples": [
                {"text": text, "topic": topic, "similarity": round(sim, 2)}
                for text, topic, sim in self.examples
            ],
            "menu_prior": self.menu,
        }


class TopicClassifier:
    """The trained model, the lexicon and the example index, loaded once."""

    def __init__(
        self,
        arrays: Mapping[str, np.ndarray],
        *,
        morphology: Morphology | None = None,
        lexicon: Lexicon | None = None,
        lexicon_weight: float | None = None,
    ) -> None:
        meta = json.loads(str(arrays["meta"]))
        self.meta = meta
        self.codes: list[str] = [str(c) for c in arrays["topics"]]
        self._col = {c: i for i, c in enumerate(self.codes)}
        self.vocab: dict[str, int] = {str(f): i for i, f in enumerate(arrays["vocab"])}
        self.W = np.ascontiguousarray(arrays["W"], dtype=np.float32)
        self.b = np.asarray(arrays["b"], dtype=np.float32)
        self.morph = morphology or Morphology()
        self.lexicon = lexicon or Lexicon(reference.lexicon())
        self.lexicon_weight = (
            float(meta["lexicon_weight"]) if lexicon_weight is None else lexicon_weight
        )
        self._build_examples(arrays)
        # word -> its share of the work (lemmas, logit sum, feature count, example
        # postings): a statement is the bag of its words, so a word seen before costs one
        # dictionary lookup and Kiwi only sees words never met.
        self._words: dict[str, _Word] = {}
        self._word_logits = np.zeros((4096, len(self.codes)))
        self._next_row = 0
        self._b = self.b.astype(np.float64)
        self.word_hits = 0
        self.word_misses = 0

    @classmethod
    def load(cls, path: Path = MODEL_PATH, **kwargs: Any) -> TopicClassifier:
        """Load the model file written by ``python -m routing.train``."""
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        return cls(arrays, **kwargs)

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], **kwargs: Any) -> TopicClassifier:
        """Build from in-memory arrays (training and tuning)."""
        return cls(arrays, **kwargs)

    def _build_examples(self, arrays: Mapping[str, np.ndarray]) -> None:
        # Inverted index feature -> examples over multi-letter features (single syllables
        # say little about likeness), idf-weighted cosine: a gather and a bincount per ticket.
        self.ex_text = [str(t) for t in arrays["ex_text"]]
        self.ex_topic = [str(t) for t in arrays["ex_topic"]]
        n_ex, n_feat = len(self.ex_text), len(self.vocab)
        indptr = np.asarray(arrays["ex_indptr"], dtype=np.int64)
        indices = np.asarray(arrays["ex_indices"], dtype=np.int64)
        example_of = np.repeat(np.arange(n_ex), np.diff(indptr))
        df = np.bincount(indices, minlength=n_feat)
        # Likeness rests on distinctive features: not single syllables, and not features
        # found in more than 5% of the examples (요>, 는데): they cost time and say little.
        single = np.array([f.startswith("c:") and len(f) == 3 for f in self.vocab], dtype=bool)
        self._sim_ok = ~single & (df <= max(5, n_ex // 20))
        keep = self._sim_ok[indices]
        feats, examples = indices[keep], example_of[keep]
        order = np.argsort(feats, kind="stable")
        self._post_ids = examples[order]
        counts = np.bincount(feats, minlength=n_feat)
        self._post_ptr = np.concatenate([[0], np.cumsum(counts)])
        self.idf = (np.log((n_ex + 1) / (counts + 1)) + 1.0).astype(np.float64)
        self.ex_norm = np.sqrt(np.bincount(examples, self.idf[feats] ** 2, minlength=n_ex)) + 1e-9

    def _word(self, word: str, lemmas: tuple[str, ...]) -> _Word:
        get = self.vocab.get
        ids = np.array(
            sorted(i for i in map(get, word_features(word, lemmas)) if i is not None),
            dtype=np.int64,
        )
        q = ids[self._sim_ok[ids]]
        starts = self._post_ptr[q]
        lens = self._post_ptr[q + 1] - starts
        positions = np.repeat(starts - np.cumsum(lens) + lens, lens) + np.arange(lens.sum())
        row = self._next_row
        if row == len(self._word_logits):
            grown = np.zeros((2 * row, len(self.codes)))
            grown[:row] = self._word_logits
            self._word_logits = grown
        self._word_logits[row] = self.W[ids].sum(axis=0, dtype=np.float64)
        self._next_row += 1
        return _Word(
            lemmas,
            row,
            int(ids.size),
            self._post_ids[positions],
            np.repeat(self.idf[q], lens),
            float(self.idf[q] @ self.idf[q]),
        )

    def _entries(self, words: Sequence[str]) -> list[_Word]:
        cache = self._words
        missing = list(dict.fromkeys(w for w in words if w not in cache))
        self.word_misses += len(missing)
        self.word_hits += len(words) - len(missing)
        if missing:
            if len(cache) > 200_000:
                self._reset_words()  # rare; cheaper than LRU bookkeeping on every hit
            for w, lemmas in zip(missing, self.morph.lemmas(missing), strict=True):
                cache[w] = self._word(w, lemmas)
        return [cache[w] for w in words]

    def warm(self, texts: Iterable[str]) -> int:
        """Prepare the words of ``texts`` (Kiwi in one batch); returns how many were new."""
        words = list(dict.fromkeys(w for t in texts for w in eojeols(t)))
        fresh = [w for w in words if w not in self._words]
        self.morph.warm(fresh)
        self._entries(fresh)
        return len(fresh)

    def _reset_words(self) -> None:
        self._words.clear()
        self._word_logits = np.zeros((4096, len(self.codes)))
        self._next_row = 0

    def forget_words(self) -> None:
        """Empty the per-word caches (benchmarks measure a cold start with this)."""
        self._reset_words()
        self.morph.forget()
        self.word_hits = self.word_misses = 0

    def _nearest(self, entries: Sequence[_Word], k: int = 3) -> tuple[tuple[str, str, float], ...]:
        norm2 = sum(e.sim_norm2 for e in entries)
        if norm2 <= 0:
            return ()
        sims = np.bincount(
            np.concatenate([e.ex_ids for e in entries]),
            np.concatenate([e.ex_weights for e in entries]),
            minlength=len(self.ex_text),
        ) / (self.ex_norm * math.sqrt(norm2))
        best = np.argpartition(-sims, k)[:k]
        values = sims[best].tolist()
        ranked = sorted(zip(values, best.tolist(), strict=True), reverse=True)
        return tuple((self.ex_text[j], self.ex_topic[j], v) for v, j in ranked if v > 0)

    def classify(self, text: str, *, menu_choice: str | None = None) -> TopicResult:
        """Rank the topics for one statement."""
        words = eojeols(text)
        entries = self._entries(words)
        lemmas = [e.lemmas for e in entries]
        count = sum(e.count for e in entries)
        get = self.vocab.get
        pairs = [i for i in map(get, pair_features(lemmas)) if i is not None]
        if count or pairs:
            total = self._word_logits[[e.row for e in entries]].sum(axis=0)
            if pairs:
                total += self.W[pairs].sum(axis=0, dtype=np.float64)
            z = self._b + total / math.sqrt(count + len(pairs))
        else:
            z = self._b.copy()
        hits = self.lexicon.match(words, lemmas)
        if hits and self.lexicon_weight:
            lex = [0.0] * len(self.codes)
            col = self._col
            for h in hits:
                lex[col[h.topic]] += h.weight
            z += self.lexicon_weight * np.array(lex)
        group = menu_group(menu_choice)
        if group is not None:
            for code in group[1]:
                z[self._col[code]] += MENU_PRIOR
        p = np.exp(z - z.max())
        probs = (p / p.sum()).tolist()
        codes = self.codes
        order = sorted(range(len(codes)), key=probs.__getitem__, reverse=True)
        return TopicResult(
            ranked=tuple((codes[i], probs[i]) for i in order),
            hits=tuple(hits),
            examples=self._nearest(entries),
            menu=group[0] if group else None,
            words=len(words),
        )


@dataclass(frozen=True)
class _Word:
    """One word's cached share of a statement's score and likeness."""

    lemmas: tuple[str, ...]
    row: int  # row of TopicClassifier._word_logits: the sum of the word's rows of W
    count: int  # how many model features the word has
    ex_ids: np.ndarray  # examples sharing a distinctive feature with the word
    ex_weights: np.ndarray  # idf of that feature, per posting
    sim_norm2: float  # sum of squared idf over the word's distinctive features


@cache
def topic_names() -> dict[str, str]:
    """Topic code -> Korean name."""
    return {t.code: t.name_ko for t in reference.topics()}


__all__: Sequence[str] = ["TopicClassifier", "TopicResult", "menu_group", "topic_names"]
