"""The routing decision and its explanation, end to end without Flask."""

from __future__ import annotations

import json

import pytest

from routing.centers import choose_center, fallback_center
from routing.router import get_router, route

CONTRACT = {"topic", "topic_scores", "center", "distance_km", "region", "institutes", "explanation"}


@pytest.fixture(scope="module")
def router():
    return get_router()


def test_decision_contract_and_explanation(router):
    d = route("쇳물 부을 때 모래가 같이 들어가요", caller_number="+82551234567").as_dict()
    assert set(d) == CONTRACT
    json.dumps(d, ensure_ascii=False)  # stored as JSON on the ticket
    assert d["topic"] == "casting" and d["region"] == "경남"
    expected = choose_center("casting", 35.2383, 128.6925)
    assert d["center"] == expected.center.code
    assert d["distance_km"] == round(expected.distance_km, 1)
    ex = d["explanation"]
    assert ex["location"]["source"] == "area_code" and ex["location"]["detail"] == "055"
    assert ex["center"]["runner_up"]["code"] == expected.runner_up.code
    assert ex["center"]["runner_up"]["distance_km"] >= d["distance_km"]
    assert ex["topic"]["evidence"]["terms"]["casting"]
    assert "casting" in d["topic_scores"]
    assert "쇳물" in ex["summary"] and "km" in ex["summary"]
    assert d["institutes"][0] == "KIMS"  # nearest casting institute to 경남 (Changwon)
    assert ex["flags"] == []


def test_mobile_caller_uses_ivr_answer(router):
    by_digit = route("철판을 구부리면 다시 돌아가요", caller_number="+821012345678", ivr_region="6")
    assert by_digit.location.source == "ivr_digit" and by_digit.location.region == "부산·울산·경남"
    spoken = route(
        "철판을 구부리면 다시 돌아가요", caller_number="+821012345678", ivr_region="경기도 안산이요"
    )
    assert spoken.location.source == "ivr_speech" and spoken.location.region == "경기"
    assert (
        spoken.center
        == choose_center("forming", spoken.location.lat, spoken.location.lon).center.code
    )


def test_unknown_location_falls_back_and_is_flagged(router):
    d = route("쇳물 부을 때 모래가 같이 들어가요", caller_number="Anonymous")
    assert d.center == fallback_center("casting").center.code
    assert d.distance_km is None and d.location.source == "unknown"
    assert "location_unknown" in d.flags
    assert d.as_dict()["explanation"]["center"]["rule"] == "unknown_location"
    # Institutes are still ordered, from the chosen center.
    assert d.institutes


def test_operator_topic_and_center(router):
    d = router.route(
        "쇳물 부을 때 모래가 같이 들어가요", caller_number="+8221234567", topic="welding"
    )
    assert d.topic == "welding" and d.topic_source == "operator"
    assert d.center == choose_center("welding", 37.5663, 126.9779).center.code
    kept = router.route("쇳물", caller_number="+8221234567", topic="casting", center_code="JEJU")
    assert kept.center == "JEJU" and kept.distance_km > 400
    assert "center_does_not_cover_topic" in kept.flags
    with pytest.raises(ValueError):
        router.route("x", topic="nonsense")


def test_route_many_equals_one_by_one(router):
    items = [
        {"text": "도금이 잘 안 붙고 들떠요", "caller_number": "+82321234567"},
        {"text": "수출 바이어를 찾고 있어요", "ivr_region": "4"},
        {"text": "", "menu_choice": "2"},
    ]
    items.append({"text": "쇳물 부을 때 모래가 같이 들어가요", "menu_choice": "3"})
    many = [d.as_dict() for d in router.route_many(items)]
    single = [router.route(i.pop("text"), **i).as_dict() for i in [dict(x) for x in items]]
    for a, b in zip(many, single, strict=True):
        assert a["topic"] == b["topic"] and a["center"] == b["center"]
        assert a["topic_scores"] == pytest.approx(b["topic_scores"], abs=1e-3)
        ex_a, ex_b = a["explanation"]["topic"], b["explanation"]["topic"]
        assert ex_a["evidence"]["terms"] == ex_b["evidence"]["terms"]
        assert [e["text"] for e in ex_a["evidence"]["examples"]] == [
            e["text"] for e in ex_b["evidence"]["examples"]
        ]
    assert "no_text" in many[2]["explanation"]["flags"]
