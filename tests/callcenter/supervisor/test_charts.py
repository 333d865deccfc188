"""SVG charts: well-formed XML, titled for screen readers, labels escaped, bars to scale."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from callcenter.supervisor.charts import bar_chart, hbar_chart, line_chart, nice_ticks

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def test_nice_ticks_cover_the_maximum_with_round_steps():
    assert nice_ticks(87) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(4) == [0, 1, 2, 3, 4]
    assert nice_ticks(0) == [0.0, 1.0]  # an empty period still draws an axis


def test_bar_chart_is_accessible_and_to_scale():
    svg = parse(bar_chart("c1", ["9시", "10시"], [50, 100], title="시간대별 통화", desc="9시 50건"))
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.find(f"{SVG}title").text == "시간대별 통화"
    bars = svg.findall(f"{SVG}rect")
    assert [b.find(f"{SVG}title").text for b in bars] == ["9시: 50", "10시: 100"]
    # 100 is the top tick: that bar is exactly twice as tall as the 50 bar.
    heights = [float(b.get("height")) for b in bars]
    assert heights[1] == 2 * heights[0]


def test_labels_are_escaped_not_injected():
    evil = '<script>alert("x")</script>&'
    for markup in (
        bar_chart("a", [evil], [1], title=evil, desc=evil),
        hbar_chart("b", [evil], [1], title=evil, desc=evil),
        line_chart("c", [evil], [(evil, [1])], title=evil, desc=evil),
    ):
        svg = parse(markup)  # would not parse if the label broke out of its element
        assert svg.find(f"{SVG}script") is None
        assert "<script>" not in str(markup)
        assert svg.find(f"{SVG}title").text == evil


def test_line_chart_draws_one_polyline_per_series():
    svg = parse(
        line_chart(
            "d",
            ["1일", "2일", "3일"],
            [("통화", [3, 5, 4]), ("포기", [1, 0, 2])],
            title="t",
            desc="d",
        )
    )
    lines = svg.findall(f"{SVG}polyline")
    assert [line.find(f"{SVG}title").text for line in lines] == ["통화", "포기"]
    assert all(len(line.get("points").split()) == 3 for line in lines)
