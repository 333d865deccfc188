"""Malformed input never makes a 500: webhooks answer safely and keep what they got,
filters and cursors answer 4xx or ignore the value."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from callcenter.db import db
from callcenter.models import Call, CallEvent, Recording, Ticket
from tests.factories import make_ticket
from tests.helpers import signed_in_client

CALL_SID = "CA" + "1" * 32
GOOD_SID = "RE" + "a" * 32
HUGE = "9" * 40
ODD_NUMBERS = [HUGE, "-" + HUGE, "1e309", "NaN", "0x10", "١٢", "", " ", "12.5", "\x00"]
WEBHOOK_PATHS = [
    "/voice/incoming",
    "/voice/menu",
    "/voice/region",
    "/voice/record",
    "/voice/record-done",
    "/voice/recording-status",
    "/voice/lookup",
    "/voice/status",
    "/voice/fallback",
    "/voice/queue-wait",
    "/voice/queue-callback",
    "/voice/queue-action",
]


def _signed_post(app: Flask, client: Any, path: str, form: dict[str, str]):
    url = app.config["PUBLIC_BASE_URL"] + path
    signature = RequestValidator(app.config["TWILIO_AUTH_TOKEN"]).compute_signature(url, form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature})


def _base_form(**extra: str) -> dict[str, str]:
    form = {
        "CallSid": CALL_SID,
        "AccountSid": "AC" + "0" * 32,
        "From": "+821012345678",
        "To": "+8221379",
        "CallStatus": "in-progress",
        "Direction": "inbound",
    }
    form.update(extra)
    return form


def _start_call(app: Flask, client: Any) -> None:
    assert _signed_post(app, client, "/voice/incoming", _base_form()).status_code == 200


@pytest.mark.parametrize("path", WEBHOOK_PATHS)
def test_every_webhook_survives_odd_numbers_and_values(app, path):
    client = app.test_client()
    _start_call(app, client)
    fields = [
        "SequenceNumber",
        "CallDuration",
        "RecordingDuration",
        "QueueTime",
        "Digits",
        "SpeechResult",
        "Confidence",
        "RecordingSid",
        "RecordingUrl",
        "RecordingStatus",
        "CallStatus",
        "From",
    ]
    for field in fields:
        for value in ODD_NUMBERS:
            response = _signed_post(app, client, path, _base_form(**{field: value}))
            assert response.status_code < 500, (path, field, value)


@pytest.mark.parametrize(
    ("sid", "url"),
    [
        ("", "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"),
        ("RE123", "https://api.twilio.com/x"),
        ("RE" + "z" * 32, "https://api.twilio.com/x"),
        (GOOD_SID, "ftp://api.twilio.com/x"),
        (GOOD_SID, "javascript:alert(1)"),
        (GOOD_SID, "https://evil.example\\@api.twilio.com/x"),
        (GOOD_SID, "x" * 5000),
    ],
)
def test_an_odd_recording_callback_is_answered_2xx_and_kept(app, sid, url):
    client = app.test_client()
    _start_call(app, client)
    form = _base_form(RecordingSid=sid, RecordingUrl=url, RecordingStatus="completed")
    for path in ("/voice/recording-status?purpose=problem", "/voice/record-done?purpose=problem"):
        response = _signed_post(app, client, path, form)
        assert 200 <= response.status_code < 300, (path, response.status_code)
    with app.app_context():
        call = db.session.scalars(select(Call).where(Call.call_sid == CALL_SID)).one()
        events = db.session.scalars(select(CallEvent).where(CallEvent.call_id == call.id)).all()
        kept = [e for e in events if e.kind == "recording"]
        assert kept, "the callback left no trace"
        recordings = db.session.scalars(select(Recording)).all()
        if sid == GOOD_SID:
            # A good RecordingSid with an unusable URL still makes the recording and ticket
            # (an operator listens); the URL is never stored for download.
            assert len(recordings) == 1 and recordings[0].source_url == ""
            assert db.session.scalars(select(Ticket)).one()
        else:
            assert recordings == []


BAD_VALUES = [
    HUGE,
    "-" + HUGE,
    "0",
    "-1",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "99999-01-01",
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00-14:00",
    f"{HUGE}_{HUGE}",
    f"99991231T235959.999999_{HUGE}",
    "00010101T000000.000000_1",
    "_",
    "%00",
    "'",
    "\x00",
]
PARAMS = [
    "from",
    "to",
    "since",
    "after",
    "before",
    "cursor",
    "page",
    "user",
    "action",
    "sort",
    "q",
    "center",
    "topic",
    "status",
    "kind",
    "tab",
    "scope",
    "outcome",
    "region",
    "state",
    "role",
    "fragment",
]


def _get_routes(app: Flask) -> list[str]:
    skip = ("static", "voice.", "auth.", "health.")
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ())
        and not rule.arguments
        and not rule.endpoint.startswith(skip)
    )


def test_filters_and_cursors_never_answer_500(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 is an answer here, not a raise
    # Every page configured, so that a 503 ("not set up") would be a real failure too.
    app.config.update(
        TWILIO_ACCOUNT_SID=app.config["TWILIO_ACCOUNT_SID"] or "AC" + "0" * 32,
        TWILIO_API_KEY_SID="SK" + "0" * 32,
        TWILIO_API_KEY_SECRET="k" * 32,  # as long as a real API key secret
        TWILIO_TWIML_APP_SID="AP" + "0" * 32,
    )
    make_ticket(app)
    client = signed_in_client(app, "root", "admin", None)
    routes = _get_routes(app)
    assert "/supervisor/calls" in routes and "/api/tickets" in routes
    failures = []
    for route in routes:
        for param in PARAMS:
            for value in BAD_VALUES:
                with client.get(route, query_string={param: value}) as response:
                    if response.status_code >= 500:
                        failures.append((route, param, value, response.status_code))
    assert failures == [], "\n".join(map(repr, failures))


def test_ids_in_paths_never_answer_500(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = signed_in_client(app, "root", "admin", None)
    for url in (
        f"/supervisor/calls/{HUGE}",
        f"/admin/users/{HUGE}",
        "/console/tickets/1379-99999999-9999",
        f"/console/tickets/{HUGE}",
        f"/api/tickets/{HUGE}",
    ):
        with client.get(url) as response:
            assert response.status_code < 500, url


def test_webhooks_for_another_account_are_refused_when_ours_is_set(app):
    ours = "AC" + "5" * 32
    app.config["TWILIO_ACCOUNT_SID"] = ours
    client = app.test_client()
    other = _signed_post(app, client, "/voice/incoming", _base_form())
    assert other.status_code == 403
    mine = _signed_post(app, client, "/voice/incoming", _base_form(AccountSid=ours))
    assert mine.status_code == 200


def test_spooled_callbacks_cannot_name_a_file_outside_the_spool(app, tmp_path):
    from pathlib import Path

    from callcenter.voice.spool import spool_call, spool_recording_callback

    with app.app_context():
        escape = "CA/../../../../" + "e" * 10
        assert spool_call({"CallSid": escape, "From": "+821012345678"}) is None
        bad_recording = {"CallSid": escape, "RecordingSid": GOOD_SID + "\n"}
        assert spool_recording_callback(bad_recording, "problem") is None
        good = spool_call({"CallSid": CALL_SID, "From": "+821012345678"})
        assert good is not None and good.parent == Path(app.config["RECORDINGS_DIR"]) / "spool"
    recordings = Path(app.config["RECORDINGS_DIR"])
    assert [p.name for p in recordings.parent.rglob("e" * 10 + "*")] == []
