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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from routing import reference
from routing.features import pair_features, word_features
from routing.lexicon import Hit, Lexicon
from routing.text import Morphology, eojeols
from routing.topic_result import MENU_PRIOR, TopicResult, menu_group

MODEL_PATH = reference.DATA_DIR / "topic_model.npz"


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
        self.codes: tuple[str, ...] = tuple(str(c) for c in arrays["topics"])
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
        # One float64 table: the model's rows (for lemma pairs across words), then one row
        # per cached word (the sum of its features' rows): a statement sums a few rows of it.
        self._n_feat = len(self.vocab)
        self._table = np.zeros((self._n_feat + 4096, len(self.codes)))
        self._table[: self._n_feat] = self.W
        self._next_row = self._n_feat
        self._b = self.b.astype(np.float64)
        self.word_hits = 0
        self.word_misses = 0

    @classmethod
    def load(cls, path: Path = MODEL_PATH, **kwargs: Any) -> TopicClassifier:
        """Load the model file written by ``python -m tools.train_topic_model``."""
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
        self._inv_norm = 1.0 / self.ex_norm

    def _word(self, word: str, lemmas: tuple[str, ...]) -> _Word:
        get = self.vocab.get
        ids = np.array(
            sorted(i for i in map(get, word_features(word, lemmas)) if i is not None),
            dtype=np.int64,
        )
        # Lemma pairs inside the word belong to it; pairs across words are added per ticket.
        inner = [i for i in map(get, pair_features([lemmas])) if i is not None]
        q = ids[self._sim_ok[ids]]
        starts = self._post_ptr[q]
        lens = self._post_ptr[q + 1] - starts
        positions = np.repeat(starts - np.cumsum(lens) + lens, lens) + np.arange(lens.sum())
        row = self._next_row
        if row == len(self._table):
            grown = np.zeros((2 * row, len(self.codes)))
            grown[:row] = self._table
            self._table = grown
        self._table[row] = self._table[np.concatenate([ids, np.array(inner, dtype=np.int64)])].sum(
            axis=0
        )
        self._next_row += 1
        return _Word(
            lemmas,
            row,
            int(ids.size) + len(inner),
            self._post_ids[positions],
            np.repeat(self.idf[q] ** 2, lens),  # idf on both sides of the dot product
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
        self._next_row = self._n_feat

    def forget_words(self) -> None:
        """Empty the per-word caches (benchmarks measure a cold start with this)."""
        self._reset_words()
        self.morph.forget()
        self.word_hits = self.word_misses = 0

    def _cross_pairs(self, lemmas: Sequence[tuple[str, ...]]) -> list[int]:
        """Model ids of the lemma pairs that span two words (the rest are cached per word)."""
        get = self.vocab.get
        ids = []
        last = None
        for group in lemmas:
            if not group:
                continue
            if last is not None:
                i = get(f"p:{last}+{group[0]}")
                if i is not None:
                    ids.append(i)
            last = group[-1]
        return ids

    def _lexicon_and_prior(
        self, words: Sequence[str], lemmas: list[tuple[str, ...]], menu_choice: str | None
    ) -> tuple[list[Hit], list[float], tuple[str, tuple[str, ...]] | None]:
        """Lexicon hits, the per-topic addition (lexicon + menu prior) and the menu group."""
        hits = self.lexicon.match(words, lemmas)
        add = [0.0] * len(self.codes)
        col = self._col
        for h in hits:
            add[col[h.topic]] += self.lexicon_weight * h.weight
        group = menu_group(menu_choice)
        if group is not None:
            for code in group[1]:
                add[col[code]] += MENU_PRIOR
        return hits, add, group

    def _result(
        self,
        probs: list[float],
        order: list[int],
        hits: list[Hit],
        examples: tuple[tuple[str, str, float], ...],
        group: tuple[str, tuple[str, ...]] | None,
        n_words: int,
    ) -> TopicResult:
        return TopicResult(
            codes=self.codes,
            probs=probs,
            order=order,
            hits=tuple(hits),
            examples=examples,
            menu=group[0] if group else None,
            words=n_words,
        )

    def classify(self, text: str, *, menu_choice: str | None = None) -> TopicResult:
        """Rank the topics for one statement (the per-ticket path, no batch bookkeeping)."""
        words = eojeols(text)
        entries = self._entries(words)
        lemmas = [e.lemmas for e in entries]
        pairs = self._cross_pairs(lemmas)
        n = sum(e.count for e in entries) + len(pairs)
        hits, add, group = self._lexicon_and_prior(words, lemmas, menu_choice)
        z = self._b + np.array(add)
        if n:
            z += self._table[[e.row for e in entries] + pairs].sum(axis=0) / math.sqrt(n)
        p = np.exp(z - z.max())
        probs = (p / p.sum()).tolist()
        order = sorted(range(len(probs)), key=probs.__getitem__, reverse=True)
        examples = self._nearest_many([entries], len(self.ex_text))[0]
        return self._result(probs, order, hits, examples, group, len(words))

    def classify_many(
        self, texts: Sequence[str], menu_choices: Sequence[str | None] | None = None
    ) -> list[TopicResult]:
        """Rank the topics for many statements at once (one Kiwi call, matrix arithmetic)."""
        n_ex, k = len(self.ex_text), len(self.codes)
        words_list = [eojeols(t) for t in texts]
        fresh = [w for ws in words_list for w in ws if w not in self._words]
        if len(fresh) > 1:
            self.morph.warm(fresh)
        entries_list = [self._entries(ws) for ws in words_list]
        size = len(texts)
        menus = menu_choices or [None] * size
        rows: list[int] = []
        starts: list[int] = []
        owners: list[int] = []
        counts: list[int] = []
        adds, extras = [], []
        for t, (words, entries) in enumerate(zip(words_list, entries_list, strict=True)):
            lemmas = [e.lemmas for e in entries]
            pairs = self._cross_pairs(lemmas)
            n = sum(e.count for e in entries) + len(pairs)
            if n:
                starts.append(len(rows))
                owners.append(t)
                counts.append(n)
                rows.extend(e.row for e in entries)
                rows.extend(pairs)  # the model's own rows for pairs across words
            hits, add, group = self._lexicon_and_prior(words, lemmas, menus[t])
            adds.append(add)
            extras.append((hits, group))
        z = self._b + np.array(adds).reshape(size, k)
        if rows:
            sums = np.add.reduceat(self._table[rows], starts, axis=0)
            z[owners] += sums / np.sqrt(np.array(counts, dtype=np.float64))[:, None]
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        order = np.argsort(-p, axis=1, kind="stable").tolist()
        probs = p.tolist()
        examples = self._nearest_many(entries_list, n_ex)
        return [
            self._result(
                probs[t], order[t], extras[t][0], examples[t], extras[t][1], len(words_list[t])
            )
            for t in range(size)
        ]

    def _nearest_many(
        self, entries_list: Sequence[Sequence[_Word]], n_ex: int, k: int = 3
    ) -> list[tuple[tuple[str, str, float], ...]]:
        """The ``k`` most similar known statements of each statement (idf cosine)."""
        size = len(entries_list)
        norm2 = [sum(e.sim_norm2 for e in entries) for entries in entries_list]
        if not any(norm2):
            return [()] * size
        ids = np.concatenate([e.ex_ids for entries in entries_list for e in entries])
        weights = np.concatenate([e.ex_weights for entries in entries_list for e in entries])
        if size > 1:
            lengths = [sum(e.ex_ids.size for e in entries) for entries in entries_list]
            ids = ids + np.repeat(np.arange(size) * n_ex, lengths)
        # The query's own norm scales a whole row: it cannot change the ranking, so it is
        # applied to the k winners only.
        sims: np.ndarray = np.bincount(ids, weights, minlength=size * n_ex).reshape(size, n_ex)
        sims = sims * self._inv_norm
        if size == 1:  # the per-ticket path: plain 1-D selection is cheaper
            top = np.argpartition(-sims[0], k)[:k]
            values, chosen = [sims[0][top].tolist()], [top.tolist()]
        else:
            best = np.argpartition(-sims, k, axis=1)[:, :k]
            values, chosen = np.take_along_axis(sims, best, axis=1).tolist(), best.tolist()
        out: list[tuple[tuple[str, str, float], ...]] = []
        for t, (vals, idx) in enumerate(zip(values, chosen, strict=True)):
            if norm2[t] <= 0:
                out.append(())
                continue
            scale = 1.0 / math.sqrt(norm2[t])
            ranked = sorted(zip(vals, idx, strict=True), reverse=True)
            out.append(
                tuple((self.ex_text[j], self.ex_topic[j], v * scale) for v, j in ranked if v > 0)
            )
        return out


@dataclass(frozen=True)
class _Word:
    """One word's cached share of a statement's score and likeness."""

    lemmas: tuple[str, ...]
    row: int  # row of TopicClassifier._table: the sum of the word's rows of W
    count: int  # how many model features the word has
    ex_ids: np.ndarray  # examples sharing a distinctive feature with the word
    ex_weights: np.ndarray  # idf squared of that feature, per posting
    sim_norm2: float  # sum of squared idf over the word's distinctive features
