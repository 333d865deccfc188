"""Suggestions: the catalogue's resources ranked for what a caller said and where they are.

Score of a resource = (words + topic) × proximity:

* words: for each of the caller's terms the resource holds, the field weight (name 3,
  keywords 2, …; a two-syllable piece of a compound half) × idf, ln(1 + N/df) over the
  resources of that kind, so a rare word (염수분무) counts more than a common one (시험);
* topic: TOPIC_WEIGHT × the classifier's probability of the resource's best topic
  relative to the routed topic's (the routed topic counts in full);
* proximity: 1 − DISTANCE_PENALTY · d² / (d² + HALF_KM²): 1 at the caller's point,
  1 − DISTANCE_PENALTY/2 at HALF_KM, never below 1 − DISTANCE_PENALTY; so of two equal
  matches the nearer wins while a far, much better match still beats a poor one next
  door. Squared distance needs no square root, so the database ranks with it (planar
  distance at the caller's latitude, within 1% of the great circle across Korea); the
  winners are then re-ranked and shown with great-circle distances.

The text is routed exactly as a ticket is (``routing.router``): the same topic and caller
point; an unknown caller is measured from the chosen center, as routing does for
institutes. Only the postings of the caller's terms and of the routed topic are read
(catalogue/index.py), then the winners' names.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, case, func, literal, select
from sqlalchemy.orm import Session

from callcenter.catalogue import index
from callcenter.catalogue.columns import KINDS
from routing.centers import great_circle_km
from routing.router import RoutingDecision, get_router
from routing.topic_result import topic_names

TOPIC_WEIGHT = 4.0
DISTANCE_PENALTY = 0.3
HALF_KM = 150.0
KM_PER_DEGREE_LAT = 110.57
KM_PER_DEGREE_LON_AT_EQUATOR = 111.32
SHORTLIST_EXTRA = 5  # rows beyond the limit re-ranked exactly (planar vs great circle)
DEFAULT_LIMIT = 5
# A term in more than this share of a kind's resources, and in more than COMMON_MIN of them,
# tells too little for the postings it costs (공정, 품질 in every abstract): left out.
COMMON_SHARE = 0.25
COMMON_MIN = 500


@dataclass(frozen=True)
class Suggestion:
    """One resource suggested for a ticket, and why."""

    kind: str
    id: str
    name: str
    institute: str
    center: str | None
    distance_km: float | None
    score: float
    why: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """The JSON of one suggestion."""
        return {
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "institute": self.institute,
            "center": self.center,
            "distance_km": self.distance_km,
            "score": self.score,
            "why": self.why,
        }


@dataclass(frozen=True)
class Suggestions:
    """The routing decision the suggestions were ranked for, and the suggestions."""

    decision: RoutingDecision
    suggestions: tuple[Suggestion, ...]

    def as_dict(self) -> dict[str, Any]:
        """The JSON contract of ``flask catalogue suggest``."""
        return {
            "topic": self.decision.topic,
            "center": self.decision.center,
            "region": self.decision.location.region,
            "suggestions": [s.as_dict() for s in self.suggestions],
        }


@dataclass
class _Candidate:
    kind: str
    id: str
    relevance: float
    lat: float | None
    lon: float | None
    topics: str
    score: float = 0.0
    topic: str | None = None
    distance: float | None = None
    matched: tuple[str, ...] = ()


def suggest(
    session: Session,
    text: str,
    caller_number: str | None = None,
    region: str | None = None,
    kinds: Iterable[str] | None = None,
    limit: int = DEFAULT_LIMIT,
    *,
    decision: RoutingDecision | None = None,
) -> Suggestions:
    """The best ``limit`` resources of each kind for what the caller said, best first."""
    router = get_router()
    if decision is None:
        decision = router.route(
            text,
            caller_number=caller_number,
            ivr_region=region,
            region_source="ivr_digit" if region and region.isdigit() else None,
        )
    wanted = [k for k in KINDS if kinds is None or k in set(kinds)]
    terms = index.query_terms(text, router.classifier.morph)
    idf = _idf(session, list(terms), wanted)
    shares = _topic_shares(decision)
    origin = _origin(decision)
    chosen: list[_Candidate] = []
    for kind in wanted:
        found = _best(session, kind, idf.get(kind, {}), decision.topic, shares, origin, limit)
        for c in found:
            _place(c, origin, shares)
        found.sort(
            key=lambda c: (-c.score, c.distance if c.distance is not None else math.inf, c.id)
        )
        chosen.extend(found[:limit])
    _matched(session, chosen, terms, idf)
    return Suggestions(decision, tuple(_present(session, chosen, decision)))


def _idf(session: Session, terms: list[str], wanted: list[str]) -> dict[str, dict[str, float]]:
    """ln(1 + N/df) of each term per kind; the too common ones left out (COMMON_SHARE)."""
    t = index.terms_table()
    rows = session.execute(
        select(t.c.kind, t.c.term, func.count())
        .where(t.c.term.in_([*terms, index.EVERY]), t.c.kind.in_(wanted))
        .group_by(t.c.kind, t.c.term)
    ).all()
    sizes = {kind: n for kind, term, n in rows if term == index.EVERY}
    found: dict[str, dict[str, float]] = defaultdict(dict)
    for kind, term, df in rows:
        size = sizes.get(kind, 0)
        if term != index.EVERY and (df <= COMMON_SHARE * size or df <= COMMON_MIN):
            found[kind][term] = math.log(1.0 + size / df)
    return found


def _best(
    session: Session,
    kind: str,
    idf: dict[str, float],
    topic: str,
    shares: dict[str, float],
    origin: tuple[float, float],
    limit: int,
) -> list[_Candidate]:
    """The best resources of ``kind``, ranked by the database, a few more than ``limit``.

    The database sums each resource's word weights × idf, adds the topic bonus and scales
    by proximity from the planar distance; only the shortlist comes back.
    """
    t = index.terms_table()
    words = (
        func.sum(t.c.weight * case(*((t.c.term == w, v) for w, v in idf.items()), else_=0.0))
        if idf
        else literal(0.0)
    )
    topics = func.max(t.c.topics)
    ordered = sorted(shares.items(), key=lambda item: (-item[1], item[0]))
    bonus = case(
        *((topics.like(f"%;{code};%"), TOPIC_WEIGHT * share) for code, share in ordered),
        else_=0.0,
    )
    lat, lon = func.max(t.c.lat), func.max(t.c.lon)
    dy = (lat - origin[0]) * KM_PER_DEGREE_LAT
    dx = (lon - origin[1]) * (KM_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(origin[0])))
    squared = dx * dx + dy * dy
    proximity = func.coalesce(1.0 - DISTANCE_PENALTY * squared / (squared + HALF_KM * HALF_KM), 1.0)
    relevance = (words + bonus).label("relevance")
    score = (relevance * proximity).label("score")
    query = (
        select(t.c.resource_id, relevance, lat, lon, topics, score)
        .where(t.c.kind == kind, t.c.term.in_([*idf, "t:" + topic]))
        .group_by(t.c.resource_id)
        .order_by(score.desc(), t.c.resource_id)
        .limit(limit + SHORTLIST_EXTRA)
    )
    return [
        _Candidate(kind, rid, float(rel), y, x, codes or "")
        for rid, rel, y, x, codes, _score in session.execute(query)
        if rel > 0
    ]


def proximity(distance_km: float | None) -> float:
    """How much a resource ``distance_km`` away keeps of its relevance (1 when unknown)."""
    if distance_km is None:
        return 1.0
    squared = distance_km * distance_km
    return 1.0 - DISTANCE_PENALTY * squared / (squared + HALF_KM * HALF_KM)


def _place(c: _Candidate, origin: tuple[float, float], shares: dict[str, float]) -> None:
    """Great-circle distance, the exact score and the topic that counted."""
    best = max(
        ((shares.get(code, 0.0), code) for code in c.topics.split(";") if code), default=None
    )
    c.topic = best[1] if best and best[0] > 0 else None
    if c.lat is not None and c.lon is not None:
        c.distance = great_circle_km(origin[0], origin[1], c.lat, c.lon)
    c.score = c.relevance * proximity(c.distance)


def _matched(
    session: Session,
    chosen: list[_Candidate],
    terms: dict[str, str],
    idf: dict[str, dict[str, float]],
) -> None:
    """The caller's words each chosen resource holds (those that counted)."""
    if not chosen or not terms:
        return
    t = index.terms_table()
    rows = session.execute(
        select(t.c.kind, t.c.resource_id, t.c.term).where(
            t.c.resource_id.in_({c.id for c in chosen}), t.c.term.in_(list(terms))
        )
    ).all()
    words: dict[tuple[str, str], set[str]] = defaultdict(set)
    for kind, rid, term in rows:
        if term in idf.get(kind, {}):
            words[(kind, rid)].add(terms[term])
    for c in chosen:
        c.matched = tuple(sorted(words.get((c.kind, c.id), ())))


