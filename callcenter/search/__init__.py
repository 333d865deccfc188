"""Full-text search over transcripts and operators' typed summaries, on SQLite and PostgreSQL.

``terms`` makes bigrams, ``index`` keeps the index tables, ``match`` narrows a LIKE through
them. Used by the supervisor call log and the operator console inbox.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Keep the index current on every ORM flush."""
    from callcenter.search.index import listen

    listen()
