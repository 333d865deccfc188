"""The search index's tables: created, kept current on every flush, rebuilt on demand.

One entry per transcript (keyed by its recording id) and one per ticket whose summary an
operator typed (keyed by the ticket id), each holding the text's bigrams (see ``terms``):

- SQLite: FTS5 virtual tables; the tokenizer splits only at spaces, so each bigram,
  punctuation included, is one token;
- PostgreSQL: tables with a ``text[]`` of bigrams under a GIN index.

Alembic's autogenerate cannot describe either, so they live outside ``Base.metadata``: the
migration creates them with ``op.create_search_index()`` (``migration.py``), and
``include_name`` keeps autogenerate and the schema check away from them. Entries are
written in ``after_flush`` (the ORM writes of the transcription job, the summary form, the
console and the tests all pass there); bulk Core inserts such as the demo history call
``write`` themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import (
    ARRAY,
    Column,
    Connection,
    Integer,
    MetaData,
    Table,
    Text,
    TypeDecorator,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.types import TypeEngine

from callcenter.models import Ticket, Transcript
from callcenter.search.terms import bigrams

TRANSCRIPTS = "search_transcripts"  # rowid: transcripts.recording_id
SUMMARIES = "search_summaries"  # rowid: tickets.id
BATCH = 2000

# Every character class but spaces makes up tokens, so "요." or "5%" stay one token each.
_TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* M* N* P* S* C*'"
# detail='none': no positions kept; a bigram only names the entries that hold it.
_SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5("
    f"terms, detail='none', columnsize=0, tokenize=\"{_TOKENIZER}\")"
)
_PG_TABLE_DDL = (
    "CREATE TABLE IF NOT EXISTS {name} (rowid INTEGER PRIMARY KEY, terms TEXT[] NOT NULL)"
)
_PG_INDEX_DDL = "CREATE INDEX IF NOT EXISTS ix_{name}_terms ON {name} USING gin (terms)"
# FTS5 keeps its data in shadow tables named after the virtual table.
_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")


class StoredTerms(TypeDecorator[list[str]]):
    """Bigrams as stored: a ``text[]`` on PostgreSQL, space-separated tokens for FTS5."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(Text()))
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: list[str] | None, dialect: Dialect) -> Any:
        if value is None or dialect.name == "postgresql":
            return value
        return " ".join(value)


metadata = MetaData()
transcript_entries = Table(
    TRANSCRIPTS,
    metadata,
    Column("rowid", Integer, primary_key=True, autoincrement=False),
    Column("terms", StoredTerms()),
)
summary_entries = Table(
    SUMMARIES,
    metadata,
    Column("rowid", Integer, primary_key=True, autoincrement=False),
    Column("terms", StoredTerms()),
)
TABLES = (transcript_entries, summary_entries)


def is_index_table(name: str | None) -> bool:
    """Whether ``name`` is one of the index's tables (or an FTS5 shadow table of one)."""
    return name is not None and any(
        name == t.name or (name.startswith(t.name) and name[len(t.name) :] in _SHADOW_SUFFIXES)
        for t in TABLES
    )


def include_name(name: str | None, type_: str, _parents: Mapping[str, str | None]) -> bool:
    """Alembic's ``include_name`` hook: leave the index's tables out of schema comparisons."""
    return not (type_ == "table" and is_index_table(name))


def create_tables(conn: Connection, *, gin: bool = True) -> None:
    """Create the index's tables if missing (the migration, and databases made before it)."""
    for table in TABLES:
        if conn.dialect.name == "postgresql":
            conn.execute(text(_PG_TABLE_DDL.format(name=table.name)))
            if gin:
                conn.execute(text(_PG_INDEX_DDL.format(name=table.name)))
        else:
            conn.execute(text(_SQLITE_DDL.format(name=table.name)))


def drop_tables(conn: Connection) -> None:
    """Drop the index's tables (the migration's downgrade, and rebuilds)."""
    for table in TABLES:
        conn.execute(text(f"DROP TABLE IF EXISTS {table.name}"))


