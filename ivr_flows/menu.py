"""Greeting, main menu, region question, recording and status lookup.

A menu is a mapping from digit to handler; bad input or silence goes back to the menu
(TwilioDevEd ivr-phone-tree style) twice, then to an agent (or voicemail after hours).
Spoken answers reach the same handlers through :func:`ivr_flows.speech.choice_from_speech`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from twilio.twiml.voice_response import VoiceResponse

from ivr_flows import queue, urls
from ivr_flows.region import INTAKE_CHOICES, REGION_ATTEMPTS, region_question
from ivr_flows.settings import CallState, IvrSettings
from ivr_flows.speech import choice_from_speech, menu_hints
from ivr_flows.texts import spell_digits, status_name, text
from ivr_flows.twiml import Step, gather, goodbye, record, say

MENU_ATTEMPTS = 3  # the first try and two retries
LOOKUP_ATTEMPTS = 2


def incoming(state: CallState, settings: IvrSettings) -> Step:
    """Greeting, the recording notice (before anything is recorded), then the menu."""
    response = VoiceResponse()
    say(response, settings, state.lang, "greeting")
    say(response, settings, state.lang, "notice")
    _menu_gather(response, state, settings, attempt=1)
    return Step(response, "greeting")


def _menu_gather(
    response: VoiceResponse, state: CallState, settings: IvrSettings, attempt: int
) -> None:
    action = urls.url(urls.MENU, n=attempt)
    prompt = gather(response, settings, state.lang, action, hints=menu_hints(state.lang))
    say(prompt, settings, state.lang, "menu")
    if state.lang == "ko":
        prompt.say(text("en", "english"), **settings.voice_for("en"))
    # Silence: Gather falls through here and the same handler counts a try.
    response.redirect(action, method="POST")


def menu_choice(digits: str | None, speech: str | None) -> str | None:
    """The menu entry the caller asked for by key or by voice, if it is one."""
    if digits:
        key = digits.strip()[:1]
        return key if key in MENU else None
    choice = choice_from_speech(speech)
    return choice if choice in MENU else None


def menu(
    state: CallState,
    settings: IvrSettings,
    *,
    digits: str | None,
    speech: str | None,
    attempt: int,
) -> Step:
    """Act on the caller's menu answer; retry twice on silence or a bad key."""
    choice = menu_choice(digits, speech)
    handler = MENU.get(choice or "")
    if handler is not None:
        assert choice is not None
        return handler(state, settings, choice)
    if attempt < MENU_ATTEMPTS:
        response = VoiceResponse()
        say(response, settings, state.lang, "invalid" if (digits or speech) else "no_input")
        _menu_gather(response, state, settings, attempt + 1)
        return Step(response, "menu_retry", detail={"attempt": attempt + 1})
    step = queue.operator(state, settings, after_retries=True)
    step.name = f"menu_exhausted:{step.name}"
    return step


def _intake(state: CallState, settings: IvrSettings, choice: str) -> Step:
    if not state.region_known:
        return region_question(state, settings, next_step=choice, attempt=1)
    return record_prompt(state, settings, purpose="problem", choice=choice)


def _lookup(state: CallState, settings: IvrSettings, choice: str) -> Step:
    if not state.caller_known:
        response = VoiceResponse()
        say(response, settings, state.lang, "lookup_no_caller")
        _menu_gather(response, state, settings, attempt=1)
        return Step(response, "lookup_no_caller", choice=choice)
    return lookup_prompt(state, settings, attempt=1, choice=choice)


def _operator(state: CallState, settings: IvrSettings, choice: str) -> Step:
    return queue.operator(state, settings)


def _english(state: CallState, settings: IvrSettings, choice: str) -> Step:
    english = CallState(**{**state.__dict__, "lang": "en"})
    response = VoiceResponse()
    _menu_gather(response, english, settings, attempt=1)
    return Step(response, "language", choice=choice, language="en")


