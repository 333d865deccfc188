"""The routing explanation as a few Korean lines: topic and evidence words, where the caller
is and how that was learned, the chosen center and the runner-up with distances, re-routes.

``Ticket.routing`` holds ``RoutingDecision.as_dict()`` (its ``explanation`` member has the
detail); older records keep flat keys (``evidence``, ``point_source``, ``runner_up``...).
Both are read; anything missing is left out rather than shown as a code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from callcenter.display import center_name, topic_name
from callcenter.i18n import MESSAGES, local_time, t


@dataclass(frozen=True)
class RoutingLine:
    """One line of the explanation: a label and its sentence."""

    label: str
    text: str


def _km(value: Any) -> str:
    try:
        return t("routing_view.km", km=f"{float(value):,.1f}")
    except (TypeError, ValueError):
        return ""


def _when(value: Any) -> str:
    try:
        return local_time(datetime.fromisoformat(str(value)))
    except ValueError:
        return ""


def _words(routing: dict[str, Any], explanation: dict[str, Any], topic: str | None) -> list[str]:
    terms = ((explanation.get("topic") or {}).get("evidence") or {}).get("terms") or {}
    if isinstance(terms, dict) and topic in terms:
        heard = [str(h.get("term") or h.get("heard")) for h in terms[topic] if isinstance(h, dict)]
        return list(dict.fromkeys(heard))[:6]
    flat = routing.get("evidence")
    if isinstance(flat, list):
        return [str(w) for w in flat][:6]
    return []


def _topic_line(
    routing: dict[str, Any], explanation: dict[str, Any], current: str | None
) -> RoutingLine | None:
    topic_info = explanation.get("topic") or {}
    code = topic_info.get("code") or routing.get("topic") or current
    if not code:
        return None
    text = topic_name(code)
    if topic_info.get("source") == "operator":
        text += " · " + t("routing_view.by_operator")
    elif isinstance(topic_info.get("confidence"), int | float):
        text += " · " + t("routing_view.confidence", pct=round(topic_info["confidence"] * 100))
    words = _words(routing, explanation, code)
    if words:
        text += " · " + t("routing_view.words", words=", ".join(f"‘{w}’" for w in words))
    return RoutingLine(t("routing_view.topic"), text)


def _location_line(routing: dict[str, Any], explanation: dict[str, Any]) -> RoutingLine:
    location = explanation.get("location") or {}
    region = location.get("region") or routing.get("region")
    source = location.get("source") or routing.get("point_source") or "unknown"
    if not region:
        return RoutingLine(t("routing_view.location"), t("routing_view.location_unknown"))
    how_id = f"region_source.{source}"
    how = t(how_id) if how_id in MESSAGES else str(location.get("source_ko") or source)
    detail = location.get("detail")
    text = f"{region} · {how}" + (f" ({detail})" if detail and detail != region else "")
    return RoutingLine(t("routing_view.location"), text)


def _center_lines(
    routing: dict[str, Any], explanation: dict[str, Any], current: str | None
) -> list[RoutingLine]:
    center = explanation.get("center") or {}
    code = center.get("code") or routing.get("center") or current
    lines = []
    if code:
        text = " ".join(
            p
            for p in (center_name(code), _km(center.get("distance_km", routing.get("distance_km"))))
            if p
        )
        rule_id = f"routing_view.rule.{center.get('rule')}"
        if rule_id in MESSAGES:
            text += " · " + t(rule_id)
        lines.append(RoutingLine(t("routing_view.center"), text))
    runner = center.get("runner_up")
    runner_code = runner.get("code") if isinstance(runner, dict) else routing.get("runner_up")
    runner_km = (
        runner.get("distance_km") if isinstance(runner, dict) else routing.get("runner_up_km")
    )
    if runner_code:
        text = " ".join(p for p in (center_name(str(runner_code)), _km(runner_km)) if p)
        lines.append(RoutingLine(t("routing_view.runner_up"), text))
    return lines


def _history_lines(routing: dict[str, Any]) -> list[RoutingLine]:
    lines = []
    for entry in routing.get("history") or []:
        if not isinstance(entry, dict):
            continue
        before, after = entry.get("before") or {}, entry.get("after") or {}
        moved = t(
            "routing_view.moved",
            before=center_name(before.get("center")),
            after=center_name(after.get("center")),
        )
        who = entry.get("by") or t("ticket.system")
        text = f"{_when(entry.get('at'))} {who}: {moved} — {entry.get('reason', '')}"
        lines.append(RoutingLine(t("routing_view.rerouted"), text.strip()))
    return lines


def routing_lines(
    routing: dict[str, Any] | None, center_code: str | None = None, topic_code: str | None = None
) -> list[RoutingLine]:
    """The explanation of a routing record in a few short lines (empty: not routed yet).

    ``center_code``, ``topic_code``: the ticket's, for records that do not name them.
    """
    routing = routing or {}
    if not routing:
        return []
    explanation = routing.get("explanation") or {}
    if not isinstance(explanation, dict):
        explanation = {}
    lines: list[RoutingLine] = []
    topic = _topic_line(routing, explanation, topic_code)
    if topic is not None:
        lines.append(topic)
    elif routing.get("needs_review"):
        lines.append(RoutingLine(t("routing_view.topic"), t("routing_view.no_evidence")))
    lines.append(_location_line(routing, explanation))
    lines.extend(_center_lines(routing, explanation, center_code))
    routed_at = _when(routing.get("routed_at"))
    by = routing.get("routed_by")
    if by:
        who = t("routing_view.auto") if by == "auto" else by
        lines.append(RoutingLine(t("routing_view.routed_by"), f"{who} {routed_at}".strip()))
    lines.extend(_history_lines(routing))
    return lines


def raw_detail(routing: dict[str, Any] | None) -> str:
    """The whole stored record, for supervisors' disclosure."""
    return json.dumps(routing or {}, ensure_ascii=False, indent=1)
