"""What every call webhook shares: signature check, the locked Call, commit, TwiML reply."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, abort, request
from twilio.twiml.voice_response import VoiceResponse

from callcenter.db import db
from callcenter.models import Call
from callcenter.voice.calls import create_call, open_call
from callcenter.voice.security import twilio_only

CallView = Callable[..., Response]


def twiml(response: VoiceResponse) -> Response:
    """An HTTP reply carrying TwiML."""
    return Response(str(response), status=200, mimetype="text/xml")


def no_content() -> Response:
    """Reply to a status callback: Twilio reads nothing from it."""
    return Response(status=204)


def call_webhook(
    *, lock: bool = False, incoming: bool = False
) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Signed request → ``view(call, created)`` inside one transaction, committed after.

    Args:
        lock: hold the call row until commit (webhooks that make tickets or recordings,
            or compare status sequence numbers). Others only write at the end, which keeps
            SQLite's single writer lock short.
        incoming: the first webhook of a call: insert the row first.
    """

    def decorator(view: Callable[..., Response]) -> Callable[..., Response]:
        return twilio_only(wraps(view)(_transaction(view, lock=lock, incoming=incoming)))

    return decorator


def _transaction(
    view: Callable[..., Response], *, lock: bool, incoming: bool
) -> Callable[..., Response]:
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        session = db.session()
        try:
            if incoming:
                call, created = create_call(session, request.form)
            else:
                call, created = open_call(session, request.form, lock=lock)
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
