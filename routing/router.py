"""One routing decision: topic, caller location, center, institutes, and the explanation.

``route(text, caller_number=..., ivr_region=..., menu_choice=...)`` is the entry point for
jobs, the CLI and the console's re-routing; ``RoutingDecision.as_dict()`` is the JSON
stored on the ticket and printed by ``flask route``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from routing.centers import (
    CenterChoice,
    choose_center,
    fallback_center,
    operator_center,
    suggest_institutes,
)
from routing.location import Location, resolve_location
from routing.topic_result import TopicResult, topic_names
from routing.topics import TopicClassifier

SOURCE_KO = {
    "area_code": "발신번호 지역번호",
    "ivr_digit": "ARS 지역 선택(번호)",
    "ivr_speech": "ARS 지역 응답(음성)",
    "operator": "상담원 입력",
    "unknown": "알 수 없음",
}
RULE_KO = {
    "nearest_eligible": "주제를 담당하는 센터 중 가장 가까운 곳",
    "nearest_overall": "주제를 담당하는 센터가 없어 가장 가까운 센터",
    "unknown_location": "발신 지역을 알 수 없어 전국 평균 거리가 가장 짧은 담당 센터",
    "operator": "상담원이 지정한 센터",
}


@dataclass(frozen=True)
class RoutingDecision:
    """Everything decided for one ticket, and why."""

    topic: str
    topic_source: str  # classifier | operator
    result: TopicResult | None
    location: Location
    choice: CenterChoice
    institutes: tuple[dict[str, Any], ...]
    flags: tuple[str, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def center(self) -> str:
        """The chosen center's code."""
        return self.choice.center.code

    @property
    def distance_km(self) -> float | None:
        """Distance from the caller's point to the chosen center (None when unknown)."""
        return None if self.choice.distance_km is None else round(self.choice.distance_km, 1)

    def topic_scores(self) -> dict[str, float]:
        """The leading topics and their probabilities."""
        return self.result.scores() if self.result else {}

    def summary_ko(self) -> str:
        """One line an operator can read."""
        names = topic_names()
        parts = [f"주제 {names.get(self.topic, self.topic)}({self.topic})"]
        if self.result is not None and self.topic_source == "classifier":
            parts[0] += f" {self.result.confidence:.0%}"
            terms = [h.matched for h in self.result.sorted_hits if h.topic == self.topic][:4]
            if terms:
                parts.append("근거: " + ", ".join(f"'{t}'" for t in dict.fromkeys(terms)))
        elif self.topic_source == "operator":
            parts[0] += " (상담원 지정)"
        loc = self.location
        parts.append(
            f"위치: {loc.region} ({SOURCE_KO[loc.source]} {loc.detail})".rstrip()
            if loc.known
            else "위치: 알 수 없음 — 상담원 확인 필요"
        )
        c = self.choice
        line = f"배정: {c.center.name_ko}"
        if c.distance_km is not None:
            line += f" {c.distance_km:.1f} km"
        if c.runner_up is not None:
            line += f" (차순위 {c.runner_up.name_ko}"
            line += f" {c.runner_up_km:.1f} km)" if c.runner_up_km is not None else ")"
        parts.append(line)
        return " · ".join(parts)

    def explanation(self) -> dict[str, Any]:
        """The record stored on the ticket: scores, evidence, location source, distances."""
        c = self.choice
        r = self.result
        return {
            "summary": self.summary_ko(),
            "topic": {
                "code": self.topic,
                "name_ko": topic_names().get(self.topic, self.topic),
                "source": self.topic_source,
                "confidence": round(r.confidence, 3) if r else None,
                "scores": r.scores() if r else {},
                "evidence": r.evidence() if r else {},
            },
            "location": {**self.location.as_dict(), "source_ko": SOURCE_KO[self.location.source]},
            "center": {
                "code": c.center.code,
                "name_ko": c.center.name_ko,
                "distance_km": self.distance_km,
                "rule": c.rule,
                "rule_ko": RULE_KO[c.rule],
                "eligible": list(c.eligible),
                "runner_up": None
                if c.runner_up is None
                else {
                    "code": c.runner_up.code,
                    "name_ko": c.runner_up.name_ko,
                    "distance_km": None if c.runner_up_km is None else round(c.runner_up_km, 1),
                },
            },
            "institutes": [dict(i) for i in self.institutes],  # copies: the records are shared
            "flags": list(self.flags),
            **dict(self.extra),
        }

    def as_dict(self) -> dict[str, Any]:
        """The JSON contract of ``flask route`` and of ``Ticket.routing``."""
        return {
            "topic": self.topic,
            "topic_scores": self.topic_scores(),
            "center": self.center,
            "distance_km": self.distance_km,
            "region": self.location.region,
            "institutes": [i["code"] for i in self.institutes],
            "explanation": self.explanation(),
        }


