"""Webhook latency under N concurrent simulated calls, against the app under gunicorn.

    python -m bench.webhooks [--calls 100] [--pace 1.0] [--web-workers 4] [--threads 8]

Starts gunicorn on a free port (the app and a bare Flask "hello" app in the same workers),
on a temporary SQLite database and the embedded Redis, or on DATABASE_URL / REDIS_URL when
set. Places ``--calls`` simulated calls at once (signed requests, recordings, queue,
callbacks) and prints p50/p95/p99 per webhook and calls per second; then loads the hello
route with the same clients and pacing, and prints the ratio. Target: p99 <= 25 ms.
"""

from __future__ import annotations

import argparse
import itertools
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
AUDIO = ROOT / "tests" / "data" / "audio" / "ivr_problem_ko.wav"
TOKEN = "bench-auth-token"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(env: dict[str, str]) -> None:
    """Migrate and seed the database (in a child: create_app reads the environment)."""
    code = (
        "from callcenter import create_app\n"
        "from callcenter.cli.database import seed, upgrade_schema\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    upgrade_schema(app); seed(app)\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


def start_server(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen:
    """gunicorn with gthread workers on 127.0.0.1:port; waits until /healthz answers."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--backlog",
            "2048",
            # Clients pause between a call's requests; keep their connections open meanwhile.
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
            "--config",
            "python:callcenter.gunicorn_config",  # as in production (README)
            "bench.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except requests.RequestException:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not become healthy")


def scenario(n: int):  # -> Caller (imported lazily in client processes)
    """The n-th call's script: a rotation over the branches a real day sees."""
    from callcenter.demo.simulator import Caller, Input

    mobile = f"+8210{5000_0000 + n:08d}"
    keys = lambda *v: [Input("dtmf", x) for x in v]  # noqa: E731
    options = [
        Caller("+82415551234", inputs=keys("1"), audio=AUDIO),
        Caller(
            mobile,
            inputs=[Input("speech", "장비 활용 문의요"), Input("speech", "부산이요")],
            audio=AUDIO,
        ),
        Caller(mobile, inputs=keys("4", f"{n % 10000:04d}")),
        Caller(mobile, inputs=keys("0", "1"), queue_position=1 + n % 9),
        Caller("+8221234567", inputs=keys("0"), agent_answers_after=1),
        Caller(mobile, hangup_at_gather=1),
    ]
    return options[n % len(options)]


def client_calls(base_url: str, numbers: list[int], pace: float, ramp: float) -> tuple[list, float]:
    """One client process: its calls in parallel threads; returns (exchanges, seconds)."""
    import random

    from callcenter.demo.simulator import TwilioSimulator

    def one(n: int) -> list[tuple[str, int, float]]:
        time.sleep(random.uniform(0, ramp))  # calls do not all ring in the same millisecond
        sim = TwilioSimulator(base_url, TOKEN, pause=pace, max_requests=40)
        try:
            result = sim.place_call(scenario(n))
        finally:
            sim.close()
        return [(e.path, e.status, e.seconds) for e in result.exchanges]

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(numbers)) as pool:
        out = list(itertools.chain.from_iterable(pool.map(one, numbers)))
    return out, time.perf_counter() - started


def client_hello(
    base_url: str, clients: int, per_client: int, pace: float, ramp: float
) -> tuple[list, float]:
    """The same load shape on the bare hello route."""
    import random

    def one(_: int) -> list[tuple[str, int, float]]:
        time.sleep(random.uniform(0, ramp))
        out = []
        with requests.Session() as http:
            for i in range(per_client):
                if pace and i:
                    time.sleep(random.uniform(0.5, 1.5) * pace)
                t0 = time.perf_counter()
                r = http.get(base_url + "/bench-hello/hello", timeout=15)
                out.append(("/hello", r.status_code, time.perf_counter() - t0))
        return out

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        out = list(itertools.chain.from_iterable(pool.map(one, range(clients))))
    return out, time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    """q-th percentile (0-100) by the inclusive method."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def table(rows: list[tuple[str, int, float]]) -> dict[str, list[float]]:
    """Group latencies (ms) by path; print p50/p95/p99."""
    by_path: dict[str, list[float]] = defaultdict(list)
    errors = [r for r in rows if not 200 <= r[1] < 300]
    for path, _, seconds in rows:
        by_path[path].append(seconds * 1000)
        by_path["ALL"].append(seconds * 1000)
    print(f"{'webhook':<26}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for path in sorted(by_path, key=lambda p: (p == "ALL", p)):
        v = by_path[path]
        print(
            f"{path:<26}{len(v):>6}{percentile(v, 50):>9.1f}{percentile(v, 95):>9.1f}"
            f"{percentile(v, 99):>9.1f}{max(v):>9.1f}"
        )
    if errors:
        print(f"!! {len(errors)} non-2xx answers, e.g. {errors[0][:2]}")
    return by_path


def run(args: argparse.Namespace) -> None:
    """Set up, load, report, tear down."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        APP_ENV="development",
        SECRET_KEY="bench",
        TWILIO_AUTH_TOKEN=TOKEN,
        PUBLIC_BASE_URL=base_url,
        BUSINESS_HOURS="Mon-Sun 00:00-24:00",
        QUEUE_MAX_SIZE="10000",
        RECORDINGS_DIR=str(tmp / "rec"),
    )
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    embedded = None
    if not os.environ.get("REDIS_URL"):
        from callcenter.redis_conn import embedded_redis_url

        embedded = tmp / "redis"
        env["REDIS_URL"] = embedded_redis_url(embedded)
    prepare(env)
    backend = env["DATABASE_URL"].split(":", 1)[0]
    print(
        f"database: {backend}   redis: {env['REDIS_URL'].split(':', 1)[0]}   "
        f"gunicorn: {args.web_workers} workers x {args.threads} threads   "
        f"calls: {args.calls} concurrent, pace {args.pace}s, ramp {args.ramp}s   "
        f"cpus: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}"
    )
    server = start_server(env, port, args.web_workers, args.threads)
    try:
        # Warm every gunicorn thread up (imports, phone metadata, holiday tables, pools).
        client_calls(base_url, list(range(10_000, 10_000 + 6 * args.web_workers)), 0, 0)
        groups = [list(range(i, args.calls, args.client_procs)) for i in range(args.client_procs)]
        with ProcessPoolExecutor(max_workers=args.client_procs) as pool:
            started = time.perf_counter()
            n = len(groups)
            parts = list(
                pool.map(client_calls, [base_url] * n, groups, [args.pace] * n, [args.ramp] * n)
            )
            wall = time.perf_counter() - started
        rows = [r for part, _ in parts for r in part]
        print(
            f"\n== webhooks: {args.calls} calls, {len(rows)} requests in {wall:.2f}s "
            f"= {args.calls / wall:.1f} calls/s, {len(rows) / wall:.0f} req/s"
        )
        hooks = table(rows)
        per_client = max(1, round(len(rows) / args.calls))
        counts = [len(g) for g in groups]
        with ProcessPoolExecutor(max_workers=args.client_procs) as pool:
            started = time.perf_counter()
            hello_parts = list(
                pool.map(
                    client_hello,
                    [base_url] * len(groups),
                    counts,
                    [per_client] * len(groups),
                    [args.pace] * len(groups),
                    [args.ramp] * len(groups),
                )
            )
            hello_wall = time.perf_counter() - started
        hello_rows = [r for part, _ in hello_parts for r in part]
        print(
            f"\n== bare Flask hello, same server and load shape: {len(hello_rows)} requests in "
            f"{hello_wall:.2f}s = {len(hello_rows) / hello_wall:.0f} req/s"
        )
        hello = table(hello_rows)["ALL"]
        print(
            "\n== ratio webhooks / hello: "
            + "  ".join(
                f"p{q}: {percentile(hooks['ALL'], q) / percentile(hello, q):.1f}x"
                for q in (50, 95, 99)
            )
        )
        worst = max(percentile(v, 99) for k, v in hooks.items() if k != "ALL")
        verdict = "meets" if worst <= 25 else "misses"
        print(f"worst webhook p99 {worst:.1f} ms: {verdict} the 25 ms target")
    finally:
        server.terminate()
        server.wait(timeout=30)
        if embedded is not None:
            from callcenter.redis_conn import stop_embedded_redis

            stop_embedded_redis(embedded)


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=100, help="concurrent simulated calls")
    parser.add_argument(
        "--pace",
        type=float,
        default=1.0,
        help="mean seconds between one call's requests (0: back to back)",
    )
    parser.add_argument(
        "--ramp",
        type=float,
        default=None,
        help="calls start spread over this many seconds [2 x pace]",
    )
    parser.add_argument("--web-workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--client-procs", type=int, default=4)
    args = parser.parse_args()
    if args.ramp is None:
        args.ramp = 2 * args.pace
    run(args)


if __name__ == "__main__":
    main()
