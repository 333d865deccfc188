"""A database holding the seed-sized demo catalogue, built once per module that reads it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from redis import Redis
from sqlalchemy import create_engine, text

from callcenter import create_app
from tests.conftest import EXTERNAL_DB, REFERENCE_TABLES, _base_config


@pytest.fixture(scope="module")
def demo_app(
    database_template: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """An app whose database holds the demo catalogue (tests using it only read)."""
    folder = tmp_path_factory.mktemp("catalogue")
    if EXTERNAL_DB:
        url = database_template
        engine = create_engine(url)
        with engine.begin() as conn:
            tables = [
                r[0]
                for r in conn.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                )
                if r[0] not in REFERENCE_TABLES
            ]
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        engine.dispose()
    else:
        target = folder / "demo.sqlite3"
        shutil.copyfile(Path(database_template.split(":///", 1)[1]), target)
        url = f"sqlite:///{target}"
    Redis.from_url(redis_url).flushdb()
    recordings = folder / "recordings"
    recordings.mkdir()
    app = create_app(_base_config(url, redis_url, recordings))
    from callcenter.catalogue.demo import generate_catalogue
    from callcenter.db import db

    with app.app_context():
        generate_catalogue(db.session())
        db.session.commit()
    yield app
    db.dispose_all()
