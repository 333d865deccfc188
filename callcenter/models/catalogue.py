"""The support catalogue: equipment, experts, patents and labs, and their search index.

Columns follow the import format of issue #12 (``flask catalogue import``); list fields
(topics, keywords, fields, capabilities) are JSON lists like ``Ticket.institutes``, so the
same schema serves SQLite and PostgreSQL. Institute and center codes are foreign keys to
the seeded reference tables; topic codes are checked on import (topics.csv).
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.models.base import Base


class Equipment(Base):
    """A piece of equipment an SME can book (시험·분석·시제품 장비)."""

    __tablename__ = "catalogue_equipment"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(100), default="")
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    institute: Mapped[str] = mapped_column(ForeignKey("institutes.code"), index=True)
    center: Mapped[str | None] = mapped_column(ForeignKey("centers.code"))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    booking_contact: Mapped[str] = mapped_column(String(200), default="")
    fee_note: Mapped[str] = mapped_column(String(400), default="")
    demo: Mapped[bool] = mapped_column(Boolean, default=False)


class Expert(Base):
    """A researcher who can advise on a problem."""

    __tablename__ = "catalogue_experts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    institute: Mapped[str] = mapped_column(ForeignKey("institutes.code"), index=True)
    center: Mapped[str | None] = mapped_column(ForeignKey("centers.code"))
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    demo: Mapped[bool] = mapped_column(Boolean, default=False)


class Patent(Base):
    """A patent an institute can license or transfer."""

    __tablename__ = "catalogue_patents"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    number: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(400))
    abstract: Mapped[str] = mapped_column(Text, default="")
    ipc: Mapped[str] = mapped_column(String(100), default="")
    institute: Mapped[str] = mapped_column(ForeignKey("institutes.code"), index=True)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(40), default="")
    demo: Mapped[bool] = mapped_column(Boolean, default=False)


class Lab(Base):
    """A lab or test bed that takes on SME work."""

    __tablename__ = "catalogue_labs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    institute: Mapped[str] = mapped_column(ForeignKey("institutes.code"), index=True)
    center: Mapped[str | None] = mapped_column(ForeignKey("centers.code"))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    capabilities: Mapped[list[str]] = mapped_column(JSON, default=list)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)


class CatalogueTerm(Base):
    """One posting of the suggestion index: a term of a resource's text, and its weight.

    Written with the resource on import (callcenter/catalogue/index.py). Each row also
    carries the resource's point and topics, so ranking reads the postings of the caller's
    words and nothing else; only the few winners are then loaded for display.
    """

    __tablename__ = "catalogue_terms"
    # Replacing a resource's postings; not (kind, …): SQLite would scan it for GROUP BY.
    __table_args__ = (Index("ix_catalogue_terms_resource", "resource_id", "kind"),)

    term: Mapped[str] = mapped_column(String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    resource_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    weight: Mapped[float] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    topics: Mapped[str] = mapped_column(String(200), default="")  # ";"-joined topic codes