MENU: dict[str, Callable[[CallState, IvrSettings, str], Step]] = {
    "1": _intake,
    "2": _intake,
    "3": _intake,
    "4": _lookup,
    "0": _operator,
    "9": _english,
}


def region_answer(
    state: CallState, settings: IvrSettings, *, found: bool, next_step: str, attempt: int
) -> Step:
    """After the region question: go on (found, or asked enough), else ask once more."""
    if not found and attempt < REGION_ATTEMPTS:
        return region_question(state, settings, next_step=next_step, attempt=attempt + 1)
    if next_step in INTAKE_CHOICES:
        step = record_prompt(state, settings, purpose="problem", choice=next_step)
    else:
        step = queue.voicemail_prompt(state, settings)
    step.detail["region_found"] = found
    return step


def record_prompt(
    state: CallState,
    settings: IvrSettings,
    *,
    purpose: str = "problem",
    choice: str | None = None,
    attempt: int = 1,
) -> Step:
    """Ask for the company name and problem, then <Record>."""
    if purpose == "voicemail":
        return queue.voicemail_prompt(state, settings, attempt=attempt)
    response = VoiceResponse()
    say(response, settings, state.lang, "record")
    record(response, state, settings, purpose, attempt)
    return Step(response, "record_prompt", choice=choice, detail={"purpose": purpose})


def record_done(
    state: CallState,
    settings: IvrSettings,
    *,
    ticket_number: str,
    purpose: str,
    sms: bool,
) -> Step:
    """The ticket exists: read its number digit by digit, then say goodbye."""
    response = VoiceResponse()
    lang = state.lang
    say(response, settings, lang, "received", number=spell_digits(ticket_number, lang))
    say(response, settings, lang, "repeat_last4", last4=spell_digits(ticket_number[-4:], lang))
    if sms:
        say(response, settings, lang, "sms")
    say(response, settings, lang, "follow_up")
    goodbye(response, settings, lang)
    outcome = "voicemail" if purpose == "voicemail" else "ticket"
    return Step(response, "record_done", outcome=outcome, detail={"ticket": ticket_number})


def lookup_prompt(
    state: CallState, settings: IvrSettings, *, attempt: int, choice: str | None = "4"
) -> Step:
    """Ask for the last four digits of a ticket number."""
    response = VoiceResponse()
    _lookup_gather(response, state, settings, attempt)
    return Step(response, "lookup_prompt", choice=choice)


def _lookup_gather(
    response: VoiceResponse, state: CallState, settings: IvrSettings, attempt: int
) -> None:
    action = urls.url(urls.LOOKUP, n=attempt)
    prompt = gather(response, settings, state.lang, action, num_digits=4, speech=False, timeout=8)
    say(prompt, settings, state.lang, "lookup" if attempt == 1 else "lookup_retry")
    response.redirect(action, method="POST")


@dataclass(frozen=True)
class FoundTicket:
    """What the caller may hear about one of their own tickets."""

    number: str
    status: str
    center_name: str | None = None


def lookup_result(
    state: CallState, settings: IvrSettings, *, found: FoundTicket | None, attempt: int
) -> Step:
    """Read the ticket's status in the caller's language, or ask again once."""
    lang = state.lang
    response = VoiceResponse()
    if found is None:
        say(response, settings, lang, "lookup_missing")
        if attempt < LOOKUP_ATTEMPTS:
            _lookup_gather(response, state, settings, attempt + 1)
            return Step(response, "lookup_missing", detail={"attempt": attempt})
        goodbye(response, settings, lang)
        return Step(response, "lookup_missing", outcome="status_lookup")
    last4 = spell_digits(found.number[-4:], lang)
    status = status_name(lang, found.status)
    say(response, settings, lang, "lookup_found", last4=last4, status=status)
    if found.center_name:
        say(response, settings, lang, "lookup_center", center=found.center_name)
    goodbye(response, settings, lang)
    return Step(
        response,
        "lookup_found",
        outcome="status_lookup",
        detail={"ticket": found.number, "status": found.status},
    )
