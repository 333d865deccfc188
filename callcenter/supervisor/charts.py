"""Server-side SVG charts: no JavaScript, no CDN; every label escaped, every chart titled.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and ``<desc>`` (read by screen
readers), and each bar or point carries its own ``<title>`` with the exact number, so the
figure and the table beside it tell the same thing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

PALETTE = ("#1d5fa8", "#c2410c", "#15803d", "#7c3aed")  # WCAG AA against white
Formatter = Callable[[float], str]


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def nice_ticks(maximum: float, count: int = 4) -> list[float]:
    """Round tick values from 0 to at least ``maximum`` (1, 2 or 5 times a power of ten)."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    # The finest round step that needs at most one tick more than asked for.
    step = next(m * power for m in (1, 2, 5, 10) if math.ceil(maximum / (m * power)) <= count + 1)
    return [step * i for i in range(math.ceil(maximum / step - 1e-9) + 1)]


def _frame(
    chart_id: str, title: str, desc: str, width: int, height: int, body: list[str]
) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'preserveAspectRatio="xMidYMid meet">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _y_axis(
    ticks: list[float], left: int, right: int, top: int, bottom: int, fmt: Formatter
) -> list[str]:
    parts = []
    for tick in ticks:
        y = bottom - (bottom - top) * tick / ticks[-1]
        parts.append(
            f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d4d4d8" />'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#3f3f46">{escape(fmt(tick))}</text>'
        )
    return parts


def _x_label(x: float, bottom: int, label: str) -> str:
    return (
        f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" font-size="11" '
        f'fill="#3f3f46">{escape(label)}</text>'
    )


def _baseline(left: int, right: int, bottom: int) -> str:
    return f'<line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" stroke="#52525b" />'


def bar_chart(
    chart_id: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    desc: str,
    width: int = 640,
    height: int = 240,
    fmt: Formatter = _number,
    label_every: int = 1,
    color: str = PALETTE[0],
) -> Markup:
    """Vertical bars, one per label; every ``label_every``-th label is printed under the axis."""
    left, right, top, bottom = 48, width - 8, 12, height - 28
    ticks = nice_ticks(max(values, default=0))
    body = _y_axis(ticks, left, right, top, bottom, fmt)
    slot = (right - left) / max(len(values), 1)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = (bottom - top) * value / ticks[-1]
        x = left + i * slot + slot * 0.15
        body.append(
            f'<rect x="{x:.1f}" y="{bottom - h:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
            f'fill="{color}"><title>{escape(label)}: {escape(fmt(value))}</title></rect>'
        )
        if i % label_every == 0:
            body.append(_x_label(x + slot * 0.35, bottom, label))
    body.append(_baseline(left, right, bottom))
    return _frame(chart_id, title, desc, width, height, body)


def hbar_chart(
    chart_id: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    desc: str,
    width: int = 640,
    fmt: Formatter = _number,
    color: str = PALETTE[0],
) -> Markup:
    """Horizontal bars with long labels (center or topic names) on the left."""
    row, left, right, top = 22, 190, width - 64, 8
    height = top * 2 + row * max(len(values), 1)
    ticks = nice_ticks(max(values, default=0))
    body = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row
        w = (right - left) * value / ticks[-1]
        body.append(
            f'<text x="{left - 6}" y="{y + 15}" text-anchor="end" font-size="12" '
            f'fill="#27272a">{escape(label)}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{color}">'
            f"<title>{escape(label)}: {escape(fmt(value))}</title></rect>"
            f'<text x="{left + w + 4:.1f}" y="{y + 15}" font-size="11" '
            f'fill="#3f3f46">{escape(fmt(value))}</text>'
        )
    return _frame(chart_id, title, desc, width, height, body)


def line_chart(
    chart_id: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    desc: str,
    width: int = 640,
    height: int = 240,
    fmt: Formatter = _number,
    label_every: int = 1,
) -> Markup:
    """One polyline per named series over the same labels (days), with a legend."""
    left, right, top, bottom = 48, width - 8, 24, height - 28
    peak = max((max(values, default=0) for _, values in series), default=0)
    ticks = nice_ticks(peak)
    body = _y_axis(ticks, left, right, top, bottom, fmt)
    step = (right - left) / max(len(labels) - 1, 1)
    for n, (name, values) in enumerate(series):
        color = PALETTE[n % len(PALETTE)]
        points = " ".join(
            f"{left + i * step:.1f},{bottom - (bottom - top) * v / ticks[-1]:.1f}"
            for i, v in enumerate(values)
        )
        body.append(
            f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="1.6">'
            f"<title>{escape(name)}</title></polyline>"
            f'<rect x="{left + n * 150}" y="4" width="12" height="12" fill="{color}" />'
            f'<text x="{left + n * 150 + 16}" y="14" font-size="12" fill="#27272a">'
            f"{escape(name)}</text>"
        )
    body += [
        _x_label(left + i * step, bottom, lb) for i, lb in enumerate(labels) if i % label_every == 0
    ]
    body.append(_baseline(left, right, bottom))
    return _frame(chart_id, title, desc, width, height, body)
