"""Time the supervisor pages with 100,000 demo calls (target: ≤ 150 ms per page).

    python bench/supervisor_pages.py                      # SQLite file under /tmp
    python bench/supervisor_pages.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test_supervisor \
        --redis-url redis://127.0.0.1:6379/5

Fills the database with `demo-data` first when it holds fewer calls than asked, signs in
as a supervisor and requests each page in-process (WSGI, no network): the call log's first
page, a filtered page, a page 1,000 pages deep, searches, the dashboard for 30 days and a
year (settled days read from the daily KPI rollups, yesterday and today live), and the
dashboard again with one settled day per month marked stale (computed live until the worker
sums it again). Prints the first run and the median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

PASSWORD = "bench-password-1379"


def prepare(app, calls: int, *, analyze_first: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Schema, reference data, ``calls`` demo calls, a complete search index, a supervisor."""
    from callcenter.auth.security import create_user
    from callcenter.cli.database import seed, upgrade_schema
    from callcenter.db import db
    from callcenter.demo.history import analyze, generate
    from callcenter.models import Call, User

    today = datetime.now(ZoneInfo(app.config["TIMEZONE"])).date()
    with app.app_context():
        upgrade_schema(app)
        seed(app)
        have = db.session.scalar(select(func.count(Call.id))) or 0
        if have < calls:
            began = time.perf_counter()
            generate(
                db.session(),
                calls=calls - have,
                seed=1379 + have,
                end=today - timedelta(days=1),
                days=365,
                timezone=app.config["TIMEZONE"],
            )
            db.session.commit()
            analyze(db.session())
            db.session.commit()
            print(f"demo-data: {calls - have:,} calls in {time.perf_counter() - began:.1f} s")
        try:
            from callcenter.cli.database import complete_search_index
        except ImportError:  # code from before the search index (bench/search.py's "before")
            print("search index: none (code before the index)")
        else:
            began = time.perf_counter()
            if (rebuilt := complete_search_index()) is not None:  # data loaded before the index
                print(f"search index rebuilt in {time.perf_counter() - began:.1f} s: {rebuilt}")
        if db.session.scalar(select(User).where(User.username == "bench_boss")) is None:
            create_user(
                db.session,
                username="bench_boss",
                role="supervisor",
                password=PASSWORD,
                center_code=None,
                language="ko",
            )
            db.session.commit()
        if analyze_first:
            analyze(db.session())
            db.session.commit()
        try:
            from callcenter.kpi import rollups
        except ImportError:  # code from before the KPI rollups
            pass
        else:
            began = time.perf_counter()
            summed = rollups.refresh(db.session(), app.config["TIMEZONE"], today)
            print(f"KPI rollups: {summed} days summed in {time.perf_counter() - began:.1f} s")
        db.session.remove()


def main() -> None:
    """Parse arguments, prepare the data, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--database-url", default="sqlite:////tmp/bench_supervisor.sqlite3")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--analyze", action="store_true", help="ANALYZE first (data loaded by other means)"
    )
    args = parser.parse_args()

    os.environ.update(APP_ENV="development", SECRET_KEY="bench", DATABASE_URL=args.database_url)
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url
    from callcenter import create_app
    from callcenter.db import db
    from callcenter.kpi import rollups
    from callcenter.models import Call
    from callcenter.supervisor.calllog import encode_cursor

    app = create_app({"WTF_CSRF_ENABLED": False})
    timezone = app.config["TIMEZONE"]
    today = datetime.now(ZoneInfo(timezone)).date()
    prepare(app, args.calls, analyze_first=args.analyze)
    with app.app_context():
        total = db.session.scalar(select(func.count(Call.id)))
        deep = db.session.scalars(
            select(Call).order_by(Call.started_at.desc(), Call.id.desc()).offset(50_000).limit(1)
        ).first()
        cursor = encode_cursor("newest", deep) if deep else ""
        number = db.session.scalar(select(Call.from_number).where(Call.from_number.like("+8210%")))
        db.session.remove()
    digits = (number or "0000")[-4:]
    yesterday = (today - timedelta(days=1)).isoformat()
    week_ago = (today - timedelta(days=6)).isoformat()
    month_ago = (today - timedelta(days=29)).isoformat()
    year_ago = (today - timedelta(days=364)).isoformat()
    dialect = args.database_url.split(":", 1)[0]
    print(f"{dialect}: {total:,} calls; {args.runs} runs per page; times in ms (first / median)")

    client = app.test_client()
    response = client.post("/auth/login", data={"username": "bench_boss", "password": PASSWORD})
    assert response.status_code == 302, "sign-in failed"

    def one_stale_day_per_month() -> None:
        # As after operators resolved old tickets: 12 settled days to compute live.
        with app.app_context():
            session = db.session()
            rollups.refresh(session, timezone, today)
            days = [today - timedelta(days=2 + 30 * i) for i in range(12)]
            rollups.mark_stale(session.connection(), days)
            session.commit()

    pages = [
        ("call log: first page", "/supervisor/calls", None),
        (
            "call log: filtered (30 days, ticket, INCHEON)",
            f"/supervisor/calls?from={month_ago}&outcome=ticket&center=INCHEON",
            None,
        ),
        ("call log: 1,000 pages deep", f"/supervisor/calls?after={cursor}&page=1001", None),
        (f"call log: search caller …{digits}", f"/supervisor/calls?q={digits}", None),
        ("call log: sort longest first", "/supervisor/calls?sort=longest", None),
        (
            "call log: unresolved yesterday in BUSAN",
            f"/supervisor/calls?status=open&center=BUSAN&from={yesterday}&to={yesterday}",
            None,
        ),
        ("call log: search transcript word", "/supervisor/calls?q=금형", None),
        ("call log: search transcript phrase", "/supervisor/calls?q=수명이+너무", None),
        ("dashboard: 7 days", f"/supervisor/dashboard?from={week_ago}", None),
        ("dashboard: 30 days", f"/supervisor/dashboard?from={month_ago}", None),
        ("dashboard: 1 year", f"/supervisor/dashboard?from={year_ago}", None),
        (
            "dashboard: 1 year, 12 stale days",
            f"/supervisor/dashboard?from={year_ago}",
            one_stale_day_per_month,
        ),
        ("CSV export: 30 days of calls", f"/supervisor/export/calls.csv?from={month_ago}", None),
    ]
    client.get("/supervisor/calls")  # compile templates once, as a running server would have
    for label, url, before_each in pages:
        times = []
        for _ in range(args.runs):
            if before_each is not None:
                before_each()
            began = time.perf_counter()
            response = client.get(url)
            size = len(response.get_data())
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        median = statistics.median(times[1:]) if len(times) > 1 else times[0]
        flag = "" if median <= 150 else "  > 150 ms"
        print(f"  {label:<48} {times[0]:7.0f} / {median:6.0f}   ({size / 1024:,.0f} KiB){flag}")


if __name__ == "__main__":
    main()
