"""The call flow as pure TwiML: greeting, menu, region question, recording, lookup."""

from __future__ import annotations

import pytest

import ivr_flows as flows
from ivr_flows import CallState, IvrSettings
from tests.twiml_tree import says, spoken, tree, url_parts, verbs

SETTINGS = IvrSettings()
MOBILE = CallState(region_known=False)
LANDLINE = CallState(region_known=True)


def test_greeting_and_recording_notice_come_before_the_menu():
    root = tree(flows.incoming(LANDLINE, SETTINGS).twiml)
    assert verbs(root) == ["Say", "Say", "Gather", "Redirect"]
    greeting, notice = root[0], root[1]
    assert "중소기업 기술지원 통합콜센터 1379입니다" in greeting.text
    assert "통화 내용이 녹음됩니다" in notice.text
    for say in (greeting, notice):
        assert say.get("language") == "ko-KR"
        assert say.get("voice") == "Polly.Seoyeon"


def test_menu_gather_takes_keys_and_korean_speech():
    root = tree(flows.incoming(LANDLINE, SETTINGS).twiml)
    gather = root.find("Gather")
    assert gather is not None
    assert gather.get("input") == "dtmf speech"
    assert gather.get("language") == "ko-KR"
    assert gather.get("numDigits") == "1"
    assert "기술 상담" in gather.get("hints", "")
    assert url_parts(gather.get("action")) == ("/voice/menu", {"n": "1"})
    menu_say, english = gather.findall("Say")
    for item in ("1번", "2번", "3번", "4번", "0번"):
        assert item in menu_say.text
    assert english.get("language") == "en-US"
    assert "press 9" in english.text
    # Silence falls through to a redirect to the same handler, which counts the try.
    assert root.find("Redirect").text == gather.get("action")


def test_voice_and_language_come_from_settings():
    settings = IvrSettings(voice="Polly.Jihye", language="ko-KR", voice_en="Polly.Matthew")
    root = tree(flows.incoming(LANDLINE, settings).twiml)
    voices = {s.get("language"): s.get("voice") for s in says(root)}
    assert voices == {"ko-KR": "Polly.Jihye", "en-US": "Polly.Matthew"}


def _first_step(state, digits=None, speech=None, attempt=1):
    step = flows.menu(state, SETTINGS, digits=digits, speech=speech, attempt=attempt)
    return step, tree(step.twiml)


@pytest.mark.parametrize("digit", ["1", "2", "3"])
def test_intake_branches_record_at_once_for_landlines(digit):
    step, root = _first_step(LANDLINE, digits=digit)
    assert verbs(root)[:2] == ["Say", "Record"]
    assert "회사 이름과 겪고 계신 문제를 말씀해 주세요" in root[0].text
    assert "우물 정자" in root[0].text
    record = root.find("Record")
    assert record.get("maxLength") == "180"
    assert record.get("finishOnKey") == "#"
    assert record.get("trim") == "trim-silence"
    assert record.get("playBeep") == "true"
    assert url_parts(record.get("action")) == ("/voice/record-done", {"purpose": "problem"})
    assert url_parts(record.get("recordingStatusCallback")) == (
        "/voice/recording-status",
        {"purpose": "problem"},
    )
    assert record.get("recordingStatusCallbackEvent") == "completed"
    assert step.choice == digit


@pytest.mark.parametrize("digit", ["1", "2", "3"])
def test_intake_branches_ask_the_region_when_the_number_has_none(digit):
    step, root = _first_step(MOBILE, digits=digit)
    gather = root.find("Gather")
    assert url_parts(gather.get("action")) == ("/voice/region", {"next": digit, "n": "1"})
    assert gather.get("input") == "dtmf speech"
    text = spoken(root)
    assert "서울·인천·경기는 1번" in text
    assert "강원은 2번" in text
    assert "제주는 7번" in text
    assert root.find("Record") is None  # asked before recording
    assert step.choice == digit


