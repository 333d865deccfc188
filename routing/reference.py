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


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


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
