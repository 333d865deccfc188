"""Recordings and the tickets they make: persisted first, then the jobs are enqueued.

The Record action and the recording status callback may arrive in either order (or only
one of them); both go through :func:`record_and_ticket`, keyed by RecordingSid, so they
converge on one Recording row and one ticket.
"""

from __future__ import annotations

import re
from typing import Any

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.models import Call, Recording, Ticket
from callcenter.services.tickets import create_ticket_for_call
from callcenter.voice.calls import set_outcome

RECORDING_SID = re.compile(r"^RE[0-9a-fA-F]{32}$")


def parse_duration(value: str | None) -> int | None:
    """Twilio's RecordingDuration / CallDuration / QueueTime: whole seconds, or None."""
    try:
        return max(0, int(value)) if value not in (None, "") else None
    except ValueError:
        return None


def record_and_ticket(
    session: Session, call: Call, form: Any, *, purpose: str, timezone: str
) -> tuple[Recording, Ticket, bool]:
    """Upsert the Recording named in ``form`` and the call's ticket for it.

    Also settles the call's outcome (ticket or voicemail).
    Returns (recording, ticket, recording_created). Flushes; the caller commits.
    """
    sid = (form.get("RecordingSid") or "").strip()
    if not RECORDING_SID.match(sid):
        raise ValueError("RecordingSid missing or malformed")
    url = (form.get("RecordingUrl") or "").strip()
    if url and not url.startswith(("https://", "http://")):
        raise ValueError("RecordingUrl is not an http(s) URL")
    duration = parse_duration(form.get("RecordingDuration"))
    recording = session.scalars(
        select(Recording).where(Recording.recording_sid == sid)
    ).one_or_none()
    created = recording is None
    if recording is None:
        recording = Recording(
            recording_sid=sid,
            call_id=call.id,
            source_url=url,
            purpose=purpose,
            duration_seconds=duration,
            status="pending",
        )
        session.add(recording)
        session.flush()
    else:
        # Fill what the other callback did not carry; never rewind the transcription state.
        if url and not recording.source_url:
            recording.source_url = url
        if duration is not None and recording.duration_seconds is None:
            recording.duration_seconds = duration
    set_outcome(call, "voicemail" if purpose == "voicemail" else "ticket")
    # The ticket number takes the day's counter row lock until commit: everything else
    # is flushed first so that the lock is held as briefly as possible.
    session.flush()
    ticket = create_ticket_for_call(
        session, call, kind=purpose, timezone=timezone, recording_id=recording.id
    )
    return recording, ticket, created


def enqueue_transcription(recording: Recording) -> str | None:
    """Queue the transcription job (committed row first); None when Redis is unreachable.

    The job's time limit and retry policy are the transcription package's own, shared with
    the stuck-recording sweep. With Redis down the row stays ``pending`` with no job id and
    that sweep picks it up.
    """
    from transcription.jobs import enqueue_transcription as queue_transcription

    try:
        return queue_transcription(recording.id).id
    except (RedisError, OSError) as exc:
        current_app.logger.warning("could not enqueue transcription of %s: %s", recording.id, exc)
        return None
