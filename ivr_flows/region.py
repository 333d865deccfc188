"""The region question, asked once when the caller's number gives no region."""

from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from ivr_flows import urls
from ivr_flows.settings import CallState, IvrSettings
from ivr_flows.speech import spoken_digit
from ivr_flows.texts import text, topic_particle
from ivr_flows.twiml import Step, gather, say
from routing import reference

REGION_ATTEMPTS = 2
INTAKE_CHOICES = ("1", "2", "3")


def region_question(
    state: CallState, settings: IvrSettings, *, next_step: str, attempt: int
) -> Step:
    """Ask the caller's region (keys from ivr_regions.csv, or a place name).

    ``next_step`` is the menu choice to resume ("1"-"3") or "vm" for voicemail.
    """
    response = VoiceResponse()
    if attempt > 1:
        say(response, settings, state.lang, "region_retry")
    action = urls.url(urls.REGION, next=next_step, n=attempt)
    prompt = gather(response, settings, state.lang, action, hints=region_hints())
    options = ", ".join(
        text(
            state.lang,
            "region_option",
            digit=r.digit,
            topic=topic_particle(r.name_ko),
            name=r.name_ko if state.lang == "ko" else r.name_en,
        )
        for r in reference.ivr_regions()
    )
    say(prompt, settings, state.lang, "region", options=options + ".")
    response.redirect(action, method="POST")
    choice = next_step if next_step in INTAKE_CHOICES else "0"
    return Step(response, "region_question", choice=choice, detail={"attempt": attempt})


def region_hints() -> str:
    """Speech hints: every province named in the region groups."""
    names = [p for r in reference.ivr_regions() for p in r.provinces]
    return ", ".join(dict.fromkeys(names))


def region_digit(digits: str | None, speech: str | None) -> str | None:
    """A region key pressed or named ("6번이요"); place names are routing's business."""
    if digits:
        return digits.strip()[:1] or None
    return spoken_digit(speech)