@pytest.mark.parametrize(
    ("speech", "digit"),
    [
        ("기술 상담 받고 싶어요", "1"),
        ("장비 활용 문의요", "2"),
        ("특허 관련해서요", "3"),
        ("접수한 거 진행 상황 조회하려고요", "4"),
        ("상담원 연결해 주세요", "0"),
        ("영어", "9"),
        ("English please", "9"),
        ("2번이요", "2"),
    ],
)
def test_spoken_answers_reach_the_same_branches_as_keys(speech, digit):
    by_voice, _ = _first_step(MOBILE, speech=speech)
    by_key, _ = _first_step(MOBILE, digits=digit)
    assert by_voice.name == by_key.name
    assert by_voice.choice == by_key.choice == digit
    assert str(by_voice.twiml) == str(by_key.twiml)


def test_status_lookup_asks_for_four_digits():
    step, root = _first_step(MOBILE, digits="4")
    gather = root.find("Gather")
    assert gather.get("numDigits") == "4"
    assert gather.get("input") == "dtmf"
    assert url_parts(gather.get("action")) == ("/voice/lookup", {"n": "1"})
    assert "끝 네 자리" in spoken(root)


def test_status_lookup_needs_a_caller_id():
    hidden = CallState(caller_known=False)
    step, root = _first_step(hidden, digits="4")
    assert "발신번호가 표시되지 않아" in spoken(root)
    assert url_parts(root.find("Gather").get("action"))[0] == "/voice/menu"


def test_nine_switches_to_english():
    step, root = _first_step(LANDLINE, digits="9")
    assert step.language == "en"
    gather = root.find("Gather")
    assert gather.get("language") == "en-US"
    assert all(s.get("language") == "en-US" for s in says(root))
    assert "press 1" in spoken(root)


def test_english_callers_hear_english_prompts():
    english = CallState(lang="en", region_known=False)
    _, root = _first_step(english, digits="1")
    assert all(s.get("language") == "en-US" for s in says(root))
    assert all(s.get("voice") == "Polly.Joanna" for s in says(root))
    assert "for Gangwon, press 2" in spoken(root)


@pytest.mark.parametrize(("digits", "message"), [("7", "잘못 누르셨습니다"), (None, "입력이 확인")])
def test_bad_key_or_silence_goes_back_to_the_menu(digits, message):
    step, root = _first_step(LANDLINE, digits=digits, attempt=1)
    assert message in root[0].text
    assert url_parts(root.find("Gather").get("action")) == ("/voice/menu", {"n": "2"})
    assert step.name == "menu_retry"


def test_after_two_retries_the_caller_reaches_an_agent():
    step, root = _first_step(LANDLINE, digits="7", attempt=3)
    assert root.find("Enqueue") is not None
    assert "상담원에게 연결해 드리겠습니다" in spoken(root)
    assert step.enqueued


def test_after_two_retries_out_of_hours_the_caller_leaves_a_message():
    closed = CallState(region_known=True, open_now=False)
    step, root = _first_step(closed, digits=None, attempt=3)
    assert root.find("Enqueue") is None
    record = root.find("Record")
    assert url_parts(record.get("action")) == ("/voice/record-done", {"purpose": "voicemail"})


def test_region_answer_goes_on_to_record():
    step = flows.region_answer(MOBILE, SETTINGS, found=True, next_step="2", attempt=1)
    root = tree(step.twiml)
    assert root.find("Record") is not None
    assert step.choice == "2"


def test_region_not_understood_is_asked_once_more_then_skipped():
    again = tree(flows.region_answer(MOBILE, SETTINGS, found=False, next_step="1", attempt=1).twiml)
    assert "다시 한 번 선택해 주세요" in again[0].text
    assert url_parts(again.find("Gather").get("action")) == (
        "/voice/region",
        {"next": "1", "n": "2"},
    )
    onward = tree(
        flows.region_answer(MOBILE, SETTINGS, found=False, next_step="1", attempt=2).twiml
    )
    assert onward.find("Record") is not None


