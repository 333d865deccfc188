"""Time the account pages beside 100,000 demo calls and their audit rows.

    python bench/user_pages.py                      # SQLite file under /tmp
    python bench/user_pages.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test_users \
        --redis-url redis://127.0.0.1:6379/8

Fills the database with `demo-data` first when it holds fewer calls than asked (its audit
rows make the account page's history search a large table), adds a few hundred accounts,
signs in as an admin and requests each page in-process (WSGI, no network): the list, the
list filtered, one account's page, then a create and a password reset (both dominated by
the scrypt hash). Prints the first run and the median, in ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from bench.supervisor_pages import PASSWORD, prepare  # noqa: E402

ACCOUNTS_PER_CENTER = 25


def main() -> None:
    """Parse arguments, prepare the data, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--database-url", default="sqlite:////tmp/bench_users.sqlite3")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    os.environ.update(APP_ENV="development", SECRET_KEY="bench", DATABASE_URL=args.database_url)
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url
    from callcenter import create_app
    from callcenter.auth.security import hash_password
    from callcenter.db import db
    from callcenter.demo.history import analyze
    from callcenter.models import AuditLog, User
    from routing import reference

    app = create_app({"WTF_CSRF_ENABLED": False})
    prepare(app, args.calls)  # schema, demo calls, search index, KPI rollups
    with app.app_context():
        if db.session.scalar(select(User).where(User.username == "bench_root")) is None:
            hashed = hash_password(PASSWORD)  # once: hundreds of scrypt hashes add nothing
            db.session.add(
                User(username="bench_root", role="admin", password_hash=hashed, active=True)
            )
            for center in reference.centers():
                for i in range(ACCOUNTS_PER_CENTER):
                    db.session.add(
                        User(
                            username=f"bench_{center.code.lower()}_{i:02d}",
                            display_name=f"{center.city} 상담원 {i + 1}",
                            role="supervisor" if i == 0 else "operator",
                            center_code=center.code,
                            password_hash=hashed,
                            active=i % 10 != 9,
                        )
                    )
            db.session.commit()
        analyze(db.session())
        db.session.commit()
        users = db.session.scalar(select(func.count(User.id)))
        audits = db.session.scalar(select(func.count(AuditLog.id)))
        busiest = db.session.scalar(
            select(AuditLog.user_id)
            .where(AuditLog.user_id.is_not(None))
            .group_by(AuditLog.user_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        target = db.session.scalar(select(User.id).where(User.username == "bench_incheon_03"))
        db.session.remove()
    dialect = args.database_url.split(":", 1)[0]
    print(
        f"{dialect}: {users:,} accounts, {audits:,} audit rows; "
        f"{args.runs} runs per page; times in ms (first / median)"
    )

    client = app.test_client()
    response = client.post("/auth/login", data={"username": "bench_root", "password": PASSWORD})
    assert response.status_code == 302, "sign-in failed"
    created = iter(range(10**6))
    stamp = int(time.time())

    def create() -> object:
        return client.post(
            "/admin/users/new",
            data={
                "username": f"bench_new_{stamp}_{next(created)}",
                "display_name": "새 상담원",
                "role": "operator",
                "center": "INCHEON",
                "language": "ko",
                "password_mode": "generate",
            },
        )

    def reset() -> object:
        return client.post(f"/admin/users/{target}/password", data={"password_mode": "generate"})

    pages: list[tuple[str, Callable[[], object], int]] = [
        ("list: every account", lambda: client.get("/admin/users"), 200),
        (
            "list: INCHEON operators, active",
            lambda: client.get("/admin/users?role=operator&center=INCHEON&state=active"),
            200,
        ),
        ("account page (history search)", lambda: client.get(f"/admin/users/{target}"), 200),
        (
            "account page of the busiest demo user",
            lambda: client.get(f"/admin/users/{busiest}"),
            200,
        ),
        ("create (generated password)", create, 302),
        ("password reset (generated)", reset, 302),
    ]
    client.get("/admin/users")  # compile templates once, as a running server would have
    for label, request, status in pages:
        times = []
        for _ in range(args.runs):
            began = time.perf_counter()
            response = request()
            size = len(response.get_data())  # type: ignore[attr-defined]
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == status, (label, response.status_code)  # type: ignore[attr-defined]
        median = statistics.median(times[1:]) if len(times) > 1 else times[0]
        print(f"  {label:<40} {times[0]:7.0f} / {median:6.0f}   ({size / 1024:,.0f} KiB)")


if __name__ == "__main__":
    main()
