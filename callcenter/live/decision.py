"""The pure parts of a live call: which centers, in what order, and who gets the offer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from routing import reference
from routing.centers import great_circle_km
from routing.location import resolve_location
from routing.topic_result import menu_group

QUEUE_PREFIX = "1379-"


def queue_name(center_code: str) -> str:
    """The Twilio queue of one center (one queue per center)."""
    return f"{QUEUE_PREFIX}{center_code.lower()}"


def operator_identity(user_id: int) -> str:
    """The Twilio Client identity of one operator's browser."""
    return f"operator-{user_id}"


def user_of_identity(identity: str) -> int | None:
    """The operator id behind a Client identity (``client:operator-7`` too)."""
    name = identity.removeprefix("client:")
    if not name.startswith("operator-"):
        return None
    tail = name.removeprefix("operator-")
    return int(tail) if tail.isdigit() else None


@cache
def mean_distance_km(code: str) -> float:
    """A center's mean distance to the provincial points (routing's unknown-place rule)."""
    center = next(c for c in reference.centers() if c.code == code)
    areas = reference.area_codes()
    return sum(great_circle_km(a.lat, a.lon, center.lat, center.lon) for a in areas) / len(areas)


@dataclass(frozen=True)
class Ranking:
    """Centers to try, nearest covering the topic group first, then every other center."""

    centers: tuple[str, ...]
    covering: int  # how many of the first centers cover the topic group
    topic_group: str | None
    location_known: bool

    @property
    def home(self) -> str:
        """The routed center."""
        return self.centers[0]


def rank_centers(
    *,
    menu_choice: str | None,
    caller_number: str | None,
    region: str | None,
    region_source: str | None = None,
) -> Ranking:
    """Routing's rules for a live call: the menu path's topic group and the caller's place.

    The same location (area code, else the region answer) and distance rule as tickets; a
    live call has no statement to classify, so the topic is the menu group (any center when
    the caller pressed 0 straight away). Unknown place: centers by mean distance to the
    provinces, as routing does for tickets.
    """
    location = resolve_location(caller_number, region, ivr_source=region_source)
    group = menu_group(menu_choice)
    topics = set(group[1]) if group else set()
    pool = reference.centers()

    def distance(center: reference.CenterRef) -> float:
        if location.known:
            assert location.lat is not None and location.lon is not None
            return great_circle_km(location.lat, location.lon, center.lat, center.lon)
        return mean_distance_km(center.code)

    def covers(center: reference.CenterRef) -> bool:
        return not topics or bool(topics & set(center.topics))

    ordered = sorted(pool, key=lambda c: (not covers(c), distance(c), c.code))
    return Ranking(
        tuple(c.code for c in ordered),
        sum(1 for c in ordered if covers(c)),
        group[0] if group else None,
        location.known,
    )


@dataclass(frozen=True)
class Candidate:
    """An available operator: who, where, and since when idle."""

    user_id: int
    center: str
    idle_since: datetime


@dataclass(frozen=True)
class Offer:
    """Ring this operator; ``overflow`` when the center is not the routed one."""

    user_id: int
    center: str
    overflow: bool
    reason: str  # home | home_unstaffed | waited_too_long


def idle_longest(candidates: Iterable[Candidate], center: str) -> Candidate | None:
    """The operator of ``center`` idle longest (lowest id on a tie)."""
    here = [c for c in candidates if c.center == center]
    return min(here, key=lambda c: (c.idle_since, c.user_id), default=None)


def choose_offer(
    ranking: Sequence[str],
    candidates: Sequence[Candidate],
    *,
    waited_seconds: float,
    overflow_after: int,
    excluded: Iterable[int] = (),
    blocked: Iterable[str] = (),
) -> Offer | None:
    """Who should ring now, or None to keep the caller waiting.

    The routed center first; when nobody there is available (or everyone available let this
    call ring already), or the caller has waited ``overflow_after`` seconds, the next center
    of ``ranking`` with an available operator. ``blocked`` centers hold an older caller
    waiting for them, who goes first.
    """
    skip = set(excluded)
    pool = [c for c in candidates if c.user_id not in skip]
    home, others = ranking[0], ranking[1:]
    held = set(blocked)
    first = idle_longest(pool, home)
    if first is not None and home not in held:
        return Offer(first.user_id, home, False, "home")
    if first is not None and waited_seconds < overflow_after:
        return None  # someone is free at home but an older caller is first in line
    reason = "home_unstaffed" if first is None else "waited_too_long"
    for center in others:
        chosen = idle_longest(pool, center)
        if chosen is not None and center not in held:
            return Offer(chosen.user_id, center, True, reason)
    return None
