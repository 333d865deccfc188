"""Routing evaluation: held-out accuracy, confusions and throughput. Prints figures.

    python bench/routing_eval.py [--stream 20000]

Accuracy is measured on the *held-out* split of tests/data/routing_dev.tsv (never used for
training or tuning); a statement's second acceptable topic counts as correct. Throughput
excludes model load and is measured three ways:
- cold: every held-out statement once, Kiwi's cache holding only the training words;
- stream: a long stream of unseen noisy variants with assorted caller numbers/regions;
- batch: the same stream through ``Router.route_many`` (unseen words analysed together).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from routing import reference  # noqa: E402
from tools.train_topic_model import augment  # noqa: E402

DEV = ROOT / "tests" / "data" / "routing_dev.tsv"
NUMBERS = [
    "+8221234567",
    "+82551234567",
    "+82311234567",
    "+82621234567",
    "+82641234567",
    "+821012345678",
    "+827012345678",
    "Anonymous",
    "+266696687",
    "+8215881234",
]
REGIONS = [None, "1", "2", "3", "4", "5", "6", "7", "경남", "부산이요", "창원", "경기도 안산"]


def rss_mb() -> float:
    """Peak resident set size of this process, MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def accuracy(router, heldout) -> None:
    """Top-1/top-3 with the model as shipped, then the two signals alone."""
    clf = router.classifier
    confusions: Counter[tuple[str, str]] = Counter()
    wrong_examples: dict[tuple[str, str], str] = {}
    per_topic: Counter[str] = Counter()
    top1 = top3 = 0
    lr_only = lex_only = 0
    for st in heldout:
        ok = {st.topic, st.alt_topic} - {None}
        result = clf.classify(st.text)
        ranked = [c for c, _ in result.ranked]
        if ranked[0] in ok:
            top1 += 1
            per_topic[st.topic] += 1
        else:
            confusions[(st.topic, ranked[0])] += 1
            wrong_examples.setdefault((st.topic, ranked[0]), st.text)
        top3 += bool(ok & set(ranked[:3]))
        saved = clf.lexicon_weight
        clf.lexicon_weight = 0.0
        lr_only += clf.classify(st.text).topic in ok
        clf.lexicon_weight = saved
        lex = Counter()
        for h in result.hits:
            lex[h.topic] += h.weight
        lex_only += bool(lex) and lex.most_common(1)[0][0] in ok
    n = len(heldout)
    print(f"held-out statements: {n} (topics: {len({s.topic for s in heldout})})")
    print(f"top-1 accuracy: {top1 / n:.1%} ({top1}/{n})")
    print(f"top-3 accuracy: {top3 / n:.1%} ({top3}/{n})")
    print(f"  ablation, trained model alone (no lexicon): top-1 {lr_only / n:.1%}")
    print(f"  ablation, lexicon alone (no model):         top-1 {lex_only / n:.1%}")
    print("confusions (true -> predicted: count, first example):")
    for (true, pred), count in confusions.most_common():
        print(f"  {true:>10} -> {pred:<10} {count}  {wrong_examples[(true, pred)]}")
    weak = [t.code for t in reference.topics() if per_topic[t.code] < 8]
    print(f"topics under 8/10 correct: {', '.join(weak) or 'none'}")


def stream(statements, size: int, seed: int = 7) -> list[dict]:
    """Unseen noisy variants of the statements with assorted callers."""
    rng = random.Random(seed)
    items = []
    for i in range(size):
        st = statements[i % len(statements)]
        items.append(
            {
                "text": augment(st.text, rng),
                "caller_number": rng.choice(NUMBERS),
                "ivr_region": rng.choice(REGIONS),
                "menu_choice": rng.choice([None, "1", "2", "3", "0"]),
            }
        )
    return items


def _timed(run) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def _rate(n: int, wall: float, cpu: float) -> str:
    return f"{n / wall:,.0f} tickets/s wall, {n / cpu:,.0f} tickets/s per CPU-second"


def throughput(router, heldout, size: int) -> None:
    """Tickets per second after load (route + as_dict, the full explanation): three ways."""
    clf = router.classifier
    clf.forget_words()
    clf.warm(clf.ex_text)  # what loading does: only the known statements' words are ready
    clf.word_hits = clf.word_misses = 0

    def cold() -> None:
        for i, st in enumerate(heldout):
            router.route(st.text, caller_number=NUMBERS[i % len(NUMBERS)]).as_dict()

    wall, cpu = _timed(cold)
    new = clf.word_misses
    print(
        f"cold: {len(heldout)} held-out statements once, {new} unseen words to Kiwi: "
        + _rate(len(heldout), wall, cpu)
    )

    items = stream(heldout, size)
    clf.word_hits = clf.word_misses = 0

    def one_by_one() -> None:
        for item in items:
            text = item.pop("text")
            router.route(text, **item).as_dict()

    wall, cpu = _timed(one_by_one)
    seen = clf.word_hits / max(clf.word_hits + clf.word_misses, 1)
    print(
        f"stream: {size:,} noisy variants (fillers, spacing and syllable slips; "
        f"{seen:.0%} of words already seen): " + _rate(size, wall, cpu)
    )

    items = stream(heldout, size, seed=8)

    def batched() -> None:
        for k in range(0, size, 500):
            for d in router.route_many(items[k : k + 500]):
                d.as_dict()

    wall, cpu = _timed(batched)
    print("batch: route_many, 500 a batch, fresh variants: " + _rate(size, wall, cpu))
    load = os.getloadavg()[0]
    print(
        f"(machine load average during the run: {load:.1f} on {os.cpu_count()} CPUs; "
        "wall-clock figures fall when other processes share the CPUs)"
    )


def main() -> int:
    """Load, evaluate, measure."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--stream", type=int, default=20000)
    args = ap.parse_args()
    rows = reference.read_statements(DEV)
    heldout = [s for s in rows if s.split == "heldout"]
    print(
        f"dataset: {len(reference.training_statements())} training, "
        f"{sum(s.split == 'dev' for s in rows)} dev (tuning), {len(heldout)} held-out statements"
    )
    base = rss_mb()
    start = time.perf_counter()
    from routing.router import Router

    router = Router()
    print(
        f"load: {time.perf_counter() - start:.2f} s, RSS {rss_mb():.0f} MB "
        f"(+{rss_mb() - base:.0f} MB for Kiwi, model, lexicon)"
    )
    accuracy(router, heldout)
    throughput(router, heldout, args.stream)
    return 0


if __name__ == "__main__":
    sys.exit(main())
