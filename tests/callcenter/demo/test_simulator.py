"""The simulator's own contract: recordings behind basic auth, the CLI, and the README demo."""

from __future__ import annotations

import threading
import time

import requests
from sqlalchemy import select
from werkzeug.security import check_password_hash

from callcenter.demo.recording_server import RecordingServer
from callcenter.demo.sample_calls import place_demo_calls
from callcenter.models import Recording, Ticket, User
from tests.callcenter.voice.conftest import AUDIO

ACCOUNT = "AC" + "3" * 32


def test_recordings_are_served_only_with_twilio_credentials():
    with RecordingServer(ACCOUNT, "secret-token") as server:
        sid, url, seconds = server.add(AUDIO)
        assert url == f"{server.base_url}/2010-04-01/Accounts/{ACCOUNT}/Recordings/{sid}"
        assert url.startswith("http://127.0.0.1:") and seconds == 9
        assert requests.get(url, timeout=5).status_code == 401
        assert requests.get(url, auth=(ACCOUNT, "wrong"), timeout=5).status_code == 401
        assert (
            requests.get(url, auth=("AC" + "4" * 32, "secret-token"), timeout=5).status_code == 401
        )
        assert server.fetch_count(sid) == 0
        assert not server.wait_fetched([sid], timeout=0.2)

        wav = requests.get(url, auth=(ACCOUNT, "secret-token"), timeout=5)
        assert wav.status_code == 200 and wav.content == AUDIO.read_bytes()
        also_wav = requests.get(url + ".wav", auth=(ACCOUNT, "secret-token"), timeout=5)
        assert also_wav.headers["Content-Type"] == "audio/x-wav"
        mp3 = requests.get(url + ".mp3", auth=(ACCOUNT, "secret-token"), timeout=30)
        assert mp3.headers["Content-Type"] == "audio/mpeg" and len(mp3.content) > 1000
        assert server.fetch_count(sid) == 3 and server.wait_fetched([sid], timeout=0)
        missing = url.replace(sid, "RE" + "0" * 32)
        assert requests.get(missing, auth=(ACCOUNT, "secret-token"), timeout=5).status_code == 404


def _fetch_like_a_worker(app, stop: threading.Event) -> None:
    """Download the first recording the way the transcription job will (basic auth)."""
    from callcenter.db import db

    with app.app_context():
        while not stop.is_set():
            db.session.remove()
            recording = db.session.scalars(select(Recording)).first()
            if recording is not None:
                user = app.config["TWILIO_ACCOUNT_SID"] or "AC" + "0" * 32
                auth = (user, app.config["TWILIO_AUTH_TOKEN"])
                requests.get(recording.source_url, auth=auth, timeout=5).raise_for_status()
                return
            time.sleep(0.05)


def test_simulate_call_command_prints_the_ticket_and_waits_for_the_fetch(app, live_server, runner):
    stop = threading.Event()
    worker = threading.Thread(target=_fetch_like_a_worker, args=(app, stop), daemon=True)
    worker.start()
    result = runner.invoke(
        args=[
            "simulate-call",
            "--from",
            "+82415551234",
            "--audio",
            str(AUDIO),
            "--digits",
            "2",
            "--base-url",
            live_server,
            "--fetch-timeout",
            "20",
            "-v",
        ]
    )
    stop.set()
    worker.join(timeout=10)
    assert result.exit_code == 0, result.output
    with app.app_context():
        from callcenter.db import db

        ticket = db.session.scalars(select(Ticket)).one()
    assert f"접수번호 {ticket.number} (problem)" in result.output
    assert "녹음 파일 전달 완료" in result.output
    assert "중소기업 기술지원 통합콜센터" in result.output  # -v prints what the caller hears


def test_simulate_call_command_gives_up_waiting_after_the_timeout(live_server, runner):
    started = time.monotonic()
    result = runner.invoke(
        args=[
            "simulate-call",
            "--from",
            "+821012345678",
            "--audio",
            str(AUDIO),
            "--digits",
            "1,6",
            "--base-url",
            live_server,
            "--fetch-timeout",
            "0.5",
        ]
    )
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 15
    assert "접수번호 1379-" in result.output
    assert "전달되지 않았습니다" in result.output + (result.stderr or "")


def test_simulate_call_command_without_audio_hangs_up_in_the_menu(live_server, runner):
    result = runner.invoke(
        args=["simulate-call", "--from", "Anonymous", "--hangup-at-menu", "--base-url", live_server]
    )
    assert result.exit_code == 0, result.output
    assert "접수번호 없음" in result.output


def test_demo_places_korean_sample_calls(app, live_server, session, capsys):
    app.config["PUBLIC_BASE_URL"] = live_server  # as `flask serve` sets it for its children
    results = place_demo_calls(app, live_server)
    assert len(results) == 3
    tickets = session.scalars(select(Ticket).order_by(Ticket.id)).all()
    assert [t.caller_number for t in tickets] == ["+82415551234", "+821012345678", "+8221234567"]
    assert [t.menu_choice for t in tickets] == ["1", "2", "3"]
    assert [t.region for t in tickets] == ["충남", "부산", "서울"]
    out = capsys.readouterr().out
    for ticket in tickets:
        assert ticket.number in out
    # Each call's clip is named with what its caller says (the demo's own audio, not tests/data).
    assert "녹음 내용: 안녕하세요, 저희는 천안시에 있는 스타트업인데요." in out
    # A fresh database gets a demo supervisor whose one-time password is printed.
    demo = session.scalars(select(User).where(User.username == "demo")).one()
    assert demo.role == "supervisor"
    password = out.split("비밀번호 ", 1)[1].split()[0]
    assert check_password_hash(demo.password_hash, password)
    place_demo_calls(app, live_server)
    assert "비밀번호" not in capsys.readouterr().out  # shown once, never reset


def test_simulator_follows_dial_and_redirect_like_twilio():
    """Against a tiny TwiML app: Dial's action gets DialCallStatus; Redirect is followed."""
    from flask import Flask, request
    from twilio.twiml.voice_response import VoiceResponse

    from callcenter.demo.simulator import Caller, TwilioSimulator
    from tests.helpers import serving

    other = Flask("other")
    seen: list[tuple[str, dict[str, str]]] = []

    @other.post("/voice/incoming")
    def incoming():
        seen.append((request.path, dict(request.form)))
        response = VoiceResponse()
        response.say("연결합니다")
        response.dial("+821055556666", action="/after-dial", method="POST")
        return str(response)

    @other.post("/after-dial")
    def after_dial():
        seen.append((request.path, dict(request.form)))
        response = VoiceResponse()
        response.redirect("/bye")
        return str(response)

    @other.post("/bye")
    def bye():
        seen.append((request.path, dict(request.form)))
        response = VoiceResponse()
        response.say("안녕히 계세요")
        response.hangup()
        return str(response)

    @other.post("/voice/status")
    def status():
        seen.append((request.path, dict(request.form)))
        return "", 204

    with serving(other) as base_url:
        sim = TwilioSimulator(base_url, "token")
        try:
            result = sim.place_call(Caller("+82415551234"))
        finally:
            sim.close()
    assert [path for path, _ in seen] == ["/voice/incoming", "/after-dial", "/bye", "/voice/status"]
    assert seen[1][1]["DialCallStatus"] == "completed"
    assert seen[3][1]["CallStatus"] == "completed"
    assert result.said == ["연결합니다", "안녕히 계세요"]
    assert result.verbs == ["Say", "Dial", "Redirect", "Say", "Hangup"]
