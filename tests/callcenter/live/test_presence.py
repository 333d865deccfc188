"""Operators' presence over the JSON API, the live sweep, and the softphone's access token."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta

from sqlalchemy import select

from callcenter.db import db
from callcenter.live.offers import LiveSettings, offer_next
from callcenter.live.sweep import sweep_live_calls
from callcenter.models import Call, LiveCall, OperatorPresence, utcnow
from tests.callcenter.live.rows import queued_calls
from tests.helpers import csrf_token, signed_in_client

SECRET = "api-key-secret-of-at-least-32-bytes!"


def post(client, body):
    token = csrf_token(client, "/console/")
    return client.post("/api/presence", json=body, headers={"X-CSRFToken": token})


def presence_row(app, username_id: int) -> OperatorPresence:
    with app.app_context():
        row = db.session.get(OperatorPresence, username_id)
        db.session.expunge(row)
        return row


def user_id(client) -> int:
    return int(client.get("/api/presence").get_json()["identity"].split("-")[1])


def test_operator_starts_offline_and_goes_available(app):
    client = signed_in_client(app, "op1")
    assert client.get("/api/presence").get_json()["state"] == "offline"
    data = post(client, {"state": "available"}).get_json()
    assert data["state"] == "available" and data["center"] == "INCHEON"
    assert data["identity"].startswith("operator-") and data["heartbeat_at"]
    assert post(client, {"state": "away"}).get_json()["state"] == "away"


def test_presence_post_needs_the_csrf_token(app):
    client = signed_in_client(app, "op1")
    assert client.post("/api/presence", json={"state": "available"}).status_code in (400, 403)


def test_anonymous_gets_401(client):
    assert client.get("/api/presence").status_code == 401


def test_unknown_state_and_no_center_are_refused(app):
    client = signed_in_client(app, "op1")
    response = post(client, {"state": "on_call"})
    assert response.status_code == 400 and response.get_json()["error"] == "bad_state"
    centerless = signed_in_client(app, "sup1", "supervisor", center=None)
    refused = post(centerless, {"state": "available"})
    assert refused.status_code == 409 and "센터" in refused.get_json()["message"]


def test_heartbeat_keeps_the_state_and_moves_the_beat(app):
    client = signed_in_client(app, "op1")
    first = post(client, {"state": "available"}).get_json()
    beat = post(client, {}).get_json()
    assert beat["state"] == "available" and beat["heartbeat_at"] >= first["heartbeat_at"]


def test_signing_out_leaves_the_operator_offline(app):
    client = signed_in_client(app, "op1")
    uid = user_id(client)
    post(client, {"state": "available"})
    token = csrf_token(client, "/console/")
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert presence_row(app, uid).state == "offline"


def test_silent_browser_is_swept_offline(app):
    client = signed_in_client(app, "op1")
    uid = user_id(client)
    post(client, {"state": "available"})
    with app.app_context():
        row = db.session.get(OperatorPresence, uid)
        row.heartbeat_at = utcnow() - timedelta(seconds=app.config["PRESENCE_TIMEOUT_SECONDS"] + 1)
        db.session.commit()
        assert sweep_live_calls()["offline"] == 1
    assert client.get("/api/presence").get_json()["state"] == "offline"


def test_operator_cannot_leave_a_ringing_call_and_wrap_up_extends(app):
    client = signed_in_client(app, "op1")
    uid = user_id(client)
    post(client, {"state": "available"})
    [live_id] = queued_calls(app, 1)
    with app.app_context():
        live = db.session.get(LiveCall, live_id)
        assert offer_next(db.session(), live, LiveSettings()).user_id == uid
        db.session.commit()
    refused = post(client, {"state": "away"})
    assert refused.status_code == 409 and refused.get_json()["error"] == "on_a_call"
    assert post(client, {"state": "wrap_up", "extend": 30}).status_code == 409
    with app.app_context():
        row = db.session.get(OperatorPresence, uid)
        row.state, row.wrap_up_until = "wrap_up", utcnow() + timedelta(seconds=30)
        db.session.commit()
        before = row.wrap_up_until
    extended = post(client, {"state": "wrap_up", "extend": 60}).get_json()
    assert extended["state"] == "wrap_up"
    assert presence_row(app, uid).wrap_up_until == before + timedelta(seconds=60)


def test_sweep_settles_a_lost_offer_and_an_ended_call(app):
    client = signed_in_client(app, "op1")
    uid = user_id(client)
    post(client, {"state": "available"})
    [live_id] = queued_calls(app, 1)
    with app.app_context():
        live = db.session.get(LiveCall, live_id)
        offer_next(db.session(), live, LiveSettings())
        live.offered_at = utcnow() - timedelta(minutes=5)  # its Dial action never came
        db.session.commit()
        assert sweep_live_calls()["missed"] == 1
        db.session.expire_all()
        assert db.session.get(LiveCall, live_id).status == "queued"
        assert db.session.get(OperatorPresence, uid).state == "available"
        # Rung again, then the caller's call ends without any live webhook.
        offer_next(db.session(), db.session.get(LiveCall, live_id), LiveSettings(), waited=0)
        live = db.session.get(LiveCall, live_id)
        live.missed_by = []
        db.session.get(Call, live.call_id).status = "completed"
        db.session.commit()
        assert sweep_live_calls()["released"] == 1
        db.session.expire_all()
        assert db.session.get(LiveCall, live_id).status == "abandoned"
        assert db.session.scalars(select(OperatorPresence.state)).all() == ["available"]


def _jwt_payload(token: str, secret: str) -> dict:
    head, body, signature = token.split(".")
    expected = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)) == expected
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_voice_token_needs_the_settings(app):
    client = signed_in_client(app, "op1")
    response = client.get("/api/voice-token")
    assert response.status_code == 503 and "TWILIO_API_KEY_SID" in response.get_json()["message"]


def test_voice_token_is_a_short_lived_voice_grant_for_this_operator(app):
    app.config.update(
        TWILIO_ACCOUNT_SID="AC" + "1" * 32,
        TWILIO_API_KEY_SID="SK" + "2" * 32,
        TWILIO_API_KEY_SECRET=SECRET,
        TWILIO_TWIML_APP_SID="AP" + "3" * 32,
        VOICE_TOKEN_TTL_SECONDS=600,
    )
    client = signed_in_client(app, "op1")
    data = client.get("/api/voice-token").get_json()
    payload = _jwt_payload(data["token"], SECRET)
    grants = payload["grants"]
    assert grants["identity"] == data["identity"] == f"operator-{user_id(client)}"
    assert grants["voice"]["incoming"] == {"allow": True}
    assert grants["voice"]["outgoing"]["application_sid"] == "AP" + "3" * 32
    assert payload["iss"] == "SK" + "2" * 32 and payload["sub"] == "AC" + "1" * 32
    assert payload["exp"] - payload["nbf"] == 600 and data["ttl"] == 600
