"""Search conditions that narrow a LIKE through the index, compiled per dialect.

``in_transcripts(key, terms)`` reads ``key IN (recording ids whose transcript holds every
bigram)``; the caller keeps its LIKE beside it, so results stay exactly the LIKE's and only
the rows the index names are scanned.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ARRAY, Text, TypeDecorator, bindparam
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import NullType, TypeEngine

from callcenter.search.index import SUMMARIES, TRANSCRIPTS


class QueryTerms(TypeDecorator[list[str]]):
    """Bigrams as a query: a ``text[]`` on PostgreSQL, an FTS5 AND of quoted tokens."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(Text()))
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: list[str] | None, dialect: Dialect) -> Any:
        if value is None or dialect.name == "postgresql":
            return value
        # FTS5: inside double quotes everything is literal but a doubled quote; quoted
        # strings side by side must all match.
        return " ".join('"' + term.replace('"', '""') + '"' for term in value)


class _InIndex(FunctionElement[bool]):
    # Not Boolean: SQLite (no native booleans) would get "... IN (...) = 1", which no
    # planner reads as a membership test, so every row was scanned.
    type = NullType()
    inherit_cache = True
    table: str


class in_transcripts(_InIndex):  # noqa: N801 - reads like the SQL it stands for
    """``key IN`` the recording ids whose transcript holds all ``terms``."""

    inherit_cache = True
    name = "in_transcripts"
    table = TRANSCRIPTS


class in_summaries(_InIndex):  # noqa: N801
    """``key IN`` the ticket ids whose typed summary holds all ``terms``."""

    inherit_cache = True
    name = "in_summaries"
    table = SUMMARIES


def narrowed(index: type[_InIndex], key: Any, terms: list[str]) -> ColumnElement[bool]:
    """``index(key, terms)`` with the terms as one bound parameter."""
    return index(key, bindparam(None, terms, type_=QueryTerms()))  # type: ignore[return-value]


def _parts(element: _InIndex, compiler: SQLCompiler, **kw: Any) -> tuple[str, str]:
    key, terms = element.clauses.clauses
    return compiler.process(key, **kw), compiler.process(terms, **kw)


@compiles(in_transcripts)
@compiles(in_summaries)
def _in_index_sqlite(element: _InIndex, compiler: SQLCompiler, **kw: Any) -> str:
    key, terms = _parts(element, compiler, **kw)
    return f"({key} IN (SELECT rowid FROM {element.table} WHERE {element.table} MATCH {terms}))"


@compiles(in_transcripts, "postgresql")
@compiles(in_summaries, "postgresql")
def _in_index_pg(element: _InIndex, compiler: SQLCompiler, **kw: Any) -> str:
    key, terms = _parts(element, compiler, **kw)
    table = element.table
    return f"({key} IN (SELECT rowid FROM {table} WHERE terms @> CAST({terms} AS TEXT[])))"


def like_pattern(word: str) -> str:
    """``%word%`` for LIKE ... ESCAPE '\\', with the word's own %, _ and \\ taken literally."""
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
