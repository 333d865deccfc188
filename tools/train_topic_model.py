"""Train the topic model: ``python -m tools.train_topic_model [--tune]``.

A multinomial logistic regression (numpy, full-batch Adam) over syllable n-grams and Kiwi
lemmas of the labelled statements in ``routing/data/training.tsv``, each augmented with
spoken-style noise (fillers, spacing slips, syllable slips). ``--tune`` picks the L2
strength and the lexicon weight on the *dev* split of ``tests/data/routing_dev.tsv``; the
final model is then fitted on training + dev. The held-out split is never read here.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from routing import reference
from routing.features import statement_features
from routing.reference import Statement
from routing.text import Morphology, eojeols, normalise

MODEL_PATH = reference.DATA_DIR / "topic_model.npz"
DEV_PATH = Path(__file__).resolve().parent.parent / "tests" / "data" / "routing_dev.tsv"

PREFIXES = [
    "어",
    "음",
    "네",
    "여보세요",
    "저기요 그",
    "아 네 저희가",
    "네 안녕하세요 저희가",
    "그 뭐냐",
    "예 저",
    "아 그 저희 회사가",
]
MIDDLES = ["그", "어", "막", "이제", "좀", "음", "약간", "뭐"]
SUFFIXES = [
    "네",
    "그래서 전화드렸어요",
    "어떻게 해야 될까요",
    "상담 좀 받고 싶어서요",
    "문의드립니다",
    "그거 좀 여쭤보려고요",
    "도와주실 수 있나요",
]
# Vowels Whisper confuses in Korean speech (ㅐ/ㅔ, ㅓ/ㅗ, ㅡ/ㅜ, ㅕ/ㅛ), as jamo indices.
VOWEL_SWAPS = {1: 5, 5: 1, 4: 8, 8: 4, 18: 13, 13: 18, 6: 12, 12: 6}


def _slip(word: str, rng: random.Random) -> str:
    """One syllable of ``word`` with a confusable vowel or a lost/added final consonant."""
    positions = [i for i, ch in enumerate(word) if 0xAC00 <= ord(ch) <= 0xD7A3]
    if not positions:
        return word
    i = rng.choice(positions)
    code = ord(word[i]) - 0xAC00
    lead, vowel, tail = code // 588, (code % 588) // 28, code % 28
    if rng.random() < 0.5 and vowel in VOWEL_SWAPS:
        vowel = VOWEL_SWAPS[vowel]
    else:
        tail = 0 if tail else rng.choice((4, 8, 16, 21))  # ㄴ ㄹ ㅁ ㅇ
    return word[:i] + chr(0xAC00 + lead * 588 + vowel * 28 + tail) + word[i + 1 :]


def augment(text: str, rng: random.Random) -> str:
    """A spoken-style variant of ``text``: fillers, spacing slips, a syllable slip."""
    w = normalise(text).split()
    if rng.random() < 0.5:
        w = rng.choice(PREFIXES).split() + w
    if rng.random() < 0.4 and len(w) > 2:
        w.insert(rng.randrange(1, len(w)), rng.choice(MIDDLES))
    if rng.random() < 0.25 and len(w) > 4:
        del w[rng.randrange(len(w))]
    if rng.random() < 0.3 and len(w) > 2:
        i = rng.randrange(len(w) - 1)
        w[i : i + 2] = [w[i] + w[i + 1]]
    if rng.random() < 0.2:
        long = [i for i, x in enumerate(w) if len(x) >= 4]
        if long:
            i = rng.choice(long)
            cut = rng.randrange(2, len(w[i]) - 1)
            w[i : i + 1] = [w[i][:cut], w[i][cut:]]
    if rng.random() < 0.35:
        i = rng.randrange(len(w))
        w[i] = _slip(w[i], rng)
    if rng.random() < 0.3:
        w += rng.choice(SUFFIXES).split()
    return " ".join(w)


@dataclass
class Design:
    """Rows of feature indices with soft targets, ready for the optimiser."""

    rows: list[np.ndarray]
    targets: np.ndarray


def featurise(texts: Sequence[str], morph: Morphology) -> list[list[str]]:
    """Feature strings of each text (Kiwi warmed with all their words in one batch)."""
    words = [eojeols(t) for t in texts]
    morph.warm(w for ws in words for w in ws)
    return [statement_features(ws, morph.lemmas(ws)) for ws in words]


def build_vocab(feature_lists: Sequence[Sequence[str]], min_df: int) -> list[str]:
    """Features seen in at least ``min_df`` statements, sorted for a stable model file."""
    df: dict[str, int] = {}
    for feats in feature_lists:
        for f in set(feats):
            df[f] = df.get(f, 0) + 1
    return sorted(f for f, n in df.items() if n >= min_df)


def design(
    feature_lists: Sequence[Sequence[str]],
    labels: Sequence[Statement],
    vocab: dict[str, int],
    codes: Sequence[str],
    alt_share: float = 0.2,
) -> Design:
    """Index rows (a bag: repeats kept) and soft targets (a second topic gets ``alt_share``)."""
    col = {c: i for i, c in enumerate(codes)}
    rows, targets = [], []
    for feats, st in zip(feature_lists, labels, strict=True):
        idx = np.array(sorted(vocab[f] for f in feats if f in vocab), dtype=np.int64)
        if idx.size == 0:
            continue
        y = np.zeros(len(codes), dtype=np.float64)
        if st.alt_topic:
            y[col[st.topic]], y[col[st.alt_topic]] = 1 - alt_share, alt_share
        else:
            y[col[st.topic]] = 1.0
        rows.append(idx)
        targets.append(y)
    return Design(rows, np.array(targets))


def fit(
    d: Design, n_features: int, *, l2: float, steps: int = 250, lr: float = 0.05, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression on count/sqrt(n)-scaled bag rows; returns (W, b)."""
    n, k = d.targets.shape
    flat = np.concatenate(d.rows)
    lengths = np.array([r.size for r in d.rows])
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    vals = np.repeat(1.0 / np.sqrt(lengths), lengths)[:, None]
    row_of = np.repeat(np.arange(n), lengths)
    order = np.argsort(flat, kind="stable")
    uniq, ustarts = np.unique(flat[order], return_index=True)
    rng = np.random.default_rng(seed)
    w = rng.normal(0, 0.01, size=(n_features, k))
    b = np.zeros(k)
    mw, vw, mb, vb = np.zeros_like(w), np.zeros_like(w), np.zeros(k), np.zeros(k)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        z = np.add.reduceat(w[flat] * vals, starts, axis=0) + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        delta = (p - d.targets) / n
        contrib = (delta[row_of] * vals)[order]
        gw = l2 * w
        gw[uniq] += np.add.reduceat(contrib, ustarts, axis=0)
        gb = delta.sum(axis=0)
        for g, m, v, param in ((gw, mw, vw, w), (gb, mb, vb, b)):
            m *= beta1
            m += (1 - beta1) * g
            v *= beta2
            v += (1 - beta2) * g * g
            param -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return w.astype(np.float32), b.astype(np.float32)


