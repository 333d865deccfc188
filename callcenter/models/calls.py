"""Calls as Twilio reports them: the call, its webhook steps, recordings, transcripts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from callcenter.models.base import Base, utcnow

if TYPE_CHECKING:
    from callcenter.models.tickets import Ticket

CALL_STATUSES = ("in_progress", "completed", "busy", "failed", "no_answer", "canceled")
RECORDING_STATUSES = ("pending", "downloading", "transcribing", "done", "failed")
# How the caller's region was learned: from the number, from the IVR question, or not at all.
REGION_SOURCES = ("area_code", "ivr_digit", "ivr_speech", "operator", "unknown")


class Call(Base):
    """One inbound call, keyed by Twilio's CallSid."""

    __tablename__ = "calls"
    __table_args__ = (
        Index("ix_calls_started_at", "started_at"),
        Index("ix_calls_from_number", "from_number"),
        Index("ix_calls_outcome_started", "outcome", "started_at"),
        # Covers the supervisor call log's page of ids in time order, caller-digit search too.
        Index("ix_calls_started_id_from", "started_at", "id", "from_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    from_number: Mapped[str] = mapped_column(String(40), default="")
    to_number: Mapped[str] = mapped_column(String(40), default="")
    region: Mapped[str | None] = mapped_column(String(20))  # region_ko from area_codes.csv
    region_source: Mapped[str] = mapped_column(String(20), default="unknown")
    status: Mapped[str] = mapped_column(String(20), default="in_progress")
    # Last Twilio status callback SequenceNumber applied; older ones are ignored.
    status_sequence: Mapped[int] = mapped_column(Integer, default=-1)
    language: Mapped[str] = mapped_column(String(10), default="ko")
    menu_choice: Mapped[str | None] = mapped_column(String(20))
    # ticket, voicemail, callback, hung_up_menu, abandoned_queue, answered, status_lookup
    outcome: Mapped[str | None] = mapped_column(String(30))
    queue_entered_at: Mapped[datetime | None]
    queue_wait_seconds: Mapped[int | None] = mapped_column(Integer)
    queue_answered: Mapped[bool | None]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # IVR retry counters etc.

    events: Mapped[list[CallEvent]] = relationship(
        back_populates="call", order_by="CallEvent.id", cascade="all, delete-orphan"
    )
    recordings: Mapped[list[Recording]] = relationship(back_populates="call")
    tickets: Mapped[list[Ticket]] = relationship(back_populates="call")


class CallEvent(Base):
    """One webhook step of a call, in arrival order: the supervisor's timeline."""

    __tablename__ = "call_events"
    __table_args__ = (Index("ix_call_events_call_id", "call_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))  # incoming, menu, region, record, status, ...
    step: Mapped[str | None] = mapped_column(String(60))
    digits: Mapped[str | None] = mapped_column(String(40))
    speech: Mapped[str | None] = mapped_column(Text)
    speech_confidence: Mapped[float | None] = mapped_column(Float)
    queue_position: Mapped[int | None] = mapped_column(Integer)
    queue_time: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    call: Mapped[Call] = relationship(back_populates="events")


class Recording(Base):
    """A caller's recording; persisted before any job runs, kept even if transcription fails."""

    __tablename__ = "recordings"
    __table_args__ = (
        Index("ix_recordings_status_updated", "status", "updated_at"),
        Index("ix_recordings_call_id", "call_id"),  # a call's recordings on its timeline page
        Index("ix_recordings_created_at", "created_at"),  # transcription KPIs by period
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_sid: Mapped[str] = mapped_column(String(64), unique=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))
    source_url: Mapped[str] = mapped_column(String(500))
    purpose: Mapped[str] = mapped_column(String(20), default="problem")  # problem, voicemail
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    # The audio's key in the recording store (callcenter/storage): a file name under
    # RECORDINGS_DIR or an object under RECORDINGS_STORE's prefix; None until downloaded.
    store_key: Mapped[str | None] = mapped_column(String(200))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    job_id: Mapped[str | None] = mapped_column(String(100))
    # When the retention sweep deleted the audio (docs/retention.md); the row stays.
    purged_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    call: Mapped[Call | None] = relationship(back_populates="recordings")
    transcript: Mapped[Transcript | None] = relationship(back_populates="recording")


class Transcript(Base):
    """Whisper's output for one recording."""

    __tablename__ = "transcripts"
    __table_args__ = (UniqueConstraint("recording_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_id: Mapped[int] = mapped_column(ForeignKey("recordings.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(10), default="ko")
    segments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    model: Mapped[str] = mapped_column(String(100))
    engine: Mapped[str] = mapped_column(String(40))
    avg_logprob: Mapped[float | None] = mapped_column(Float)
    no_speech_prob: Mapped[float | None] = mapped_column(Float)
    no_speech: Mapped[bool] = mapped_column(default=False)
    audio_seconds: Mapped[float | None] = mapped_column(Float)
    processing_seconds: Mapped[float | None] = mapped_column(Float)
    # When the retention sweep replaced the text (docs/retention.md).
    anonymised_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    recording: Mapped[Recording] = relationship(back_populates="transcript")
