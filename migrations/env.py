"""Alembic environment: runs against the connection the flask command hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from callcenter.models import Base
from callcenter.search.index import include_name
from callcenter.search.migration import add_to_revision  # registers op.create_search_index

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Use the caller's connection, or build one from sqlalchemy.url."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _run(conn)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # The search index's tables are not models: created by op.create_search_index().
        include_name=include_name,
        process_revision_directives=add_to_revision,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