class Router:
    """Routes statements with one loaded classifier."""

    def __init__(self, classifier: TopicClassifier | None = None) -> None:
        self.classifier = classifier or TopicClassifier.load()
        # Part of loading: the known statements' words are analysed once, up front.
        self.classifier.warm(self.classifier.ex_text)
        self._model = {
            "model": {
                k: self.classifier.meta[k] for k in ("version", "lexicon_weight", "statements")
            }
        }

    def decide(
        self,
        topic: str,
        location: Location,
        *,
        result: TopicResult | None = None,
        topic_source: str = "classifier",
        center_code: str | None = None,
    ) -> RoutingDecision:
        """Center and institutes for a known topic and location."""
        if topic not in topic_names():
            raise ValueError(f"unknown topic code {topic!r}")
        flags = []
        if center_code:
            choice = operator_center(center_code, topic, location.lat, location.lon)
        elif location.known:
            assert location.lat is not None and location.lon is not None
            choice = choose_center(topic, location.lat, location.lon)
        else:
            choice = fallback_center(topic)
        if not location.known:
            flags.append("location_unknown")
        if choice.rule == "nearest_overall":
            flags.append("no_center_covers_topic")
        if center_code and center_code not in choice.eligible:
            flags.append("center_does_not_cover_topic")
        if result is not None and topic_source == "classifier":
            if result.words == 0:
                flags.append("no_text")
            elif result.low_confidence:
                flags.append("low_confidence_topic")
        # Institutes: nearest to the caller, or to the chosen center when the caller is unknown.
        lat = location.lat if location.known else choice.center.lat
        lon = location.lon if location.known else choice.center.lon
        return RoutingDecision(
            topic,
            topic_source,
            result,
            location,
            choice,
            _institute_records(topic, lat, lon),
            tuple(flags),
            self._model,
        )

    def route(
        self,
        text: str,
        *,
        caller_number: str | None = None,
        ivr_region: str | None = None,
        menu_choice: str | None = None,
        region_source: str | None = None,
        topic: str | None = None,
        center_code: str | None = None,
    ) -> RoutingDecision:
        """Classify ``text`` (unless ``topic`` is given), locate the caller, choose a center."""
        result = self.classifier.classify(text or "", menu_choice=menu_choice)
        return self._finish(result, caller_number, ivr_region, region_source, topic, center_code)

    def route_many(self, items: Iterable[Mapping[str, Any]]) -> list[RoutingDecision]:
        """Route several tickets (``route``'s keyword arguments plus ``text`` each) at once."""
        batch = list(items)
        results = self.classifier.classify_many(
            [item.get("text") or "" for item in batch], [item.get("menu_choice") for item in batch]
        )
        return [
            self._finish(
                result,
                item.get("caller_number"),
                item.get("ivr_region"),
                item.get("region_source"),
                item.get("topic"),
                item.get("center_code"),
            )
            for result, item in zip(results, batch, strict=True)
        ]

    def _finish(
        self,
        result: TopicResult,
        caller_number: str | None,
        ivr_region: str | None,
        region_source: str | None,
        topic: str | None,
        center_code: str | None,
    ) -> RoutingDecision:
        location = resolve_location(caller_number, ivr_region, ivr_source=region_source)
        chosen = topic or result.topic
        return self.decide(
            chosen,
            location,
            result=result,
            topic_source="classifier" if chosen == result.topic else "operator",
            center_code=center_code,
        )


@lru_cache(maxsize=4096)
def _institute_records(
    topic: str, lat: float | None, lon: float | None
) -> tuple[dict[str, Any], ...]:
    # Memoised per (topic, point): callers' points are a few dozen provincial points.
    return tuple(
        {
            "code": s.institute.code,
            "name_ko": s.institute.name_ko,
            "city": s.institute.city,
            "distance_km": None if s.distance_km is None else round(s.distance_km, 1),
        }
        for s in suggest_institutes(topic, lat, lon)
    )


@cache
def get_router() -> Router:
    """The process-wide router (model loaded once per process)."""
    return Router()


def route(
    text: str,
    *,
    caller_number: str | None = None,
    ivr_region: str | None = None,
    menu_choice: str | None = None,
) -> RoutingDecision:
    """Route one statement with the process-wide router."""
    return get_router().route(
        text, caller_number=caller_number, ivr_region=ivr_region, menu_choice=menu_choice
    )


__all__ = ["RoutingDecision", "Router", "get_router", "route"]
