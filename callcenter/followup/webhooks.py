"""Twilio's signed requests of the follow-up check: inbound text replies and the IVR call.

``POST /followup/sms`` is the messaging webhook of the SMS number (From, Body, MessageSid);
``/followup/voice/*`` serve the outbound check call. Every request's X-Twilio-Signature is
checked as for the voice webhooks (callcenter/voice/security.py).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request
from twilio.twiml.messaging_response import MessagingResponse

from callcenter.db import db
from callcenter.followup.replies import ANSWER_WORDS, apply_answer, receive_sms, set_score
from callcenter.models import FollowUpCheck
from callcenter.voice.calls import ivr_settings
from callcenter.voice.security import twilio_only
from callcenter.voice.webhook import query_int, twiml
from ivr_flows import followup as flow

bp = Blueprint("followup_webhooks", __name__)

THANKS = "[1379] 응답 감사합니다: {answer}. {next}"
NEXT = {
    "resolved": "사후 점검을 마칩니다.",
    "not_yet": "담당 상담원이 다시 연락드리겠습니다.",
    "call_me": "담당 상담원이 곧 전화드리겠습니다.",
}


def _xml(response: MessagingResponse) -> Response:
    return Response(str(response), status=200, mimetype="text/xml")


@bp.post("/followup/sms")
@twilio_only
def inbound_sms() -> Response:
    """A text message to our number: a follow-up answer, or one for an operator's review."""
    sid = (request.form.get("MessageSid") or request.form.get("SmsSid") or "").strip()
    number = (request.form.get("From") or "").strip()
    if not sid or not number:
        abort(400)
    result = receive_sms(db.session(), sid, number, request.form.get("Body") or "")
    response = MessagingResponse()
    if result.applied and not result.duplicate:
        check = result.reply.check
        answer = check.reply if check is not None else None
        if answer:
            response.message(THANKS.format(answer=ANSWER_WORDS[answer], next=NEXT[answer]))
    return _xml(response)


def _open_call_check() -> FollowUpCheck | None:
    """The check this call is about: open, asked by call, and to the number Twilio called."""
    check = db.session.get(FollowUpCheck, query_int("check", 0, 0, 2**31 - 1))
    if check is None or check.channel != "call" or check.status != "waiting":
        return None
    if (request.form.get("To") or "") != check.to_number:
        return None  # not the call we placed for this check
    if check.call_sid and request.form.get("CallSid") != check.call_sid:
        return None
    return check


@bp.post(flow.START)
@twilio_only
def voice_start() -> Response:
    """The caller picked up: ask the check's question."""
    check = _open_call_check()
    if check is None:
        return twiml(flow.closed(ivr_settings()))
    return twiml(flow.question(ivr_settings(), check.id))


@bp.post(flow.ANSWER)
@twilio_only
def voice_answer() -> Response:
    """The key pressed for the question (or silence): record it, then ask for a score."""
    settings = ivr_settings()
    attempt = query_int("n", 1, 1, flow.ATTEMPTS)
    check = _open_call_check()
    if check is None:
        return twiml(flow.closed(settings))
    answer = flow.answer_of(request.form.get("Digits"))
    if answer is None:
        if attempt >= flow.ATTEMPTS:
            return twiml(flow.goodbye(None, settings, None))
        return twiml(flow.question(settings, check.id, attempt + 1))
    apply_answer(db.session(), check, answer, via="call")
    db.session.commit()
    return twiml(flow.after_answer(settings, check.id, answer))


@bp.post(flow.SCORE)
@twilio_only
def voice_score() -> Response:
    """The 1-5 satisfaction score, kept on the check this call answered."""
    settings = ivr_settings()
    check = db.session.get(FollowUpCheck, query_int("check", 0, 0, 2**31 - 1))
    answer = request.args.get("a")
    score = flow.score_of(request.form.get("Digits"))
    if (
        check is not None
        and check.status == "answered"
        and check.channel == "call"
        and (request.form.get("To") or "") == check.to_number
        and (not check.call_sid or request.form.get("CallSid") == check.call_sid)
        and score is not None
        and check.score is None
    ):
        set_score(db.session(), check, score)
        db.session.commit()
    return twiml(flow.goodbye(None, settings, answer if answer in NEXT else None))
