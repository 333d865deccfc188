"""Suggestions over the demo catalogue: the obvious resource on top for typical problems.

Every test here only reads the module's demo database (see conftest.py); tests that write
their own catalogue live in test_nearer.py (on PostgreSQL each `app` empties the tables).
"""

from __future__ import annotations

import json

import pytest
from flask import Flask

from callcenter.catalogue.columns import KINDS
from callcenter.catalogue.suggest import suggest
from callcenter.db import db
from callcenter.models import Equipment, Expert

BUSAN_CALLER = "+82515551234"
SEOUL_CALLER = "+8225551234"


def top(app: Flask, text: str, kind: str, caller: str | None = BUSAN_CALLER):  # type: ignore[no-untyped-def]
    with app.app_context():
        found = suggest(db.session(), text, caller_number=caller, kinds=[kind], limit=3)
        assert found.suggestions, text
        assert {s.kind for s in found.suggestions} == {kind}
        first = found.suggestions[0]
        model = {"equipment": Equipment, "expert": Expert}[kind]
        return first, db.session.get(model, first.id), found


@pytest.mark.parametrize(
    "text",
    [
        "도금 제품 염수분무 시험 성적서가 필요합니다",
        "도금한 부품에 녹이 슬어서 고객사가 내식성 시험 성적서를 달래요",
        "아연 도금 제품이 부식돼서 염수분무 시험을 받아 보고 싶습니다",
    ],
)
def test_a_plating_corrosion_problem_finds_a_salt_spray_chamber(demo_app: Flask, text: str):
    first, resource, _found = top(demo_app, text, "equipment")
    assert "염수분무" in resource.name_ko
    assert "surface" in resource.topics


@pytest.mark.parametrize(
    "text", ["시제품을 3D 프린팅으로 뽑고 싶어요", "시제품 목업을 3D 프린터로 출력하고 싶습니다"]
)
def test_prototype_printing_finds_a_3d_printer(demo_app: Flask, text: str):
    first, resource, _found = top(demo_app, text, "equipment")
    assert "3D 프린터" in resource.name_ko


def test_weld_lines_find_an_injection_moulding_expert(demo_app: Flask):
    first, expert, found = top(demo_app, "사출 제품에 웰드라인이 생겨요", "expert")
    assert found.decision.topic == "injection"
    assert "사출성형 웰드라인" in expert.fields
    assert "injection" in expert.topics
    assert "웰드라인" in first.why["words"]


@pytest.mark.parametrize(
    ("text", "kind", "word"),
    [
        ("열처리 후에 경도가 안 나와서 경도 측정을 하고 싶어요", "equipment", "경도"),
        ("제품 전자파 때문에 KC 인증 시험을 받아야 해요", "equipment", "전자파"),
        ("알루미늄 다이캐스팅에 기공이 생깁니다", "expert", "기공"),
    ],
)
def test_other_topics_find_a_resource_holding_the_callers_words(
    demo_app: Flask, text: str, kind: str, word: str
):
    first, _resource, _found = top(demo_app, text, kind)
    assert word in first.why["words"]


def test_each_suggestion_says_why_and_every_kind_is_suggested(demo_app: Flask):
    with demo_app.app_context():
        found = suggest(db.session(), "도금 제품 염수분무 시험 성적서가 필요합니다", BUSAN_CALLER)
    assert [s.kind for s in found.suggestions] == [k for k in KINDS for _ in range(5)]
    first = found.suggestions[0]
    assert "염수분무" in first.why["words"]
    assert first.why["topic"] in ("surface", "cert")
    assert first.why["distance_from"] == "caller"
    assert first.distance_km is not None and first.why["distance_km"] == first.distance_km
    assert "일치 단어" in first.why["summary"] and "km" in first.why["summary"]
    scores = [s.score for s in found.suggestions if s.kind == "equipment"]
    assert scores == sorted(scores, reverse=True)


def test_an_unknown_caller_is_measured_from_the_chosen_center(demo_app: Flask):
    with demo_app.app_context():
        found = suggest(db.session(), "시제품을 3D 프린팅으로 뽑고 싶어요", kinds=["equipment"])
    assert found.decision.location.known is False
    assert found.suggestions[0].why["distance_from"] == "center"


def test_words_no_resource_holds_still_give_resources_of_the_topic(demo_app: Flask):
    with demo_app.app_context():
        found = suggest(db.session(), "탕구", BUSAN_CALLER, kinds=["lab"], limit=2)
    assert found.decision.topic == "casting"
    assert len(found.suggestions) == 2
    assert all(s.why["words"] == [] for s in found.suggestions)
    assert all(s.why["topic"] == "casting" for s in found.suggestions)


def test_the_cli_prints_json_like_route(demo_app: Flask):
    runner = demo_app.test_cli_runner()
    result = runner.invoke(
        args=[
            "catalogue",
            "suggest",
            "도금 제품 염수분무 시험 성적서가 필요합니다",
            "--from",
            BUSAN_CALLER,
            "--kind",
            "equipment",
            "--kind",
            "lab",
            "--limit",
            "2",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "염수분무" in result.stdout  # UTF-8, not \\u escapes
    data = json.loads(result.stdout)
    assert data["topic"] in ("cert", "surface") and data["center"] == "BUSAN"
    assert [s["kind"] for s in data["suggestions"]] == ["equipment", "equipment", "lab", "lab"]
    assert set(data["suggestions"][0]) == {
        "kind",
        "id",
        "name",
        "institute",
        "center",
        "distance_km",
        "score",
        "why",
    }
    assert "염수분무" in data["suggestions"][0]["name"]
    region = runner.invoke(args=["catalogue", "suggest", "도금", "--region", "화성"])
    assert region.exit_code != 0 and "알 수 없는 지역" in region.output


def test_the_demo_catalogue_has_the_seed_size_is_marked_and_repeats_identically(demo_app: Flask):
    from sqlalchemy import func, select

    from callcenter.catalogue.demo import SIZES
    from callcenter.catalogue.store import counts
    from callcenter.models import Lab, Patent

    with demo_app.app_context():
        assert (
            counts(db.session())
            == SIZES
            == {
                "patent": 13_588,
                "equipment": 1_881,
                "expert": 4_814,
                "lab": 200,
            }
        )
        for model in (Equipment, Expert, Patent, Lab):
            assert not db.session.scalar(select(func.count()).where(model.demo.is_(False)))
        names = set(db.session.scalars(select(Equipment.name_ko)))
        assert {"염수분무 시험기", "FDM 3D 프린터", "전동식 사출성형기", "만능재료시험기"} <= names
        patent = db.session.get(Patent, "PT-00001")
        assert patent is not None and patent.number.startswith("10-") and patent.abstract
        db.session.rollback()
    again = demo_app.test_cli_runner().invoke(args=["catalogue", "demo"])
    assert again.exit_code == 0, again.output
    assert "patent: 추가 0, 변경 0, 그대로 13,588" in again.stdout
    assert "equipment: 추가 0, 변경 0, 그대로 1,881" in again.stdout
