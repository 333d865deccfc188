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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from routing import reference
from routing.features import statement_features
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
        return {code: round(p, 3) for code, p in self.ranked[:top]}

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
        # Dense feature x example incidence (uint8) with idf weights on the query side:
        # the nearest statements cost one small gather-and-sum per ticket.
        self.ex_text = [str(t) for t in arrays["ex_text"]]
        self.ex_topic = [str(t) for t in arrays["ex_topic"]]
        indptr, indices = arrays["ex_indptr"], arrays["ex_indices"]
        n_ex = len(self.ex_text)
        inc = np.zeros((len(self.vocab), n_ex), dtype=np.uint8)
        for j in range(n_ex):
            inc[indices[indptr[j] : indptr[j + 1]], j] = 1
        df = inc.sum(axis=1, dtype=np.float32)
        self.idf = np.log((n_ex + 1) / (df + 1)).astype(np.float32) + 1.0
        self.inc = inc
        self.ex_norm = np.sqrt(inc.T.astype(np.float32) @ (self.idf**2)) + 1e-6

    def _nearest(self, idx: list[int], k: int = 3) -> tuple[tuple[str, str, float], ...]:
        if not idx:
            return ()
        weights = self.idf[idx]
        sims = weights @ self.inc[idx]
        sims = sims / (self.ex_norm * math.sqrt(float(weights @ weights)))
        best = np.argpartition(-sims, k)[:k] if sims.size > k else np.arange(sims.size)
        best = best[np.argsort(-sims[best])]
        return tuple((self.ex_text[j], self.ex_topic[j], float(sims[j])) for j in best)

    def classify(self, text: str, *, menu_choice: str | None = None) -> TopicResult:
        """Rank the topics for one statement."""
        words = eojeols(text)
        lemmas = self.morph.lemmas(words)
        feats = statement_features(words, lemmas)
        vocab = self.vocab
        idx = [i for i in (vocab.get(f) for f in feats) if i is not None]
        z = self.b.astype(np.float64)
        if idx:
            z = z + self.W[idx].sum(axis=0, dtype=np.float64) / math.sqrt(len(idx))
        hits = self.lexicon.match(words, lemmas)
        if hits and self.lexicon_weight:
            lex = np.zeros(len(self.codes))
            for h in hits:
                lex[self._col[h.topic]] += h.weight
            z = z + self.lexicon_weight * lex
        group = menu_group(menu_choice)
        if group is not None:
            z = z.copy()
            for code in group[1]:
                z[self._col[code]] += MENU_PRIOR
        p = np.exp(z - z.max())
        p /= p.sum()
        order = np.argsort(-p, kind="stable")
        ranked = tuple((self.codes[i], float(p[i])) for i in order)
        return TopicResult(
            ranked=ranked,
            hits=tuple(hits),
            examples=self._nearest(idx),
            menu=group[0] if group else None,
            words=len(words),
        )


def topic_names() -> dict[str, str]:
    """Topic code -> Korean name."""
    return {t.code: t.name_ko for t in reference.topics()}


__all__: Sequence[str] = ["TopicClassifier", "TopicResult", "menu_group", "topic_names"]
