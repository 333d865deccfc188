"""Webhook paths the flows point Twilio at; the voice blueprint serves exactly these.

Query strings stay ASCII (Twilio signs the URL as sent).
"""

from __future__ import annotations

from urllib.parse import urlencode

INCOMING = "/voice/incoming"
STATUS = "/voice/status"
FALLBACK = "/voice/fallback"
MENU = "/voice/menu"
REGION = "/voice/region"
RECORD = "/voice/record"
RECORD_DONE = "/voice/record-done"
RECORDING_STATUS = "/voice/recording-status"
LOOKUP = "/voice/lookup"
QUEUE_WAIT = "/voice/queue-wait"
QUEUE_CALLBACK = "/voice/queue-callback"
QUEUE_ACTION = "/voice/queue-action"
LIVE_DIAL = "/voice/live/dial-action"
LIVE_CLIENT_STATUS = "/voice/live/client-status"

PURPOSES = ("problem", "voicemail")


def url(path: str, **params: object) -> str:
    """``path`` with an ASCII query string built from ``params`` (None values left out)."""
    query = {k: str(v) for k, v in params.items() if v is not None}
    text = urlencode(query)
    if not text.isascii():
        raise ValueError(f"non-ASCII query for {path}: {query!r}")
    return f"{path}?{text}" if text else path
