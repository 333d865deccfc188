"""Webhook guarantees: signatures, idempotency, callback order, Redis and database outages."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from redis import Redis
from rq import Queue
from sqlalchemy import func, select

from callcenter import create_app
from callcenter.demo.simulator import Caller, CallResult, Input
from callcenter.models import Call, CallEvent, Recording, SmsMessage, Ticket
from ivr_flows import urls
from ivr_flows.texts import spell_digits
from tests.callcenter.voice.conftest import AUDIO, simulator_for
from tests.callcenter.voice.test_sms import SMS_CONFIG
from tests.helpers import serving
from tests.twiml_tree import tree, verbs

MOBILE = "+821012345678"
ALL_WEBHOOKS = [
    urls.INCOMING,
    urls.STATUS,
    urls.FALLBACK,
    urls.MENU,
    urls.REGION,
    urls.RECORD,
    urls.RECORD_DONE,
    urls.RECORDING_STATUS,
    urls.LOOKUP,
    urls.QUEUE_WAIT,
    urls.QUEUE_CALLBACK,
    urls.QUEUE_ACTION,
]


def _form(call_sid: str = "CA" + "a" * 32, **extra: str) -> dict[str, str]:
    return {
        "CallSid": call_sid,
        "AccountSid": "AC" + "0" * 32,
        "From": MOBILE,
        "To": "+8215881379",
        **extra,
    }


@pytest.mark.parametrize("path", ALL_WEBHOOKS)
def test_unsigned_requests_are_refused(live_server, path):
    response = requests.post(live_server + path, data=_form(), timeout=10)
    assert response.status_code == 403


@pytest.mark.parametrize("path", ALL_WEBHOOKS)
def test_forged_signatures_are_refused(live_server, simulator, path):
    form = _form()
    forged = simulator.sign("http://localhost" + path, {**form, "From": "+821000000000"})
    wrong_url = simulator.sign("http://attacker.example" + path, form)
    for signature in (forged, wrong_url, "bm90IGEgc2lnbmF0dXJl"):
        response = requests.post(
            live_server + path, data=form, headers={"X-Twilio-Signature": signature}, timeout=10
        )
        assert response.status_code == 403


def test_a_signature_for_another_query_string_is_refused(live_server, simulator):
    form = _form()
    signature = simulator.sign("http://localhost/voice/menu?n=1", form)
    response = requests.post(
        live_server + "/voice/menu?n=3",
        data=form,
        headers={"X-Twilio-Signature": signature},
        timeout=10,
    )
    assert response.status_code == 403


def test_a_signed_request_is_accepted(simulator):
    result = CallResult(call_sid="CA" + "a" * 32)
    response = simulator.request(result, "http://localhost" + urls.INCOMING, _form())
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    assert "Gather" in verbs(tree(response.content))


def test_repeated_call_sid_changes_nothing(simulator, session):
    result = CallResult(call_sid="CA" + "b" * 32)
    first = simulator.request(result, "http://localhost" + urls.INCOMING, _form(result.call_sid))
    again = simulator.request(result, "http://localhost" + urls.INCOMING, _form(result.call_sid))
    assert first.status_code == again.status_code == 200
    assert verbs(tree(first.content)) == verbs(tree(again.content))
    assert session.scalar(select(func.count(Call.id))) == 1
    assert session.scalar(select(func.count(CallEvent.id))) == 1


def _recording_callback(simulator, result: CallResult, sid: str, rec_url: str) -> int:
    params = _form(
        result.call_sid,
        RecordingSid=sid,
        RecordingUrl=rec_url,
        RecordingStatus="completed",
        RecordingDuration="9",
    )
    url = "http://localhost" + urls.url(urls.RECORDING_STATUS, purpose="problem")
    return simulator.request(result, url, params).status_code


def test_replayed_recording_callback_makes_no_duplicate(app, simulator, session):
    result = simulator.place_call(Caller(MOBILE, inputs=[Input("dtmf", "1")] * 2, audio=AUDIO))
    recording = session.scalars(select(Recording)).one()
    queue = Queue("transcription", connection=Redis.from_url(app.config["REDIS_URL"]))
    jobs_before = queue.count
    for _ in range(2):
        status = _recording_callback(
            simulator, result, recording.recording_sid, recording.source_url
        )
        assert status == 204
    session.expire_all()
    assert session.scalar(select(func.count(Recording.id))) == 1
    assert session.scalar(select(func.count(Ticket.id))) == 1
    assert (
        session.scalar(select(func.count(CallEvent.id)).where(CallEvent.kind == "recording")) == 1
    )
    assert queue.count == jobs_before == 1


def test_recording_callback_before_the_record_action_converges(simulator, session):
    caller = Caller(
        MOBILE,
        inputs=[Input("dtmf", "2"), Input("dtmf", "3")],
        audio=AUDIO,
        recording_callback_first=True,
    )
    result = simulator.place_call(caller)
    assert result.paths().index("/voice/recording-status") < result.paths().index(
        "/voice/record-done"
    )
    [recording] = session.scalars(select(Recording)).all()
    [ticket] = session.scalars(select(Ticket)).all()
    assert ticket.recording_id == recording.id and recording.purpose == "problem"
    assert any(spell_digits(ticket.number) in line for line in result.said)


def test_record_action_without_a_recording_asks_again(simulator, session):
    result = CallResult(call_sid="CA" + "d" * 32)
    simulator.request(result, "http://localhost" + urls.INCOMING, _form(result.call_sid))
    url = "http://localhost" + urls.url(urls.RECORD_DONE, purpose="problem")
    response = simulator.request(result, url, _form(result.call_sid, Digits="hangup"))
    assert response.status_code == 200
    assert "Record" in verbs(tree(response.content))
    assert session.scalar(select(func.count(Ticket.id))) == 0


def _status(simulator, result: CallResult, status: str, sequence: int) -> int:
    params = _form(
        result.call_sid, CallStatus=status, SequenceNumber=str(sequence), CallDuration="42"
    )
    return simulator.request(result, "http://localhost" + urls.STATUS, params).status_code


def test_status_callbacks_out_of_order_and_repeated(simulator, session):
    result = CallResult(call_sid="CA" + "c" * 32)
    simulator.request(result, "http://localhost" + urls.INCOMING, _form(result.call_sid))
    assert _status(simulator, result, "completed", 3) == 204
    assert _status(simulator, result, "ringing", 1) == 204  # late and older: ignored
    assert _status(simulator, result, "completed", 3) == 204  # repeated: nothing at all
    call = session.scalars(select(Call)).one()
    assert (call.status, call.status_sequence, call.duration_seconds) == ("completed", 3, 42)
    assert call.outcome == "hung_up_menu"
    statuses = session.scalars(select(CallEvent).where(CallEvent.kind == "status")).all()
    assert [(e.step, e.detail["stale"]) for e in statuses] == [
        ("completed", False),
        ("ringing", True),
    ]


@pytest.mark.parametrize("voice_config", [{"REDIS_URL": "redis://127.0.0.1:1/0"}])
def test_recording_is_kept_pending_when_redis_is_down(simulator, session):
    result = simulator.place_call(Caller("+82415551234", inputs=[Input("dtmf", "1")], audio=AUDIO))
    assert all(200 <= e.status < 300 for e in result.exchanges)
    recording = session.scalars(select(Recording)).one()
    assert recording.status == "pending" and recording.job_id is None
    assert session.scalars(select(Ticket)).one().recording_id == recording.id


@pytest.mark.parametrize("voice_config", [SMS_CONFIG])
def test_database_down_still_answers_and_spools_the_recording(app, app_config, session):
    config = {**app_config, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/gone"}
    down = create_app(config)
    with serving(down) as base_url:
        sim = simulator_for(down, base_url)
        try:
            result = sim.place_call(Caller(MOBILE, audio=AUDIO))
            fallback = sim.request(
                CallResult(call_sid="CA" + "f" * 32),
                down.config["PUBLIC_BASE_URL"] + urls.FALLBACK,
                {**_form("CA" + "f" * 32), "AccountSid": down.config["TWILIO_ACCOUNT_SID"]},
            )
        finally:
            sim.close()
    by_path = {e.path: e.status for e in result.exchanges}
    assert by_path[urls.INCOMING] == 200  # the database is down, yet the caller is answered
    assert any("죄송합니다" in line for line in result.said)
    assert "Record" in result.verbs and result.verbs[-1] == "Hangup"
    assert by_path[urls.RECORDING_STATUS] == 204
    assert fallback.status_code == 200 and tree(fallback.text).find("./Record") is not None
    spooled = list((Path(app.config["RECORDINGS_DIR"]) / "spool").glob("RE*.json"))
    assert len(spooled) == 1  # the caller's message waits on disk, not only at Twilio

    # The database is back: the worker's sweep turns the spooled callback into a ticket.
    from callcenter.voice.spool import replay_spooled_recordings

    with app.app_context():
        assert replay_spooled_recordings() == 1
        assert replay_spooled_recordings() == 0
    recording = session.scalars(select(Recording)).one()
    assert recording.purpose == "voicemail" and recording.status == "pending"
    ticket = session.scalars(select(Ticket)).one()
    assert ticket.kind == "voicemail" and ticket.recording_id == recording.id
    assert ticket.caller_number == MOBILE
    # The ticket-number text is owed from the same transaction as the ticket.
    message = session.scalars(select(SmsMessage)).one()
    assert (message.ticket_id, message.status) == (ticket.id, "pending")
    assert not list((Path(app.config["RECORDINGS_DIR"]) / "spool").glob("RE*.json"))
