"""Center choice: nearest eligible by great-circle distance, checked against brute force."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from routing import reference
from routing.centers import (
    choose_center,
    fallback_center,
    great_circle_km,
    operator_center,
    suggest_institutes,
)
from routing.reference import CenterRef

TOPICS = [t.code for t in reference.topics()]


def _central_angle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Independent reference: angle between unit vectors (atan2 of |cross| and dot)."""

    def vec(lat: float, lon: float) -> tuple[float, float, float]:
        p, lam = math.radians(lat), math.radians(lon)
        return (math.cos(p) * math.cos(lam), math.cos(p) * math.sin(lam), math.sin(p))

    a, b = vec(lat1, lon1), vec(lat2, lon2)
    cross = (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return 6371.0088 * math.atan2(math.sqrt(sum(c * c for c in cross)), dot)


def _brute_force(topic: str, lat: float, lon: float, centers) -> tuple[float, set[str]]:
    pool = [c for c in centers if topic in c.topics] or list(centers)
    dists = {c.code: _central_angle_km(lat, lon, c.lat, c.lon) for c in pool}
    best = min(dists.values())
    # Codes whose distance equals the best within float noise: any of them is "nearest".
    return best, {code for code, d in dists.items() if d - best <= 1e-6}


def test_known_distance_seoul_busan():
    # Seoul City Hall to Busan City Hall is about 325 km as the crow flies.
    assert 320 < great_circle_km(37.5663, 126.9779, 35.1798, 129.0750) < 330


@settings(max_examples=400, deadline=None)
@given(
    lat=st.floats(-89.9, 89.9),
    lon=st.floats(-180, 180),
    topic=st.sampled_from(TOPICS),
)
def test_choice_equals_brute_force_on_reference_centers(lat, lon, topic):
    choice = choose_center(topic, lat, lon)
    best, acceptable = _brute_force(topic, lat, lon, reference.centers())
    assert choice.center.code in acceptable
    assert choice.distance_km is not None
    assert math.isclose(choice.distance_km, best, rel_tol=1e-9, abs_tol=1e-6)
    assert choice.rule == "nearest_eligible"
    assert topic in choice.center.topics


_center = st.builds(
    CenterRef,
    code=st.sampled_from([f"C{i}" for i in range(8)]),
    name_ko=st.just("센터"),
    name_en=st.just("Center"),
    city=st.just("x"),
    lat=st.sampled_from([35.0, 36.5, 37.5]) | st.floats(33, 39),
    lon=st.sampled_from([127.0, 128.5]) | st.floats(124, 132),
    topics=st.lists(st.sampled_from(TOPICS[:5]), max_size=3).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(
    centers=st.lists(_center, min_size=1, max_size=8, unique_by=lambda c: c.code),
    lat=st.floats(33, 39),
    lon=st.floats(124, 132),
    topic=st.sampled_from(TOPICS[:6]),
)
def test_choice_equals_brute_force_on_random_centers(centers, lat, lon, topic):
    """Random center sets, shared points (ties) and topics nobody covers."""
    choice = choose_center(topic, lat, lon, centers)
    best, acceptable = _brute_force(topic, lat, lon, centers)
    assert choice.center.code in acceptable
    assert math.isclose(choice.distance_km, best, rel_tol=1e-9, abs_tol=1e-6)
    covered = any(topic in c.topics for c in centers)
    assert choice.rule == ("nearest_eligible" if covered else "nearest_overall")
    # Deterministic tie-break: the lowest code among exactly equal distances.
    exact = [
        c.code
        for c in centers
        if (not covered or topic in c.topics)
        and great_circle_km(lat, lon, c.lat, c.lon) == choice.distance_km
    ]
    assert choice.center.code == min(exact)


def test_tie_goes_to_lower_code_whatever_the_order():
    a = CenterRef("B_SECOND", "b", "b", "x", 36.0, 127.0, ("casting",))
    b = CenterRef("A_FIRST", "a", "a", "x", 36.0, 127.0, ("casting",))
    assert choose_center("casting", 35.0, 128.0, [a, b]).center.code == "A_FIRST"
    assert choose_center("casting", 35.0, 128.0, [b, a]).center.code == "A_FIRST"


def test_runner_up_is_second_nearest_eligible():
    # A caller in Changwon (경남 point) with a casting problem.
    choice = choose_center("casting", 35.2383, 128.6925)
    assert choice.center.code == "DAEGU"
    assert choice.runner_up is not None and choice.runner_up.code == "ULSAN"
    assert choice.runner_up_km > choice.distance_km


def test_unknown_location_picks_the_centrally_best_center_for_the_topic():
    choice = fallback_center("casting")
    assert choice.rule == "unknown_location"
    assert "casting" in choice.center.topics
    assert choice.distance_km is None
    # Support topics are covered everywhere: the most central center (the HQ in Cheonan).
    assert fallback_center("cert").center.code == "CHEONAN"


def test_operator_center_keeps_choice_and_measures_distance():
    choice = operator_center("JEJU", "casting", 37.5663, 126.9779)
    assert choice.center.code == "JEJU" and choice.rule == "operator"
    assert 400 < choice.distance_km < 500
    assert "JEJU" not in choice.eligible


def test_institutes_cover_topic_nearest_first():
    found = suggest_institutes("casting", 35.2383, 128.6925)  # 경남
    codes = [s.institute.code for s in found]
    assert set(codes) == {i.code for i in reference.institutes() if "casting" in i.expertise}
    assert codes[0] == "KIMS"  # Changwon
    dists = [s.distance_km for s in found]
    assert dists == sorted(dists)
    assert all(i.city in reference.city_points() for i in reference.institutes())
