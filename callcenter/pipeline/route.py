"""The ``route_ticket_job``: a transcribed ticket routed by what the caller said."""

from __future__ import annotations

from typing import Any

from flask import current_app

from callcenter.catalogue.tickets import store_suggestions
from callcenter.db import db
from callcenter.models import Ticket
from callcenter.services.routing import route_ticket


def route_ticket_job(ticket_id: int) -> dict[str, Any]:
    """RQ job: reload the ticket, route it, commit. Idempotent; an operator's choice stands."""
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None:
        return {"ticket_id": ticket_id, "status": "missing"}
    if (ticket.routing or {}).get("routed_by", "auto") != "auto":
        return {"ticket_id": ticket_id, "status": "kept_operator_routing"}
    decision = route_ticket(db.session, ticket)
    db.session.commit()
    if ticket.topic_code and ticket.center_code:
        # Ranked for the decision just made (no second routing); committed on their own,
        # as they help the operator but must never hold up or undo the routing.
        try:
            store_suggestions(db.session(), ticket, decision)
            db.session.commit()
        except Exception:
            db.session.rollback()
            current_app.logger.exception("suggestions for ticket %s failed", ticket_id)
    return {
        "ticket_id": ticket_id,
        "status": ticket.status,
        "topic": ticket.topic_code,
        "center": ticket.center_code,
    }
