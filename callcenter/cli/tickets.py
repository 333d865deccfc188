"""`flask tickets ...`: tickets from the command line."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from callcenter.db import db
from callcenter.models import Recording, Ticket
from callcenter.serializers import ticket_as_dict


@click.group("tickets")
def tickets_group() -> None:
    """Tickets."""


@tickets_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option("--limit", default=200, show_default=True, help="Newest N tickets.")
@click.option("--status", default=None, help="Only tickets with this status.")
@with_appcontext
def list_command(as_json: bool, limit: int, status: str | None) -> None:
    """List the newest tickets."""
    query = (
        select(Ticket)
        .options(
            selectinload(Ticket.call),
            selectinload(Ticket.recording).selectinload(Recording.transcript),
        )
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(limit)
    )
    if status:
        query = query.where(Ticket.status == status)
    tickets = db.session.scalars(query).all()
    if as_json:
        click.echo(json.dumps([ticket_as_dict(t) for t in tickets], ensure_ascii=False, indent=2))
        return
    if not tickets:
        click.echo("접수된 티켓이 없습니다 (no tickets).")
    for t in tickets:
        text = (ticket_as_dict(t)["transcript"] or t.summary or "").replace("\n", " ")[:60]
        click.echo(
            f"{t.number}  {t.kind:<9} {t.status:<13} {t.topic_code or '-':<10} "
            f"{t.center_code or '-':<10} {t.region or '-':<4} {text}"
        )
