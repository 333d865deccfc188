"""Topic classifier: callers' own words, evidence for operators, the menu prior."""

from __future__ import annotations

import pytest

from routing import reference
from routing.lexicon import Lexicon
from routing.reference import LexiconEntry
from routing.router import get_router
from routing.text import eojeols


@pytest.fixture(scope="module")
def clf():
    return get_router().classifier


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("쇳물 부을 때 모래가 같이 들어가요", "casting"),  # the issue's own examples
        ("철판을 구부리면 다시 돌아가요", "forming"),
        ("어 저희가 그 용정하고 나면 비드 옆에 불똥이 막 튀어 있어요", "welding"),  # slip
        ("그 PCB에서 노이즈가 심해서 통신이 끊겨요", "electric"),
        ("특허 출원을 하고 싶은데 비용 지원이 되나요", "ip"),
    ],
)
def test_statements_get_their_topic(clf, text, topic):
    assert clf.classify(text).topic == topic


def test_scores_are_ranked_probabilities_over_all_topics(clf):
    result = clf.classify("쇳물 부을 때 모래가 같이 들어가요")
    probs = [p for _, p in result.ranked]
    assert len(result.ranked) == len(reference.topics())
    assert probs == sorted(probs, reverse=True)
    assert sum(probs) == pytest.approx(1.0, abs=1e-6)
    assert list(result.scores(3)) == [c for c, _ in result.ranked[:3]]


def test_evidence_names_the_words_heard_and_similar_statements(clf):
    result = clf.classify("어 저희가 그 쇳물 부을 때 모래가 같이 들어가요")
    evidence = result.evidence()
    heard = {t["heard"] for t in evidence["terms"]["casting"]}
    assert "쇳물" in heard
    assert evidence["examples"], "nearest known statements are listed"
    assert evidence["examples"][0]["topic"] == "casting"
    sims = [e["similarity"] for e in evidence["examples"]]
    assert sims == sorted(sims, reverse=True)


def test_menu_prior_nudges_but_never_overrides_a_clear_statement(clf):
    clear = "쇳물 부을 때 모래가 같이 들어가요"
    assert clf.classify(clear, menu_choice="3").topic == "casting"
    vague = "상담을 좀 받고 싶어서 전화드렸어요"
    plain = dict(clf.classify(vague).ranked)
    nudged = clf.classify(vague, menu_choice="3")
    assert nudged.menu == "3"
    for code in ("ip", "hr", "market"):
        assert dict(nudged.ranked)[code] > plain[code]
    assert clf.classify(vague, menu_choice="0").menu is None


def test_empty_statement_is_flagged_low_confidence(clf):
    result = clf.classify("어 음 그")
    assert result.words == 0 and result.low_confidence


def test_fillers_are_not_words():
    assert eojeols("어 저희가 그 쇳물, 부을 때!") == ["쇳물", "부을", "때"]


def test_lexicon_rules():
    lex = Lexicon(
        [
            LexiconEntry("casting", "사형", 1.0),
            LexiconEntry("casting", "모래/NNG+붓/VV", 2.0),
            LexiconEntry("cert", "KC", 1.0),
        ]
    )
    words = ["검사", "형태가", "모래가"]
    lemmas = [("검사/NNG",), ("형태/NNG",), ("모래/NNG",)]
    assert lex.match(words, lemmas) == []  # 사형 across a space must start a word; no 붓
    hits = lex.match(["사형", "모래를", "부어요"], [("사형/NNG",), ("모래/NNG",), ("붓/VV",)])
    assert {h.term for h in hits} == {"사형", "모래/NNG+붓/VV"}
    assert lex.match(["kcal"], [()]) == [] and lex.match(["kc인증"], [()])[0].term == "KC"
    with pytest.raises(ValueError):
        Lexicon([LexiconEntry("surface", "녹", 1.0)])


def test_lexicon_grows_beyond_and_keeps_every_seed():
    entries = reference.lexicon()
    seeds = sum(len(t.keywords) for t in reference.topics())
    assert len(entries) > 5 * seeds
    terms = {(e.topic, e.term.split("/")[0]) for e in entries}
    for t in reference.topics():
        for kw in t.keywords:
            assert (t.code, kw.replace(" ", "")) in terms


def test_routing_scores_equal_the_training_features(clf):
    """Per-word caching must give exactly the model the trainer fitted (bag of features)."""
    import math

    import numpy as np

    from routing.features import statement_features

    text = "어 저희가 그 알루미늄 판을 구부리면 다시 돌아가요 각도가 안 맞아요 판이요"
    words = eojeols(text)
    bag = [
        clf.vocab[f] for f in statement_features(words, clf.morph.lemmas(words)) if f in clf.vocab
    ]
    z = clf.b.astype(np.float64) + clf.W[bag].sum(axis=0, dtype=np.float64) / math.sqrt(len(bag))
    expected = np.exp(z - z.max())
    expected /= expected.sum()
    saved = clf.lexicon_weight
    try:
        clf.lexicon_weight = 0.0
        got = dict(clf.classify(text).ranked)
    finally:
        clf.lexicon_weight = saved
    for i, code in enumerate(clf.codes):
        assert got[code] == pytest.approx(expected[i], rel=1e-6, abs=1e-9)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("we have porosity problems in our aluminum die casting parts", "casting"),
        ("our plastics warp after injection molding", "injection"),
        ("I want to apply for a patent and a trademark", "ip"),
    ],
)
def test_english_callers_are_understood_too(clf, text, topic):
    assert clf.classify(text).topic == topic
