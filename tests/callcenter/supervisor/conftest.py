"""The supervisor tests' calls: a ticket with a full timeline, an abandoned call, a menu hang-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from callcenter.db import db
from callcenter.models import Call, CallEvent, Recording, Ticket, Transcript
from callcenter.services.audit import audit

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 10:00 in Seoul


@pytest.fixture
def calls(app):
    """Three calls: a Korean ticket with a full timeline, an abandoned call, a menu hang-up."""
    with app.app_context():
        first = Call(
            call_sid="CA" + "1" * 32,
            from_number="+821012345678",
            region="인천",
            region_source="ivr_digit",
            menu_choice="1",
            outcome="ticket",
            started_at=START,
            ended_at=START + timedelta(seconds=95),
            duration_seconds=95,
        )
        abandoned = Call(
            call_sid="CA" + "2" * 32,
            from_number="+82315550000",
            region="경기",
            region_source="area_code",
            menu_choice="0",
            outcome="abandoned_queue",
            queue_entered_at=START + timedelta(minutes=5),
            queue_wait_seconds=75,
            queue_answered=False,
            started_at=START + timedelta(minutes=5),
            duration_seconds=100,
        )
        hung_up = Call(
            call_sid="CA" + "3" * 32,
            from_number="Anonymous",
            outcome="hung_up_menu",
            started_at=START + timedelta(minutes=9),
            duration_seconds=12,
        )
        db.session.add_all([first, abandoned, hung_up])
        db.session.flush()
        at = START + timedelta(seconds=15)
        db.session.add_all(
            [
                CallEvent(call_id=first.id, kind="incoming", step="greeting", created_at=START),
                CallEvent(
                    call_id=first.id,
                    kind="menu",
                    step="main_menu",
                    speech="기술 상담",
                    speech_confidence=0.91,
                    created_at=at,
                ),
                CallEvent(
                    call_id=first.id, kind="region", step="region", digits="1", created_at=at
                ),
                CallEvent(
                    call_id=abandoned.id,
                    kind="queue",
                    step="queue_wait",
                    queue_position=3,
                    queue_time=60,
                    created_at=at + timedelta(minutes=6),
                ),
            ]
        )
        recording = Recording(
            recording_sid="RE" + "1" * 32,
            call_id=first.id,
            source_url="https://api.twilio.com/x",
            status="done",
            duration_seconds=40,
        )
        db.session.add(recording)
        db.session.flush()
        db.session.add(
            Transcript(
                recording_id=recording.id,
                text="금형 캐비티가 빨리 마모됩니다.",
                segments=[{"start": 0.4, "end": 3.0, "text": "금형 캐비티가 빨리 마모됩니다."}],
                model="whisper-base",
                engine="faster-whisper",
            )
        )
        db.session.add(
            Ticket(
                number="1379-20260302-0001",
                call_id=first.id,
                recording_id=recording.id,
                caller_number=first.from_number,
                center_code="INCHEON",
                topic_code="mold",
                status="routed",
                created_at=START + timedelta(seconds=80),
            )
        )
        audit(
            db.session(),
            "recording.play",
            user=None,
            target_type="recording",
            target_id=recording.id,
        )
        db.session.commit()
        ids = {"ticket": first.id, "abandoned": abandoned.id, "hung_up": hung_up.id}
    # Outside the app context: requests must each get their own (Flask-Login keeps the user in g).
    return ids
