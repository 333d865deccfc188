"""The ``transcribe_recording`` job and the sweep that rescues stuck recordings.

A recording moves ``pending → downloading → transcribing → done | failed``; its ticket is
``transcribing`` while we work, then goes to routing, or to ``needs_review`` when there is
nothing a machine can read (corrupt, empty, over-long audio or no speech), so that an
operator listens. Ticket moves are the workflow table's "transcription" moves. The audio is
put into the recording store (``callcenter.storage``: RECORDINGS_DIR or an S3 bucket) before it
is decoded and stays there whatever happens; the decoder reads a local copy, so a worker on
another machine than the web works the same. The pure work (download, decoding, the model) is
the ``transcription`` package's.
"""

from __future__ import annotations

import logging
import re
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from rq import get_current_job
from sqlalchemy import select

from callcenter.db import db
from callcenter.jobs import get_queue
from callcenter.models import Recording, Ticket, Transcript, utcnow
from callcenter.pipeline.jobs import (
    ACTIVE_JOB_STATUSES,
    ROUTING,
    TRANSCRIPTION,
    enqueue_routing,
    enqueue_transcription,
)
from callcenter.services.tickets import open_call_ticket
from callcenter.services.workflow import move
from callcenter.storage import recording_store
from transcription.audio import AudioError, decode
from transcription.download import (
    DownloadFailed,
    DownloadPolicy,
    DownloadRefused,
    download,
    recording_media_url,
)
from transcription.engines import ConfiguredEngine
from transcription.pipeline import TranscriptionTimeout, configured_options, transcribe_audio

log = logging.getLogger(__name__)

MAX_ATTEMPTS = TRANSCRIPTION.attempts
ACTIVE_STATUSES = ("pending", "downloading", "transcribing")
# A row with no live job is re-enqueued by the next sweep after this long: after a lost
# enqueue (Redis down) or a missing callback, yet never racing the webhook's own enqueue.
NO_JOB_GRACE_SECONDS = 30
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_-]")


def transcribe_recording(recording_id: int) -> dict[str, Any]:
    """RQ job: download, transcribe and store one recording, then hand its ticket to routing."""
    return _Transcription(recording_id).run()


class _Failure(Exception):
    """Ends the job with the recording failed and the ticket sent to an operator."""

    def __init__(self, message_ko: str, detail: str = "") -> None:
        super().__init__(detail or message_ko)
        self.message_ko = message_ko


