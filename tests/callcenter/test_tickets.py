"""Tickets for calls: daily numbers, one per call and kind, the `tickets list --json` contract."""

from __future__ import annotations

import json

from flask import Flask

from callcenter.db import db
from callcenter.models import Call, Ticket
from callcenter.services.tickets import create_ticket_for_call
from tests.factories import make_call


def test_ticket_numbers_are_daily_sequences(app: Flask):
    with app.app_context():
        calls = [Call(call_sid=f"CA{i:032d}", from_number="+8221234567") for i in range(3)]
        db.session.add_all(calls)
        db.session.flush()
        numbers = [
            create_ticket_for_call(db.session, c, kind="problem", timezone="Asia/Seoul").number
            for c in calls
        ]
        db.session.commit()
    prefix = numbers[0].rsplit("-", 1)[0]
    assert numbers == [f"{prefix}-0001", f"{prefix}-0002", f"{prefix}-0003"]


def test_ticket_creation_is_idempotent_per_call_and_kind(app: Flask):
    with app.app_context():
        call = Call(call_sid="CA" + "1" * 32, from_number="+821012345678")
        db.session.add(call)
        db.session.flush()
        first = create_ticket_for_call(db.session, call, kind="problem", timezone="Asia/Seoul")
        again = create_ticket_for_call(db.session, call, kind="problem", timezone="Asia/Seoul")
        db.session.commit()
        assert first.id == again.id
        assert db.session.query(Ticket).count() == 1


def test_tickets_list_json_contract(app: Flask, runner):
    call = make_call(
        app, "CA" + "2" * 32, from_number="+82415551234", region="충남", region_source="area_code"
    )
    with app.app_context():
        create_ticket_for_call(
            db.session, db.session.get_one(Call, call.id), kind="voicemail", timezone="Asia/Seoul"
        )
        db.session.commit()
    result = runner.invoke(args=["tickets", "list", "--json"])
    assert result.exit_code == 0, result.output
    tickets = json.loads(result.output)
    assert len(tickets) == 1
    ticket = tickets[0]
    for key in (
        "number",
        "call_sid",
        "kind",
        "status",
        "caller",
        "region",
        "topic",
        "center",
        "transcript",
        "created_at",
    ):
        assert key in ticket
    assert ticket["call_sid"] == "CA" + "2" * 32
    assert ticket["region"] == "충남"
    assert ticket["kind"] == "voicemail"
    assert ticket["status"] == "received"
    assert ticket["transcript"] is None
