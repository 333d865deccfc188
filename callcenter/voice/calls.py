"""The Call row behind each webhook: found or created, locked, logged, its outcome kept.

Services flush, the webhook commits. Every webhook of one call runs as one serialised
transaction on the call row, so callbacks that race (the Record action and the recording
status callback) see each other's work instead of both creating a ticket.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from callcenter.models import Call, CallEvent, utcnow
from ivr_flows import CallState, IvrSettings, Step, is_open
from routing.location import region_from_number

CALL_SID = re.compile(r"^CA[0-9a-fA-F]{32}$")
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
    """The current time; tests may inject VOICE_CLOCK (a callable) to visit a holiday."""
    clock = current_app.config.get("VOICE_CLOCK")
    return clock() if clock is not None else utcnow()


def caller_known(number: str | None) -> bool:
    """Whether the caller ID is a real number we may look up, call back or text."""
    value = (number or "").strip()
    return value.lower() not in WITHHELD and value.startswith("+") and len(value) >= 8


def open_call(session: Session, form: Any, *, lock: bool = True) -> tuple[Call, bool]:
    """This webhook's call (created on first sight); returns (call, created).

    With ``lock`` the call row stays locked until commit, so webhooks of one call that
    create tickets or recordings, or compare status sequence numbers, run one at a time.
    """
    sid = (form.get("CallSid") or "").strip()
    if not CALL_SID.match(sid):
        raise ValueError("CallSid missing or malformed")
    call = _select(session, sid, lock=lock)
    if call is not None:
        return call, False
    return _insert_or_select(session, sid, form)


def create_call(session: Session, form: Any) -> tuple[Call, bool]:
    """The incoming webhook: insert first, select only for a repeated CallSid."""
    sid = (form.get("CallSid") or "").strip()
    if not CALL_SID.match(sid):
        raise ValueError("CallSid missing or malformed")
    return _insert_or_select(session, sid, form)


def _insert_or_select(session: Session, sid: str, form: Any) -> tuple[Call, bool]:
    # A row we insert is invisible to others until commit: as good as locked.
    call = _insert(session, sid, form)
    if call is not None:
        return call, True
    call = _select(session, sid, lock=True, write_locked=True)
    assert call is not None
    return call, False


def _insert(session: Session, sid: str, form: Any) -> Call | None:
    number = (form.get("From") or "").strip()
    location = region_from_number(number)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    result = session.execute(
        insert(Call)
        .values(
            call_sid=sid,
            from_number=number[:40],
            to_number=(form.get("To") or "")[:40],
            region=location.region,
            region_source=location.source,
            started_at=utcnow(),
            state={},
        )
        .on_conflict_do_nothing(index_elements=["call_sid"])
        .returning(Call)
    )
    # RETURNING gives the row only when this request inserted it (rowcount is -1 on psycopg).
    return result.scalar_one_or_none()


def _select(session: Session, sid: str, *, lock: bool, write_locked: bool = False) -> Call | None:
    query = select(Call).where(Call.call_sid == sid)
    if not lock:
        return session.scalars(query).one_or_none()
    if session.get_bind().dialect.name == "sqlite" and not write_locked:
        # pysqlite opens its transaction at the first write. Writing first (a no-op) makes
        # the whole webhook one serialised transaction rather than reads of a stale state.
        session.execute(
            update(Call)
            .where(Call.call_sid == sid)
            .values(status_sequence=Call.status_sequence)
            .execution_options(synchronize_session=False)
        )
    return session.scalars(query.with_for_update()).one_or_none()


def call_state(call: Call, *, queue_full: bool = False, open_now: bool | None = None) -> CallState:
    """The flows' view of this call."""
    return CallState(
        lang=call.language if call.language in ("ko", "en") else "ko",
        region_known=call.region is not None,
        caller_known=caller_known(call.from_number),
        open_now=is_open(now(), ivr_settings()) if open_now is None else open_now,
        queue_full=queue_full,
    )


def queue_full(session: Session) -> bool:
    """Whether as many callers wait for an agent as QUEUE_MAX_SIZE allows."""
    recent = utcnow() - timedelta(hours=6)  # ignore rows whose queue callback was lost
    waiting = session.scalar(
        select(func.count(Call.id)).where(
            Call.queue_entered_at.is_not(None),
            Call.queue_wait_seconds.is_(None),
            Call.status == "in_progress",
            Call.started_at > recent,
        )
    )
    return int(waiting or 0) >= ivr_settings().queue_max


def add_event(
    session: Session, call: Call, kind: str, step: str | None = None, **fields: Any
) -> None:
    """Append one CallEvent (the supervisor's timeline of this call)."""
    session.add(CallEvent(call_id=call.id, kind=kind, step=step, **fields))


def set_outcome(call: Call, outcome: str | None) -> None:
    """Record what the call came to; a real result replaces "gave up", never the reverse."""
    if outcome is None or (call.outcome in FINAL_OUTCOMES and outcome not in FINAL_OUTCOMES):
        return
    call.outcome = outcome


def remember(call: Call, key: str, value: Any) -> None:
    """Store ``value`` under ``key`` in the call's JSON state (reassigned so it is saved)."""
    call.state = {**(call.state or {}), key: value}


def apply_step(session: Session, call: Call, step: Step, kind: str, **fields: Any) -> None:
    """Write the step's CallEvent and what it settles about the call."""
    if step.choice is not None:
        call.menu_choice = step.choice
    if step.language is not None:
        call.language = step.language
    if step.enqueued and call.queue_entered_at is None:
        call.queue_entered_at = utcnow()
    set_outcome(call, step.outcome)
    detail = {**step.detail, **fields.pop("detail", {})}
    add_event(session, call, kind, step.name, detail=detail, **fields)


def end_call_if_gone(call: Call) -> None:
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
