"""`flask serve`: web server and worker together on one machine (the embedded default)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from callcenter.cli.database import seed, upgrade_schema
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
    "--workers", "job_workers", default=1, show_default=True, type=int, help="RQ workers."
)
@click.option("--demo/--no-demo", default=False, help="Place simulated Korean calls once up.")
@with_appcontext
def serve_command(host: str, port: int, web_workers: int, job_workers: int, demo: bool) -> None:
    """Set up the database, then run gunicorn and RQ workers until Ctrl-C."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        upgrade_schema(app)
        check_redis(app)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    seed(app)
    env = dict(os.environ, REDIS_URL=redis_url_for(app))
    base_url = f"http://{host}:{port}"
    env.setdefault("PUBLIC_BASE_URL", base_url)
    children = [
        subprocess.Popen(
            [
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
            ],
            env=env,
        )
    ]
    children += [
        subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker"], env=env)
        for _ in range(job_workers)
    ]

    def stop(*_args: object) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()

    def on_sigterm(*_args: object) -> None:
        stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        wait_healthy(base_url)
        click.echo(f"1379 콜센터 실행 중: {base_url}  (Ctrl-C로 종료)")
        if demo:
            from callcenter.demo import place_demo_calls

            place_demo_calls(app, env["PUBLIC_BASE_URL"])
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        raise click.ClickException("a child process exited; stopping")
    except KeyboardInterrupt:
        pass
    finally:
        stop()
