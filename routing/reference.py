"""The reference data (``routing/data/*.csv``), loaded once into frozen dataclasses.

The CSV codes are the contract shared with the issues and checks: used as they are.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")


@dataclass(frozen=True)
class TopicRef:
    """A support topic and its seed keywords."""

    code: str
    name_ko: str
    name_en: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class CenterRef:
    """A regional center, where it is and which topics it covers."""

    code: str
    name_ko: str
    name_en: str
    city: str
    lat: float
    lon: float
    topics: tuple[str, ...]


@dataclass(frozen=True)
class InstituteRef:
    """A government research institute and its expertise."""

    code: str
    name_ko: str
    name_en: str
    city: str
    expertise: tuple[str, ...]


@dataclass(frozen=True)
class AreaCode:
    """A landline area code and the provincial point it stands for."""

    prefix: str
    region_ko: str
    region_en: str
    lat: float
    lon: float


@dataclass(frozen=True)
class IvrRegion:
    """An answer to the IVR's region question: a digit for a group of provinces."""

    digit: str
    name_ko: str
    name_en: str
    provinces: tuple[str, ...]
    lat: float
    lon: float


@dataclass(frozen=True)
class LexiconEntry:
    """A weighted lexicon term for a topic (``lexicon.tsv``).

    ``term`` is a surface string (two syllables or more), a lemma ``form/TAG`` matched
    against the morphological analysis, or ``a+b``: every part must occur.
    """

    topic: str
    term: str
    weight: float


@dataclass(frozen=True)
class Statement:
    """A labelled caller statement: training data or evaluation data."""

    topic: str
    alt_topic: str | None
    text: str
    id: str = ""
    split: str = "train"


def _rows(name: str, *, base: Path = DATA_DIR) -> list[dict[str, str]]:
    delimiter = "\t" if name.endswith(".tsv") else ","
    with open(base / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter, quoting=csv.QUOTE_NONE))


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(";") if v.strip())


@cache
def topics() -> tuple[TopicRef, ...]:
    """The 20 topics, in file order."""
    return tuple(
        TopicRef(r["code"], r["name_ko"], r["name_en"], _split(r["keywords_ko"]))
        for r in _rows("topics.csv")
    )


@cache
def centers() -> tuple[CenterRef, ...]:
    """The 12 regional centers, in file order."""
    return tuple(
        CenterRef(
            r["code"],
            r["name_ko"],
            r["name_en"],
            r["city"],
            float(r["lat"]),
            float(r["lon"]),
            _split(r["topics"]),
        )
        for r in _rows("centers.csv")
    )


@cache
def institutes() -> tuple[InstituteRef, ...]:
    """The 25 research institutes, in file order."""
    return tuple(
        InstituteRef(r["code"], r["name_ko"], r["name_en"], r["city"], _split(r["expertise"]))
        for r in _rows("institutes.csv")
    )


@cache
def area_codes() -> tuple[AreaCode, ...]:
    """Landline area codes (02, 031, ... 064)."""
    return tuple(
        AreaCode(r["prefix"], r["region_ko"], r["region_en"], float(r["lat"]), float(r["lon"]))
        for r in _rows("area_codes.csv")
    )


@cache
def ivr_regions() -> tuple[IvrRegion, ...]:
    """The IVR region question's answers, digits 1-7."""
    return tuple(
        IvrRegion(
            r["digit"],
            r["name_ko"],
            r["name_en"],
            _split(r["provinces"]),
            float(r["lat"]),
            float(r["lon"]),
        )
        for r in _rows("ivr_regions.csv")
    )


@cache
def lexicon() -> tuple[LexiconEntry, ...]:
    """The weighted topic lexicon; every seed keyword of topics.csv is included."""
    entries = [
        LexiconEntry(r["topic"], r["term"], float(r["weight"])) for r in _rows("lexicon.tsv")
    ]
    codes = {t.code for t in topics()}
    unknown = sorted({e.topic for e in entries} - codes)
    if unknown:
        raise ValueError(f"lexicon.tsv: unknown topic codes {unknown}")
    # Seeds are the contract's vocabulary: make sure none is lost from the grown lexicon.
    present = {(e.topic, e.term.split("/")[0].replace(" ", "")) for e in entries}
    for t in topics():
        for kw in t.keywords:
            if (t.code, kw.replace(" ", "")) not in present:
                entries.append(LexiconEntry(t.code, kw.replace(" ", ""), 1.5))
    return tuple(entries)


def read_statements(path: Path) -> tuple[Statement, ...]:
    """Labelled statements from a TSV with columns topic, alt_topic, text (id, split optional)."""
    rows = _rows(path.name, base=path.parent)
    return tuple(
        Statement(
            r["topic"],
            r.get("alt_topic") or None,
            r["text"],
            r.get("id", ""),
            r.get("split", "train"),
        )
        for r in rows
    )


@cache
def training_statements() -> tuple[Statement, ...]:
    """The labelled training statements (``training.tsv``); never the held-out split."""
    return read_statements(DATA_DIR / "training.tsv")


@cache
def places() -> dict[str, str]:
    """Spoken place names (provinces, cities, counties; Korean and English) -> region_ko."""
    return {r["name"]: r["region_ko"] for r in _rows("places.tsv")}


@cache
def city_points() -> dict[str, tuple[float, float]]:
    """City-hall points of the institutes' cities (institutes.csv gives only the city)."""
    return {r["city"]: (float(r["lat"]), float(r["lon"])) for r in _rows("city_points.csv")}
