"""The offer decision on the database: open, offer, claim, answer, miss, end, abandon.

Claims are conditional UPDATEs inside one savepoint: the operator's row only moves
``available → ringing`` if it is still available, and the call's only ``queued → ringing``
if it is still queued; either failing undoes both. So two workers can never give one call
to two operators, nor one operator two calls. Services flush, callers commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Table, select, update
from sqlalchemy.orm import Session

from callcenter.live.decision import Offer, Ranking, choose_offer
from callcenter.live.presence import available_clause, candidates
from callcenter.models import LIVE_CALL_STATUSES, LiveCall, OperatorPresence, utcnow

OPEN = ("queued", "ringing", "connected")
# A queued caller whose wait URL has not been asked for this long no longer holds their place.
STILL_WAITING_SECONDS = 30
PRESENCE: Table = OperatorPresence.__table__  # type: ignore[assignment]
LIVE_CALLS: Table = LiveCall.__table__  # type: ignore[assignment]
MAX_CLAIM_TRIES = 5
assert set(OPEN) <= set(LIVE_CALL_STATUSES)


@dataclass(frozen=True)
class LiveSettings:
    """Offer timeout, overflow limit, wrap-up and presence timeout (seconds)."""

    offer_timeout: int = 20
    overflow_after: int = 60
    wrap_up: int = 30
    presence_timeout: int = 90

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LiveSettings:
        """From the Flask config (keys as in callcenter.config)."""
        return cls(
            config["OFFER_TIMEOUT_SECONDS"],
            config["OVERFLOW_AFTER_SECONDS"],
            config["WRAP_UP_SECONDS"],
            config["PRESENCE_TIMEOUT_SECONDS"],
        )


def execute_dml(session: Session, statement: Any) -> CursorResult[Any]:
    """Run a DML statement; its result tells how many rows it changed."""
    return cast(CursorResult[Any], session.execute(statement))


class _Lost(Exception):
    """A conditional UPDATE found the row moved on: undo the savepoint."""


def live_call_of(session: Session, call_id: int, *, lock: bool = False) -> LiveCall | None:
    """The live call of a Call row, if the caller asked for a person."""
    query = select(LiveCall).where(LiveCall.call_id == call_id)
    return session.scalars(query.with_for_update() if lock else query).one_or_none()


def open_live_call(
    session: Session, call_id: int, ranking: Ranking, *, enqueued_at: datetime | None = None
) -> LiveCall:
    """The call's live call, created queued at its routed center on first sight."""
    live = live_call_of(session, call_id)
    if live is not None:
        return live
    live = LiveCall(
        call_id=call_id,
        polled_at=utcnow(),
        status="queued",
        home_center=ranking.home,
        center_code=ranking.home,
        ranking=list(ranking.centers),
        topic_group=ranking.topic_group,
        enqueued_at=enqueued_at or utcnow(),
        missed_by=[],
        detail={"covering": ranking.covering, "location_known": ranking.location_known},
    )
    session.add(live)
    session.flush()
    return live


def waited_seconds(live: LiveCall, now: datetime) -> float:
    """How long the caller has waited for a person."""
    return max(0.0, (now - live.enqueued_at).total_seconds())


def _blocked_centers(session: Session, live: LiveCall, now: datetime) -> list[str]:
    """Routed centers of older callers still waiting their first offer: they go first.

    A caller already offered once (and let ring) no longer holds the line: the operators left
    at their center may be exactly the ones who missed them.
    """
    query = select(LiveCall.home_center).where(
        LiveCall.status == "queued",
        LiveCall.offers == 0,
        LiveCall.enqueued_at < live.enqueued_at,
        LiveCall.id != live.id,
        LiveCall.polled_at >= now - timedelta(seconds=STILL_WAITING_SECONDS),
    )
    return sorted(set(session.scalars(query)))


def offer_next(
    session: Session, live: LiveCall, settings: LiveSettings, *, waited: float | None = None
) -> Offer | None:
    """Decide and claim an operator for a queued call; None: the caller keeps waiting."""
    if live.status != "queued":
        return None
    now = utcnow()
    seconds = waited_seconds(live, now) if waited is None else waited
    pool = candidates(session, list(live.ranking), settings.presence_timeout)
    excluded = set(live.missed_by or [])
    blocked = _blocked_centers(session, live, now)
    for _ in range(MAX_CLAIM_TRIES):
        offer = choose_offer(
            live.ranking,
            pool,
            waited_seconds=seconds,
            overflow_after=settings.overflow_after,
            excluded=excluded,
            blocked=blocked,
        )
        if offer is None:
            return None
        if claim(session, live, offer, settings):
            return offer
        excluded.add(offer.user_id)  # taken meanwhile by another call: try the next one
        session.refresh(live)
        if live.status != "queued":
            return None
    return None


