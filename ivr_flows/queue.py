"""Branch 0: the agents' queue in business hours, voicemail otherwise; and the fallback URL."""

from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from ivr_flows import urls
from ivr_flows.region import region_question
from ivr_flows.settings import CallState, IvrSettings
from ivr_flows.texts import describe_hours, korean_ordinal, spell_digits
from ivr_flows.twiml import Step, gather, goodbye, record, record_verb, say

QUEUE_NAME = "1379-agents"
# The position prompt plus this much silence comes to about 30 s between announcements.
QUEUE_ANNOUNCE_GAP = 20
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


def enqueue(state: CallState, settings: IvrSettings, *, after_retries: bool = False) -> Step:
    """<Enqueue> with a wait URL that announces the position and offers a callback."""
    response = VoiceResponse()
    say(response, settings, state.lang, "to_operator" if after_retries else "enqueue")
    response.enqueue(
        QUEUE_NAME,
        action=urls.QUEUE_ACTION,
        method="POST",
        wait_url=urls.QUEUE_WAIT,
        wait_url_method="POST",
        max_queue_size=settings.queue_max,
    )
    return Step(response, "enqueue", choice="0", enqueued=True)


def queue_wait(state: CallState, settings: IvrSettings, *, position: int | None) -> Step:
    """The wait URL's TwiML: position, the callback offer, ~30 s, then Twilio asks again."""
    response = VoiceResponse()
    prompt = gather(
        response,
        settings,
        state.lang,
        urls.QUEUE_CALLBACK,
        speech=False,
        timeout=QUEUE_ANNOUNCE_GAP,
    )
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
