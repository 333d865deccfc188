"""The follow-up call's TwiML (pure): the question, the score, silence and the keys."""

from __future__ import annotations

from ivr_flows import followup as flow
from ivr_flows.settings import IvrSettings
from tests.twiml_tree import spoken, tree, url_parts, verbs

SETTINGS = IvrSettings()


def test_the_question_gathers_one_key_and_silence_asks_again_then_ends():
    first = tree(flow.question(SETTINGS, 7))
    assert verbs(first) == ["Say", "Gather", "Redirect"]
    assert "사후 점검" in spoken(first) and "2번" in spoken(first)
    gather = first.find("Gather")
    assert gather is not None and gather.get("input") == "dtmf" and gather.get("numDigits") == "1"
    redirect = first.find("Redirect")
    assert redirect is not None
    assert url_parts(redirect.text) == ("/followup/voice/answer", {"check": "7", "n": "1"})
    last = tree(flow.question(SETTINGS, 7, attempt=flow.ATTEMPTS))
    assert verbs(last) == ["Say", "Gather", "Say", "Hangup"]


def test_after_an_answer_the_score_is_asked_and_thanks_follow():
    root = tree(flow.after_answer(SETTINGS, 7, "resolved"))
    assert verbs(root) == ["Gather", "Say", "Hangup"]
    assert "1점에서 5점" in spoken(root) and "해결되었다니" in spoken(root)
    assert "상담원이 곧 다시" in spoken(tree(flow.goodbye(None, SETTINGS, "call_me")))


def test_keys():
    assert [flow.answer_of(k) for k in ("1", "2", "3", "4", "", None, "１")] == [
        "resolved",
        "not_yet",
        "call_me",
        None,
        None,
        None,
        "resolved",
    ]
    assert [flow.score_of(k) for k in ("1", "5", "6", "0", None)] == [1, 5, None, None, None]
