"""The pure decision: center ranking by routing's rules, and who gets the offer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callcenter.live.decision import (
    Candidate,
    choose_offer,
    operator_identity,
    queue_name,
    rank_centers,
    user_of_identity,
)
from routing import reference

T0 = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
RANKING = ("INCHEON", "ANSAN", "SEOUL", "CHEONAN")


def idle(user_id: int, center: str, minutes: int) -> Candidate:
    """An operator idle since ``minutes`` after T0 (smaller: idle longer)."""
    return Candidate(user_id, center, T0 + timedelta(minutes=minutes))


def test_ranking_starts_at_the_nearest_center_and_lists_every_center():
    ranking = rank_centers(menu_choice="0", caller_number="+82325551234", region=None)
    assert ranking.centers[:3] == ("INCHEON", "ANSAN", "SEOUL")
    assert sorted(ranking.centers) == sorted(c.code for c in reference.centers())
    assert ranking.location_known and ranking.topic_group is None


def test_ranking_uses_the_region_answer_when_the_number_says_nothing():
    ranking = rank_centers(
        menu_choice="0", caller_number="+821012345678", region="부산", region_source="ivr_speech"
    )
    assert ranking.home == "BUSAN" and ranking.location_known


def test_ranking_puts_centers_covering_the_menu_group_first(monkeypatch):
    centers = reference.centers()
    only_jeju = tuple(
        c if c.code == "JEJU" else type(c)(**{**c.__dict__, "topics": ("energy",)}) for c in centers
    )
    monkeypatch.setattr(reference, "centers", lambda: only_jeju)
    ranking = rank_centers(menu_choice="2", caller_number="+82325551234", region=None)
    assert ranking.home == "JEJU" and ranking.covering == 1 and ranking.topic_group == "2"
    assert ranking.centers[1:4] == ("INCHEON", "ANSAN", "SEOUL")  # then any center, nearest


def test_unknown_place_ranks_by_mean_distance():
    ranking = rank_centers(menu_choice=None, caller_number="Anonymous", region=None)
    assert not ranking.location_known and ranking.home == "CHEONAN"


def test_offer_goes_to_the_home_operator_idle_longest():
    pool = [idle(1, "INCHEON", 5), idle(2, "INCHEON", 1), idle(3, "ANSAN", 0)]
    offer = choose_offer(RANKING, pool, waited_seconds=0, overflow_after=60)
    assert offer is not None and (offer.user_id, offer.center, offer.overflow) == (
        2,
        "INCHEON",
        False,
    )


def test_nobody_at_home_overflows_to_the_next_center_with_someone():
    pool = [idle(3, "SEOUL", 0), idle(4, "CHEONAN", 0)]
    offer = choose_offer(RANKING, pool, waited_seconds=0, overflow_after=60)
    assert offer is not None and (offer.center, offer.overflow, offer.reason) == (
        "SEOUL",
        True,
        "home_unstaffed",
    )


def test_operators_who_let_it_ring_are_skipped():
    pool = [idle(1, "INCHEON", 0), idle(2, "ANSAN", 3)]
    offer = choose_offer(RANKING, pool, waited_seconds=0, overflow_after=60, excluded=[1])
    assert offer is not None and offer.user_id == 2 and offer.overflow


def test_an_older_caller_goes_first_until_the_overflow_limit():
    pool = [idle(1, "INCHEON", 0), idle(2, "ANSAN", 0)]
    blocked = ["INCHEON"]
    kept = choose_offer(RANKING, pool, waited_seconds=59, overflow_after=60, blocked=blocked)
    assert kept is None
    moved = choose_offer(RANKING, pool, waited_seconds=60, overflow_after=60, blocked=blocked)
    assert moved is not None and (moved.center, moved.reason) == ("ANSAN", "waited_too_long")


def test_nobody_available_anywhere_keeps_the_caller_waiting():
    assert choose_offer(RANKING, [], waited_seconds=600, overflow_after=60) is None


def test_names_twilio_sees():
    assert queue_name("INCHEON") == "1379-incheon"
    assert operator_identity(7) == "operator-7"
    assert user_of_identity("client:operator-7") == 7
    assert user_of_identity("operator-x") is None and user_of_identity("alice") is None
