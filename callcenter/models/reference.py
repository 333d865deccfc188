"""Reference data seeded from routing/data/*.csv: topics, centers and institutes."""

from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.models.base import Base


class Topic(Base):
    """One of the 20 support topics (topics.csv)."""

    __tablename__ = "topics"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name_ko: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(80))
    keywords_ko: Mapped[str] = mapped_column(String(500), default="")


class Center(Base):
    """A regional center and the topics it covers (centers.csv)."""

    __tablename__ = "centers"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name_ko: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(120))
    city: Mapped[str] = mapped_column(String(40))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    topics: Mapped[str] = mapped_column(String(400))  # semicolon-separated topic codes

    @property
    def topic_codes(self) -> list[str]:
        """The topic codes this center covers."""
        return [t for t in self.topics.split(";") if t]


class Institute(Base):
    """A government research institute (institutes.csv)."""

    __tablename__ = "institutes"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name_ko: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(120))
    city: Mapped[str] = mapped_column(String(40))
    expertise: Mapped[str] = mapped_column(String(400))
