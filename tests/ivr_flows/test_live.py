"""A live call as pure TwiML: the center's queue, the quick wait loop, ringing an operator."""

from __future__ import annotations

import ivr_flows as flows
from ivr_flows import CallState, IvrSettings
from ivr_flows.queue import LIVE_POLL_SECONDS, QUEUE_ANNOUNCE_GAP
from tests.twiml_tree import spoken, tree, url_parts, verbs

SETTINGS = IvrSettings()
LIVE = CallState(region_known=True, open_now=True, live_queue="1379-incheon")


def test_a_person_asked_for_by_key_voice_or_retries_waits_in_the_routed_queue():
    for step in (
        flows.menu(LIVE, SETTINGS, digits="0", speech=None, attempt=1),
        flows.menu(LIVE, SETTINGS, digits=None, speech="상담원 연결해 주세요", attempt=1),
        flows.menu(LIVE, SETTINGS, digits=None, speech=None, attempt=flows.MENU_ATTEMPTS),
    ):
        enqueue = tree(step.twiml).find("Enqueue")
        assert enqueue is not None and enqueue.text == "1379-incheon"
        assert step.enqueued


def test_live_wait_asks_again_within_seconds_and_announces_only_when_told():
    quiet = tree(flows.queue_wait(LIVE, SETTINGS, position=2, announce=False).twiml)
    gather = quiet.find("Gather")
    assert gather is not None and gather.get("timeout") == str(LIVE_POLL_SECONDS)
    assert spoken(quiet) == ""
    loud = tree(flows.queue_wait(LIVE, SETTINGS, position=2).twiml)
    assert "두 번째" in spoken(loud)
    legacy = tree(flows.queue_wait(CallState(), SETTINGS, position=2).twiml)
    assert legacy.find("Gather").get("timeout") == str(QUEUE_ANNOUNCE_GAP)


def test_claimed_operator_leave_then_dial_their_client():
    assert verbs(tree(flows.leave_for_operator("operator-7").twiml)) == ["Leave"]
    step = flows.ring_operator(LIVE, SETTINGS, identity="operator-7", live_id=42, timeout=20)
    root = tree(step.twiml)
    dial = root.find("Dial")
    assert dial is not None and dial.get("timeout") == "20"
    assert url_parts(dial.get("action")) == ("/voice/live/dial-action", {"live": "42"})
    client = dial.find("Client")
    assert client is not None and client.text == "operator-7"
    assert url_parts(client.get("statusCallback")) == (
        "/voice/live/client-status",
        {"live": "42"},
    )
    assert "answered" in client.get("statusCallbackEvent").split()


def test_missed_offer_requeues_with_a_word_to_the_caller():
    step = flows.enqueue(LIVE, SETTINGS, again=True)
    root = tree(step.twiml)
    assert root.find("Enqueue").text == "1379-incheon"
    assert "다른 상담원" in spoken(root) and step.name == "live_requeued"


def test_after_the_conversation_the_caller_hears_goodbye():
    step = flows.after_conversation(LIVE, SETTINGS)
    assert verbs(tree(step.twiml))[-1] == "Hangup" and step.outcome == "answered"
