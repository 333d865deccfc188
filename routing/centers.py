"""Center choice and institute suggestions by great-circle distance.

Rule (routing/data/README.md): the centers whose ``topics`` include the ticket's topic are
eligible; the nearest of them to the caller's point wins. Ties: the lower center code
(alphabetical), so the answer never depends on file or set order. If no center covers
the topic, the nearest center of all wins (rule ``nearest_overall``).

Unknown caller location (rule ``unknown_location``): the "best center for the topic
regardless of distance" is the eligible center with the smallest *mean* distance to the
17 provincial points of area_codes.csv: the choice that is nearest on average for a
caller who could be anywhere. The decision is flagged for the operator.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from routing import reference
from routing.reference import CenterRef, InstituteRef

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class CenterChoice:
    """The chosen center, its distance, the runner-up and the rule that applied."""

    center: CenterRef
    distance_km: float | None
    runner_up: CenterRef | None
    runner_up_km: float | None
    rule: str  # nearest_eligible | nearest_overall | unknown_location | operator
    eligible: tuple[str, ...]


def eligible_centers(
    topic: str, centers: Sequence[CenterRef] | None = None
) -> tuple[CenterRef, ...]:
    """Centers whose topics include ``topic``."""
    return tuple(c for c in (centers or reference.centers()) if topic in c.topics)


def _ranked(
    lat: float, lon: float, pool: Sequence[CenterRef]
) -> list[tuple[float, str, CenterRef]]:
    return sorted((great_circle_km(lat, lon, c.lat, c.lon), c.code, c) for c in pool)


def choose_center(
    topic: str,
    lat: float,
    lon: float,
    centers: Sequence[CenterRef] | None = None,
) -> CenterChoice:
    """Nearest eligible center to (lat, lon); nearest overall when none covers the topic."""
    if centers is None:
        # Callers' points are a few dozen provincial points: memoise the reference answers.
        return _choose_reference(topic, lat, lon)
    return _choose(topic, lat, lon, tuple(centers))


@lru_cache(maxsize=4096)
def _choose_reference(topic: str, lat: float, lon: float) -> CenterChoice:
    return _choose(topic, lat, lon, reference.centers())


def _choose(topic: str, lat: float, lon: float, pool: tuple[CenterRef, ...]) -> CenterChoice:
    eligible = eligible_centers(topic, pool)
    rule = "nearest_eligible" if eligible else "nearest_overall"
    ranked = _ranked(lat, lon, eligible or pool)
    (d1, _, first), second = ranked[0], ranked[1] if len(ranked) > 1 else None
    return CenterChoice(
        first,
        d1,
        second[2] if second else None,
        second[0] if second else None,
        rule,
        tuple(c.code for c in eligible),
    )


@cache
def _mean_distance(code: str) -> float:
    c = next(c for c in reference.centers() if c.code == code)
    areas = reference.area_codes()
    return sum(great_circle_km(a.lat, a.lon, c.lat, c.lon) for a in areas) / len(areas)


def fallback_center(topic: str, centers: Sequence[CenterRef] | None = None) -> CenterChoice:
    """Unknown location: the eligible center nearest on average to all provinces."""
    pool = tuple(centers or reference.centers())
    eligible = eligible_centers(topic, pool)
    ranked = sorted((_mean_distance(c.code), c.code, c) for c in (eligible or pool))
    second = ranked[1][2] if len(ranked) > 1 else None
    return CenterChoice(
        ranked[0][2], None, second, None, "unknown_location", tuple(c.code for c in eligible)
    )


def center_by_code(code: str) -> CenterRef:
    """The center with this code; KeyError naming it otherwise."""
    for c in reference.centers():
        if c.code == code:
            return c
    raise KeyError(f"unknown center code {code!r}")


def operator_center(
    code: str,
    topic: str,
    lat: float | None,
    lon: float | None,
) -> CenterChoice:
    """A center chosen by an operator, with its distance when the caller's point is known."""
    center = center_by_code(code)
    dist = (
        great_circle_km(lat, lon, center.lat, center.lon)
        if lat is not None and lon is not None
        else None
    )
    return CenterChoice(
        center, dist, None, None, "operator", tuple(c.code for c in eligible_centers(topic))
    )


@dataclass(frozen=True)
class InstituteSuggestion:
    """A research institute covering the topic and how far it is."""

    institute: InstituteRef
    distance_km: float | None


def suggest_institutes(
    topic: str, lat: float | None, lon: float | None
) -> tuple[InstituteSuggestion, ...]:
    """Institutes whose expertise covers ``topic``, nearest to (lat, lon) first."""
    return _suggest(topic, lat, lon)


@lru_cache(maxsize=4096)
def _suggest(topic: str, lat: float | None, lon: float | None) -> tuple[InstituteSuggestion, ...]:
    points = reference.city_points()
    found = []
    for inst in reference.institutes():
        if topic not in inst.expertise:
            continue
        city = points.get(inst.city)
        dist = (
            great_circle_km(lat, lon, city[0], city[1])
            if city is not None and lat is not None and lon is not None
            else None
        )
        found.append(InstituteSuggestion(inst, dist))
    found.sort(key=lambda s: (s.distance_km is None, s.distance_km or 0.0, s.institute.code))
    return tuple(found)
