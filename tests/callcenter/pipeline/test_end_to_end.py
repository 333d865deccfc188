"""A Korean phone recording becomes a transcribed ticket through a real worker process.

Slow: the worker loads Whisper base once (warmup) and runs the job in-process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import soundfile as sf
from flask import Flask
from sqlalchemy import select

from callcenter.db import db
from callcenter.demo.simulator import Caller, Input, TwilioSimulator
from callcenter.jobs import get_queue
from callcenter.models import Call, Ticket
from callcenter.supervisor.calllog import search_condition
from callcenter.voice import calls
from routing.centers import choose_center
from routing.location import region_from_number
from routing.reference import topics
from tests.callcenter.pipeline.conftest import load_state
from tests.callcenter.voice.conftest import FRIDAY_MORNING
from tests.helpers import ROOT, run_worker_process, serving
from tests.transcription.conftest import (
    ACCOUNT_SID,
    AUDIO_DIR,
    AUTH_TOKEN,
    korean_clip,
    references,
)
from transcription.guard import normalise

pytestmark = pytest.mark.slow

CLIP = "ko_welding_crack.wav"  # topic welding
LANDLINE = "+82552345678"  # 055: 경남, so the IVR asks no region question


def key_domain_words(reference: str) -> list[str]:
    """Topic keywords (topics.csv) that the caller says in the reference text."""
    said = normalise(reference)
    words = {normalise(k) for t in topics() for k in t.keywords}
    return sorted(w for w in words if len(w) >= 2 and w in said)


def test_called_in_problem_becomes_a_transcribed_ticket(
    app: Flask, monkeypatch: pytest.MonkeyPatch
):
    """A call through the IVR (signed webhooks, recording status callback), then a worker."""
    clip = korean_clip(CLIP)
    monkeypatch.setattr(calls, "now", lambda: FRIDAY_MORNING)  # inside business hours
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT_SID)  # the worker's credentials
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
    monkeypatch.setenv("TRANSCRIBE_PRELOAD", "true")  # as in production: load at start
    with serving(app) as base_url:
        simulator = TwilioSimulator(
            base_url,
            AUTH_TOKEN,
            public_base_url=app.config["PUBLIC_BASE_URL"],
            account_sid=ACCOUNT_SID,
        )
        try:
            call = simulator.place_call(Caller(LANDLINE, inputs=[Input("dtmf", "1")], audio=clip))
            assert "/voice/recording-status" in call.paths()
            output = run_worker_process(app, queues="transcription,routing,default")
        finally:
            simulator.close()

    assert output.count("transcription engine") == 1  # loaded once, by the worker itself
    with app.app_context():
        ticket = db.session.scalars(select(Ticket)).one()
        ticket_id, recording_id = ticket.id, ticket.recording_id
        db.session.remove()
    assert recording_id is not None
    state = load_state(app, recording_id, ticket_id)
    assert state["status"] == "done", state["error"]
    assert state["attempts"] == 1
    transcript = state["transcript"]
    assert transcript["no_speech"] is False
    assert transcript["model"] == "whisper-base"
    assert transcript["engine"] == app.config["TRANSCRIBE_ENGINE"]
    assert all(0 <= s["start"] < s["end"] for s in transcript["segments"])
    heard = normalise(transcript["text"])
    expected = key_domain_words(references()[CLIP])
    assert expected, "the clip's reference names no topic keyword"
    assert [w for w in expected if w in heard] == expected, transcript["text"]
    assert state["ticket_status"] != "needs_review"
    # The ticket was handed to routing, and the same worker routed it by what was said.
    assert get_queue("routing", app).connection.exists(f"rq:job:route-{ticket_id}")
    with app.app_context():
        routed = db.session.get(Ticket, ticket_id)
        assert routed is not None
        assert (routed.status, routed.topic_code) == ("routed", "welding")
        gyeongnam = region_from_number(LANDLINE)
        assert gyeongnam.lat is not None and gyeongnam.lon is not None
        nearest = choose_center("welding", gyeongnam.lat, gyeongnam.lon).center.code
        assert routed.center_code == nearest
        # The worker's transcript is in the search index: the call log finds it by those words.
        said = [w for w in expected if w in transcript["text"]]
        assert said, transcript["text"]
        for word in said:
            assert set(db.session.scalars(select(Call.id).where(search_condition(word)))) == {
                routed.call_id
            }, word
        db.session.remove()


def test_cli_transcribes_a_file_without_a_database(tmp_path):
    """`flask transcribe` prints the JSON contract; an unreachable database does not matter."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        APP_ENV="test",
        SECRET_KEY="x",
        DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none",
    )
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "transcribe",
         str(AUDIO_DIR / "silence.wav"), "--engine", "openai-whisper"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    payload = json.loads(result.stdout)
    assert set(payload) >= {
        "text", "language", "segments", "duration_s", "processing_s", "model", "engine"
    }  # fmt: skip
    assert payload["text"] == "" and payload["segments"] == []
    assert payload["language"] == "ko"
    assert payload["duration_s"] == round(sf.info(AUDIO_DIR / "silence.wav").duration, 2)
    assert (payload["engine"], payload["model"]) == ("openai-whisper", "whisper-base")
