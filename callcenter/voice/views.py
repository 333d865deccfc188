"""The call flow's webhooks: incoming, menu, region, recording, lookup, status, fallback."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import Response, current_app, request
from sqlalchemy import Select, Table, bindparam, select

import ivr_flows as flows
from callcenter.db import db
from callcenter.models import Center, utcnow
from callcenter.services.tickets import TICKETS
from callcenter.voice import bp
from callcenter.voice.call_rows import CallRow, add_event
from callcenter.voice.calls import (
    apply_step,
    call_state,
    caller_known,
    end_call_if_gone,
    ivr_settings,
    queue_full,
    remember,
)
from callcenter.voice.live_views import release_on_end, with_live_queue
from callcenter.voice.recordings import (
    MAX_URL_LENGTH,
    intake_recording,
    parse_duration,
    recording_sid,
)
from callcenter.voice.security import twilio_only
from callcenter.voice.webhook import (
    call_webhook,
    no_content,
    query_choice,
    query_int,
    twiml,
)
from ivr_flows import urls
from routing.location import ivr_region, region_from_speech

REGION_NEXT = ("1", "2", "3", "vm")
TERMINAL_STATUSES = {
    "completed": "completed",
    "busy": "busy",
    "failed": "failed",
    "no-answer": "no_answer",
    "canceled": "canceled",
}
CENTERS: Table = Center.__table__  # type: ignore[assignment]


def _confidence() -> float | None:
    try:
        return float(request.form["Confidence"])
    except (KeyError, ValueError):
        return None


@bp.post(urls.INCOMING)
@call_webhook(incoming=True)
def incoming(call: CallRow, created: bool) -> Response:
    """A call comes in: greeting, recording notice, menu. A replayed CallSid changes nothing."""
    step = flows.incoming(call_state(call, open_now=True), ivr_settings())
    if created:
        detail = {"from": call.from_number, "to": call.to_number, "region": call.region}
        apply_step(call, step, "incoming", detail=detail)
    return twiml(step.twiml)


@bp.post(urls.MENU)
@call_webhook()
def menu(call: CallRow, created: bool) -> Response:
    """The caller's menu answer (keys or speech), or silence."""
    digits, speech = request.form.get("Digits"), request.form.get("SpeechResult")
    attempt = query_int("n", 1, 1, flows.MENU_ATTEMPTS)
    # Only the operator branch needs the queue size; counting costs a query.
    wants_operator = flows.menu_choice(digits, speech) == "0" or attempt >= flows.MENU_ATTEMPTS
    state = call_state(call, queue_full=wants_operator and queue_full(db.session()))
    if wants_operator:
        state = with_live_queue(call, state)  # the routed center's queue
    step = flows.menu(state, ivr_settings(), digits=digits, speech=speech, attempt=attempt)
    apply_step(
        call,
        step,
        "menu",
        digits=digits,
        speech=speech,
        speech_confidence=_confidence(),
    )
    return twiml(step.twiml)


@bp.post(urls.REGION)
@call_webhook()
def region(call: CallRow, created: bool) -> Response:
    """The answer to the region question: a key 1-7 or a spoken place name."""
    digits, speech = request.form.get("Digits"), request.form.get("SpeechResult")
    next_step = query_choice("next", REGION_NEXT, "1")
    attempt = query_int("n", 1, 1, 2)
    key = flows.region_digit(digits, speech)
    location = ivr_region(key) if key else None
    if location is None and speech:
        location = region_from_speech(speech)
    if location is not None:
        call.region, call.region_source = location.region, location.source
    state = call_state(call, queue_full=next_step == "vm" and queue_full(db.session()))
    step = flows.region_answer(
        state, ivr_settings(), found=location is not None, next_step=next_step, attempt=attempt
    )
    apply_step(
        call,
        step,
        "region",
        digits=digits,
        speech=speech,
        speech_confidence=_confidence(),
        detail={"region": call.region, "source": call.region_source},
    )
    return twiml(step.twiml)


@bp.post(urls.RECORD)
@call_webhook()
def record(call: CallRow, created: bool) -> Response:
    """The recording prompt again (after an empty recording)."""
    purpose = query_choice("purpose", urls.PURPOSES, "problem")
    attempt = query_int("n", 1, 1, 2)
    state = call_state(call)
    step = flows.record_prompt(state, ivr_settings(), purpose=purpose, attempt=attempt)
    apply_step(call, step, "record_prompt")
    return twiml(step.twiml)


@bp.post(urls.RECORD_DONE)
@call_webhook(lock=True)
def record_done(call: CallRow, created: bool) -> Response:
    """<Record> finished: the ticket exists now; read its number back and say goodbye."""
    purpose = query_choice("purpose", urls.PURPOSES, "problem")
    timezone = current_app.config["TIMEZONE"]
    digits = request.form.get("Digits")
    if recording_sid(request.form) is None:
        # No recording to speak of (a hang-up before any audio): ask once more.
        step = flows.record_prompt(call_state(call), ivr_settings(), purpose=purpose, attempt=2)
        apply_step(call, step, "record", digits=digits, detail={"missing": True})
        return twiml(step.twiml)
    # The audio may not be downloadable before its status callback: that callback (or the
    # stuck-recording sweep) queues the transcription.
    with intake_recording(
        db.session(), call, request.form, purpose=purpose, timezone=timezone, transcribe=False
    ) as intake:
        state = call_state(call, open_now=True)
        step = flows.record_done(
            state,
            ivr_settings(),
            ticket_number=intake.ticket.number,
            purpose=purpose,
            sms=intake.sms is not None,
        )
        apply_step(
            call,
            step,
            "record",
            digits=digits,
            detail={
                "recording_sid": intake.recording.recording_sid,
                "hangup": digits == "hangup",
            },
        )
    return twiml(step.twiml)


