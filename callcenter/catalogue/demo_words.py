"""Korean words of the demo catalogue, per topic, from ``words/*.tsv`` (one line each).

equipment.tsv: what a center's equipment is called, its category, topics and keywords;
fields.tsv: what experts work on; patents.tsv: things, defects and ways patent titles
are made of, and the IPC main group.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

WORDS_DIR = Path(__file__).with_name("words")

LAB_KINDS = ("공정기술 랩", "신뢰성평가 랩", "실증 테스트베드", "시제품 지원 랩", "분석 지원 랩")
SURNAMES = "김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 홍".split()
GIVEN = "민 서 지 현 준 우 영 수 하 진 태 성 은 호 경 재 윤 동 혜 상 원 희 석 훈 예".split()
PATENT_STATUSES = (("등록", 6), ("공개", 3), ("소멸", 1))
# Telephone area codes of the institutes' and centers' cities.
AREA_CODES = {
    **dict.fromkeys(("고양", "의왕", "안산"), "031"),
    **dict.fromkeys(("창원", "진주"), "055"),
    **dict.fromkeys(("완주", "김제"), "063"),
    "서울": "02",
    "천안": "041",
    "대전": "042",
    "광주": "062",
    "인천": "032",
    "부산": "051",
    "대구": "053",
    "강릉": "033",
    "울산": "052",
    "제주": "064",
}


def _rows(name: str) -> list[dict[str, str]]:
    with (WORDS_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.split(";") if v)


def _equipment() -> dict[str, tuple[tuple[str, str, str, str, str], ...]]:
    found: dict[str, list[tuple[str, str, str, str, str]]] = defaultdict(list)
    for r in _rows("equipment.tsv"):
        found[r["topic"]].append(
            (r["name_ko"], r["name_en"], r["category"], r["topics"], r["keywords"])
        )
    return {topic: tuple(items) for topic, items in found.items()}


# (name_ko, name_en, category, ";"-topics, ";"-keywords) per topic.
EQUIPMENT = _equipment()
FIELDS: dict[str, tuple[str, ...]] = {r["topic"]: _split(r["fields"]) for r in _rows("fields.tsv")}
# (things, defects, ways, IPC main group) per topic.
PATENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], str]] = {
    r["topic"]: (_split(r["things"]), _split(r["defects"]), _split(r["ways"]), r["ipc"])
    for r in _rows("patents.tsv")
}