def write(conn: Connection, table: Table, texts: Mapping[int, str | None]) -> None:
    """Replace the entries of these keys by their texts' bigrams; None removes an entry."""
    keys = list(texts)
    for start in range(0, len(keys), 500):
        conn.execute(delete(table).where(table.c.rowid.in_(keys[start : start + 500])))
    _insert(conn, table, ((k, v) for k, v in texts.items() if v is not None))


def _insert(conn: Connection, table: Table, rows: Iterable[tuple[int, str]]) -> None:
    values = [{"rowid": key, "terms": bigrams(value)} for key, value in rows]
    if values:
        conn.execute(insert(table), values)


def _changed(obj: Any, name: str) -> bool:
    return bool(inspect(obj).attrs[name].history.has_changes())


def _after_flush(session: Session, _context: Any) -> None:
    """Write the entries of transcripts and summaries this flush added, changed or deleted."""
    heard: dict[int, str | None] = {}
    typed: dict[int, str | None] = {}
    for obj in session.deleted:
        if isinstance(obj, Transcript):
            heard[obj.recording_id] = None
        elif isinstance(obj, Ticket):
            typed[obj.id] = None
    for obj in session.new:
        if isinstance(obj, Transcript):
            heard[obj.recording_id] = obj.text or ""
        elif isinstance(obj, Ticket) and obj.summary is not None:
            typed[obj.id] = obj.summary
    for obj in session.dirty:
        if isinstance(obj, Transcript) and (_changed(obj, "text") or _changed(obj, "recording_id")):
            for old in inspect(obj).attrs.recording_id.history.deleted or ():
                heard.setdefault(old, None)
            heard[obj.recording_id] = obj.text or ""
        elif isinstance(obj, Ticket) and _changed(obj, "summary"):
            typed[obj.id] = obj.summary
    if heard or typed:
        conn = session.connection()
        write(conn, transcript_entries, heard)
        write(conn, summary_entries, typed)


def listen() -> None:
    """Keep the index current on every ORM flush (once per process)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def _sources() -> tuple[tuple[Table, InstrumentedAttribute[int], InstrumentedAttribute[Any]], ...]:
    return (
        (transcript_entries, Transcript.recording_id, Transcript.text),
        (summary_entries, Ticket.id, Ticket.summary),
    )


def rebuild(session: Session) -> dict[str, int]:
    """Index every transcript and typed summary afresh; the caller commits.

    The tables are dropped and refilled (PostgreSQL: GIN built after the rows, which is
    faster than maintaining it row by row); searches wait for the commit.
    """
    conn = session.connection()
    drop_tables(conn)
    create_tables(conn, gin=False)
    counts = {}
    for table, key, value in _sources():
        counts[table.name] = 0
        last = None
        while True:
            query = select(key, value).where(value.is_not(None)).order_by(key).limit(BATCH)
            rows = conn.execute(query if last is None else query.where(key > last)).all()
            if not rows:
                break
            _insert(conn, table, ((k, v or "") for k, v in rows))
            counts[table.name] += len(rows)
            last = rows[-1][0]
    create_tables(conn)
    for table in TABLES:
        if conn.dialect.name == "sqlite":  # merge the b-trees written batch by batch
            conn.execute(text(f"INSERT INTO {table.name}({table.name}) VALUES ('optimize')"))
        else:  # element statistics: how many entries a bigram names, for the planner
            conn.execute(text(f"ANALYZE {table.name}"))
    return counts


def missing(session: Session) -> dict[str, int]:
    """Per index table, how many entries it lacks (negative: stale extra entries)."""
    conn = session.connection()
    gaps = {}
    for table, key, value in _sources():
        wanted = conn.scalar(select(func.count(key)).where(value.is_not(None))) or 0
        held = conn.scalar(select(func.count()).select_from(table)) or 0
        gaps[table.name] = wanted - held
    return gaps


def ensure_complete(session: Session) -> dict[str, int] | None:
    """Create missing tables and rebuild when entries are missing; the counts if rebuilt."""
    create_tables(session.connection())
    if any(missing(session).values()):
        return rebuild(session)
    return None
