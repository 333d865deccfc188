"""A ticket's suggestions: ranked when the routing job routes it, stored, shown on its page.

Why stored rather than ranked on every page view (p95 about 23 ms would allow it): the job
already holds the routing decision, so ranking costs no second routing; the page shows what
the operator saw when they referred (a catalogue import does not reshuffle a list mid-call);
and a page view reads one row. A ticket routed otherwise (an operator's re-route or typed
summary, or routed before the catalogue was loaded) has no stored list for its topic and
center: its page ranks one live, for the ticket's topic and center as they now stand.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from callcenter.catalogue.columns import KINDS
from callcenter.catalogue.suggest import suggest
from callcenter.models import Ticket, TicketSuggestions, utcnow
from callcenter.services.routing import ticket_text
from routing.router import RoutingDecision, get_router

PER_KIND = 3  # suggestions of each kind on a ticket


def rank_for(session: Session, ticket: Ticket, decision: RoutingDecision) -> list[dict[str, Any]]:
    """The suggestions of every kind for the ticket's text and this routing decision."""
    found = suggest(
        session,
        ticket_text(ticket),
        caller_number=ticket.caller_number or None,
        kinds=list(KINDS),
        limit=PER_KIND,
        decision=decision,
    )
    return [s.as_dict() for s in found.suggestions]


def store_suggestions(session: Session, ticket: Ticket, decision: RoutingDecision) -> None:
    """Rank and store the ticket's suggestions for the decision the routing job just made."""
    row = session.get(TicketSuggestions, ticket.id)
    if row is None:
        row = TicketSuggestions(ticket_id=ticket.id)
        session.add(row)
    row.topic_code, row.center_code = decision.topic, decision.center
    row.items = rank_for(session, ticket, decision)
    row.computed_at = utcnow()
    session.flush()


def suggestions_for(session: Session, ticket: Ticket) -> list[dict[str, Any]]:
    """The stored suggestions if ranked for the ticket's topic and center, else a live list."""
    if not ticket.topic_code or not ticket.center_code:
        return []
    row = session.get(TicketSuggestions, ticket.id)
    if row is not None and (row.topic_code, row.center_code) == (
        ticket.topic_code,
        ticket.center_code,
    ):
        return list(row.items or [])
    decision = get_router().route(
        ticket_text(ticket),
        caller_number=ticket.caller_number or None,
        ivr_region=ticket.region,
        region_source=ticket.region_source,
        menu_choice=ticket.menu_choice,
        topic=ticket.topic_code,
        center_code=ticket.center_code,
    )
    return rank_for(session, ticket, decision)
