"""Every job of a call's path, defined once: dotted path, job id, queue, time limit, retries.

Jobs are plain functions of a primary key, enqueued by dotted path (a job already queued in
Redis names its function by that path). One job id per row (``transcribe-<recording id>``,
``route-<ticket id>``, ``sms-<message id>``), so enqueueing twice queues once.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from redis.exceptions import RedisError
from rq import Retry
from rq.job import Job

from callcenter.jobs import enqueue, get_queue, try_enqueue
from callcenter.models import SmsMessage


@dataclass(frozen=True)
class JobKind:
    """One kind of job: the function RQ runs, its queue, job id, time limit and retries."""

    path: str
    queue: str
    id_prefix: str
    timeout: int = 300
    retry: Retry | None = None

    @property
    def attempts(self) -> int:
        """How often RQ runs one job at most: once, plus its retries."""
        return 1 + (self.retry.max if self.retry is not None else 0)

    def job_id(self, key: int) -> str:
        """The RQ job id of this kind's job for row ``key`` (one job per row)."""
        return f"{self.id_prefix}-{key}"

    def enqueue(self, key: int, *, timeout: int | None = None) -> Job:
        """Queue the job for row ``key``; raises when Redis is unreachable."""
        return enqueue(
            self.path,
            key,
            queue=self.queue,
            job_id=self.job_id(key),
            timeout=timeout or self.timeout,
            retry=self.retry,
        )

    def try_enqueue(self, key: int) -> Job | None:
        """Queue the job, or log and return None when Redis is unreachable (a sweep retries)."""
        return try_enqueue(
            self.path,
            key,
            queue=self.queue,
            job_id=self.job_id(key),
            timeout=self.timeout,
            retry=self.retry,
        )

    def status(self, key: int) -> str | None:
        """RQ's status of row ``key``'s job (queued, started, finished...), None if RQ has none."""
        queue = get_queue(self.queue)
        job_id = self.job_id(key)
        if not queue.connection.exists(Job.key_for(job_id)):
            return None
        status = Job.fetch(job_id, connection=queue.connection).get_status(refresh=True)
        return status.value if status is not None else None

    def delete(self, key: int) -> None:
        """Forget row ``key``'s finished or failed job, so that it can be enqueued afresh."""
        queue = get_queue(self.queue)
        Job.fetch(self.job_id(key), connection=queue.connection).delete()


TRANSCRIPTION = JobKind(
    "callcenter.pipeline.transcribe.transcribe_recording",
    queue="transcription",
    id_prefix="transcribe",
    # Download problems are usually brief (Twilio still writing the file, a network blip).
    retry=Retry(max=3, interval=[15, 60, 180]),
)
ROUTING = JobKind(
    "callcenter.pipeline.route.route_ticket_job",
    queue="routing",
    id_prefix="route",
    # A database outage fails routing; back-off retries outlast a short one (the sweep the rest).
    retry=Retry(max=3, interval=[5, 30, 120]),
)
SMS = JobKind(
    "callcenter.pipeline.sms.send_sms",
    queue="default",
    id_prefix="sms",
    timeout=60,
    retry=Retry(max=3, interval=[10, 30, 60]),
)
# A follow-up check's outbound call (사후 점검); one job per check, so one call per try at most.
FOLLOW_UP_CALL = JobKind(
    "callcenter.followup.calls.place_follow_up_call",
    queue="default",
    id_prefix="follow-up-call",
    timeout=60,
)
# Time a transcription job may spend besides transcribing: download, decoding, database.
TRANSCRIPTION_MARGIN_SECONDS = 150
# A job in one of these RQ statuses is still RQ's (queued, running, or a retry scheduled).
ACTIVE_JOB_STATUSES = ("queued", "started", "scheduled", "deferred")


def enqueue_transcription(recording_id: int) -> Job:
    """Queue the recording's transcription, limited to TRANSCRIBE_TIMEOUT plus a margin."""
    timeout = current_app.config["TRANSCRIBE_TIMEOUT"] + TRANSCRIPTION_MARGIN_SECONDS
    return TRANSCRIPTION.enqueue(recording_id, timeout=timeout)


def try_enqueue_transcription(recording_id: int) -> str | None:
    """:func:`enqueue_transcription`, or None when Redis is unreachable (the sweep retries)."""
    try:
        return enqueue_transcription(recording_id).id
    except (RedisError, OSError) as exc:
        current_app.logger.warning("could not enqueue transcription of %s: %s", recording_id, exc)
        return None


def enqueue_routing(ticket_id: int) -> Job | None:
    """Queue the ticket's routing; None when Redis is unreachable (the orphan sweep retries)."""
    return ROUTING.try_enqueue(ticket_id)


def enqueue_sms(message: SmsMessage) -> bool:
    """Queue the sending of a committed pending message; False when Redis is unreachable."""
    if message.status != "pending":
        return False
    return SMS.try_enqueue(message.id) is not None