def _topic_shares(decision: RoutingDecision) -> dict[str, float]:
    scores = decision.topic_scores()
    top = scores.get(decision.topic) or max(scores.values(), default=0.0)
    shares = {t: min(1.0, p / top) for t, p in scores.items()} if top > 0 else {}
    shares[decision.topic] = 1.0
    return shares


def _origin(decision: RoutingDecision) -> tuple[float, float]:
    loc = decision.location
    if loc.known and loc.lat is not None and loc.lon is not None:
        return loc.lat, loc.lon
    return decision.choice.center.lat, decision.choice.center.lon


def _present(
    session: Session, chosen: list[_Candidate], decision: RoutingDecision
) -> Iterable[Suggestion]:
    details: dict[tuple[str, str], Any] = {}
    for code in dict.fromkeys(c.kind for c in chosen):
        kind = KINDS[code]
        table = kind.model.__table__
        assert isinstance(table, Table)
        center = table.c.center if "center" in table.c else None
        columns = [table.c.id, table.c[kind.name_column], table.c.institute]
        query = select(*columns, *([center] if center is not None else []))
        ids = [c.id for c in chosen if c.kind == code]
        for row in session.execute(query.where(table.c.id.in_(ids))):
            details[(code, row[0])] = row
    names = topic_names()
    from_center = not decision.location.known
    for c in chosen:
        row = details[(c.kind, c.id)]
        distance = None if c.distance is None else round(c.distance, 1)
        yield Suggestion(
            kind=c.kind,
            id=c.id,
            name=row[1],
            institute=row[2],
            center=row[3] if len(row) > 3 else None,
            distance_km=distance,
            score=round(c.score, 3),
            why={
                "words": list(c.matched),
                "topic": c.topic,
                "distance_km": distance,
                "distance_from": "center" if from_center else "caller",
                "summary": _why_ko(c, names, distance, from_center),
            },
        )


def _why_ko(c: _Candidate, names: dict[str, str], distance: float | None, from_center: bool) -> str:
    parts = []
    if c.matched:
        parts.append("일치 단어: " + ", ".join(c.matched))
    if c.topic:
        parts.append(f"주제: {names.get(c.topic, c.topic)}")
    if distance is not None:
        parts.append(f"{'배정 센터' if from_center else '발신지'}에서 {distance:.0f} km")
    return " · ".join(parts)
