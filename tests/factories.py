"""Test data built directly with the models: users, calls, tickets, and audio files.

Record builders commit what they make (as the app would have) and return it detached, so a
test can read its attributes outside an app context; the audio writers return the path.
"""

from __future__ import annotations

import math
import struct
import wave
from datetime import datetime
from pathlib import Path
from typing import Any

import av
from flask import Flask

from callcenter.auth.security import create_user
from callcenter.db import db
from callcenter.models import Call, Recording, Ticket, Transcript, User, utcnow
from callcenter.services.tickets import create_ticket_for_call
from transcription.audio import encode_mp3

PASSWORD = "correct-horse-battery"

SEGMENTS = [
    {"start": 0.0, "end": 2.4, "text": "여보세요 저희가 알루미늄 주물을 만드는데요"},
    {"start": 2.4, "end": 5.1, "text": "쇳물 부을 때 모래가 같이 들어가서 불량이 나요"},
    {"start": 5.1, "end": 7.9, "text": "어떻게 해야 할지 상담 받고 싶습니다"},
]
ROUTING = {
    "topic_scores": {"casting": 0.82, "mold": 0.31, "forming": 0.12},
    "evidence": ["주물", "쇳물", "모래"],
    "point_source": "area_code",
    "distance_km": 12.3,
    "runner_up": "ANSAN",
    "runner_up_km": 25.8,
}


def write_wav(path: Path, seconds: float = 8.0, rate: int = 8000) -> Path:
    """A mono 16-bit tone, long enough to seek in."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        period = [
            struct.pack("<h", int(3000 * math.sin(2 * math.pi * 440 * i / rate)))
            for i in range(rate // 40)  # 440 Hz repeats every 1/40 s at these rates
        ]
        frames = b"".join(period) * int(seconds * 40)
        out.writeframes(frames)
    return path


def write_mp3(source: Path, dest: Path, *, bit_rate: int = 32_000) -> Path:
    """``source`` re-encoded as mono MP3 (in-process, no ffmpeg program needed)."""
    dest.write_bytes(encode_mp3(source, bit_rate=bit_rate))
    return dest


def write_phone_wav(source: Path, dest: Path) -> Path:
    """``source`` as Twilio records a call: 8 kHz mono μ-law WAV (in-process, through PyAV)."""
    with av.open(str(source)) as audio_in, av.open(str(dest), "w", format="wav") as audio_out:
        stream = audio_out.add_stream("pcm_mulaw", rate=8000, layout="mono")
        for frame in audio_in.decode(audio=0):
            frame.pts = None  # the encoder resamples and numbers its own frames
            audio_out.mux(stream.encode(frame))
        audio_out.mux(stream.encode(None))
    return dest


def make_user(
    app: Flask,
    username: str,
    role: str = "operator",
    center: str | None = "INCHEON",
    *,
    password: str = PASSWORD,
    language: str = "ko",
) -> User:
    """Create and commit a user (operators need a center; others may have none)."""
    with app.app_context():
        user = create_user(
            db.session,
            username=username,
            role=role,
            password=password,
            center_code=center,
            language=language,
        )
        db.session.commit()
        db.session.expunge(user)
        return user


def make_call(app: Flask, call_sid: str, **fields: Any) -> Call:
    """One committed call row (``fields`` are Call columns: from_number, region, ...)."""
    with app.app_context():
        call = Call(call_sid=call_sid, **fields)
        db.session.add(call)
        db.session.commit()
        db.session.expunge(call)
        return call


def make_ticket(
    app: Flask,
    *,
    center: str | None = "INCHEON",
    topic: str | None = "casting",
    status: str = "routed",
    kind: str = "problem",
    caller: str = "+821012345678",
    region: str | None = "인천",
    region_source: str = "area_code",
    transcript: str | None = " ".join(s["text"] for s in SEGMENTS),
    segments: list[dict[str, Any]] | None = None,
    with_audio: bool = True,
    summary: str | None = None,
    created_at: datetime | None = None,
    assignee_id: int | None = None,
    routing: dict[str, Any] | None = None,
    sid_suffix: str | None = None,
) -> Ticket:
    """One ticket the way the IVR, transcription and routing leave it (committed)."""
    with app.app_context():
        session = db.session()
        n = sid_suffix or f"{session.query(Call).count() + 1:032d}"
        call = Call(
            call_sid=f"CA{n[-32:]}",
            from_number=caller,
            region=region,
            region_source=region_source,
            status="completed",
            started_at=utcnow(),
        )
        session.add(call)
        session.flush()
        recording_id = None
        if kind != "callback":
            rec_path = Path(app.config["RECORDINGS_DIR"]) / f"RE{n[-32:]}.wav"
            if with_audio:
                write_wav(rec_path)
            recording = Recording(
                recording_sid=f"RE{n[-32:]}",
                call_id=call.id,
                source_url=f"https://api.twilio.com/RE{n[-32:]}",
                purpose="problem",
                status="done" if with_audio else "failed",
                store_key=rec_path.name if with_audio else None,
                duration_seconds=8,
            )
            session.add(recording)
            session.flush()
            recording_id = recording.id
            if transcript is not None:
                session.add(
                    Transcript(
                        recording_id=recording.id,
                        text=transcript,
                        segments=SEGMENTS if segments is None else segments,
                        model="test",
                        engine="test",
                    )
                )
        ticket = create_ticket_for_call(
            session, call, kind=kind, timezone=app.config["TIMEZONE"], recording_id=recording_id
        )
        ticket.status = status
        ticket.topic_code = topic
        ticket.center_code = center
        ticket.summary = summary
        ticket.assignee_id = assignee_id
        ticket.routing = dict(ROUTING if routing is None else routing)
        ticket.institutes = ["KITECH", "KIMS"] if topic == "casting" else []
        if status != "received":
            ticket.routed_at = utcnow()
        if created_at is not None:
            ticket.created_at = created_at
        session.commit()
        session.expunge(ticket)
        return ticket
