"""What the topic classifier returns: ranked topics, evidence, and the IVR menu prior."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from routing import reference
from routing.lexicon import Hit

TECHNICAL = (
    "casting",
    "mold",
    "injection",
    "forming",
    "welding",
    "surface",
    "heat",
    "materials",
    "machining",
    "electric",
    "chemical",
    "textile",
    "robot",
    "bio",
    "energy",
)
# IVR main menu: 1 technical advice, 2 testing/certification and equipment, 3 patents,
# people and markets; 0 (operator) says nothing about the topic.
MENU_GROUPS: dict[str, tuple[str, ...]] = {
    "1": TECHNICAL,
    "2": ("cert", "equipment"),
    "3": ("ip", "hr", "market"),
}
MENU_ALIASES = {"technical": "1", "tech": "1", "support": "2", "cert": "2", "business": "3"}
# ~2x odds for the menu's topics: breaks near-ties, cannot outvote a clear statement.
MENU_PRIOR = 0.7
LOW_CONFIDENCE = 0.45


def menu_group(menu_choice: str | None) -> tuple[str, tuple[str, ...]] | None:
    """The (digit, topics) a menu answer points at, or None for no/unknown answer."""
    if not menu_choice:
        return None
    key = str(menu_choice).strip().lower()
    key = MENU_ALIASES.get(key, key)
    topics = MENU_GROUPS.get(key)
    return (key, topics) if topics else None


@dataclass(frozen=True)
class TopicResult:
    """Ranked topics with probabilities and the evidence behind them."""

    ranked: tuple[tuple[str, float], ...]
    hits: tuple[Hit, ...]
    examples: tuple[tuple[str, str, float], ...]
    menu: str | None = None
    words: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def topic(self) -> str:
        """The best topic code."""
        return self.ranked[0][0]

    @property
    def confidence(self) -> float:
        """Probability of the best topic."""
        return self.ranked[0][1]

    @property
    def low_confidence(self) -> bool:
        """True when an operator should check the topic (weak or no evidence)."""
        return self.words == 0 or self.confidence < LOW_CONFIDENCE

    def scores(self, top: int = 5) -> dict[str, float]:
        """The best ``top`` topics -> probability, best first."""
        if top == 5:
            return dict(self._top5)
        return {code: round(p, 3) for code, p in self.ranked[:top]}

    @cached_property
    def _top5(self) -> dict[str, float]:
        return {code: round(p, 3) for code, p in self.ranked[:5]}

    def evidence(self, top: int = 3) -> dict[str, Any]:
        """Matched terms of the leading topics and the nearest known statements."""
        leading = {code for code, _ in self.ranked[:top]}
        terms: dict[str, list[dict[str, Any]]] = {}
        for h in sorted(self.hits, key=lambda h: -h.weight):
            if h.topic in leading:
                terms.setdefault(h.topic, []).append(
                    {"term": h.term, "heard": h.matched, "weight": h.weight}
                )
        return {
            "terms": terms,
            "examples": [
                {"text": text, "topic": topic, "similarity": round(sim, 2)}
                for text, topic, sim in self.examples
            ],
            "menu_prior": self.menu,
        }


@cache
def topic_names() -> dict[str, str]:
    """Topic code -> Korean name."""
    return {t.code: t.name_ko for t in reference.topics()}
