"""What every call webhook shares: signature check, the (locked) call, commit, TwiML reply."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, abort, request
from twilio.twiml.voice_response import VoiceResponse

from callcenter.db import db
from callcenter.voice.call_rows import (
    CallRow,
    autocommit,
    call_sid,
    insert_call,
    load_call,
    new_call,
    save_call,
)
from callcenter.voice.calls import open_call
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
    """Signed request → ``view(call, created)``; the call and its events saved, then committed.

    Args:
        lock: one transaction holding the call row until commit (webhooks that make tickets
            or recordings, or compare status sequence numbers). Without it the view only
            reads, and its one write at the end (:func:`save_call`: a single statement on
            PostgreSQL, which then runs in autocommit) keeps SQLite's writer lock short.
        incoming: the first webhook of a call: the view runs on the new row, inserted with
            its events in one statement; a replayed CallSid writes nothing and the view runs
            again on the stored call.
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
            sid = call_sid(request.form)
        except ValueError as exc:
            abort(400, str(exc))
        if not lock:
            autocommit(session)
        try:
            if incoming:
                call = new_call(request.form)
                result = view(call, True, *args, **kwargs)
                if not insert_call(session, call):
                    stored = load_call(session, sid, lock=False)
                    assert stored is not None
                    call, result = stored, view(stored, False, *args, **kwargs)
            else:
                call, created = open_call(session, request.form, lock=lock)
                result = view(call, created, *args, **kwargs)
            save_call(session, call)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        return result

    return wrapper


def commit_call(call: CallRow) -> None:
    """Save the call and commit now (before enqueueing jobs that read what was written)."""
    save_call(db.session(), call)
    db.session.commit()


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


__all__ = [
    "CallRow",
    "call_webhook",
    "commit_call",
    "no_content",
    "query_choice",
    "query_int",
    "twiml",
]
