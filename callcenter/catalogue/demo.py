"""The demo catalogue: the seed's size (13,588 patents, 1,881 equipment, 4,814 experts,
200 labs), believable Korean names per topic, the same for the same seed, marked demo.

Each resource belongs to an institute whose expertise covers its topic (KITECH for about
half, as KITECH runs the regional centers); KITECH's equipment and labs stand at a center
covering the topic, the other institutes' at their city's point.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from callcenter.catalogue import demo_words as words
from callcenter.catalogue.columns import KINDS
from callcenter.catalogue.store import ImportReport, upsert
from routing import reference

SIZES = {"patent": 13_588, "equipment": 1_881, "expert": 4_814, "lab": 200}
ID_PREFIX = {"equipment": "EQ", "expert": "EX", "patent": "PT", "lab": "LB"}
VARIANTS = ("", "", "", " (대형)", " (소형)", " (고정밀)", " 2호기", " (공동활용)")


class _Places:
    """Who may hold a resource of a topic, and where it stands."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.institutes = {i.code: i for i in reference.institutes()}
        self.centers = reference.centers()
        self.cities = reference.city_points()

    def owner(self, topic: str) -> tuple[str, str | None]:
        """An institute covering ``topic`` and, for KITECH, a center covering it."""
        covering = sorted(c for c, i in self.institutes.items() if topic in i.expertise)
        others = [c for c in covering if c != "KITECH"]
        if not others or self.rng.random() < 0.5:
            eligible = [c.code for c in self.centers if topic in c.topics]
            return "KITECH", self.rng.choice(eligible) if eligible else None
        return self.rng.choice(others), None

    def point(self, institute: str, center: str | None) -> tuple[float, float]:
        """The center's point, else the institute's city's."""
        for c in self.centers:
            if c.code == center:
                return c.lat, c.lon
        return self.cities[self.institutes[institute].city]

    def city(self, institute: str, center: str | None) -> str:
        """The center's city, else the institute's."""
        found = next((c.city for c in self.centers if c.code == center), None)
        return found or self.institutes[institute].city

    def phone(self, institute: str, center: str | None) -> str:
        """A number in the right area code."""
        area = words.AREA_CODES.get(self.city(institute, center), "042")
        return f"{area}-{self.rng.randint(200, 999)}-{self.rng.randint(1000, 9999)}"


def _josa(word: str, with_final: str, without: str) -> str:
    """``word`` and the particle form its last syllable takes (을/를, 이/가)."""
    last = word[-1]
    final = "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 != 0
    return word + (with_final if final else without)


def _topics() -> list[str]:
    return [t.code for t in reference.topics()]


def equipment_rows(rng: random.Random, places: _Places, count: int) -> list[dict[str, Any]]:
    """Equipment spread over the topics that have equipment."""
    kinds = sorted(words.EQUIPMENT)
    rows = []
    for n in range(1, count + 1):
        topic = kinds[(n - 1) % len(kinds)]
        name_ko, name_en, category, topics, keywords = rng.choice(words.EQUIPMENT[topic])
        institute, center = places.owner(topic)
        lat, lon = places.point(institute, center)
        variant = rng.choice(VARIANTS)
        rows.append(
            {
                "id": f"EQ-{n:05d}",
                "name_ko": name_ko + variant,
                "name_en": name_en,
                "category": category,
                "topics": topics.split(";"),
                "institute": institute,
                "center": center,
                "lat": lat,
                "lon": lon,
                "keywords": keywords.split(";"),
                "booking_contact": f"장비 담당 {places.phone(institute, center)}",
                "fee_note": rng.choice(
                    ("중소기업 50% 할인", "1일 기준 사용료", "시간당 사용료, 시료 준비 별도", "")
                ),
            }
        )
    return rows


def _person(rng: random.Random) -> str:
    return rng.choice(words.SURNAMES) + rng.choice(words.GIVEN) + rng.choice(words.GIVEN)


