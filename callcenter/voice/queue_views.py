"""Branch 0 in business hours: the agents' queue, its wait music, and callback requests."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, current_app, request

import ivr_flows as flows
from callcenter.db import db
from callcenter.models import utcnow
from callcenter.pipeline.jobs import enqueue_sms
from callcenter.services.tickets import open_call_ticket
from callcenter.voice import bp
from callcenter.voice.call_rows import CallRow
from callcenter.voice.calls import apply_step, call_state, ivr_settings, remember
from callcenter.voice.recordings import parse_duration
from callcenter.voice.sms import record_ticket_sms
from callcenter.voice.webhook import call_webhook, commit_call, twiml
from ivr_flows import urls


@bp.post(urls.QUEUE_WAIT)
@call_webhook(lock=True)
def queue_wait(call: CallRow, created: bool) -> Response:
    """Twilio's wait URL, requested again each time its TwiML ends (about every 30 s)."""
    position = parse_duration(request.form.get("QueuePosition"))
    waited = parse_duration(request.form.get("QueueTime"))
    if call.queue_entered_at is None:
        call.queue_entered_at = utcnow() - timedelta(seconds=waited or 0)
    remember(call, "queue_position", position)
    step = flows.queue_wait(call_state(call, open_now=True), ivr_settings(), position=position)
    apply_step(call, step, "queue", queue_position=position, queue_time=waited)
    return twiml(step.twiml)


@bp.post(urls.QUEUE_CALLBACK)
@call_webhook(lock=True)
def queue_callback(call: CallRow, created: bool) -> Response:
    """A key pressed while waiting: 1 asks for a callback, keeping the caller's place."""
    digits = (request.form.get("Digits") or "").strip()
    state = call_state(call, open_now=True)
    ticket = None
    if digits == "1" and state.caller_known:
        position = (call.state or {}).get("queue_position")
        ticket = open_call_ticket(
            db.session(),
            call,
            kind="callback",
            timezone=current_app.config["TIMEZONE"],
            queue_position=position,
        )
    step = flows.queue_callback(
        state, ivr_settings(), digits=digits, ticket_number=ticket.number if ticket else None
    )
    apply_step(call, step, "queue", digits=digits)
    if ticket is not None:
        sms = record_ticket_sms(db.session(), ticket)
        commit_call(call)
        if sms is not None:
            enqueue_sms(sms)
    return twiml(step.twiml)


@bp.post(urls.QUEUE_ACTION)
@call_webhook()
def queue_action(call: CallRow, created: bool) -> Response:
    """<Enqueue>'s action: the caller left the queue; QueueResult says how."""
    result = (request.form.get("QueueResult") or "").strip()
    waited = parse_duration(request.form.get("QueueTime"))
    if call.queue_entered_at is None:
        call.queue_entered_at = utcnow() - timedelta(seconds=waited or 0)
    call.queue_wait_seconds = waited if waited is not None else call.queue_wait_seconds
    call.queue_answered = result in flows.queue.ANSWERED_RESULTS
    step = flows.queue_result(
        call_state(call, open_now=True),
        ivr_settings(),
        result=result,
        has_callback=call.outcome == "callback",
    )
    apply_step(call, step, "queue", queue_time=waited, detail={"result": result})
    return twiml(step.twiml)
