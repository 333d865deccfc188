"""Routing a ticket to a topic and the nearest center that covers it.

MINIMAL STAND-IN written on the console branch because the routing branch had not landed
when the console was finished. It keeps the agreed signatures — ``route_ticket(session,
ticket)`` and ``reroute_ticket(session, ticket, *, user, reason, topic_code=None,
center_code=None)`` — with a seed-keyword classifier only. When merging, take the routing
branch's module in its place.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy.orm import Session

from callcenter.models import Ticket, User, utcnow
from callcenter.services.audit import audit
from routing import reference


def _text_of(ticket: Ticket) -> tuple[str, str]:
    transcript = ticket.recording.transcript if ticket.recording else None
    if transcript is not None and transcript.text.strip() and not transcript.no_speech:
        return transcript.text, "transcript"
    return ticket.summary or "", "summary"


def classify(text: str) -> dict[str, float]:
    """Seed-keyword hits per topic (a placeholder for the routing team's classifier)."""
    scores: dict[str, float] = {}
    for topic in reference.topics():
        hits = sum(text.count(k) for k in topic.keywords)
        if hits:
            scores[topic.code] = float(hits)
    return scores


def caller_point(ticket: Ticket) -> tuple[float, float] | None:
    """The caller's province point from the ticket's region, if known."""
    for area in reference.area_codes():
        if ticket.region and ticket.region == area.region_ko:
            return area.lat, area.lon
    return None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def choose_center(topic: str, point: tuple[float, float] | None) -> tuple[str, dict[str, Any]]:
    """The nearest center covering ``topic`` (first eligible when the point is unknown)."""
    eligible = [c for c in reference.centers() if topic in c.topics] or list(reference.centers())
    if point is None:
        return eligible[0].code, {"fallback": "unknown_location"}
    ranked = sorted(eligible, key=lambda c: (distance_km(point, (c.lat, c.lon)), c.code))
    detail: dict[str, Any] = {
        "distance_km": round(distance_km(point, (ranked[0].lat, ranked[0].lon)), 1)
    }
    if len(ranked) > 1:
        detail["runner_up"] = ranked[1].code
        detail["runner_up_km"] = round(distance_km(point, (ranked[1].lat, ranked[1].lon)), 1)
    return ranked[0].code, detail


def institutes_for(topic: str) -> list[str]:
    """Research institutes whose expertise covers the topic."""
    return [i.code for i in reference.institutes() if topic in i.expertise]


def _place(ticket: Ticket, topic: str, center: str | None) -> dict[str, Any]:
    point = caller_point(ticket)
    if center is None:
        center, detail = choose_center(topic, point)
    else:
        detail = {}
    ticket.topic_code = topic
    ticket.center_code = center
    ticket.institutes = institutes_for(topic)
    detail["point_source"] = ticket.region_source if point is not None else "unknown"
    return detail


def route_ticket(session: Session, ticket: Ticket) -> None:
    """Classify the transcript (or the operator's summary) and choose the center."""
    text, source = _text_of(ticket)
    scores = classify(text)
    if not scores:
        ticket.status = "needs_review"
        ticket.routing = {"source": source, "topic_scores": {}}
        session.flush()
        return
    topic = max(scores, key=lambda code: (scores[code], code))
    detail = _place(ticket, topic, None)
    ticket.routing = {"topic_scores": scores, "source": source, **detail}
    ticket.status = "routed"
    ticket.routed_at = utcnow()
    session.flush()


def reroute_ticket(
    session: Session,
    ticket: Ticket,
    *,
    user: User,
    reason: str,
    topic_code: str | None = None,
    center_code: str | None = None,
) -> None:
    """An operator's change of topic and/or center; a reason is required and audited.

    Changing only the topic recomputes the center for the caller's location.
    """
    if not reason or not reason.strip():
        raise ValueError("a reason is required to re-route a ticket")
    if topic_code is None and center_code is None:
        raise ValueError("give a topic or a center")
    before = {"topic": ticket.topic_code, "center": ticket.center_code}
    topic = topic_code or ticket.topic_code
    if topic is None:
        raise ValueError("the ticket has no topic yet: choose one")
    detail = _place(ticket, topic, center_code)
    ticket.routing = {
        **(ticket.routing or {}),
        **detail,
        "rerouted_by": user.username,
        "reason": reason.strip(),
    }
    audit(
        session,
        "ticket.reroute",
        user=user,
        target_type="ticket",
        target_id=ticket.id,
        reason=reason.strip(),
        before=before,
        after={"topic": ticket.topic_code, "center": ticket.center_code},
    )
    session.flush()