def expert_rows(rng: random.Random, places: _Places, count: int) -> list[dict[str, Any]]:
    """Researchers with two or three fields of one topic, sometimes a second topic."""
    topics = _topics()
    names = {t.code: t for t in reference.topics()}
    rows = []
    for n in range(1, count + 1):
        topic = topics[(n - 1) % len(topics)]
        institute, center = places.owner(topic)
        fields = rng.sample(words.FIELDS[topic], k=min(len(words.FIELDS[topic]), rng.randint(2, 3)))
        mine = [topic]
        if rng.random() < 0.3:
            mine.append(rng.choice([t for t in topics if t != topic]))
        keywords = rng.sample(names[topic].keywords, k=min(3, len(names[topic].keywords)))
        rows.append(
            {
                "id": f"EX-{n:05d}",
                "name": _person(rng),
                "institute": institute,
                "center": center,
                "topics": mine,
                "fields": fields,
                "keywords": keywords,
                "email": f"ex{n:05d}@{institute.lower()}.re.kr",
                "phone": places.phone(institute, center),
            }
        )
    return rows


def patent_rows(rng: random.Random, places: _Places, count: int) -> list[dict[str, Any]]:
    """Patents titled from each topic's things, defects and ways."""
    topics = _topics()
    statuses = [s for s, weight in words.PATENT_STATUSES for _ in range(weight)]
    rows = []
    for n in range(1, count + 1):
        topic = topics[(n - 1) % len(topics)]
        things, defects, ways, ipc = words.PATENTS[topic]
        thing, defect, way = rng.choice(things), rng.choice(defects), rng.choice(ways)
        title = rng.choice(
            (
                f"{_josa(way, '을', '를')} 이용한 {thing}의 {defect} 저감 방법",
                f"{_josa(defect, '이', '가')} 억제된 {thing} 및 그 제조방법",
                f"{thing}의 {defect} 검사 장치 및 방법",
                f"{way} 기반 {thing} 제조 시스템",
            )
        )
        institute, _center = places.owner(topic)
        year = rng.randint(2012, 2025)
        rows.append(
            {
                "id": f"PT-{n:05d}",
                "number": f"10-{year}-{rng.randint(1, 199999):07d}",
                "title": title,
                "abstract": (
                    f"본 발명은 {thing}에 관한 것으로, {way} 공정을 적용하여 {defect} 문제를 "
                    f"줄이고 생산성과 품질을 높인다."
                ),
                "ipc": f"{ipc} {rng.randint(1, 99)}/{rng.randint(0, 99):02d}",
                "institute": institute,
                "topics": [topic],
                "status": rng.choice(statuses),
            }
        )
    return rows


def lab_rows(rng: random.Random, places: _Places, count: int) -> list[dict[str, Any]]:
    """Labs per topic, with what they can do."""
    topics = _topics()
    names = {t.code: t.name_ko for t in reference.topics()}
    rows = []
    for n in range(1, count + 1):
        topic = topics[(n - 1) % len(topics)]
        institute, center = places.owner(topic)
        lat, lon = places.point(institute, center)
        lab_kind = words.LAB_KINDS[(n - 1) // len(topics) % len(words.LAB_KINDS)]
        owned = [e[0] for e in words.EQUIPMENT.get(topic, ())]
        capabilities = rng.sample(words.FIELDS[topic], k=2) + rng.sample(
            owned, k=min(2, len(owned))
        )
        rows.append(
            {
                "id": f"LB-{n:05d}",
                "name": f"{places.city(institute, center)} {names[topic]} {lab_kind}",
                "institute": institute,
                "center": center,
                "lat": lat,
                "lon": lon,
                "topics": [topic],
                "capabilities": capabilities,
            }
        )
    return rows


GENERATORS: dict[str, Callable[[random.Random, _Places, int], list[dict[str, Any]]]] = {
    "equipment": equipment_rows,
    "expert": expert_rows,
    "patent": patent_rows,
    "lab": lab_rows,
}


def demo_rows(kind: str, seed: int = 1379, count: int | None = None) -> list[dict[str, Any]]:
    """The demo rows of one kind (the seed's size unless ``count`` is given)."""
    rng = random.Random(f"{seed}:{kind}")
    return GENERATORS[kind](rng, _Places(rng), SIZES[kind] if count is None else count)


def generate_catalogue(session: Session, seed: int = 1379) -> dict[str, ImportReport]:
    """Write the demo catalogue (upserts, flushes; the caller commits); what each kind did."""
    return {kind: upsert(session, KINDS[kind], demo_rows(kind, seed), demo=True) for kind in KINDS}
