"""The Call behind each webhook: found or created, locked, logged, its outcome kept.

Services flush, the webhook commits. Webhooks that make tickets or recordings, or compare
status sequence numbers, run as one serialised transaction on the call row, so callbacks
that race (the Record action and the recording status callback) see each other's work
instead of both creating a ticket. Rows are read and written by :mod:`call_rows`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from callcenter.models import utcnow
from callcenter.voice.call_rows import (
    CALLS,
    CallRow,
    add_event,
    call_sid,
    insert_call,
    load_call,
    new_call,
)
from ivr_flows import CallState, IvrSettings, Step, is_open

# Outcomes that say what the call achieved; the others are only where a caller gave up.
FINAL_OUTCOMES = ("ticket", "voicemail", "callback", "answered", "status_lookup")
PROVISIONAL_OUTCOMES = ("hung_up_menu", "abandoned_queue")
# Placeholders Twilio and carriers send for a withheld caller ID.
WITHHELD = {"", "anonymous", "restricted", "unknown", "unavailable", "private", "+266696687"}


def ivr_settings(app: Flask | None = None) -> IvrSettings:
    """The flows' settings from the app config (built once per app)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    settings: IvrSettings | None = app.extensions.get("ivr_settings")
    if settings is None:
        settings = IvrSettings.from_config(app.config)
        app.extensions["ivr_settings"] = settings
    return settings


def now() -> datetime:
    """The time the call flow goes by (business hours, holidays): the clock tests replace."""
    return utcnow()


def caller_known(number: str | None) -> bool:
    """Whether the caller ID is a real number we may look up, call back or text."""
    value = (number or "").strip()
    return value.lower() not in WITHHELD and value.startswith("+") and len(value) >= 8


def open_call(session: Session, form: Any, *, lock: bool = True) -> tuple[CallRow, bool]:
    """This webhook's call (created on first sight); returns (call, created).

    With ``lock`` the call row stays locked until commit, so webhooks of one call that
    create tickets or recordings, or compare status sequence numbers, run one at a time.
    """
    sid = call_sid(form)
    call = load_call(session, sid, lock=lock)
    if call is not None:
        return call, False
    call = new_call(form)
    if insert_call(session, call):
        return call, True
    existing = load_call(session, sid, lock=True)  # inserted meanwhile by another webhook
    assert existing is not None
    return existing, False


def call_state(
    call: CallRow, *, queue_full: bool = False, open_now: bool | None = None
) -> CallState:
    """The flows' view of this call."""
    return CallState(
        lang=call.language if call.language in ("ko", "en") else "ko",
        region_known=call.region is not None,
        caller_known=caller_known(call.from_number),
        open_now=is_open(now(), ivr_settings()) if open_now is None else open_now,
        queue_full=queue_full,
    )


_WAITING = select(func.count(CALLS.c.id)).where(
    CALLS.c.queue_entered_at.is_not(None),
    CALLS.c.queue_wait_seconds.is_(None),
    CALLS.c.status == "in_progress",
    CALLS.c.started_at > bindparam("since", type_=CALLS.c.started_at.type),
)


def queue_full(session: Session) -> bool:
    """Whether as many callers wait for an agent as QUEUE_MAX_SIZE allows."""
    recent = utcnow() - timedelta(hours=6)  # ignore rows whose queue callback was lost
    waiting = session.connection().scalar(_WAITING, {"since": recent})
    return int(waiting or 0) >= ivr_settings().queue_max


def set_outcome(call: CallRow, outcome: str | None) -> None:
    """Record what the call came to; a real result replaces "gave up", never the reverse."""
    if outcome is None or (call.outcome in FINAL_OUTCOMES and outcome not in FINAL_OUTCOMES):
        return
    call.outcome = outcome


def remember(call: CallRow, key: str, value: Any) -> None:
    """Store ``value`` under ``key`` in the call's JSON state (saved with the call)."""
    call.state = {**(call.state or {}), key: value}


def apply_step(call: CallRow, step: Step, kind: str, **fields: Any) -> None:
    """Write the step's CallEvent and what it settles about the call."""
    if step.choice is not None:
        call.menu_choice = step.choice
    if step.language is not None:
        call.language = step.language
    if step.enqueued and call.queue_entered_at is None:
        call.queue_entered_at = utcnow()
    set_outcome(call, step.outcome)
    detail = {**step.detail, **fields.pop("detail", {})}
    add_event(call, kind, step.name, detail=detail, **fields)


def end_call_if_gone(call: CallRow) -> None:
    """On a final status: settle the outcome of a caller who hung up before any result."""
    if call.outcome in FINAL_OUTCOMES:
        return
    if call.queue_entered_at is not None and not call.queue_answered:
        if call.queue_wait_seconds is None:
            waited = (utcnow() - call.queue_entered_at).total_seconds()
            call.queue_wait_seconds = max(0, int(waited))
        call.queue_answered = False
        call.outcome = "abandoned_queue"
    elif call.outcome is None:
        call.outcome = "hung_up_menu"
