"""Ranking by distance: of two equal matches the nearer to the caller comes first."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from callcenter.catalogue.columns import KINDS
from callcenter.catalogue.store import import_file
from callcenter.catalogue.suggest import proximity, suggest
from callcenter.db import db

BUSAN_CALLER = "+82515551234"
SEOUL_CALLER = "+8225551234"

TWINS = (
    "id,name_ko,name_en,category,topics,institute,center,lat,lon,keywords,booking_contact,fee_note\n"
    "EQ-SEOUL,염수분무 시험기,,,surface;cert,KITECH,SEOUL,,,염수분무;도금,,\n"
    "EQ-BUSAN,염수분무 시험기,,,surface;cert,KITECH,BUSAN,,,염수분무;도금,,\n"
    "EQ-PRINTER,FDM 3D 프린터,,,equipment,KITECH,BUSAN,,,3D 프린팅,,\n"
)


@pytest.mark.parametrize(
    ("caller", "nearer"), [(BUSAN_CALLER, "EQ-BUSAN"), (SEOUL_CALLER, "EQ-SEOUL")]
)
def test_of_two_equal_matches_the_nearer_ranks_first(
    app: Flask, tmp_path: Path, caller: str, nearer: str
):
    path = tmp_path / "twins.csv"
    path.write_text(TWINS, encoding="utf-8")
    with app.app_context():
        import_file(db.session(), KINDS["equipment"], path)
        db.session.commit()
        found = suggest(db.session(), "도금 염수분무 시험", caller, kinds=["equipment"])
    ids = [s.id for s in found.suggestions]
    assert ids[:2] == [nearer, ({"EQ-BUSAN", "EQ-SEOUL"} - {nearer}).pop()]
    first, second = found.suggestions[:2]
    assert first.why["words"] == second.why["words"] == ["도금", "시험", "염수분무"]
    assert first.distance_km is not None and second.distance_km is not None
    assert first.distance_km < second.distance_km and first.score > second.score


def test_proximity_falls_with_distance_to_a_floor():
    assert proximity(None) == proximity(0.0) == 1.0
    assert proximity(10) > proximity(100) > proximity(300) > 0.7
    assert proximity(150) == pytest.approx(0.85)
    assert proximity(10_000) == pytest.approx(0.7, abs=1e-3)
