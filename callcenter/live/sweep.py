"""The live-call sweep: what a lost webhook or a closed browser would otherwise leave behind."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from callcenter.db import db
from callcenter.live.offers import PRESENCE, LiveSettings, abandon, execute_dml, finished, missed
from callcenter.models import Call, LiveCall, utcnow

# An offer whose Dial action never came back is settled this long after its ring timeout.
OFFER_GRACE_SECONDS = 15
# A queued caller whose wait URL nobody asked for this long has gone (status callback lost).
FORGOTTEN_AFTER_SECONDS = 600


def sweep_live_calls() -> dict[str, int]:
    """Silent browsers → offline; lost offers → missed; ended calls → nobody left on them."""
    settings = LiveSettings.from_config(current_app.config)
    session = db.session()
    now = utcnow()
    silent_since = now - timedelta(seconds=settings.presence_timeout)
    presence = PRESENCE
    went_offline = execute_dml(
        session,
        update(presence)
        .where(
            presence.c.state.in_(("available", "away", "wrap_up")),
            or_(presence.c.heartbeat_at.is_(None), presence.c.heartbeat_at < silent_since),
        )
        .values(state="offline", since=now, wrap_up_until=None, live_call_id=None),
    ).rowcount
    wrapped = execute_dml(
        session,
        update(presence)
        .where(presence.c.state == "wrap_up", presence.c.wrap_up_until <= now)
        .values(state="available", since=presence.c.wrap_up_until, wrap_up_until=None),
    ).rowcount
    counts = {"offline": int(went_offline or 0), "wrap_up_over": int(wrapped or 0)}
    counts.update(missed=0, released=0)
    rung_before = now - timedelta(seconds=settings.offer_timeout + OFFER_GRACE_SECONDS)
    forgotten = now - timedelta(seconds=FORGOTTEN_AFTER_SECONDS)
    open_rows = session.execute(
        select(LiveCall, Call.status)
        .join(Call, Call.id == LiveCall.call_id)
        .where(LiveCall.status.in_(("queued", "ringing", "connected")))
    ).all()
    for live, call_status in open_rows:
        if call_status != "in_progress":
            if live.status == "connected":
                finished(session, live, settings)
            else:
                abandon(session, live)
            counts["released"] += 1
        elif live.status == "queued" and (live.polled_at or live.enqueued_at) < forgotten:
            abandon(session, live)  # Twilio stopped asking about this caller long ago
            counts["released"] += 1
        elif live.status == "ringing" and live.offered_at and live.offered_at < rung_before:
            missed(session, live, "offer_lost")
            counts["missed"] += 1
    session.commit()
    return counts
