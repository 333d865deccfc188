"""`flask search`: rebuild or check the search index of transcripts and typed summaries."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from callcenter.db import db


@click.group("search")
def search_group() -> None:
    """Search index of transcripts and typed summaries."""


@search_group.command("rebuild")
@with_appcontext
def rebuild_command() -> None:
    """Index every transcript and typed summary afresh (after bulk loads or restores)."""
    from callcenter.search.index import rebuild

    began = time.perf_counter()
    counts = rebuild(db.session())
    db.session.commit()
    click.echo(
        f"검색 색인 재구성 완료 (search index rebuilt) in {time.perf_counter() - began:.1f} s: "
        + ", ".join(f"{table}: {n:,}" for table, n in counts.items())
    )


@search_group.command("check")
@with_appcontext
def check_command() -> None:
    """Compare the index with the texts it covers; exit 1 when entries are missing."""
    from callcenter.search.index import missing

    gaps = missing(db.session())
    db.session.rollback()
    click.echo(", ".join(f"{table}: {n:+,}" for table, n in gaps.items()))
    if any(gaps.values()):
        raise click.ClickException(
            "검색 색인이 불완전합니다. `flask search rebuild`를 실행하세요 "
            "(search index incomplete: run `flask search rebuild`)"
        )
    click.echo("검색 색인 완전 (search index complete)")
