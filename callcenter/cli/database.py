"""Schema migrations (Alembic) and reference-data seeding."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from flask.cli import with_appcontext

from callcenter.config import ConfigError
from callcenter.db import db

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(app: Flask) -> Config:
    """Alembic configuration pointing at this app's database."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", app.config["DATABASE_URL"].replace("%", "%%"))
    return cfg


def upgrade_schema(app: Flask, revision: str = "head") -> None:
    """Bring the schema to ``revision``; ConfigError if the database is unreachable."""
    db.check()
    cfg = alembic_config(app)
    assert db.engine is not None
    with db.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def seed(app: Flask) -> dict[str, int]:
    """Load the reference data and commit."""
    from callcenter.services.reference import seed_reference

    counts = seed_reference(db.session)
    db.session.commit()
    return counts


def complete_search_index() -> dict[str, int] | None:
    """Rebuild the search index if it lacks entries (texts loaded before it existed)."""
    from callcenter.search.index import ensure_complete

    rebuilt = ensure_complete(db.session())
    db.session.commit()
    return rebuilt


@click.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def upgrade_command(revision: str) -> None:
    """Upgrade the schema to REVISION (default: head)."""
    try:
        upgrade_schema(current_app, revision)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"schema at {revision}")


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def downgrade_command(revision: str) -> None:
    """Downgrade the schema to REVISION."""
    cfg = alembic_config(current_app)
    assert db.engine is not None
    with db.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@with_appcontext
def revision_command(message: str) -> None:
    """Autogenerate a migration from the models (developers only)."""
    cfg = alembic_config(current_app)
    assert db.engine is not None
    with db.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.revision(cfg, message=message, autogenerate=True)


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Load topics, centers and institutes from the bundled reference data."""
    counts = seed(current_app)
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))


@click.command("setup")
@with_appcontext
def setup_command() -> None:
    """Upgrade the schema, seed the reference data, complete the search index (safe to repeat)."""
    try:
        upgrade_schema(current_app)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    counts = seed(current_app)
    if (rebuilt := complete_search_index()) is not None:
        entries = ", ".join(f"{table}: {n:,}" for table, n in rebuilt.items())
        click.echo(f"검색 색인 재구성 (search index rebuilt): {entries}")
    click.echo("database ready; " + ", ".join(f"{k}: {v}" for k, v in counts.items()))
