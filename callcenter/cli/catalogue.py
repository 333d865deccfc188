"""`flask catalogue`: import, export, demo data and suggestions of the support catalogue."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from callcenter.catalogue.columns import KINDS
from callcenter.cli.routing import _check_region
from callcenter.db import db

KIND_CHOICE = click.Choice(list(KINDS))
MAX_ERRORS_SHOWN = 200


@click.group("catalogue")
def catalogue_group() -> None:
    """Support catalogue: equipment, experts, patents and labs."""


@catalogue_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", required=True, type=KIND_CHOICE, help="What the file holds.")
@click.option("--dry-run", is_flag=True, help="Check and count only; write nothing.")
@with_appcontext
def import_command(file: Path, kind: str, dry_run: bool) -> None:
    """Upsert FILE (UTF-8 CSV with a header row) by id; bad rows are listed and skipped."""
    from callcenter.catalogue.rows import CatalogueFileError
    from callcenter.catalogue.store import import_file

    began = time.perf_counter()
    try:
        report = import_file(db.session(), KINDS[kind], file, dry_run=dry_run)
    except CatalogueFileError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    for error in report.errors[:MAX_ERRORS_SHOWN]:
        click.echo(f"{file.name}:{error.line}: {error.reason}", err=True)
    if len(report.errors) > MAX_ERRORS_SHOWN:
        click.echo(f"… 외 {len(report.errors) - MAX_ERRORS_SHOWN:,}행 오류", err=True)
    click.echo(f"{report.summary_ko()} in {time.perf_counter() - began:.1f} s")


@catalogue_group.command("export")
@click.option("--kind", required=True, type=KIND_CHOICE)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@with_appcontext
def export_command(kind: str, output: Path | None) -> None:
    """Write every resource of KIND in the import format (to stdout without -o)."""
    from callcenter.catalogue.store import export_csv

    if output is None:
        export_csv(db.session(), KINDS[kind], sys.stdout)
    else:
        with output.open("w", encoding="utf-8", newline="") as out:
            count = export_csv(db.session(), KINDS[kind], out)
        click.echo(f"{kind}: {count:,}행을 {output}에 썼습니다 (rows written)", err=True)
    db.session.rollback()


@catalogue_group.command("demo")
@click.option("--seed", default=1379, show_default=True, type=int, help="Same seed, same data.")
@with_appcontext
def demo_command(seed: int) -> None:
    """Write the seed-sized demo catalogue, marked demo (repeating a seed changes nothing)."""
    from callcenter.catalogue.demo import generate_catalogue

    began = time.perf_counter()
    reports = generate_catalogue(db.session(), seed=seed)
    db.session.commit()
    click.echo(
        f"데모 카탈로그 생성 완료 (demo catalogue written) in {time.perf_counter() - began:.1f} s"
    )
    for report in reports.values():
        click.echo("  " + report.summary_ko())


@catalogue_group.command("suggest")
@click.argument("text")
@click.option("--from", "caller", default=None, help="Caller number, E.164 (+8255...).")
@click.option("--region", default=None, help="Region answer: 경남 / Gyeongnam or IVR digit 1-7.")
@click.option(
    "--kind", "kinds", multiple=True, type=KIND_CHOICE, help="Only this kind (repeatable)."
)
@click.option(
    "--limit", default=5, show_default=True, type=click.IntRange(1, 100), help="Per kind."
)
@with_appcontext
def suggest_command(
    text: str, caller: str | None, region: str | None, kinds: tuple[str, ...], limit: int
) -> None:
    """Route TEXT as a ticket and print the best resources of each kind, and why, as JSON."""
    from callcenter.catalogue.suggest import suggest

    found = suggest(
        db.session(),
        text,
        caller_number=caller,
        region=_check_region(region),
        kinds=kinds or None,
        limit=limit,
    )
    db.session.rollback()
    click.echo(json.dumps(found.as_dict(), ensure_ascii=False, indent=2))