def claim(session: Session, live: LiveCall, offer: Offer, settings: LiveSettings) -> bool:
    """Atomically ring ``offer.user_id`` with ``live``; False if either moved on meanwhile."""
    now = utcnow()
    presence, calls = PRESENCE, LIVE_CALLS
    idle_since = session.scalar(
        select(OperatorPresence.since).where(OperatorPresence.user_id == offer.user_id)
    )
    try:
        with session.begin_nested():
            taken = execute_dml(
                session,
                update(presence)
                .where(
                    presence.c.user_id == offer.user_id,
                    available_clause(now, settings.presence_timeout),
                )
                .values(state="ringing", live_call_id=live.id, since=now, wrap_up_until=None),
            )
            if taken.rowcount != 1:
                raise _Lost
            rung = execute_dml(
                session,
                update(calls)
                .where(calls.c.id == live.id, calls.c.status == "queued")
                .values(
                    status="ringing",
                    operator_id=offer.user_id,
                    center_code=offer.center,
                    offered_at=now,
                    offers=calls.c.offers + 1,
                    overflows=calls.c.overflows + (1 if offer.center != live.center_code else 0),
                ),
            )
            if rung.rowcount != 1:
                raise _Lost
    except _Lost:
        return False
    session.expire(live)
    detail = dict(live.detail or {})
    detail["idle_since"] = idle_since.isoformat() if idle_since else None
    live.detail = detail
    session.flush()
    return True


def _operator_row(session: Session, live: LiveCall) -> OperatorPresence | None:
    if live.operator_id is None:
        return None
    row = session.get(OperatorPresence, live.operator_id)
    return row if row is not None and row.live_call_id == live.id else None


def answered(session: Session, live: LiveCall) -> bool:
    """The operator picked up: ringing → connected, the operator on the call."""
    if live.status != "ringing":
        return live.status == "connected"
    now = utcnow()
    live.status, live.answered_at = "connected", now
    live.wait_seconds = int(waited_seconds(live, now))
    row = _operator_row(session, live)
    if row is not None:
        row.state, row.since = "on_call", now
    session.flush()
    return True


def missed(session: Session, live: LiveCall, reason: str) -> int | None:
    """The offer was not taken: the operator is available again (last in line), call queued."""
    if live.status != "ringing":
        return None
    now = utcnow()
    operator_id = live.operator_id
    row = _operator_row(session, live)
    if row is not None and row.state == "ringing":
        row.state, row.since, row.live_call_id = "available", now, None
        row.missed_offers = (row.missed_offers or 0) + 1
    if operator_id is not None:
        live.missed_by = [*(live.missed_by or []), operator_id]
    live.status, live.operator_id = "queued", None
    live.detail = {**(live.detail or {}), "last_miss": reason}
    session.flush()
    return operator_id


def finished(session: Session, live: LiveCall, settings: LiveSettings) -> None:
    """The conversation ended: the operator goes to wrap-up for ``settings.wrap_up`` seconds."""
    if live.status not in ("connected", "ringing"):
        return
    now = utcnow()
    row = _operator_row(session, live)
    if row is not None:
        row.state, row.since = "wrap_up", now
        row.wrap_up_until = now + timedelta(seconds=settings.wrap_up)
        row.live_call_id = None
    live.status, live.ended_at = "ended", now
    session.flush()


def abandon(session: Session, live: LiveCall, *, status: str = "abandoned") -> None:
    """The caller is gone (hung up, or left for a callback): nobody stays ringing for them."""
    if live.status == "connected":
        return
    if live.status not in OPEN:
        return
    now = utcnow()
    row = _operator_row(session, live)
    if row is not None and row.state == "ringing":
        # Never reached them: back to available with the idle time they had.
        idle = (live.detail or {}).get("idle_since")
        row.state, row.live_call_id = "available", None
        row.since = datetime.fromisoformat(idle) if idle else now
    live.status, live.ended_at = status, now
    live.wait_seconds = int(waited_seconds(live, now))
    session.flush()


def taken_elsewhere(session: Session, live: LiveCall) -> None:
    """Twilio bridged the caller without an offer of ours (e.g. <Dial><Queue> from a phone)."""
    if live.status not in ("queued", "ringing"):
        return
    abandon(session, live, status="ended")
    live.answered_at = live.ended_at
    session.flush()


def release_call(session: Session, call_id: int, settings: LiveSettings) -> LiveCall | None:
    """The call has ended (status callback): settle its live call whatever state it was in."""
    live = live_call_of(session, call_id)
    if live is None:
        return None
    if live.status == "connected":
        finished(session, live, settings)
    else:
        abandon(session, live)
    return live
