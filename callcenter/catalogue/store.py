"""Upserting catalogue rows in bulk (Core statements in batches) and exporting them.

A row is compared with the stored one first: unchanged rows are neither written nor
re-indexed, so a repeated import changes nothing. New and changed rows go in with one
``INSERT … ON CONFLICT (id) DO UPDATE`` per batch (SQLite and PostgreSQL alike), then
their index postings are replaced. Services flush, callers commit.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from callcenter.catalogue import index
from callcenter.catalogue.columns import KINDS, Kind
from callcenter.catalogue.rows import CatalogueFileError, RowError, cell, decode, parse

BATCH = 500


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    kind: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    def summary_ko(self) -> str:
        """One line for the operator."""
        head = "점검만 함(기록 안 함) — " if self.dry_run else ""
        return (
            f"{head}{self.kind}: 추가 {self.inserted:,}, 변경 {self.updated:,}, "
            f"그대로 {self.unchanged:,}, 오류 {len(self.errors):,}행 "
            f"(inserted, updated, unchanged, rejected)"
        )


def _table(kind: Kind) -> Table:
    table = kind.model.__table__
    assert isinstance(table, Table)
    return table


def import_file(session: Session, kind: Kind, path: Path, *, dry_run: bool = False) -> ImportReport:
    """Import a UTF-8 CSV file of ``kind``; bad rows are reported and skipped."""
    parsed = parse(kind, decode(path.read_bytes()))
    report = upsert(session, kind, [values for _line, values in parsed.rows], dry_run=dry_run)
    report.errors = parsed.errors
    return report


def upsert(
    session: Session,
    kind: Kind,
    rows: Sequence[dict[str, Any]],
    *,
    demo: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Insert new rows, update changed ones, leave equal ones alone (flushes, no commit)."""
    report = ImportReport(kind.code, dry_run=dry_run)
    table = _table(kind)
    names = kind.header
    morph = None if dry_run else index.morphology()
    for start in range(0, len(rows), BATCH):
        batch = [{**row, "demo": demo} for row in rows[start : start + BATCH]]
        stored = {
            r["id"]: r
            for r in session.execute(
                select(*[table.c[n] for n in [*names, "demo"]]).where(
                    table.c.id.in_([row["id"] for row in batch])
                )
            ).mappings()
        }
        written = []
        for row in batch:
            old = stored.get(row["id"])
            if old is None:
                report.inserted += 1
            elif any(old[n] != row[n] for n in [*names, "demo"]):
                report.updated += 1
            else:
                report.unchanged += 1
                continue
            written.append(row)
        if written and not dry_run:
            assert morph is not None
            session.execute(_upsert_statement(session, table, names), written)
            index.reindex(session, kind, written, morph)
    return report


def _upsert_statement(session: Session, table: Table, names: list[str]) -> Any:
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):  # pragma: no cover - the project runs on these
        raise CatalogueFileError(f"unsupported database {dialect}")
    # Both dialects spell the upsert alike: INSERT … ON CONFLICT (id) DO UPDATE.
    statement: Any = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    return statement.on_conflict_do_update(
        index_elements=[table.c.id],
        set_={n: statement.excluded[n] for n in [*names, "demo"] if n != "id"},
    )


def rows_of(session: Session, kind: Kind) -> Iterator[list[str]]:
    """Every stored row of ``kind`` as CSV cells, by id."""
    table = _table(kind)
    columns = [table.c[n] for n in kind.header]
    result = session.execute(
        select(*columns).order_by(table.c.id).execution_options(yield_per=2000)
    )
    for row in result:
        yield [cell(v) for v in row]


def export_csv(session: Session, kind: Kind, out: TextIO) -> int:
    """Write ``kind`` in the import format (header first); returns the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(kind.header)
    count = 0
    for record in rows_of(session, kind):
        writer.writerow(record)
        count += 1
    return count


def counts(session: Session, kinds: Sequence[str] | None = None) -> dict[str, int]:
    """How many resources of each kind (all kinds by default) are stored."""
    return {
        code: session.scalar(select(func.count()).select_from(_table(KINDS[code]))) or 0
        for code in (kinds or list(KINDS))
    }
