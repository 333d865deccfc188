"""Twilio voice webhooks: thin adapters from signed requests to the pure flows in ivr_flows."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request
from sqlalchemy.exc import DBAPIError

bp = Blueprint("voice", __name__)


@bp.errorhandler(DBAPIError)
def database_unavailable(exc: DBAPIError) -> Response:
    """Database down: keep the caller's recording (spooled) and still answer Twilio."""
    from callcenter.voice.calls import ivr_settings
    from callcenter.voice.spool import spool_call, spool_recording_callback, spool_status_callback
    from callcenter.voice.webhook import no_content, twiml
    from ivr_flows import fallback, fallback_done, urls

    current_app.logger.error("database error in %s: %s", request.path, exc)
    spool_call(request.form.to_dict())
    if request.path in (urls.RECORDING_STATUS, urls.RECORD_DONE):
        default = "voicemail" if request.path == urls.RECORDING_STATUS else "problem"
        purpose = request.args.get("purpose", default)
        purpose = purpose if purpose in urls.PURPOSES else default
        spool_recording_callback(request.form.to_dict(), purpose)
        if request.path == urls.RECORDING_STATUS:
            return no_content()
        return twiml(fallback_done(ivr_settings()))
    if request.path == urls.STATUS:
        spool_status_callback(request.form.to_dict())
        return no_content()  # a call status callback: Twilio reads nothing back
    # Any other step: apologise and take a message (its callback is spooled the same way).
    return twiml(fallback(ivr_settings()))


# Route modules register themselves on ``bp`` when imported.
from callcenter.voice import queue_views, views  # noqa: E402,F401
