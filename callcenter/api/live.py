"""Live calls in the console's JSON API: the operator's presence and the softphone's token.

``GET /api/presence`` reads the state, ``POST /api/presence`` sets it (``{"state":
"available" | "away" | "offline"}``, or ``{"state": "wrap_up", "extend": 30}``) and doubles
as the heartbeat (``{}``); ``GET /api/voice-token`` hands out a short-lived Twilio access
token for the browser softphone. POSTs carry the CSRF token like the rest of the API.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import user_logged_out
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant

from callcenter.api import bp
from callcenter.console.inbox import acting_user
from callcenter.db import db
from callcenter.live.decision import operator_identity
from callcenter.live.presence import (
    PresenceError,
    PresenceTimes,
    heartbeat,
    presence_for,
    presence_json,
    set_state,
    sign_out,
)
from callcenter.models import User

TOKEN_SETTINGS = (
    "TWILIO_ACCOUNT_SID",
    "TWILIO_API_KEY_SID",
    "TWILIO_API_KEY_SECRET",
    "TWILIO_TWIML_APP_SID",
)


def _times() -> PresenceTimes:
    config = current_app.config
    return PresenceTimes(config["WRAP_UP_SECONDS"], config["PRESENCE_TIMEOUT_SECONDS"])


@bp.get("/presence")
def get_presence() -> ResponseReturnValue:
    """The signed-in operator's live-call state."""
    session = db.session()
    row = presence_for(session, acting_user())
    data = presence_json(row, session)
    session.commit()
    return jsonify(data)


@bp.post("/presence")
def post_presence() -> ResponseReturnValue:
    """Set the state (대기 / 자리비움 / 로그아웃, or extend 후처리); without one, a heartbeat."""
    session = db.session()
    user = acting_user()
    body: Any = request.get_json(silent=True)
    if not isinstance(body, dict):
        body = request.form.to_dict()
    state = str(body.get("state") or "").strip()
    try:
        extend = int(body.get("extend") or 0)
    except (TypeError, ValueError):
        extend = 0
    try:
        row = set_state(session, user, state, _times(), extend=extend) if state else None
    except PresenceError as exc:
        session.rollback()
        status = 409 if exc.code in ("on_a_call", "not_in_wrap_up", "no_center") else 400
        return jsonify(error=exc.code, message=exc.message_ko, message_en=exc.message_en), status
    row = row or heartbeat(session, user)
    data = presence_json(row, session)
    session.commit()
    return jsonify(data)


@bp.get("/voice-token")
def voice_token() -> ResponseReturnValue:
    """A short-lived Twilio access token (VoiceGrant) for this operator's browser."""
    config = current_app.config
    missing = [name for name in TOKEN_SETTINGS if not config.get(name)]
    if missing:
        return jsonify(
            error="voice_not_configured",
            message="실시간 통화 설정이 없습니다: " + ", ".join(missing),
            message_en="Live calls are not configured: " + ", ".join(missing),
        ), 503
    user = acting_user()
    identity = operator_identity(user.id)
    ttl = config["VOICE_TOKEN_TTL_SECONDS"]
    token = AccessToken(
        config["TWILIO_ACCOUNT_SID"],
        config["TWILIO_API_KEY_SID"],
        config["TWILIO_API_KEY_SECRET"],
        identity=identity,
        ttl=ttl,
    )
    token.add_grant(
        VoiceGrant(outgoing_application_sid=config["TWILIO_TWIML_APP_SID"], incoming_allow=True)
    )
    return jsonify(token=token.to_jwt(), identity=identity, ttl=ttl)


def _signed_out(app: Flask, user: User | None = None, **_: Any) -> None:
    """Signing out leaves no operator marked available."""
    if isinstance(user, User):
        sign_out(db.session(), user)
        db.session.commit()


user_logged_out.connect(_signed_out)
