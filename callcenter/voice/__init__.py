"""Twilio voice webhooks: thin adapters from signed requests to the pure flows in ivr_flows."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("voice", __name__)

# Route modules register themselves on ``bp`` when imported.
from callcenter.voice import queue_views, views  # noqa: E402,F401
