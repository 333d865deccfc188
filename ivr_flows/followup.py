"""The follow-up check's call (사후 점검): the same question as the text, then a 1-5 score.

Pure: the web layer (callcenter/followup/webhooks.py) passes in the check's id and what the
caller pressed, and answers Twilio with the returned VoiceResponse.
"""

from __future__ import annotations

import unicodedata

from twilio.twiml.voice_response import VoiceResponse

from ivr_flows.settings import IvrSettings
from ivr_flows.twiml import gather
from ivr_flows.urls import url

START = "/followup/voice/start"
ANSWER = "/followup/voice/answer"
SCORE = "/followup/voice/score"
ATTEMPTS = 2
ANSWERS = {"1": "resolved", "2": "not_yet", "3": "call_me"}

TEXTS = {
    "intro": "안녕하세요, 1379 중소기업 기술지원센터입니다. 접수하신 문의의 사후 점검 전화입니다.",
    "question": (
        "문제가 해결되셨으면 1번, 아직 해결되지 않았으면 2번, "
        "상담원과 통화를 원하시면 3번을 눌러 주세요."
    ),
    "again": "다시 한 번 눌러 주세요.",
    "score": "이번 상담에 얼마나 만족하셨는지 1점에서 5점 사이의 숫자를 눌러 주세요.",
    "thanks_resolved": "해결되었다니 다행입니다. 응답해 주셔서 감사합니다.",
    "thanks_open": "말씀 감사합니다. 담당 상담원이 곧 다시 연락드리겠습니다.",
    "no_answer": "응답이 없어 전화를 마칩니다. 필요하시면 1379로 전화해 주세요.",
    "closed": "이 점검은 이미 끝났습니다. 감사합니다.",
}


def _say(response: VoiceResponse, settings: IvrSettings, key: str) -> None:
    response.say(TEXTS[key], **settings.voice_for("ko"))


def _digit(digits: str | None) -> str:
    return unicodedata.normalize("NFKC", digits or "").strip()[:1]


def answer_of(digits: str | None) -> str | None:
    """The answer a key gives (1 해결됨, 2 아직, 3 통화 원함), None for anything else."""
    return ANSWERS.get(_digit(digits))


def score_of(digits: str | None) -> int | None:
    """A satisfaction score 1-5 from a key, None for anything else."""
    key = _digit(digits)
    return int(key) if key in ("1", "2", "3", "4", "5") else None


def question(settings: IvrSettings, check_id: int, attempt: int = 1) -> VoiceResponse:
    """Ask the check's question (the greeting on the first attempt)."""
    response = VoiceResponse()
    if attempt == 1:
        _say(response, settings, "intro")
    else:
        _say(response, settings, "again")
    ask = gather(
        response,
        settings,
        "ko",
        url(ANSWER, check=check_id, n=attempt),
        speech=False,
    )
    ask.say(TEXTS["question"], **settings.voice_for("ko"))
    if attempt < ATTEMPTS:
        response.redirect(url(ANSWER, check=check_id, n=attempt), method="POST")
    else:
        _say(response, settings, "no_answer")
        response.hangup()
    return response


def after_answer(settings: IvrSettings, check_id: int, answer: str) -> VoiceResponse:
    """The answer is recorded: ask for the 1-5 score."""
    response = VoiceResponse()
    ask = gather(response, settings, "ko", url(SCORE, check=check_id, a=answer), speech=False)
    ask.say(TEXTS["score"], **settings.voice_for("ko"))
    return goodbye(response, settings, answer)


def goodbye(
    response: VoiceResponse | None, settings: IvrSettings, answer: str | None
) -> VoiceResponse:
    """Thank the caller for the answer and hang up."""
    response = response if response is not None else VoiceResponse()
    _say(response, settings, "thanks_resolved" if answer == "resolved" else "thanks_open")
    response.hangup()
    return response


def closed(settings: IvrSettings) -> VoiceResponse:
    """A call for a check that is no longer open."""
    response = VoiceResponse()
    _say(response, settings, "closed")
    response.hangup()
    return response
