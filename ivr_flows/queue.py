"""Branch 0: the routed center's queue in business hours, voicemail otherwise; fallback URL.

A caller asking for a person waits in their routed center's queue (``CallState.live_queue``);
when an operator is claimed for them the wait URL answers <Leave>, and the queue's action
rings the operator's browser with <Dial><Client> (:func:`ring_operator`).
"""

from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from ivr_flows import urls
from ivr_flows.region import region_question
from ivr_flows.settings import CallState, IvrSettings
from ivr_flows.texts import describe_hours, korean_ordinal, spell_digits
from ivr_flows.twiml import Step, gather, goodbye, record, record_verb, say

QUEUE_NAME = "1379-agents"  # when no center was routed
# The position prompt plus this much silence comes to about 30 s between announcements.
QUEUE_ANNOUNCE_GAP = 20
# While operators may be offered the call, the wait URL is asked again this often.
LIVE_POLL_SECONDS = 5
ANSWERED_RESULTS = ("bridged", "bridging-in-process")


def operator(state: CallState, settings: IvrSettings, *, after_retries: bool = False) -> Step:
    """Queue for an agent when open and not full; otherwise voicemail (region asked first)."""
    if state.open_now and not state.queue_full:
        return enqueue(state, settings, after_retries=after_retries)
    if not state.region_known:
        step = region_question(state, settings, next_step="vm", attempt=1)
        step.detail["reason"] = "busy" if state.open_now else "closed"
        return step
    return voicemail_prompt(state, settings)


def enqueue(
    state: CallState, settings: IvrSettings, *, after_retries: bool = False, again: bool = False
) -> Step:
    """<Enqueue> in the routed center's queue; its wait URL announces and offers a callback."""
    response = VoiceResponse()
    key = "live_next" if again else "to_operator" if after_retries else "enqueue"
    say(response, settings, state.lang, key)
    response.enqueue(
        state.live_queue or QUEUE_NAME,
        action=urls.QUEUE_ACTION,
        method="POST",
        wait_url=urls.QUEUE_WAIT,
        wait_url_method="POST",
        max_queue_size=settings.queue_max,
    )
    if again:
        return Step(response, "live_requeued", enqueued=True, detail={"queue": state.live_queue})
    return Step(response, "enqueue", choice="0", enqueued=True, detail={"queue": state.live_queue})


def queue_wait(
    state: CallState, settings: IvrSettings, *, position: int | None, announce: bool = True
) -> Step:
    """The wait URL's TwiML: position, the callback offer, a pause, then Twilio asks again.

    A live call's wait URL is asked every few seconds (an operator may free up); it
    announces only every ~30 s and otherwise just listens for the callback key.
    """
    response = VoiceResponse()
    gap = LIVE_POLL_SECONDS if state.live_queue else QUEUE_ANNOUNCE_GAP
    prompt = gather(response, settings, state.lang, urls.QUEUE_CALLBACK, speech=False, timeout=gap)
    if not announce:
        return Step(response, "queue_wait", detail={"position": position, "announced": False})
    if position:
        say(
            prompt,
            settings,
            state.lang,
            "queue_position",
            ordinal=korean_ordinal(position),
            position=position,
        )
    if state.caller_known:
        say(prompt, settings, state.lang, "queue_offer")
    return Step(response, "queue_wait", detail={"position": position})


def leave_for_operator(operator: str) -> Step:
    """The wait URL once an operator is claimed: leave the queue to ring them."""
    response = VoiceResponse()
    response.leave()
    return Step(response, "live_offer", detail={"operator": operator})


def ring_operator(
    state: CallState, settings: IvrSettings, *, identity: str, live_id: int, timeout: int
) -> Step:
    """Ring the operator's browser (Twilio Client); the dial's action settles the outcome."""
    response = VoiceResponse()
    say(response, settings, state.lang, "to_operator")
    dial = response.dial(
        action=urls.url(urls.LIVE_DIAL, live=live_id),
        method="POST",
        timeout=timeout,
        answer_on_bridge=True,
    )
    dial.client(
        identity,
        status_callback=urls.url(urls.LIVE_CLIENT_STATUS, live=live_id),
        status_callback_event="initiated ringing answered completed",
        status_callback_method="POST",
    )
    return Step(response, "live_ring", detail={"operator": identity, "timeout": timeout})


def after_conversation(state: CallState, settings: IvrSettings) -> Step:
    """The operator hung up first: thank the caller and end the call."""
    response = goodbye(VoiceResponse(), settings, state.lang)
    return Step(response, "live_done", outcome="answered")


def queue_callback(
    state: CallState, settings: IvrSettings, *, digits: str | None, ticket_number: str | None
) -> Step:
    """Key pressed while waiting: 1 leaves the queue with a callback ticket kept in order."""
    response = VoiceResponse()
    if (digits or "").strip() == "1":
        if ticket_number is not None:
            last4 = spell_digits(ticket_number[-4:], state.lang)
            say(response, settings, state.lang, "callback_ok", last4=last4)
            response.leave()
            return Step(
                response, "callback_requested", outcome="callback", detail={"ticket": ticket_number}
            )
        say(response, settings, state.lang, "callback_no_caller")
    response.redirect(urls.QUEUE_WAIT, method="POST")
    return Step(response, "queue_key", detail={"digits": digits})


def queue_result(
    state: CallState, settings: IvrSettings, *, result: str, has_callback: bool
) -> Step:
    """Enqueue's action: the caller left the queue (answered, callback, hang-up, full...)."""
    if result in ANSWERED_RESULTS:
        response = VoiceResponse()
        response.hangup()
        return Step(response, "queue_answered", outcome="answered")
    if result == "hangup":
        return Step(VoiceResponse(), "queue_hangup", outcome="abandoned_queue")
    if result == "leave" and has_callback:
        response = goodbye(VoiceResponse(), settings, state.lang)
        return Step(response, "queue_left", outcome="callback")
    if result == "redirected":
        return Step(VoiceResponse(), "queue_redirected")
    # queue-full, error, system-error, or a Leave we did not ask for: take a message.
    busy = CallState(**{**state.__dict__, "open_now": True, "queue_full": True})
    step = voicemail_prompt(busy, settings)
    step.detail["queue_result"] = result
    return step


def voicemail_prompt(state: CallState, settings: IvrSettings, *, attempt: int = 1) -> Step:
    """Why no agent can answer (closed or busy), then record a message."""
    response = VoiceResponse()
    if attempt == 1:
        if state.open_now:
            say(response, settings, state.lang, "busy")
        else:
            hours = describe_hours(
                state.lang, settings.weekdays, settings.open_minute, settings.close_minute
            )
            say(response, settings, state.lang, "closed", hours=hours)
    say(response, settings, state.lang, "voicemail")
    record(response, state, settings, "voicemail", attempt)
    reason = "busy" if state.open_now else "closed"
    return Step(response, "voicemail_prompt", choice="0", detail={"reason": reason})


def fallback(settings: IvrSettings) -> VoiceResponse:
    """Twilio's fallback URL: apologise (Korean, then English) and take a message; no database."""
    response = VoiceResponse()
    say(response, settings, "ko", "fallback")
    say(response, settings, "en", "fallback")
    record_verb(response, action=urls.url(urls.FALLBACK, step="done"), purpose="voicemail")
    return fallback_done(settings, response)


def fallback_done(settings: IvrSettings, response: VoiceResponse | None = None) -> VoiceResponse:
    """Thanks and hang up (after the fallback recording, or when nothing was recorded)."""
    response = response or VoiceResponse()
    say(response, settings, "ko", "fallback_thanks")
    response.hangup()
    return response
