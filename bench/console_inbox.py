"""Time the operator inbox and ticket page with 10,000 tickets (prints figures; asserts nothing).

    python bench/console_inbox.py                    # a temporary SQLite file, embedded Redis
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_db \\
      REDIS_URL=redis://127.0.0.1:6379/4 python bench/console_inbox.py --reset

``--reset`` empties the PostgreSQL database first (DROP SCHEMA public CASCADE): only point it
at a database you own. Each page is requested through the Flask test client, so a figure is
the server's time to query and render it, without the network.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert, text  # noqa: E402

from callcenter import create_app  # noqa: E402
from callcenter.cli.database import seed, upgrade_schema  # noqa: E402
from callcenter.config import parse_database_url  # noqa: E402
from callcenter.db import db  # noqa: E402
from callcenter.models import Call, Recording, Ticket, Transcript, utcnow  # noqa: E402
from callcenter.search.index import rebuild  # noqa: E402
from routing import reference  # noqa: E402

PHRASES = [
    "알루미늄 주물에 기포가 생겨서 불량이 많아요",
    "금형 캐비티가 자꾸 마모돼서 수명이 짧습니다",
    "사출 성형품에 웰드라인이 보여요",
    "용접 부위에 균열이 생깁니다",
    "도금이 벗겨지는데 원인을 모르겠어요",
    "열처리 후에 경도가 안 나와요",
    "인증 받으려면 어떤 시험이 필요한가요",
    "특허 출원 상담을 받고 싶습니다",
    "장비 공동 활용 신청하려고 합니다",
    "수출 판로 개척 지원이 있나요",
]
STATUSES = [
    ("routed", 25),
    ("assigned", 10),
    ("in_progress", 15),
    ("resolved", 20),
    ("follow_up_done", 10),
    ("closed", 15),
    ("needs_review", 5),
]


def make_app(reset: bool) -> tuple[object, str]:
    """An app on DATABASE_URL (reset if asked) or a fresh temporary SQLite file."""
    url = os.environ.get("DATABASE_URL")
    if url:
        url = parse_database_url(url)
        if reset and url.startswith("postgresql"):
            engine = create_engine(url)
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            engine.dispose()
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-console-')}/bench.sqlite3"
    config = {
        "APP_ENV": "test",
        "TESTING": False,
        "SECRET_KEY": "bench",
        "DATABASE_URL": url,
        "REDIS_URL": os.environ.get("REDIS_URL"),
        "WTF_CSRF_ENABLED": False,
        "RECORDINGS_DIR": tempfile.mkdtemp(prefix="bench-rec-"),
    }
    app = create_app(config)
    with app.app_context():
        upgrade_schema(app)
        seed(app)
    return app, url


def seed_tickets(app, count: int, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    """Calls, recordings, transcripts and tickets spread over 12 centers and 90 days."""
    centers = [c for c in reference.centers()]
    statuses = [s for s, w in STATUSES for _ in range(w)]
    now = utcnow()
    with app.app_context():
        session = db.session()
        calls, recs, transcripts, tickets = [], [], [], []
        for i in range(1, count + 1):
            created = now - timedelta(minutes=rng.randint(0, 90 * 24 * 60))
            center = rng.choice(centers)
            topic = rng.choice(center.topics)
            caller = f"+8210{rng.randint(10_000_000, 99_999_999)}"
            status = rng.choice(statuses)
            phrase = rng.choice(PHRASES)
            calls.append(
                {
                    "id": i,
                    "call_sid": f"CA{i:032d}",
                    "from_number": caller,
                    "status": "completed",
                    "started_at": created,
                    "state": {},
                }
            )
            recs.append(
                {
                    "id": i,
                    "recording_sid": f"RE{i:032d}",
                    "call_id": i,
                    "source_url": "https://api.twilio.com/x",
                    "status": "done",
                    "created_at": created,
                    "updated_at": created,
                }
            )
            transcripts.append(
                {
                    "recording_id": i,
                    "text": f"여보세요 저희가 {phrase}",
                    "segments": [],
                    "model": "bench",
                    "engine": "bench",
                    "created_at": created,
                }
            )
            tickets.append(
                {
                    "id": i,
                    "number": f"1379-{created:%Y%m%d}-{i:05d}",
                    "call_id": i,
                    "recording_id": i,
                    "kind": rng.choice(["problem"] * 8 + ["voicemail", "callback"]),
                    "status": status,
                    "caller_number": caller,
                    "region": "서울",
                    "region_source": "area_code",
                    "topic_code": None if status == "needs_review" else topic,
                    "center_code": None if status == "needs_review" else center.code,
                    "institutes": [],
                    "routing": {},
                    "follow_up_on": (created + timedelta(days=14)).date()
                    if status == "resolved"
                    else None,
                    "created_at": created,
                    "updated_at": created,
                    "routed_at": created,
                }
            )
        for model, rows in (
            (Call, calls),
            (Recording, recs),
            (Transcript, transcripts),
            (Ticket, tickets),
        ):
            for start in range(0, len(rows), 2000):
                session.execute(insert(model), rows[start : start + 2000])
        rebuild(session)  # Core inserts pass no ORM flush: index the transcripts now
        session.commit()
        if session.get_bind().dialect.name == "postgresql":
            for table in ("tickets", "transcripts", "calls", "recordings"):
                session.execute(text(f"ANALYZE {table}"))
            session.commit()


def main() -> None:
    """Seed, sign in an Incheon operator and a supervisor, and time inbox pages."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--reset", action="store_true", help="empty the PostgreSQL db first")
    args = parser.parse_args()
    rng = random.Random(1379)
    app, url = make_app(args.reset)
    started = time.perf_counter()
    seed_tickets(app, args.tickets, rng)
    print(
        f"database: {url.split('://')[0]}; seeded {args.tickets:,} tickets "
        f"in {time.perf_counter() - started:.1f} s"
    )

    from callcenter.auth.security import create_user

    with app.app_context():
        for name, role, center in (("op", "operator", "INCHEON"), ("sv", "supervisor", None)):
            create_user(
                db.session(),
                username=name,
                role=role,
                center_code=center,
                password="bench-password-1",
            )
        db.session.commit()
    pages = [
        ("operator, own center, tab new", "op", "/console/"),
        ("operator, own center, all", "op", "/console/?tab=all"),
        ("operator, all centers, all", "op", "/console/?tab=all&scope=all"),
        ("operator, follow-up due", "op", "/console/?tab=follow_up&scope=all"),
        ("operator, search words", "op", "/console/?tab=all&scope=all&q=웰드라인"),
        ("operator, search caller digits", "op", "/console/?tab=all&scope=all&q=5678"),
        (
            "operator, topic+status filter",
            "op",
            "/console/?tab=all&scope=all&topic=mold&status=closed",
        ),  # noqa: E501
        ("supervisor, all centers, all", "sv", "/console/?tab=all"),
        ("live poll (changes API)", "op", "/api/tickets/changes?since=2000-01-01T00:00:00%2B00:00"),
        ("JSON list", "op", "/api/tickets?tab=all&scope=all"),
    ]
    clients = {}
    for name in ("op", "sv"):
        client = app.test_client()
        client.post("/auth/login", data={"username": name, "password": "bench-password-1"})
        clients[name] = client
    print(f"{'page':<34} {'median ms':>10} {'p95 ms':>8} {'rows':>5}")
    for label, who, url_path in pages:
        client = clients[who]
        timings = []
        body = ""
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            response = client.get(url_path)
            body = response.get_data(as_text=True)
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url_path, response.status_code)
        rows = body.count("<tr data-ticket-id=") or body.count('"number"')
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(f"{label:<34} {statistics.median(timings):>10.1f} {p95:>8.1f} {rows:>5}")
    # The ticket page of a few tickets (with the caller's other tickets and calls).
    with app.app_context():
        numbers = [
            n for (n,) in db.session.execute(text("SELECT number FROM tickets ORDER BY id LIMIT 5"))
        ]
    timings = []
    for number in numbers:
        for _ in range(max(1, args.repeat // 4)):
            t0 = time.perf_counter()
            response = clients["op"].get(f"/console/tickets/{number}")
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (number, response.status_code)
    p95 = statistics.quantiles(timings, n=20)[-1]
    print(f"{'ticket page':<34} {statistics.median(timings):>10.1f} {p95:>8.1f} {'':>5}")
    # Deep paging: follow the keyset cursor to the last page of all 10,000 tickets.
    client, path, walked = clients["sv"], "/console/?tab=all", []
    while path:
        t0 = time.perf_counter()
        body = client.get(path).get_data(as_text=True)
        walked.append((time.perf_counter() - t0) * 1000)
        marker = 'rel="next" href="'
        path = ""
        if marker in body:
            path = body.split(marker, 1)[1].split('"', 1)[0].replace("&amp;", "&")
    print(
        f"keyset paging, all {args.tickets:,} tickets: {len(walked)} pages of 50; "
        f"median {statistics.median(walked):.1f} ms, last page {walked[-1]:.1f} ms, "
        f"slowest {max(walked):.1f} ms"
    )


if __name__ == "__main__":
    main()