class _Transcription:
    def __init__(self, recording_id: int) -> None:
        self.recording_id = recording_id
        self.config = current_app.config
        self.started = time.monotonic()
        self.ticket_id: int | None = None

    # -- steps -------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        recording = db.session.get(Recording, self.recording_id)
        if recording is None:
            return {"recording_id": self.recording_id, "status": "missing"}
        if recording.status not in ACTIVE_STATUSES:
            # A duplicate or late job: the recording is settled, change nothing.
            return {"recording_id": self.recording_id, "status": "skipped"}
        try:
            key = self._fetch(recording)
            return self._transcribe(key)
        except _Failure as failure:
            self._fail(failure.message_ko, str(failure))
            return {"recording_id": self.recording_id, "status": "failed"}
        except Exception as exc:
            self._after_error(exc)
            raise

    def _fetch(self, recording: Recording) -> str:
        """Download into the store (unless an earlier attempt did); returns the store key."""
        recording.attempts += 1
        recording.status = "downloading"
        recording.error = None
        self._move_ticket(recording, "transcribing")
        db.session.commit()
        store = recording_store()
        if recording.store_key and store.exists(recording.store_key):
            return recording.store_key  # kept from an earlier attempt
        key = self._file_name(recording)
        policy = DownloadPolicy(
            hosts=tuple(self.config["RECORDING_HOSTS"]),
            allow_local=bool(self.config["ALLOW_LOCAL_RECORDINGS"]),
            max_bytes=int(self.config["RECORDING_MAX_BYTES"]),
            auth=(self.config["TWILIO_ACCOUNT_SID"], self.config["TWILIO_AUTH_TOKEN"]),
        )
        if not recording.source_url:
            # The Record action may arrive before the status callback that carries the URL.
            raise DownloadFailed(
                "녹음 주소가 아직 도착하지 않았습니다. 잠시 후 다시 시도합니다.",
                "no RecordingUrl yet",
            )
        url = recording_media_url(recording.source_url)
        db.session.close()  # no connection held over the network wait
        with tempfile.TemporaryDirectory(prefix="download-") as folder:  # 0700
            target = Path(folder) / key
            try:
                download(url, target, policy)
            except DownloadRefused as exc:
                raise _Failure(exc.message_ko, str(exc)) from exc
            size = store.put(key, target)
        recording = self._reload()
        recording.store_key = key
        recording.size_bytes = size
        recording.status = "transcribing"
        db.session.commit()
        return key

    def _transcribe(self, key: str) -> dict[str, Any]:
        recording = self._reload()
        if recording.status != "transcribing":
            recording.status = "transcribing"
            db.session.commit()
        db.session.close()  # the database waits for nobody while the model runs
        with recording_store().local_copy(key) as path:
            try:
                audio = decode(path, max_seconds=self.config["RECORDING_MAX_SECONDS"])
            except AudioError as exc:
                raise _Failure(exc.message_ko, str(exc)) from exc
        engine = ConfiguredEngine(self.config)
        try:
            result = transcribe_audio(
                engine, audio, configured_options(self.config), deadline=self._deadline()
            )
        except TranscriptionTimeout as exc:
            raise _Failure(
                "음성을 글로 옮기는 데 시간이 너무 오래 걸려 중단했습니다. 직접 들어 주세요.",
                str(exc),
            ) from exc
        recording = self._reload()
        if recording.status not in ACTIVE_STATUSES:
            return {"recording_id": self.recording_id, "status": "skipped"}
        transcript = recording.transcript or Transcript(recording_id=recording.id)
        transcript.text = result.text
        transcript.language = result.language
        transcript.segments = [s.as_dict() for s in result.segments]
        transcript.model = result.model
        transcript.engine = result.engine
        transcript.avg_logprob = result.avg_logprob
        transcript.no_speech_prob = result.no_speech_prob
        transcript.no_speech = result.no_speech
        transcript.audio_seconds = round(result.duration_s, 2)
        transcript.processing_seconds = round(result.processing_s, 2)
        db.session.add(transcript)
        recording.status = "done"
        recording.error = None
        ticket = self._ticket(recording)
        if result.no_speech:
            # Nothing was said that a machine could read: an operator listens instead.
            self._move_ticket(recording, "needs_review")
        db.session.commit()
        if ticket is not None and not result.no_speech:
            enqueue_routing(ticket.id)
        log.info(
            "recording %s transcribed by %s in %.1f s (%.1f s audio)%s",
            self.recording_id,
            result.engine,
            result.processing_s,
            result.duration_s,
            ", no speech" if result.no_speech else "",
        )
        return {
            "recording_id": self.recording_id,
            "status": "done",
            "no_speech": result.no_speech,
            "ticket_id": ticket.id if ticket else None,
        }

    # -- failure paths -----------------------------------------------------------------

    def _fail(self, message_ko: str, detail: str) -> None:
        db.session.rollback()
        recording = self._reload()
        recording.status = "failed"
        recording.error = message_ko
        self._move_ticket(recording, "needs_review")
        db.session.commit()
        log.warning("recording %s failed: %s", self.recording_id, detail)

    def _after_error(self, exc: Exception) -> None:
        """Transient trouble: back to pending while RQ retries, failed when it will not."""
        db.session.rollback()
        job = get_current_job()
        retries_left = bool(job and job.retries_left)
        message = exc.message_ko if isinstance(exc, DownloadFailed) else _generic_message(exc)
        if not retries_left:
            message = _given_up(message)
        if retries_left:
            recording = self._reload()
            recording.status = "pending"
            recording.error = message
            db.session.commit()
        else:
            self._fail(message, repr(exc))

    # -- helpers -----------------------------------------------------------------------

    def _reload(self) -> Recording:
        recording = db.session.get(Recording, self.recording_id)
        if recording is None:
            raise LookupError(f"recording {self.recording_id} disappeared")
        return recording

    def _ticket(self, recording: Recording) -> Ticket | None:
        """The recording's ticket: looked up once, then loaded by id."""
        if self.ticket_id is not None:
            ticket = db.session.get(Ticket, self.ticket_id)
            if ticket is not None:
                return ticket
        ticket = recording_ticket(recording, self.config["TIMEZONE"])
        self.ticket_id = ticket.id if ticket is not None else None
        return ticket

    def _move_ticket(self, recording: Recording, status: str) -> None:
        ticket = self._ticket(recording)
        if ticket is not None:
            move(ticket, status, cause="transcription")

    def _deadline(self) -> float:
        """TRANSCRIBE_TIMEOUT, or less when the RQ job was queued with a shorter timeout."""
        budget = float(self.config["TRANSCRIBE_TIMEOUT"])
        job = get_current_job()
        if job is not None and job.timeout and job.timeout > 0:
            elapsed = time.monotonic() - self.started
            budget = min(budget, job.timeout - elapsed - 30)
        return time.monotonic() + max(budget, 5.0)

    @staticmethod
    def _file_name(recording: Recording) -> str:
        stem = _SAFE_NAME.sub("", recording.recording_sid) or f"recording-{recording.id}"
        return f"{stem}.wav"


