"""The operators' catalogue search: the suggestion ranking for typed words, with filters.

With words, resources are ranked exactly as a ticket's suggestions (``suggest``), a wider
shortlist per kind, then filtered by topic, institute and center. Without words, the filters
alone list resources by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from callcenter.catalogue.columns import KINDS
from callcenter.catalogue.suggest import suggest
from callcenter.models import Ticket
from routing.router import get_router

SHORTLIST = 40  # ranked per kind before filtering
SHOWN = 30


@dataclass(frozen=True)
class Filters:
    """What the operator searched for."""

    query: str = ""
    kind: str = ""
    topic: str = ""
    institute: str = ""
    center: str = ""
    region: str = ""

    @property
    def kinds(self) -> list[str]:
        """The kinds searched (all unless one is chosen)."""
        return [self.kind] if self.kind in KINDS else list(KINDS)


def _facts(session: Session, kind: str, ids: list[str]) -> dict[str, Any]:
    model: Any = KINDS[kind].model
    return {row.id: row for row in session.scalars(select(model).where(model.id.in_(ids)))}


def _keeps(row: Any, f: Filters) -> bool:
    if f.topic and f.topic not in (row.topics or []):
        return False
    if f.institute and row.institute != f.institute:
        return False
    return not (f.center and getattr(row, "center", None) != f.center)


def search(session: Session, f: Filters, ticket: Ticket | None = None) -> list[dict[str, Any]]:
    """Resources for the filters, best first: each a suggestion dict plus ``contact``.

    Searching for a ticket measures distances from its caller (as its suggestions do),
    unless the operator picked a region.
    """
    if f.query.strip():
        decision = None
        if ticket is not None and not f.region:
            decision = get_router().route(
                f.query,
                caller_number=ticket.caller_number or None,
                ivr_region=ticket.region,
                region_source=ticket.region_source,
            )
        ranked = suggest(
            session,
            f.query,
            region=f.region or None,
            kinds=f.kinds,
            limit=SHORTLIST,
            decision=decision,
        ).suggestions
        items = [s.as_dict() for s in sorted(ranked, key=lambda s: -s.score)]
    else:
        items = _listed(session, f)
    found = []
    for kind in f.kinds:
        ids = [i["id"] for i in items if i["kind"] == kind]
        if not ids:
            continue
        facts = _facts(session, kind, ids)
        for item in items:
            row = facts.get(item["id"]) if item["kind"] == kind else None
            if row is not None and _keeps(row, f):
                found.append({**item, "contact": contact_of(row), "topics": list(row.topics or [])})
    found.sort(key=lambda i: -(i["score"] or 0))
    return found[:SHOWN]


def contact_of(row: Any) -> str:
    """Whom to contact for a resource: a booking desk, an expert's phone or e-mail."""
    for name in ("booking_contact", "phone", "email"):
        value = getattr(row, name, "") or ""
        if value.strip():
            return str(value).strip()
    return ""


def _listed(session: Session, f: Filters) -> list[dict[str, Any]]:
    """Without words: resources matching the filters, by name."""
    items: list[dict[str, Any]] = []
    if not (f.topic or f.institute or f.center):
        return items
    for kind in f.kinds:
        spec = KINDS[kind]
        model: Any = spec.model
        name = getattr(model, spec.name_column)
        query = select(model).order_by(name).limit(SHOWN)
        if f.institute:
            query = query.where(model.institute == f.institute)
        if f.center and hasattr(model, "center"):
            query = query.where(model.center == f.center)
        elif f.center:
            continue
        if f.topic:
            query = query.where(cast(model.topics, String).like(f'%"{f.topic}"%'))
        for row in session.scalars(query):
            items.append(
                {
                    "kind": kind,
                    "id": row.id,
                    "name": getattr(row, spec.name_column),
                    "institute": row.institute,
                    "center": getattr(row, "center", None),
                    "distance_km": None,
                    "score": 0.0,
                    "why": {"summary": ""},
                }
            )
    return items
