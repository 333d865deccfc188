"""Records as plain dicts of JSON types, for every reader: the API and the CLI.

Below both, so that web code never imports the CLI (and the reverse).
"""

from __future__ import annotations

from typing import Any

from callcenter.models import Ticket


def ticket_as_dict(ticket: Ticket) -> dict[str, Any]:
    """The JSON shape of a ticket shared by the CLI and the API."""
    transcript = ticket.recording.transcript if ticket.recording else None
    return {
        "number": ticket.number,
        "call_sid": ticket.call.call_sid if ticket.call else None,
        "kind": ticket.kind,
        "status": ticket.status,
        "caller": ticket.caller_number,
        "region": ticket.region,
        "region_source": ticket.region_source,
        "menu_choice": ticket.menu_choice,
        "topic": ticket.topic_code,
        "center": ticket.center_code,
        "institutes": ticket.institutes or [],
        "transcript": transcript.text if transcript is not None else None,
        "summary": ticket.summary,
        "recording_status": ticket.recording.status if ticket.recording else None,
        "recording_error": ticket.recording.error if ticket.recording else None,
        "routing": ticket.routing or None,
        "queue_position": ticket.queue_position,
        "follow_up_on": ticket.follow_up_on.isoformat() if ticket.follow_up_on else None,
        "created_at": ticket.created_at.isoformat(),
    }
