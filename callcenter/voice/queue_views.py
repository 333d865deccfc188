"""Branch 0 in business hours: the center's queue, its wait URL (the offer decision), callbacks.

Live-call specifics (claiming an operator, ringing them) are in :mod:`live_views`.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Response, current_app, request

import ivr_flows as flows
from callcenter.db import db
from callcenter.live.decision import operator_identity
from callcenter.live.offers import (
    abandon,
    live_call_of,
    offer_next,
    taken_elsewhere,
    waited_seconds,
)
from callcenter.models import LiveCall, utcnow
from callcenter.pipeline.jobs import enqueue_sms
from callcenter.services.tickets import open_call_ticket
from callcenter.voice import bp
from callcenter.voice.call_rows import CallRow
from callcenter.voice.calls import apply_step, call_state, ivr_settings, remember
from callcenter.voice.live_views import ensure_live_call, live_settings, live_state, ring
from callcenter.voice.recordings import parse_duration
from callcenter.voice.sms import record_ticket_sms
from callcenter.voice.webhook import call_webhook, commit_call, twiml
from ivr_flows import urls

ANNOUNCE_EVERY_SECONDS = 30


@bp.post(urls.QUEUE_WAIT)
@call_webhook(lock=True)
def queue_wait(call: CallRow, created: bool) -> Response:
    """Twilio's wait URL, asked again each time its TwiML ends: offer the call, or wait on.

    Runs the offer decision; once an operator is claimed the caller leaves the queue and the
    queue's action rings them. Otherwise the position (every ~30 s) and the callback offer.
    """
    position = parse_duration(request.form.get("QueuePosition"))
    waited = parse_duration(request.form.get("QueueTime"))
    if call.queue_entered_at is None:
        call.queue_entered_at = utcnow() - timedelta(seconds=waited or 0)
    remember(call, "queue_position", position)
    session = db.session()
    live = ensure_live_call(session, call)
    live.polled_at = utcnow()
    settings = ivr_settings()
    if live.status == "queued":
        offer = offer_next(session, live, live_settings(), waited=_waited(live, waited))
        if offer is not None:
            detail = {
                "center": offer.center,
                "overflow": offer.overflow,
                "reason": offer.reason,
                "home": live.home_center,
            }
            step = flows.leave_for_operator(operator_identity(offer.user_id))
            apply_step(call, step, "live", queue_time=waited, detail=detail)
            return twiml(step.twiml)
    if live.status == "ringing" and live.operator_id is not None:
        step = flows.leave_for_operator(operator_identity(live.operator_id))
        apply_step(call, step, "live", queue_time=waited)
        return twiml(step.twiml)
    # Announce every ~30 s of QueueTime (which starts again when a missed offer re-queues).
    now_waited, last = waited or 0, (call.state or {}).get("announced_at")
    announce = last is None or not 0 <= now_waited - int(last) < ANNOUNCE_EVERY_SECONDS
    if announce:
        remember(call, "announced_at", now_waited)
    state = live_state(call, live)
    step = flows.queue_wait(state, settings, position=position, announce=announce)
    apply_step(call, step, "queue", queue_position=position, queue_time=waited)
    return twiml(step.twiml)


def _waited(live: LiveCall, queue_time: int | None) -> float:
    """Seconds waited: Twilio's QueueTime or the database's clock, whichever is longer."""
    return max(float(queue_time or 0), waited_seconds(live, utcnow()))


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
@call_webhook(lock=True)
def queue_action(call: CallRow, created: bool) -> Response:
    """<Enqueue>'s action: the caller left the queue; QueueResult says how."""
    result = (request.form.get("QueueResult") or "").strip()
    waited = parse_duration(request.form.get("QueueTime"))
    if call.queue_entered_at is None:
        call.queue_entered_at = utcnow() - timedelta(seconds=waited or 0)
    session = db.session()
    live = live_call_of(session, call.id)
    ringing = live is not None and live.status == "ringing"
    if result == "leave" and ringing and call.outcome != "callback":
        assert live is not None
        return ring(call, live, waited)
    call.queue_wait_seconds = waited if waited is not None else call.queue_wait_seconds
    call.queue_answered = result in flows.queue.ANSWERED_RESULTS
    if live is not None:
        if call.queue_answered:
            taken_elsewhere(session, live)  # dequeued by something else (a desk phone)
        else:
            abandon(session, live, status="left" if call.outcome == "callback" else "abandoned")
    step = flows.queue_result(
        call_state(call, open_now=True),
        ivr_settings(),
        result=result,
        has_callback=call.outcome == "callback",
    )
    apply_step(call, step, "queue", queue_time=waited, detail={"result": result})
    return twiml(step.twiml)
