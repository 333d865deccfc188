"""What the topic classifier returns: ranked topics, evidence, and the IVR menu prior."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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

    codes: Sequence[str]  # topic codes, in the model's order
    probs: Sequence[float]  # probability of each, same order
    order: Sequence[int]  # indexes into codes, most probable first
    hits: tuple[Hit, ...]
    examples: tuple[tuple[str, str, float], ...]
    menu: str | None = None
    words: int = 0

    @cached_property
    def ranked(self) -> tuple[tuple[str, float], ...]:
        """Every topic with its probability, most probable first."""
        return tuple((self.codes[i], self.probs[i]) for i in self.order)

    @property
    def topic(self) -> str:
        """The best topic code."""
        return self.codes[self.order[0]]

    @property
    def confidence(self) -> float:
        """Probability of the best topic."""
        return self.probs[self.order[0]]

    @property
    def low_confidence(self) -> bool:
        """True when an operator should check the topic (weak or no evidence)."""
        return self.words == 0 or self.confidence < LOW_CONFIDENCE

    def scores(self, top: int = 5) -> dict[str, float]:
        """The best ``top`` topics -> probability, best first."""
        if top == 5:
            return dict(self._top5)
        return {self.codes[i]: _sig(self.probs[i]) for i in self.order[:top]}

    @cached_property
    def _top5(self) -> dict[str, float]:
        return {self.codes[i]: _sig(self.probs[i]) for i in self.order[:5]}

    @cached_property
    def sorted_hits(self) -> tuple[Hit, ...]:
        """The lexicon hits, strongest first."""
        return tuple(sorted(self.hits, key=lambda h: -h.weight))

    def evidence(self, top: int = 3) -> dict[str, Any]:
        """Matched terms of the leading topics and the nearest known statements."""
        leading = {self.codes[i] for i in self.order[:top]}
        terms: dict[str, list[dict[str, Any]]] = {}
        for h in self.sorted_hits:
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


def _sig(p: float) -> float:
    """Three significant digits: 0.997, 0.00213 (a runner-up should not read as 0)."""
    return float(f"{p:.3g}")


@cache
def topic_names() -> dict[str, str]:
    """Topic code -> Korean name."""
    return {t.code: t.name_ko for t in reference.topics()}
