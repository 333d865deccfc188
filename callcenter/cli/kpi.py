"""`flask kpi-rollups`: sum settled days into the dashboard's rollup tables now."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext

from callcenter.db import db


@click.command("kpi-rollups")
@click.option(
    "--rebuild", is_flag=True, help="Mark every day stale first (after a manual data fix)."
)
@with_appcontext
def kpi_rollups_command(rebuild: bool) -> None:
    """Sum every settled day that needs it (the worker does this each minute, in slices)."""
    from callcenter.kpi.rollups import refresh, stale_all

    timezone = current_app.config["TIMEZONE"]
    began = time.perf_counter()
    session = db.session()
    if rebuild:
        stale_all(session)
        session.commit()
    built = refresh(session, timezone, datetime.now(ZoneInfo(timezone)).date())
    click.echo(
        f"KPI 일별 집계 {built}일 완료 ({time.perf_counter() - began:.1f} s) (summed {built} days)"
    )
