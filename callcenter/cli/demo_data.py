"""`flask demo-data`: generate realistic call history for demos and benchmarks."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext

from callcenter.db import db


@click.command("demo-data")
@click.option("--calls", default=10000, show_default=True, type=click.IntRange(1))
@click.option("--days", default=365, show_default=True, type=click.IntRange(1))
@click.option("--seed", default=1379, show_default=True, type=int, help="Same seed, same data.")
@click.option(
    "--end",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Last day of the history (default: yesterday in TIMEZONE).",
)
@click.option(
    "--catalogue/--no-catalogue",
    default=True,
    show_default=True,
    help="Also write the demo support catalogue (equipment, experts, patents, labs).",
)
@with_appcontext
def demo_data_command(
    calls: int, days: int, seed: int, end: datetime | None, catalogue: bool
) -> None:
    """Write CALLS demo calls (events, recordings, Korean transcripts, tickets, audit rows)."""
    from callcenter.catalogue.demo import generate_catalogue
    from callcenter.demo.history import DemoDataError, analyze, generate
    from callcenter.kpi.rollups import refresh

    timezone = current_app.config["TIMEZONE"]
    last: date = end.date() if end else datetime.now(ZoneInfo(timezone)).date() - timedelta(days=1)
    began = time.perf_counter()

    def progress(done: int) -> None:
        click.echo(f"  {done:,} / {calls:,} calls ({time.perf_counter() - began:.1f} s)", err=True)

    try:
        counts = generate(
            db.session(),
            calls=calls,
            seed=seed,
            end=last,
            days=days,
            timezone=timezone,
            progress=progress,
        )
    except DemoDataError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    analyze(db.session())
    db.session.commit()
    summed_at = time.perf_counter()
    today = datetime.now(ZoneInfo(timezone)).date()
    summed = refresh(db.session(), timezone, today)
    click.echo(
        f"KPI 일별 집계 {summed}일 ({time.perf_counter() - summed_at:.1f} s) "
        f"(KPI rollups of {summed} days)"
    )
    if catalogue:
        reports = generate_catalogue(db.session(), seed=seed)
        db.session.commit()
        sizes = "; ".join(report.summary_ko() for report in reports.values())
        click.echo(f"데모 지원 자원 목록 (demo catalogue): {sizes}")
    summary = ", ".join(f"{table}: {n:,}" for table, n in counts.rows.items())
    click.echo(f"데모 이력 생성 완료 (demo history written) in {time.perf_counter() - began:.1f} s")
    click.echo(summary)
