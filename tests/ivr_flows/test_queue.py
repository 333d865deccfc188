"""Branch 0 as pure TwiML: queue, wait announcements, callback request, voicemail, fallback."""

from __future__ import annotations

import pytest

import ivr_flows as flows
from ivr_flows import CallState, IvrSettings
from tests.twiml_tree import spoken, tree, url_parts, verbs

SETTINGS = IvrSettings(queue_max=7)
OPEN = CallState(region_known=True, open_now=True)


def test_operator_in_hours_enqueues_with_a_wait_url():
    step = flows.menu(OPEN, SETTINGS, digits="0", speech=None, attempt=1)
    root = tree(step.twiml)
    enqueue = root.find("Enqueue")
    assert enqueue is not None and enqueue.text
    assert enqueue.get("waitUrl") == "/voice/queue-wait"
    assert enqueue.get("waitUrlMethod") == "POST"
    assert enqueue.get("action") == "/voice/queue-action"
    assert enqueue.get("maxQueueSize") == "7"
    assert step.enqueued and step.choice == "0"


@pytest.mark.parametrize(
    ("state", "heard"),
    [
        (CallState(region_known=True, open_now=False), "지금은 상담 시간이 아닙니다"),
        (CallState(region_known=True, open_now=True, queue_full=True), "모든 상담원이 통화 중"),
    ],
)
def test_operator_closed_or_full_takes_a_voicemail(state, heard):
    root = tree(flows.menu(state, SETTINGS, digits="0", speech=None, attempt=1).twiml)
    assert root.find("Enqueue") is None
    assert heard in spoken(root)
    record = root.find("Record")
    assert url_parts(record.get("action")) == ("/voice/record-done", {"purpose": "voicemail"})
    assert url_parts(record.get("recordingStatusCallback"))[1] == {"purpose": "voicemail"}


def test_closed_message_states_the_configured_hours():
    settings = IvrSettings(
        weekdays=(0, 1, 2, 3, 4, 5), open_minute=8 * 60 + 30, close_minute=17 * 60
    )
    closed = CallState(region_known=True, open_now=False)
    text = spoken(tree(flows.voicemail_prompt(closed, settings).twiml))
    assert "월요일부터 토요일까지 오전 8시 30분부터 오후 5시까지" in text


def test_voicemail_asks_the_region_first_when_unknown():
    closed = CallState(region_known=False, open_now=False)
    root = tree(flows.menu(closed, SETTINGS, digits="0", speech=None, attempt=1).twiml)
    assert url_parts(root.find("Gather").get("action")) == (
        "/voice/region",
        {"next": "vm", "n": "1"},
    )


def test_wait_url_announces_position_and_offers_a_callback():
    root = tree(flows.queue_wait(OPEN, SETTINGS, position=3).twiml)
    gather = root.find("Gather")
    assert gather.get("action") == "/voice/queue-callback"
    assert gather.get("numDigits") == "1"
    # The prompt plus this silence is about 30 s; then Twilio requests the wait URL again.
    assert 15 <= int(gather.get("timeout")) <= 25
    text = spoken(root)
    assert "대기 순서는 세 번째입니다" in text
    assert "1번을 누르시면 순서를 유지한 채 상담원이 다시 전화드립니다" in text


def test_wait_url_offers_no_callback_without_caller_id():
    hidden = CallState(open_now=True, caller_known=False)
    assert "다시 전화드립니다" not in spoken(
        tree(flows.queue_wait(hidden, SETTINGS, position=2).twiml)
    )


def test_callback_request_confirms_and_leaves_the_queue():
    step = flows.queue_callback(OPEN, SETTINGS, digits="1", ticket_number="1379-20261127-0007")
    root = tree(step.twiml)
    assert verbs(root) == ["Say", "Leave"]
    assert "공 공 공 칠" in spoken(root)
    assert step.outcome == "callback"


@pytest.mark.parametrize(("digits", "ticket"), [("5", None), ("1", None)])
def test_other_keys_in_the_queue_keep_waiting(digits, ticket):
    root = tree(flows.queue_callback(OPEN, SETTINGS, digits=digits, ticket_number=ticket).twiml)
    assert root.find("Leave") is None
    assert root.find("Redirect").text == "/voice/queue-wait"


@pytest.mark.parametrize(
    ("result", "callback", "outcome", "last_verb"),
    [
        ("bridged", False, "answered", "Hangup"),
        ("hangup", False, "abandoned_queue", None),
        ("leave", True, "callback", "Hangup"),
        ("queue-full", False, None, "Redirect"),
        ("system-error", False, None, "Redirect"),
    ],
)
def test_queue_result(result, callback, outcome, last_verb):
    step = flows.queue_result(OPEN, SETTINGS, result=result, has_callback=callback)
    root = tree(step.twiml)
    assert step.outcome == outcome
    assert (verbs(root)[-1] if len(root) else None) == last_verb
    if result in ("queue-full", "system-error"):
        assert root.find("Record") is not None


def test_fallback_apologises_and_takes_a_message_without_state():
    root = tree(flows.fallback(IvrSettings()))
    assert verbs(root) == ["Say", "Say", "Record", "Say", "Hangup"]
    assert "죄송합니다" in root[0].text and root[0].get("language") == "ko-KR"
    assert root[1].get("language") == "en-US"
    record = root.find("Record")
    assert url_parts(record.get("action")) == ("/voice/fallback", {"step": "done"})
    assert url_parts(record.get("recordingStatusCallback"))[1] == {"purpose": "voicemail"}