def train(
    statements: Sequence[Statement],
    morph: Morphology,
    *,
    l2: float,
    lexicon_weight: float,
    variants: int = 3,
    min_df: int = 2,
    seed: int = 1379,
) -> dict[str, np.ndarray]:
    """Fit a model on ``statements`` (+ ``variants`` noisy copies each); the arrays to save."""
    rng = random.Random(seed)
    texts: list[str] = []
    labels: list[Statement] = []
    for st in statements:
        texts.append(st.text)
        labels.append(st)
        for _ in range(variants):
            texts.append(augment(st.text, rng))
            labels.append(st)
    feats = featurise(texts, morph)
    vocab_list = build_vocab(feats, min_df)
    vocab = {f: i for i, f in enumerate(vocab_list)}
    codes = [t.code for t in reference.topics()]
    w, b = fit(design(feats, labels, vocab, codes), len(vocab_list), l2=l2)
    # Examples shown to operators as "nearest known statements": the originals only.
    ex_rows = [
        sorted({vocab[f] for f in feats[i] if f in vocab})
        for i in range(0, len(texts), variants + 1)
    ]
    indptr = np.concatenate([[0], np.cumsum([len(r) for r in ex_rows])]).astype(np.int32)
    meta = {
        "version": 1,
        "l2": l2,
        "lexicon_weight": lexicon_weight,
        "variants": variants,
        "min_df": min_df,
        "statements": len(statements),
        "rows": len(texts),
    }
    return {
        "topics": np.array(codes),
        "vocab": np.array(vocab_list),
        "W": w,
        "b": b,
        "ex_text": np.array([st.text for st in statements]),
        "ex_topic": np.array([st.topic for st in statements]),
        "ex_indptr": indptr,
        "ex_indices": np.array([i for r in ex_rows for i in r], dtype=np.int32),
        "meta": np.array(json.dumps(meta)),
    }


