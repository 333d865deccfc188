"""Segment times and routing explanation parsing (numbers and names: test_display.py)."""

from __future__ import annotations

import pytest

from callcenter.console.present import segments_of, topic_scores
from callcenter.display import clock


def test_segments_sorted_and_malformed_skipped():
    raw = [
        {"start": 5, "end": 7, "text": " 둘째 "},
        {"start": "x", "text": "bad"},
        "nonsense",
        {"start": 0, "end": 5, "text": "첫째"},
        {"start": 9, "text": "   "},
    ]
    segments = segments_of(raw)  # type: ignore[arg-type]
    assert [(s.label, s.text) for s in segments] == [("0:00", "첫째"), ("0:05", "둘째")]
    assert clock(3725) == "1:02:05"


@pytest.mark.parametrize(
    "raw",
    [
        {"casting": 0.8, "mold": 0.4},
        [{"topic": "mold", "score": 0.4}, {"code": "casting", "score": 0.8}],
        [["casting", 0.8], ["mold", 0.4], ["broken"]],
    ],
)
def test_topic_scores_accept_several_shapes(raw):
    scores = topic_scores({"topic_scores": raw})
    assert [(s.code, s.score, s.share) for s in scores] == [
        ("casting", 0.8, 1.0),
        ("mold", 0.4, 0.5),
    ]
