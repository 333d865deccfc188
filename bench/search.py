"""Time text search (call log, operator inbox) and the CSV exports with 100,000 demo calls.

    python bench/search.py                                  # SQLite file under /tmp
    python bench/search.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test_search \
        --redis-url redis://127.0.0.1:6379/5

Fills the database with demo-data first when it holds fewer calls than asked and completes
the search index (timed), then signs in as a supervisor and requests each page in-process
(WSGI, no network): searches for two-syllable and longer Korean words, a phrase, a single
character (no index: LIKE), caller digits, a word that is nowhere, in the call log and in
the operator inbox; then the CSV exports. Prints the first run, the median and the fastest
(the machine is shared: the fastest shows the cost, the median what a user would see).
Runs on code from before the search index too, for before/after figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from bench.supervisor_pages import PASSWORD, prepare  # noqa: E402


def caller_digits(app) -> str:  # type: ignore[no-untyped-def]
    """The last four digits of some mobile caller, for the caller-digits search."""
    from callcenter.db import db
    from callcenter.models import Call

    with app.app_context():
        number = db.session.scalar(select(Call.from_number).where(Call.from_number.like("+8210%")))
        db.session.remove()
    return (number or "0000")[-4:]


def main() -> None:
    """Parse arguments, prepare the data, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--database-url", default="sqlite:////tmp/search_bench.db")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    os.environ.update(APP_ENV="development", SECRET_KEY="bench", DATABASE_URL=args.database_url)
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url
    from callcenter import create_app

    app = create_app({"WTF_CSRF_ENABLED": False})
    prepare(app, args.calls)
    digits = caller_digits(app)
    today = datetime.now(ZoneInfo(app.config["TIMEZONE"])).date()
    month_ago = (today - timedelta(days=29)).isoformat()
    year_ago = (today - timedelta(days=364)).isoformat()

    client = app.test_client()
    response = client.post("/auth/login", data={"username": "bench_boss", "password": PASSWORD})
    assert response.status_code == 302, "sign-in failed"

    words = [
        ("2 syllables", "금형"),
        ("2 syllables", "도금"),
        ("2 syllables", "용접"),
        ("4 syllables", "알루미늄"),
        ("phrase", "수명이 너무"),
        ("1 character, LIKE", "형"),
        ("nowhere", "없는말"),
    ]
    pages = [(f"call log: {kind} {q}", f"/supervisor/calls?q={quote(q)}", 1) for kind, q in words]
    pages += [
        (f"call log: caller digits …{digits}", f"/supervisor/calls?q={digits}", 1),
        (
            "call log: 금형, 30 days",
            f"/supervisor/calls?q={quote('금형')}&from={month_ago}",
            1,
        ),
    ]
    pages += [
        (f"inbox: {kind} {q}", f"/console/?tab=all&scope=all&q={quote(q)}", 1)
        for kind, q in words
        if kind != "nowhere"
    ]
    pages += [
        ("inbox: two words 금형 수명", f"/console/?tab=all&scope=all&q={quote('금형 수명')}", 1),
        ("CSV calls: 30 days", f"/supervisor/export/calls.csv?from={month_ago}", 1),
        ("CSV tickets: 30 days", f"/supervisor/export/tickets.csv?from={month_ago}", 1),
        ("CSV calls: 1 year", f"/supervisor/export/calls.csv?from={year_ago}", 3),
    ]
    dialect = args.database_url.split(":", 1)[0]
    print(f"{dialect}: {args.runs} runs per page; ms (first / median / fastest)")
    client.get("/supervisor/calls")  # compile templates once, as a running server would have
    client.get("/console/")
    for label, url, runs_divisor in pages:
        times = []
        runs = max(2, args.runs // runs_divisor)
        for _ in range(runs):
            began = time.perf_counter()
            response = client.get(url)
            size = len(response.get_data())
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        median = statistics.median(times[1:])
        flag = "" if median <= 150 else "  > 150 ms"
        print(
            f"  {label:<36} {times[0]:6.0f} / {median:6.0f} / {min(times):6.0f}"
            f"   ({size / 1024:,.0f} KiB){flag}"
        )


if __name__ == "__main__":
    main()
