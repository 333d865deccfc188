"""`flask serve`: web server and worker together on one machine (the embedded default)."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
import urllib.request

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from callcenter.cli.database import complete_search_index, seed, upgrade_schema
from callcenter.cli.supervise import ChildExited, Supervisor, log
from callcenter.config import ConfigError
from callcenter.redis_conn import check_redis, redis_url_for


def wait_healthy(base_url: str, timeout: float = 30) -> None:
    """Block until /healthz answers 200, or raise ClickException."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise click.ClickException(f"the web server did not become healthy at {base_url}")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--web-workers", default=2, show_default=True, type=int, help="gunicorn processes.")
@click.option(
    "--workers",
    "job_workers",
    default=1,
    show_default=True,
    type=int,
    help="RQ workers for transcription (one more, light, worker serves routing and SMS).",
)
@click.option("--demo/--no-demo", default=False, help="Place simulated Korean calls once up.")
@with_appcontext
def serve_command(host: str, port: int, web_workers: int, job_workers: int, demo: bool) -> None:
    """Set up the database, then run gunicorn and RQ workers (restarted on exit) until Ctrl-C."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    # Everything this and the child processes create (database, recordings, spool, Redis)
    # is readable by this account only.
    os.umask(0o077)
    try:
        upgrade_schema(app)
        check_redis(app)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    seed(app)
    complete_search_index()
    env = dict(os.environ, REDIS_URL=redis_url_for(app))
    base_url = f"http://{host}:{port}"
    env.setdefault("PUBLIC_BASE_URL", base_url)
    _log_to_stderr()
    supervisor = Supervisor(env)
    supervisor.add("web", _gunicorn_args(host, port, web_workers), restart=False)
    for name, args in worker_children(job_workers):
        supervisor.add(name, args, restart=True)

    stop = threading.Event()
    failure: list[str] = []
    received: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        received.append(signum)
        stop.set()

    def announce() -> None:
        try:
            wait_healthy(base_url)
        except click.ClickException as exc:
            failure.append(exc.message)
            stop.set()
            return
        click.echo(f"1379 콜센터 실행 중: {base_url}  (Ctrl-C로 종료)")
        if demo:
            from callcenter.demo.sample_calls import place_demo_calls

            _ensure_demo_catalogue(app)
            place_demo_calls(app, env["PUBLIC_BASE_URL"])

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    supervisor.start()
    # The health wait and demo calls run beside the supervision, which must not pause.
    threading.Thread(target=announce, name="serve-announce", daemon=True).start()
    try:
        supervisor.run(stop)
        if received:
            log.info("%s received; stopping", signal.Signals(received[0]).name)
    except ChildExited as exc:
        failure.append(f"{exc}; stopping")
    finally:
        supervisor.stop()
    if failure:
        raise click.ClickException(failure[0])


def _ensure_demo_catalogue(app: Flask) -> None:
    """Write the demo support catalogue (idempotent: a second run changes nothing)."""
    from callcenter.catalogue.demo import generate_catalogue
    from callcenter.db import db

    with app.app_context():
        reports = generate_catalogue(db.session(), seed=1379)
        db.session.commit()
        db.session.remove()
    click.echo("데모 지원 자원 목록: " + "; ".join(r.summary_ko() for r in reports.values()))


# Routing and SMS jobs are short and callers wait on them; a transcription backlog must not
# hold them up, so they get their own worker, which never loads the Whisper model.
TRANSCRIPTION_QUEUES = "transcription"
LIGHT_QUEUES = "routing,default"


def worker_children(transcription_workers: int) -> list[tuple[str, list[str]]]:
    """The (name, argv) of each worker `flask serve` supervises: transcription ones, one light."""
    flask_worker = [sys.executable, "-m", "flask", "--app", "app", "worker", "--queues"]
    children = [
        (f"transcribe-{n}", [*flask_worker, TRANSCRIPTION_QUEUES])
        for n in range(1, transcription_workers + 1)
    ]
    children.append(("routing-1", [*flask_worker, LIGHT_QUEUES]))
    return children


def _gunicorn_args(host: str, port: int, web_workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(web_workers),
        "--access-logfile",
        "-",
        "--config",
        "python:callcenter.gunicorn_config",
        "app:app",
    ]


def _log_to_stderr() -> None:
    """The supervisor's lines (children started, exited, restarted) on the console."""
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s serve: %(message)s", "%H:%M:%S"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
