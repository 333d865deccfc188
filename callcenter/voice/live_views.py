"""Live calls on the voice side: routing to a center's queue, ringing operators, outcomes.

The wait URL (:mod:`queue_views`) runs the offer decision; once an operator is claimed the
caller leaves the queue and the queue's action rings the operator's browser. Here: the
Dial's action (answered and finished, or not answered → the next operator), the Client
leg's status callback (answered → on the call), and the call's end (nobody left ringing).
"""

from __future__ import annotations

from dataclasses import replace

from flask import Response, abort, current_app, request
from sqlalchemy.orm import Session

import ivr_flows as flows
from callcenter.db import db
from callcenter.live.decision import Ranking, operator_identity, queue_name, rank_centers
from callcenter.live.offers import (
    LiveSettings,
    abandon,
    answered,
    finished,
    live_call_of,
    missed,
    open_live_call,
    release_call,
)
from callcenter.models import CallEvent, LiveCall
from callcenter.voice import bp
from callcenter.voice.call_rows import CALL_SID, CallRow, add_event
from callcenter.voice.calls import apply_step, call_state, ivr_settings
from callcenter.voice.recordings import parse_duration
from callcenter.voice.security import twilio_only
from callcenter.voice.webhook import call_webhook, no_content, query_int, twiml
from ivr_flows import CallState, urls

# The parent call is over when the Dial's action reports one of these.
CALLER_GONE = ("completed", "canceled", "failed", "busy", "no-answer")
NOT_TAKEN = ("no-answer", "busy", "failed", "canceled")


def live_settings() -> LiveSettings:
    """The live-call settings from the app config."""
    return LiveSettings.from_config(current_app.config)


def live_ranking(call: CallRow) -> Ranking:
    """The centers to try for this caller, by routing's rules."""
    return rank_centers(
        menu_choice=call.menu_choice,
        caller_number=call.from_number,
        region=call.region,
        region_source=call.region_source,
    )


def with_live_queue(call: CallRow, state: CallState) -> CallState:
    """The flows' state with the routed center's queue (for a caller asking for a person)."""
    return replace(state, live_queue=queue_name(live_ranking(call).home))


def ensure_live_call(session: Session, call: CallRow) -> LiveCall:
    """The caller's live call, opened at the routed center on the first wait request."""
    live = live_call_of(session, call.id)
    if live is None:
        ranking = live_ranking(call)
        live = open_live_call(session, call.id, ranking, enqueued_at=call.queue_entered_at)
        add_event(
            call,
            "live",
            "live_routed",
            detail={
                "center": ranking.home,
                "ranking": list(ranking.centers[: max(ranking.covering, 1)]),
                "topic_group": ranking.topic_group,
                "location_known": ranking.location_known,
            },
        )
    return live


def live_state(call: CallRow, live: LiveCall) -> CallState:
    """The flows' state of a caller waiting at ``live``'s current center."""
    return replace(call_state(call, open_now=True), live_queue=queue_name(live.center_code))


def ring(call: CallRow, live: LiveCall, waited: int | None) -> Response:
    """The queue's action after <Leave> for a claimed operator: ring their browser."""
    assert live.operator_id is not None
    step = flows.ring_operator(
        live_state(call, live),
        ivr_settings(),
        identity=operator_identity(live.operator_id),
        live_id=live.id,
        timeout=live_settings().offer_timeout,
    )
    apply_step(call, step, "live", queue_time=waited, detail={"center": live.center_code})
    return twiml(step.twiml)


def release_on_end(call: CallRow) -> None:
    """The call ended (status callback): no operator stays ringing or on it."""
    session = db.session()
    live = live_call_of(session, call.id)
    if live is None or live.status not in ("queued", "ringing", "connected"):
        return
    before = live.status
    release_call(session, call.id, live_settings())
    add_event(call, "live", "live_released", detail={"was": before, "now": live.status})


@bp.post(urls.LIVE_DIAL)
@call_webhook(lock=True)
def live_dial_action(call: CallRow, created: bool) -> Response:
    """<Dial><Client>'s action: the conversation ended, or the operator did not answer."""
    session = db.session()
    form = request.form
    dial_status = (form.get("DialCallStatus") or "").strip()
    caller_status = (form.get("CallStatus") or "").strip()
    live = live_call_of(session, call.id)
    expected = query_int("live", 0, 0, 2**31 - 1)
    if live is None or live.id != expected:
        step = flows.after_conversation(call_state(call, open_now=True), ivr_settings())
        apply_step(call, step, "live", detail={"dial_status": dial_status, "unknown": True})
        return twiml(step.twiml)
    settings = live_settings()
    detail = {"dial_status": dial_status, "operator": live.operator_id}
    if dial_status == "completed" or live.status == "connected":
        answered(session, live)
        finished(session, live, settings)
        call.queue_answered = True
        call.queue_wait_seconds = live.wait_seconds
        detail["talk_seconds"] = parse_duration(form.get("DialCallDuration"))
        step = flows.after_conversation(live_state(call, live), ivr_settings())
        apply_step(call, step, "live", detail=detail)
        return twiml(step.twiml)
    if caller_status in CALLER_GONE:  # the caller hung up while it rang
        abandon(session, live)
        add_event(call, "live", "live_abandoned", detail=detail)
        return twiml(flows.after_conversation(call_state(call), ivr_settings()).twiml)
    operator = missed(session, live, dial_status or "no-answer")
    add_event(call, "live", "live_missed", detail={**detail, "operator": operator})
    step = flows.enqueue(live_state(call, live), ivr_settings(), again=True)
    apply_step(call, step, "live", detail={"center": live.center_code})
    return twiml(step.twiml)


@bp.post(urls.LIVE_CLIENT_STATUS)
@twilio_only
def live_client_status() -> Response:
    """The operator's leg (Client) status: answered puts the operator on the call."""
    session = db.session()
    live_id = query_int("live", 0, 0, 2**31 - 1)
    parent = (request.form.get("ParentCallSid") or "").strip()
    status = (request.form.get("CallStatus") or "").strip()
    if not CALL_SID.match(parent):
        abort(400, "ParentCallSid missing or malformed")
    live = session.get(LiveCall, live_id, with_for_update=True)
    if live is None or live.call.call_sid != parent:
        return no_content()
    if status in ("in-progress", "answered") and answered(session, live):
        session.add(
            CallEvent(
                call_id=live.call_id,
                kind="live",
                step="live_answered",
                detail={
                    "operator": live.operator_id,
                    "center": live.center_code,
                    "wait_seconds": live.wait_seconds,
                    "overflow": live.center_code != live.home_center,
                },
            )
        )
    session.commit()
    return no_content()
