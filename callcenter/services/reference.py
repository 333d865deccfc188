"""Seed the reference tables from the CSVs shipped in routing/data."""

from __future__ import annotations

from sqlalchemy.orm import Session, scoped_session

from callcenter.models import Center, Institute, Topic
from routing import reference


def seed_reference(session: Session | scoped_session[Session]) -> dict[str, int]:
    """Insert or update topics, centers and institutes; returns counts per table."""
    for t in reference.topics():
        session.merge(
            Topic(
                code=t.code, name_ko=t.name_ko, name_en=t.name_en, keywords_ko=";".join(t.keywords)
            )
        )
    session.flush()
    for c in reference.centers():
        session.merge(
            Center(
                code=c.code,
                name_ko=c.name_ko,
                name_en=c.name_en,
                city=c.city,
                lat=c.lat,
                lon=c.lon,
                topics=";".join(c.topics),
            )
        )
    for i in reference.institutes():
        session.merge(
            Institute(
                code=i.code,
                name_ko=i.name_ko,
                name_en=i.name_en,
                city=i.city,
                expertise=";".join(i.expertise),
            )
        )
    session.flush()
    return {
        "topics": len(reference.topics()),
        "centers": len(reference.centers()),
        "institutes": len(reference.institutes()),
    }