def test_region_for_voicemail_leads_to_the_voicemail_recording():
    closed = CallState(region_known=False, open_now=False)
    root = tree(flows.region_answer(closed, SETTINGS, found=True, next_step="vm", attempt=1).twiml)
    assert url_parts(root.find("Record").get("action"))[1] == {"purpose": "voicemail"}


def test_empty_recording_is_asked_again_then_the_call_ends():
    first = tree(flows.record_prompt(LANDLINE, SETTINGS, purpose="problem").twiml)
    assert verbs(first) == ["Say", "Record", "Say", "Redirect"]
    assert url_parts(first.find("Redirect").text) == (
        "/voice/record",
        {"purpose": "problem", "n": "2"},
    )
    second = tree(flows.record_prompt(LANDLINE, SETTINGS, purpose="problem", attempt=2).twiml)
    assert verbs(second)[-1] == "Hangup"


def test_record_done_reads_the_ticket_number_digit_by_digit():
    step = flows.record_done(
        LANDLINE, SETTINGS, ticket_number="1379-20261127-0042", purpose="problem", sms=True
    )
    root = tree(step.twiml)
    text = spoken(root)
    assert "일 삼 칠 구, 이 공 이 육 일 일 이 칠, 공 공 사 이" in text
    assert "끝 네 자리는 공 공 사 이" in text
    assert "문자 메시지" in text
    assert verbs(root)[-1] == "Hangup"
    assert step.outcome == "ticket"
    no_sms = flows.record_done(
        LANDLINE, SETTINGS, ticket_number="1379-20261127-0042", purpose="voicemail", sms=False
    )
    assert "문자 메시지" not in spoken(tree(no_sms.twiml))
    assert no_sms.outcome == "voicemail"


def test_lookup_reads_the_status_in_korean():
    found = flows.FoundTicket("1379-20261127-0042", "in_progress", "서남본부(광주)")
    step = flows.lookup_result(LANDLINE, SETTINGS, found=found, attempt=1)
    text = spoken(tree(step.twiml))
    assert "공 공 사 이 건은 현재 처리 중 상태입니다" in text
    assert "담당 센터는 서남본부(광주)입니다" in text
    assert step.outcome == "status_lookup"


def test_lookup_not_found_asks_once_more_then_says_goodbye():
    first = flows.lookup_result(LANDLINE, SETTINGS, found=None, attempt=1)
    root = tree(first.twiml)
    assert "찾지 못했습니다" in spoken(root)
    assert url_parts(root.find("Gather").get("action")) == ("/voice/lookup", {"n": "2"})
    assert first.outcome is None
    last = flows.lookup_result(LANDLINE, SETTINGS, found=None, attempt=2)
    assert verbs(tree(last.twiml))[-1] == "Hangup"


def test_every_korean_prompt_is_spoken_in_korean():
    steps = [
        flows.incoming(MOBILE, SETTINGS),
        flows.menu(MOBILE, SETTINGS, digits="1", speech=None, attempt=1),
        flows.record_prompt(LANDLINE, SETTINGS),
        flows.lookup_prompt(LANDLINE, SETTINGS, attempt=1),
        flows.voicemail_prompt(CallState(open_now=False), SETTINGS),
    ]
    for step in steps:
        for say in says(tree(step.twiml)):
            if say.get("language") != "en-US":
                assert say.get("language") == "ko-KR"
                assert any("가" <= ch <= "힣" for ch in say.text)


def test_action_urls_are_ascii():
    steps = [
        flows.incoming(MOBILE, SETTINGS),
        flows.menu(MOBILE, SETTINGS, digits="1", speech=None, attempt=1),
        flows.region_answer(MOBILE, SETTINGS, found=True, next_step="3", attempt=1),
        flows.menu(CallState(open_now=False), SETTINGS, digits="0", speech=None, attempt=1),
    ]
    for step in steps:
        for element in tree(step.twiml).iter():
            for attr in ("action", "recordingStatusCallback", "waitUrl"):
                if element.get(attr):
                    assert element.get(attr).isascii()
            if element.tag == "Redirect":
                assert element.text.isascii()