def recording_ticket(recording: Recording, timezone: str) -> Ticket | None:
    """The ticket the webhook made with this recording (None for a recording without a call).

    A recording the webhook did not link to a ticket (a row from before the webhooks made
    tickets) gets its call's ticket through the webhooks' own creation path.
    """
    if recording.call_id is None:
        return None
    ticket = db.session.scalars(
        select(Ticket)
        .where(Ticket.call_id == recording.call_id, Ticket.recording_id == recording.id)
        .order_by(Ticket.id)
        .limit(1)
    ).first()
    if ticket is not None:
        return ticket
    log.warning("recording %s has no ticket of its own: linking its call's", recording.id)
    kind = "voicemail" if recording.purpose == "voicemail" else "problem"
    call = recording.call
    assert call is not None  # the foreign key holds
    made = open_call_ticket(
        db.session(), call, kind=kind, timezone=timezone, recording_id=recording.id
    )
    return db.session.get(Ticket, made.id)


def _generic_message(exc: Exception) -> str:
    return f"음성 변환 중 오류가 났습니다({type(exc).__name__}). {_RETRYING}"


# A transient error's message promises another try; the last try's must not.
_RETRYING = "잠시 후 다시 시도합니다."
_GIVEN_UP = "여러 번 시도했지만 실패했습니다. 직접 확인해 주세요."


def _given_up(message: str) -> str:
    """The operator's message for a recording that failed for good: its cause, no promise."""
    return f"{message.removesuffix(_RETRYING).rstrip()} {_GIVEN_UP}"


def requeue_stuck(*, older_than: int | None = None) -> dict[str, list[int]]:
    """Re-enqueue recordings in pending/downloading/transcribing with no live job; route orphans.

    RQ's own abandoned-job handling runs first (an expired execution of a killed worker is
    retried or failed, after its job timeout); a recording whose job is then nowhere live in
    RQ is enqueued again once NO_JOB_GRACE_SECONDS have passed (or ``older_than``), or failed
    for an operator after MAX_ATTEMPTS. A row whose job RQ still holds is left to RQ.
    """
    seconds = older_than if older_than is not None else NO_JOB_GRACE_SECONDS
    cutoff = utcnow() - timedelta(seconds=seconds)
    queue = get_queue(TRANSCRIPTION.queue)
    queue.started_job_registry.cleanup()
    outcome: dict[str, list[int]] = {"requeued": [], "failed": [], "routed": []}
    stuck = db.session.scalars(
        select(Recording).where(
            Recording.status.in_(ACTIVE_STATUSES), Recording.updated_at < cutoff
        )
    ).all()
    for recording in stuck:
        status = TRANSCRIPTION.status(recording.id)
        if status in ACTIVE_JOB_STATUSES:
            continue  # RQ still has it
        if recording.attempts >= MAX_ATTEMPTS:
            recording.status = "failed"
            recording.error = "여러 번 시도했지만 음성을 글로 옮기지 못했습니다. 직접 들어 주세요."
            ticket = recording_ticket(recording, current_app.config["TIMEZONE"])
            if ticket is not None:
                move(ticket, "needs_review", cause="transcription")
            outcome["failed"].append(recording.id)
            continue
        if status is not None:
            TRANSCRIPTION.delete(recording.id)
        recording.job_id = enqueue_transcription(recording.id).id
        recording.updated_at = utcnow()  # not picked again before it has had its chance
        outcome["requeued"].append(recording.id)
    outcome["routed"] = _route_orphans(cutoff)
    db.session.commit()
    return outcome


def _route_orphans(cutoff: datetime) -> list[int]:
    """Tickets left in 'transcribing' with a finished transcript (routing enqueue was lost)."""
    tickets = db.session.scalars(
        select(Ticket)
        .join(Recording, Ticket.recording_id == Recording.id)
        .where(
            Ticket.status == "transcribing",
            Recording.status == "done",
            Ticket.updated_at < cutoff,
        )
    ).all()
    routed = []
    for ticket in tickets:
        status = ROUTING.status(ticket.id)
        if status in ACTIVE_JOB_STATUSES or status == "finished":
            continue  # routing has it, or ran it and left the ticket as it is
        if status is not None:
            # Failed (retries spent, e.g. a database outage) or stopped: a failed job is not
            # "held", its record goes so the ticket is routed afresh.
            ROUTING.delete(ticket.id)
        if enqueue_routing(ticket.id):
            routed.append(ticket.id)
    return routed
