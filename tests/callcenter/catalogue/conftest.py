"""A database holding the seed-sized demo catalogue, built once per module that reads it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from callcenter import create_app
from tests.conftest import _base_config, flush_redis, fresh_database


@pytest.fixture(scope="module")
def demo_app(
    database_template: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """An app whose database holds the demo catalogue (tests using it only read)."""
    folder = tmp_path_factory.mktemp("catalogue")
    url = fresh_database(database_template, folder)
    flush_redis(redis_url)
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
