"""The open ticket page's view of change: a signature of the ticket, its notes and its
transcript, rendered into the page and polled through ``/api/tickets/<number>/state``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callcenter.models import Ticket, TicketNote, Transcript
from callcenter.services.workflow import version_of


def ticket_state(session: Session, ticket: Ticket) -> dict[str, Any]:
    """Version, status, note count, whether a transcript exists, and their signature."""
    notes = int(
        session.scalar(
            select(func.count()).select_from(TicketNote).where(TicketNote.ticket_id == ticket.id)
        )
        or 0
    )
    heard = ticket.recording_id is not None and (
        session.scalar(select(Transcript.id).where(Transcript.recording_id == ticket.recording_id))
        is not None
    )
    version = version_of(ticket)
    return {
        "version": version,
        "status": ticket.status,
        "notes": notes,
        "transcript": heard,
        "signature": f"{version}:{notes}:{int(heard)}",
    }
