"""`flask tickets ...`: tickets from the command line."""

from __future__ import annotations

import json
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from callcenter.db import db
from callcenter.models import Recording, Ticket


def ticket_as_dict(ticket: Ticket) -> dict[str, Any]:
    """The JSON shape of a ticket shared by the CLI and the API."""
    transcript = ticket.recording.transcript if ticket.recording else None
    return {
        "number": ticket.number,
        "call_sid": ticket.call.call_sid if ticket.call else None,
        "kind": ticket.kind,
        "status": ticket.status,
        "caller": ticket.caller_number,
        "region": ticket.region,
        "region_source": ticket.region_source,
        "menu_choice": ticket.menu_choice,
        "topic": ticket.topic_code,
        "center": ticket.center_code,
        "institutes": ticket.institutes or [],
        "transcript": transcript.text if transcript is not None else None,
        "summary": ticket.summary,
        "recording_status": ticket.recording.status if ticket.recording else None,
        "recording_error": ticket.recording.error if ticket.recording else None,
        "routing": ticket.routing or None,
        "queue_position": ticket.queue_position,
        "follow_up_on": ticket.follow_up_on.isoformat() if ticket.follow_up_on else None,
        "created_at": ticket.created_at.isoformat(),
    }


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
