"""Time catalogue suggestions over the seed-sized demo catalogue, and a 20,000-row import.

    python bench/catalogue.py                     # a fresh SQLite file under /tmp
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/catalogue_bench \\
        python bench/catalogue.py                 # an (empty or earlier bench) PostgreSQL db

Builds the schema and the demo catalogue (13,588 patents, 1,881 equipment, 4,814 experts,
200 labs; timed), refreshes the planner's statistics, then suggests for ~200 typical
ticket texts (routing's training statements, callers from every area code and some
unknown) twice: the first pass meets each word for the first time (Kiwi analyses it, as
for a new ticket), the second finds it cached (as when the ticket was just routed).
Prints p50/p95/max of each pass, then imports 20,000 new patent rows from a CSV file,
imports the same file again (all unchanged) and removes the rows.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, text  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def line(label: str, values: list[float]) -> str:
    """p50 / p95 / max in milliseconds."""
    ms = [v * 1000 for v in values]
    return (
        f"{label}: p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, "
        f"max {max(ms):.1f} ms ({len(ms)} tickets)"
    )


def tickets(count: int) -> list[tuple[str, str | None]]:
    """Typical ticket texts with a caller number each (every seventh unknown)."""
    from routing import reference

    statements = [s.text for s in reference.training_statements()]
    step = max(1, len(statements) // count)
    prefixes = [a.prefix for a in reference.area_codes()]
    found = []
    for n, statement in enumerate(statements[::step][:count]):
        number = None if n % 7 == 6 else f"+82{prefixes[n % len(prefixes)].lstrip('0')}5550{n:03d}"
        found.append((statement, number))
    return found


def refresh_statistics(app) -> None:  # type: ignore[no-untyped-def]
    """ANALYZE (PostgreSQL: VACUUM ANALYZE, as autovacuum would after a bulk load)."""
    from callcenter.db import db

    engine = db.engine
    assert engine is not None
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def main() -> None:
    """Build, time, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument(
        "--no-statistics",
        action="store_true",
        help="skip (VACUUM) ANALYZE after the load: the figures right after a bulk load",
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL") or ""
    if not url:
        path = Path(tempfile.gettempdir()) / "catalogue_bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    os.environ.update(APP_ENV="development", SECRET_KEY="bench", DATABASE_URL=url)
    from callcenter import create_app
    from callcenter.catalogue import index
    from callcenter.catalogue.columns import KINDS
    from callcenter.catalogue.demo import demo_rows, generate_catalogue
    from callcenter.catalogue.store import counts, import_file
    from callcenter.catalogue.suggest import suggest
    from callcenter.cli.database import seed, upgrade_schema
    from callcenter.db import db
    from callcenter.models import CatalogueTerm, Patent

    app = create_app()
    with app.app_context():
        upgrade_schema(app)
        seed(app)
        session = db.session()
        print(f"database: {db.engine.dialect.name if db.engine else '?'}")
        began = time.perf_counter()
        index.morphology()  # the router loads once per process, as in a web worker
        print(f"router and Kiwi loaded in {time.perf_counter() - began:.1f} s")
        began = time.perf_counter()
        generate_catalogue(session)
        session.commit()
        print(f"demo catalogue written in {time.perf_counter() - began:.1f} s: {counts(session)}")
        if not args.no_statistics:
            refresh_statistics(app)
        session.execute(text("SELECT 1"))

        sample = tickets(args.tickets)
        for label in ("first pass (new words)", "second pass (words cached)"):
            timings = []
            for statement, number in sample:
                start = time.perf_counter()
                suggest(session, statement, caller_number=number)
                timings.append(time.perf_counter() - start)
                session.rollback()
            print(line(f"suggestions, {label}", timings))

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "patents.csv"
            kind = KINDS["patent"]
            with path.open("w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(kind.header)
                for row in demo_rows("patent", seed=20_000, count=args.rows):
                    row["id"] = "BENCH-" + row["id"]
                    writer.writerow([_cell(row[c]) for c in kind.header])
            for label in ("import", "repeated import"):
                began = time.perf_counter()
                report = import_file(session, kind, path)
                session.commit()
                print(
                    f"{label} of {args.rows:,} patent rows: {time.perf_counter() - began:.1f} s "
                    f"({report.summary_ko()})"
                )
        session.execute(delete(CatalogueTerm).where(CatalogueTerm.resource_id.like("BENCH-%")))
        session.execute(delete(Patent).where(Patent.id.like("BENCH-%")))
        session.commit()


def _cell(value: object) -> str:
    from callcenter.catalogue.rows import cell

    return cell(value)


if __name__ == "__main__":
    main()