@bp.post(urls.RECORDING_STATUS)
@call_webhook(lock=True)
def recording_status(call: CallRow, created: bool) -> Response:
    """Recording status callback: persist and commit the Recording, then queue transcription.

    The caller may have hung up before hearing the ticket number: the text still goes out.
    """
    form = request.form
    purpose = query_choice("purpose", urls.PURPOSES, "voicemail")
    status = (form.get("RecordingStatus") or "completed")[:20]
    sid = recording_sid(form)
    if sid is None:
        # Nothing to take in without a RecordingSid: keep what came on the call's timeline
        # (a 2xx, so Twilio does not retry something that can never succeed).
        detail = {
            "rejected": "RecordingSid missing or malformed",
            "recording_sid": (form.get("RecordingSid") or "")[:80],
            "recording_url": (form.get("RecordingUrl") or "")[:MAX_URL_LENGTH],
        }
        add_event(call, "recording", status, detail=detail)
        current_app.logger.warning("recording callback without a usable RecordingSid kept")
        return no_content()
    seen = list((call.state or {}).get("recording_callbacks", []))
    key = f"{sid}:{status}"
    if key in seen:
        return no_content()  # a replay: nothing changes
    remember(call, "recording_callbacks", [*seen, key])
    if status != "completed":
        add_event(call, "recording", status, detail={"recording_sid": sid})
        return no_content()
    timezone = current_app.config["TIMEZONE"]
    with intake_recording(db.session(), call, form, purpose=purpose, timezone=timezone) as intake:
        add_event(
            call,
            "recording",
            "completed",
            detail={"recording_sid": sid, "ticket": intake.ticket.number, "purpose": purpose},
        )
    return no_content()


@bp.post(urls.LOOKUP)
@call_webhook()
def lookup(call: CallRow, created: bool) -> Response:
    """Branch 4: the last four digits of one of this caller's own tickets."""
    digits = (request.form.get("Digits") or "").strip()
    attempt = query_int("n", 1, 1, 2)
    state = call_state(call, open_now=True)
    if not digits and attempt == 1:
        # Silence on the first ask: ask again rather than report "not found".
        step = flows.lookup_prompt(state, ivr_settings(), attempt=2)
    else:
        found = _own_ticket(call, digits)
        step = flows.lookup_result(state, ivr_settings(), found=found, attempt=attempt)
    apply_step(call, step, "lookup", digits=digits)
    return twiml(step.twiml)


def _own_ticket_query(center_name: Any) -> Select[Any]:
    return (
        select(TICKETS.c.number, TICKETS.c.status, center_name.label("center"))
        .outerjoin(CENTERS, CENTERS.c.code == TICKETS.c.center_code)
        .where(
            TICKETS.c.caller_number == bindparam("caller"),
            TICKETS.c.number.endswith(bindparam("suffix")),
        )
        .order_by(TICKETS.c.created_at.desc(), TICKETS.c.id.desc())
        .limit(1)
    )


_OWN_TICKET_KO = _own_ticket_query(CENTERS.c.name_ko)
_OWN_TICKET_EN = _own_ticket_query(CENTERS.c.name_en)


def _own_ticket(call: CallRow, last4: str) -> flows.FoundTicket | None:
    # Privacy: only tickets created from the number this call comes from.
    if len(last4) != 4 or not last4.isdigit() or not caller_known(call.from_number):
        return None
    query = _OWN_TICKET_KO if call.language == "ko" else _OWN_TICKET_EN
    params = {"caller": call.from_number, "suffix": f"-{last4}"}
    ticket = db.session.connection().execute(query, params).first()
    if ticket is None:
        return None
    return flows.FoundTicket(ticket.number, ticket.status, ticket.center)


@bp.post(urls.STATUS)
@call_webhook(lock=True)
def status(call: CallRow, created: bool) -> Response:
    """Call status callback; repeated or older SequenceNumbers never rewind the call."""
    apply_status_callback(call, request.form)
    return no_content()


def apply_status_callback(
    call: CallRow, form: Mapping[str, str], *, spooled_at: datetime | None = None
) -> None:
    """One status callback, live or replayed from the spool (then it ended when spooled)."""
    call_status = (form.get("CallStatus") or "").strip()
    sequence = parse_duration(form.get("SequenceNumber"))
    seen = list((call.state or {}).get("status_seen", []))
    key = f"{sequence}:{call_status}"
    if key in seen:
        return
    remember(call, "status_seen", [*seen, key])
    stale = sequence is not None and sequence <= call.status_sequence
    detail: dict[str, Any] = {
        "sequence": sequence,
        "stale": stale,
        "duration": form.get("CallDuration"),
    }
    if spooled_at is not None:
        detail["spooled_at"] = spooled_at.isoformat()
    add_event(call, "status", call_status, detail=detail)
    if stale:
        return
    if sequence is not None:
        call.status_sequence = sequence
    if call_status in TERMINAL_STATUSES:
        call.status = TERMINAL_STATUSES[call_status]
        call.ended_at = spooled_at or utcnow()
        call.duration_seconds = parse_duration(form.get("CallDuration"))
        end_call_if_gone(call)
        release_on_end(call)  # a live call: nobody left ringing or on it


@bp.post(urls.FALLBACK)
@twilio_only
def fallback() -> Response:
    """Twilio's fallback URL: apologise and take a message. Never touches the database."""
    settings = ivr_settings()
    if request.args.get("step") == "done":
        return twiml(flows.fallback_done(settings))
    current_app.logger.error(
        "fallback URL used for call %s (ErrorCode %s at %s)",
        request.form.get("CallSid"),
        request.form.get("ErrorCode"),
        request.form.get("ErrorUrl"),
    )
    return twiml(flows.fallback(settings))
