"""Search conditions answered through the index, compiled per dialect.

``keys_containing(index, key, text, word)`` selects the keys of the rows whose ``text``
LIKE ``'%word%'``, the same rows a LIKE over every text finds, but reading only those the
index names: the keys whose text holds every bigram of the word, then the LIKE on those
rows. A word of two characters that case folding leaves alone (도금, 용접, 5%) is one
bigram, and holding it is containing the word: the index answers by itself. A word without
bigrams (one character) is a plain LIKE over every text.
"""

from __future__ import annotations

import string
from typing import Any

from sqlalchemy import Select, Table, bindparam, select
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import NullType

from callcenter.search.index import StoredTerms
from callcenter.search.terms import bigrams


class QueryTerms(StoredTerms):
    """Bigrams as a query: a ``text[]`` on PostgreSQL, an FTS5 AND of quoted tokens."""

    cache_ok = True

    def process_bind_param(self, value: list[str] | None, dialect: Dialect) -> Any:
        if value is None or dialect.name == "postgresql":
            return value
        # FTS5: inside double quotes everything is literal but a doubled quote; quoted
        # strings side by side must all match.
        return " ".join('"' + term.replace('"', '""') + '"' for term in value)


class holds_all(FunctionElement[Any]):  # noqa: N801 - reads like the SQL it stands for
    """``holds_all(index.c.terms, terms)``: the index entry holds every one of ``terms``."""

    # Not Boolean: SQLite (no native booleans) would get "... MATCH ? = 1", which FTS5
    # refuses; any other boolean there would be compared with 1 and read no index.
    type = NullType()
    inherit_cache = True
    name = "holds_all"


@compiles(holds_all)
def _holds_all_sqlite(element: holds_all, compiler: SQLCompiler, **kw: Any) -> str:
    column, terms = element.clauses.clauses
    # FTS5 with detail=none takes MATCH on the table, not on a column.
    table = compiler.preparer.quote(column.table.name)  # type: ignore[attr-defined]
    return f"{table} MATCH {compiler.process(terms, **kw)}"


@compiles(holds_all, "postgresql")
def _holds_all_pg(element: holds_all, compiler: SQLCompiler, **kw: Any) -> str:
    column, terms = (compiler.process(c, **kw) for c in element.clauses.clauses)
    return f"{column} @> CAST({terms} AS TEXT[])"


def decided_by_index(word: str) -> bool:
    """Whether the index alone answers LIKE and ILIKE for ``word``.

    True for two characters without case (Hangul, digits, ASCII punctuation): a text holds
    the word exactly when its entry holds the one bigram. Not for cased letters (the index
    folds case, PostgreSQL's LIKE does not), nor for rarer symbols, which an FTS5 tokenizer
    of an older Unicode might read as spaces.
    """
    return bigrams(word) == [word] and all(
        (c.isalnum() or c in string.punctuation) and c.lower() == c == c.upper() for c in word
    )


def keys_containing(
    index: Table, key: Any, text: Any, word: str, *, ilike: bool = False
) -> Select[Any]:
    """Keys of the rows whose ``text`` LIKE (or ILIKE) ``%word%``, read through ``index``.

    ``key`` is the column the index's rowid stands for (transcripts.recording_id for the
    transcripts index, tickets.id for the summaries index).
    """
    terms = bigrams(word)
    if not terms:
        found = select(key)
    else:
        entries = select(index.c.rowid).where(
            holds_all(index.c.terms, bindparam(None, terms, type_=QueryTerms()))
        )
        if decided_by_index(word):
            return entries
        found = select(key).where(key.in_(entries))
    pattern = like_pattern(word)
    like = text.ilike(pattern, escape="\\") if ilike else text.like(pattern, escape="\\")
    # Never correlated: the caller may select from the same table around it.
    return found.where(like).correlate(None)


def like_pattern(word: str) -> str:
    """``%word%`` for LIKE ... ESCAPE '\\', with the word's own %, _ and \\ taken literally."""
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
