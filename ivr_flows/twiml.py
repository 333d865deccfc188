"""Small TwiML building blocks shared by the flows (twilio's VoiceResponse, never raw XML)."""

from __future__ import annotations

from dataclasses import dataclass, field

from twilio.twiml.voice_response import Gather, VoiceResponse

from ivr_flows import urls
from ivr_flows.settings import CallState, IvrSettings
from ivr_flows.texts import text

RECORD_MAX_SECONDS = 180
RECORD_SILENCE_SECONDS = 10
GATHER_TIMEOUT = 6


@dataclass
class Step:
    """One flow step: the TwiML to answer and what the web layer should remember.

    Attributes:
        twiml: the response for Twilio.
        name: the step, written to the call's CallEvent (e.g. "record_prompt").
        choice: the menu choice this step acted on, if any.
        language: the caller's new language when it changed ("en" after 9).
        outcome: Call.outcome this step settles, if any.
        enqueued: the caller was put in the agents' queue.
        detail: extra facts for the CallEvent.
    """

    twiml: VoiceResponse
    name: str
    choice: str | None = None
    language: str | None = None
    outcome: str | None = None
    enqueued: bool = False
    detail: dict[str, object] = field(default_factory=dict)


def say(
    verb: VoiceResponse | Gather,
    settings: IvrSettings,
    lang: str,
    key: str,
    **values: object,
) -> None:
    """Append <Say> of prompt ``key`` in the caller's language and voice."""
    verb.say(text(lang, key, **values), **settings.voice_for(lang))


def gather(
    response: VoiceResponse,
    settings: IvrSettings,
    lang: str,
    action: str,
    *,
    num_digits: int = 1,
    speech: bool = True,
    hints: str | None = None,
    timeout: int = GATHER_TIMEOUT,
) -> Gather:
    """A <Gather> posting to ``action``; the caller's silence falls through to what follows."""
    attrs: dict[str, object] = {
        "input": "dtmf speech" if speech else "dtmf",
        "action": action,
        "method": "POST",
        "num_digits": num_digits,
        "timeout": timeout,
    }
    if speech:
        attrs.update(language=settings.speech_language(lang), speech_timeout="auto")
        if hints:
            attrs["hints"] = hints
    return response.gather(**attrs)


def record_verb(response: VoiceResponse, *, action: str, purpose: str) -> None:
    """<Record>: up to 3 minutes, # finishes, silence trimmed, status callback for ``purpose``."""
    if purpose not in urls.PURPOSES:
        raise ValueError(f"unknown recording purpose {purpose!r}")
    response.record(
        action=action,
        method="POST",
        max_length=RECORD_MAX_SECONDS,
        timeout=RECORD_SILENCE_SECONDS,
        finish_on_key="#",
        play_beep=True,
        trim="trim-silence",
        recording_status_callback=urls.url(urls.RECORDING_STATUS, purpose=purpose),
        recording_status_callback_method="POST",
        recording_status_callback_event="completed",
    )


def record(
    response: VoiceResponse, state: CallState, settings: IvrSettings, purpose: str, attempt: int
) -> None:
    """<Record> for ``purpose``, then what happens if Twilio heard nothing.

    Twilio skips the action URL for an empty recording and goes on to the next verb: the
    caller is asked once more, then the call ends politely.
    """
    record_verb(response, action=urls.url(urls.RECORD_DONE, purpose=purpose), purpose=purpose)
    if attempt < 2:
        say(response, settings, state.lang, "record_again")
        response.redirect(urls.url(urls.RECORD, purpose=purpose, n=attempt + 1), method="POST")
    else:
        say(response, settings, state.lang, "record_none")
        response.hangup()


def goodbye(response: VoiceResponse, settings: IvrSettings, lang: str) -> VoiceResponse:
    """Thank the caller and hang up."""
    say(response, settings, lang, "goodbye")
    response.hangup()
    return response