def dev_split() -> tuple[Statement, ...]:
    """The tuning split of the evaluation file (never the held-out one)."""
    return tuple(s for s in reference.read_statements(DEV_PATH) if s.split == "dev")


def evaluate_dev(
    arrays: dict[str, np.ndarray],
    statements: Sequence[Statement],
    morph: Morphology,
    lexicon_weight: float,
) -> tuple[float, float]:
    """(top-1 accuracy, mean log-loss of the labelled topic) on ``statements``."""
    from routing.topics import TopicClassifier

    clf = TopicClassifier.from_arrays(arrays, morphology=morph, lexicon_weight=lexicon_weight)
    good, loss = 0, 0.0
    for st in statements:
        result = clf.classify(st.text)
        good += result.topic in (st.topic, st.alt_topic)
        probs = dict(result.ranked)
        loss -= float(np.log(max(probs[st.topic] + probs.get(st.alt_topic or "", 0.0), 1e-9)))
    return good / len(statements), loss / len(statements)


def main(argv: Sequence[str] | None = None) -> int:
    """Train (optionally tune on the dev split first) and write the model file."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tune", action="store_true", help="grid-search l2 and lexicon weight on dev")
    ap.add_argument("--l2", type=float, default=3e-4)
    ap.add_argument("--lexicon-weight", type=float, default=0.5)
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args(argv)
    morph = Morphology()
    train_set = reference.training_statements()
    dev = dev_split()
    l2, lex_w = args.l2, args.lexicon_weight
    if args.tune:
        grid = []
        for l2_try in (1e-4, 3e-4, 1e-3, 3e-3):
            arrays = train(train_set, morph, l2=l2_try, lexicon_weight=0.0)
            for lw in (0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0):
                acc, loss = evaluate_dev(arrays, dev, morph, lw)
                print(
                    f"l2={l2_try:g} lexicon_weight={lw:g}: dev top-1 {acc:.3f} log-loss {loss:.3f}"
                )
                grid.append((acc, loss, l2_try, lw))
        # 100 dev statements: accuracies within one statement are a tie; log-loss decides.
        top = max(g[0] for g in grid)
        acc, loss, l2, lex_w = min((g for g in grid if g[0] >= top - 0.011), key=lambda g: g[1])
        print(
            f"chosen l2={l2:g} lexicon_weight={lex_w:g} (dev top-1 {acc:.3f}, log-loss {loss:.3f})"
        )
    arrays = train(train_set + dev, morph, l2=l2, lexicon_weight=lex_w)
    np.savez_compressed(args.out, **arrays)  # type: ignore[arg-type]
    size = args.out.stat().st_size
    print(
        f"wrote {args.out} ({len(arrays['vocab'])} features, {size / 1e6:.1f} MB, "
        f"{len(train_set)} training + {len(dev)} dev statements)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
