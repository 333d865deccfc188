"""One table per kind drives the CSV header, validation, the database row and the index.

Each column says what it holds (``text``, ``list``, ``topics``, ``institute``, ``center``,
``lat``, ``lon``), whether it is required, its length limit and how much a word in it
counts for suggestions (0: not searched).
"""

from __future__ import annotations

from dataclasses import dataclass

from callcenter.models import Equipment, Expert, Lab, Patent
from callcenter.models.base import Base

LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    """One CSV column and model attribute."""

    name: str
    holds: str = "text"  # text | list | topics | institute | center | lat | lon | email
    required: bool = False
    max_len: int = 200
    weight: float = 0.0  # search weight of a word found here


@dataclass(frozen=True)
class Kind:
    """A kind of resource: its model, columns and the column that names it."""

    code: str
    label_ko: str
    model: type[Base]
    columns: tuple[Column, ...]
    name_column: str

    @property
    def header(self) -> list[str]:
        """The CSV header, in order."""
        return [c.name for c in self.columns]

    @property
    def searched(self) -> tuple[Column, ...]:
        """Columns whose words are indexed."""
        return tuple(c for c in self.columns if c.weight > 0)


_ID = Column("id", required=True, max_len=40)
_INSTITUTE = Column("institute", "institute", required=True, max_len=20)
_CENTER = Column("center", "center", max_len=20)
_TOPICS = Column("topics", "topics", max_len=200)
_LAT = Column("lat", "lat")
_LON = Column("lon", "lon")

KINDS: dict[str, Kind] = {
    "equipment": Kind(
        "equipment",
        "장비",
        Equipment,
        (
            _ID,
            Column("name_ko", required=True, weight=3.0),
            Column("name_en", weight=1.5),
            Column("category", max_len=100, weight=2.0),
            _TOPICS,
            _INSTITUTE,
            _CENTER,
            _LAT,
            _LON,
            Column("keywords", "list", max_len=1000, weight=2.0),
            Column("booking_contact"),
            Column("fee_note", max_len=400),
        ),
        "name_ko",
    ),
    "expert": Kind(
        "expert",
        "전문가",
        Expert,
        (
            _ID,
            Column("name", required=True, max_len=100),
            _INSTITUTE,
            _CENTER,
            _TOPICS,
            Column("fields", "list", max_len=1000, weight=3.0),
            Column("keywords", "list", max_len=1000, weight=2.0),
            Column("email", "email"),
            Column("phone", max_len=40),
        ),
        "name",
    ),
    "patent": Kind(
        "patent",
        "특허",
        Patent,
        (
            _ID,
            Column("number", required=True, max_len=40),
            Column("title", required=True, max_len=400, weight=3.0),
            Column("abstract", max_len=20000, weight=1.0),
            Column("ipc", max_len=100),
            _INSTITUTE,
            _TOPICS,
            Column("status", max_len=40),
        ),
        "title",
    ),
    "lab": Kind(
        "lab",
        "실험실",
        Lab,
        (
            _ID,
            Column("name", required=True, weight=3.0),
            _INSTITUTE,
            _CENTER,
            _LAT,
            _LON,
            _TOPICS,
            Column("capabilities", "list", max_len=2000, weight=2.0),
        ),
        "name",
    ),
}


def kind(code: str) -> Kind:
    """The kind called ``code`` (equipment, expert, patent, lab)."""
    try:
        return KINDS[code]
    except KeyError:
        raise ValueError(f"unknown catalogue kind {code!r}") from None
