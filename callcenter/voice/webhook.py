"""What every call webhook shares: signature check, the locked Call, commit, TwiML reply."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, abort, request
from twilio.twiml.voice_response import VoiceResponse

from callcenter.db import db
from callcenter.models import Call
from callcenter.voice.calls import open_call
from callcenter.voice.security import twilio_only

CallView = Callable[..., Response]


def twiml(response: VoiceResponse) -> Response:
    """An HTTP reply carrying TwiML."""
    return Response(str(response), status=200, mimetype="text/xml")


def no_content() -> Response:
    """Reply to a status callback: Twilio reads nothing from it."""
    return Response(status=204)


def call_webhook(view: Callable[..., Response]) -> Callable[..., Response]:
    """Signed request → ``view(call, created)`` inside one transaction on the locked call."""

    @twilio_only
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            call, created = open_call(db.session(), request.form)
        except ValueError as exc:
            abort(400, str(exc))
        try:
            result = view(call, created, *args, **kwargs)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        return result

    return wrapper


def query_int(name: str, default: int, low: int, high: int) -> int:
    """A small integer from the query string, clamped (a tampered value cannot loop)."""
    try:
        value = int(request.args.get(name, default))
    except ValueError:
        value = default
    return min(max(value, low), high)


def query_choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    """One of ``allowed`` from the query string, else ``default``."""
    value = request.args.get(name, default)
    return value if value in allowed else default


__all__ = ["Call", "call_webhook", "no_content", "query_choice", "query_int", "twiml"]
