"""Alembic builds exactly the models' schema (search index included) and the reference data."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import create_engine, inspect

from callcenter.db import db
from callcenter.models import Base
from callcenter.search import index as search_index


def test_migrations_give_exactly_the_models_schema(app: Flask):
    """The template database was built by Alembic; compare it with Base.metadata."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    assert db.engine is not None
    with db.engine.connect() as conn:
        # The search index's tables are no models (FTS5 / GIN): compared apart, below.
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": search_index.include_name}
        )
        diff = compare_metadata(context, Base.metadata)
        tables = set(inspect(conn).get_table_names())
    assert diff == []
    assert set(Base.metadata.tables) <= tables
    assert {t.name for t in search_index.TABLES} <= tables  # op.create_search_index() ran


def test_autogenerate_adds_the_search_index_to_the_initial_schema(tmp_path):
    """Regenerating the one migration from the models (docs/architecture.md) keeps the index."""
    from alembic.autogenerate import produce_migrations, render_python_code
    from alembic.migration import MigrationContext

    from callcenter.search.migration import add_to_revision

    engine = create_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with engine.connect() as conn:
        script = produce_migrations(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    add_to_revision(None, None, [script])
    assert script.upgrade_ops is not None and script.downgrade_ops is not None
    upgrade = render_python_code(script.upgrade_ops)
    assert "op.create_table('transcripts'" in upgrade
    assert upgrade.rstrip().endswith("op.create_search_index()\n    # ### end Alembic commands ###")
    downgrade = render_python_code(script.downgrade_ops)
    assert "op.drop_search_index()" in downgrade.split("op.drop_table")[0]


def test_reference_data_is_seeded(app: Flask):
    from callcenter.models import Center, Institute, Topic

    with app.app_context():
        assert db.session.query(Topic).count() == 20
        assert db.session.query(Center).count() == 12
        assert db.session.query(Institute).count() == 25
        assert db.session.get(Topic, "casting").name_ko == "주조"
