"""Operators' presence: what they may set, heartbeats, and the available operators.

Services flush, callers commit. "Available" in the database means the browser still beats:
a row whose heartbeat is older than PRESENCE_TIMEOUT_SECONDS is never offered a call, and
the sweep (:func:`callcenter.live.offers.sweep_live_calls`) marks it offline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from callcenter.live.decision import Candidate, operator_identity
from callcenter.models import LiveCall, OperatorPresence, User, utcnow

# States an operator picks; the others (ringing, on_call, wrap_up) follow the calls.
CHOSEN_STATES = ("available", "away", "offline")
BUSY_STATES = ("ringing", "on_call")
MAX_WRAP_UP_EXTENSION = 600


class PresenceError(ValueError):
    """A state change the operator may not make now; ``code`` names why."""

    def __init__(self, code: str, message_ko: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code, self.message_ko, self.message_en = code, message_ko, message_en


@dataclass(frozen=True)
class PresenceTimes:
    """The configured durations (seconds)."""

    wrap_up: int = 30
    timeout: int = 90


def presence_for(session: Session, user: User, *, lock: bool = False) -> OperatorPresence:
    """The user's presence row, created offline on first use."""
    query = select(OperatorPresence).where(OperatorPresence.user_id == user.id)
    row = session.scalars(query.with_for_update() if lock else query).one_or_none()
    if row is None:
        row = OperatorPresence(user_id=user.id, center_code=user.center_code, state="offline")
        session.add(row)
        session.flush()
    return row


def available_clause(now: datetime, timeout: int) -> ColumnElement[bool]:
    """SQL: the row may take a call now (available, or wrap-up over) and its browser beats."""
    fresh = OperatorPresence.heartbeat_at >= now - timedelta(seconds=timeout)
    free = or_(
        OperatorPresence.state == "available",
        and_(OperatorPresence.state == "wrap_up", OperatorPresence.wrap_up_until <= now),
    )
    return and_(free, fresh)


def shown_state(row: OperatorPresence, now: datetime) -> str:
    """The state as the operator sees it (a finished wrap-up reads as available)."""
    if row.state == "wrap_up" and row.wrap_up_until is not None and row.wrap_up_until <= now:
        return "available"
    return row.state


def set_state(
    session: Session, user: User, state: str, times: PresenceTimes, *, extend: int = 0
) -> OperatorPresence:
    """The operator chooses a state (or extends the wrap-up); calls in progress come first."""
    now = utcnow()
    row = presence_for(session, user, lock=True)
    row.center_code = user.center_code
    current = shown_state(row, now)
    if state == "wrap_up":
        if current != "wrap_up" or row.wrap_up_until is None:
            raise PresenceError("not_in_wrap_up", "후처리 중이 아닙니다.", "Not in wrap-up.")
        seconds = min(max(extend or times.wrap_up, 1), MAX_WRAP_UP_EXTENSION)
        row.wrap_up_until = row.wrap_up_until + timedelta(seconds=seconds)
        row.heartbeat_at = now
        session.flush()
        return row
    if state not in CHOSEN_STATES:
        raise PresenceError("bad_state", "알 수 없는 상태입니다.", "Unknown state.")
    if current in BUSY_STATES:
        raise PresenceError(
            "on_a_call", "통화 중에는 상태를 바꿀 수 없습니다.", "Not while on a call."
        )
    if state == "available" and not user.center_code:
        raise PresenceError(
            "no_center",
            "소속 센터가 없는 계정은 전화를 받을 수 없습니다.",
            "An account without a center cannot take calls.",
        )
    if state != current or row.state != state:
        row.state, row.since = state, now
    row.wrap_up_until = None
    row.live_call_id = None
    row.heartbeat_at = now
    session.flush()
    return row


def heartbeat(session: Session, user: User) -> OperatorPresence:
    """The browser is still there."""
    row = presence_for(session, user)
    row.heartbeat_at = utcnow()
    session.flush()
    return row


def sign_out(session: Session, user: User) -> None:
    """Signing out leaves the operator offline (a call in progress keeps its own row)."""
    row = session.get(OperatorPresence, user.id)
    if row is not None and row.state not in BUSY_STATES:
        row.state, row.since, row.wrap_up_until = "offline", utcnow(), None
        session.flush()


def candidates(session: Session, centers: list[str], timeout: int) -> list[Candidate]:
    """Operators of ``centers`` who may take a call now, with how long they have been idle."""
    now = utcnow()
    rows = session.execute(
        select(
            OperatorPresence.user_id,
            OperatorPresence.center_code,
            OperatorPresence.since,
            OperatorPresence.wrap_up_until,
        ).where(OperatorPresence.center_code.in_(centers), available_clause(now, timeout))
    ).all()
    # A finished wrap-up counts as idle from its end.
    return [
        Candidate(user_id, center, until if until is not None and until > since else since)
        for user_id, center, since, until in rows
        if center is not None
    ]


def presence_json(row: OperatorPresence, session: Session) -> dict[str, object]:
    """The presence as the console's JSON."""
    now = utcnow()
    call = session.get(LiveCall, row.live_call_id) if row.live_call_id else None
    return {
        "state": shown_state(row, now),
        "since": row.since.isoformat(),
        "center": row.center_code,
        "identity": operator_identity(row.user_id),
        "wrap_up_until": row.wrap_up_until.isoformat() if row.wrap_up_until else None,
        "heartbeat_at": row.heartbeat_at.isoformat() if row.heartbeat_at else None,
        "live_call": call.id if call else None,
        "missed_offers": row.missed_offers,
    }
