"""The 1379 call flow: call state in, twilio ``VoiceResponse`` out. No Flask here.

The web layer (``callcenter.voice``) turns each Twilio request into a :class:`CallState`,
calls one of these functions and answers with the returned :class:`Step`'s TwiML.
"""

from ivr_flows.hours import holiday_name, is_open
from ivr_flows.menu import (
    MENU,
    MENU_ATTEMPTS,
    FoundTicket,
    incoming,
    lookup_prompt,
    lookup_result,
    menu,
    menu_choice,
    record_done,
    record_prompt,
    region_answer,
)
from ivr_flows.queue import (
    after_conversation,
    enqueue,
    fallback,
    fallback_done,
    leave_for_operator,
    operator,
    queue_callback,
    queue_result,
    queue_wait,
    ring_operator,
    voicemail_prompt,
)
from ivr_flows.region import region_digit, region_question
from ivr_flows.settings import CallState, IvrSettings
from ivr_flows.twiml import Step

__all__ = [
    "MENU",
    "MENU_ATTEMPTS",
    "CallState",
    "FoundTicket",
    "IvrSettings",
    "Step",
    "after_conversation",
    "enqueue",
    "fallback",
    "fallback_done",
    "holiday_name",
    "incoming",
    "is_open",
    "leave_for_operator",
    "lookup_prompt",
    "lookup_result",
    "menu",
    "menu_choice",
    "operator",
    "queue_callback",
    "queue_result",
    "queue_wait",
    "record_done",
    "record_prompt",
    "region_answer",
    "region_digit",
    "region_question",
    "ring_operator",
    "voicemail_prompt",
]
