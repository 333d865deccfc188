"""The ticket page's suggestions and one-click 연계, the routing job's stored suggestions, the
catalogue page, and the referral export and outcome KPIs."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import Flask
from redis import Redis
from rq import Queue
from sqlalchemy import select

from callcenter.db import db
from callcenter.models import Referral, SmsMessage, TicketSuggestions
from callcenter.pipeline.route import route_ticket_job
from tests.callcenter.referrals.conftest import SMS_CONFIG, plating_ticket
from tests.helpers import csrf_token, signed_in_client


@pytest.fixture
def app_config(app_config):  # type: ignore[no-untyped-def]
    app_config.update(SMS_CONFIG)
    return app_config


def test_the_routing_job_stores_suggestions_of_each_kind_for_its_decision(
    app: Flask, catalogue: None
):
    ticket = plating_ticket(app, status="transcribing", topic=None, center=None)
    with app.app_context():
        result = route_ticket_job(ticket.id)
        assert result["status"] == "routed"
        stored = db.session.get(TicketSuggestions, ticket.id)
        assert stored is not None and stored.topic_code == result["topic"]
        assert stored.center_code == result["center"]
        kinds = [item["kind"] for item in stored.items]
        assert kinds[0] == "equipment" and "expert" in kinds
        top = stored.items[0]
        assert top["id"] == "EQ-SALT" and "염수분무" in top["why"]["words"]
        assert "일치 단어" in top["why"]["summary"]


def test_the_ticket_page_shows_suggestions_with_why_and_refer_creates_a_referral(
    app: Flask, catalogue: None
):
    client = signed_in_client(app, "kim", "operator", "INCHEON")
    ticket = plating_ticket(app, status="routed")
    page = client.get(f"/console/tickets/{ticket.number}").get_data(as_text=True)
    assert 'id="suggestions-heading"' in page
    salt = page.index('id="suggestion-equipment-EQ-SALT"')
    assert "복합염수분무 시험기" in page[salt : salt + 1500]
    assert "일치 단어:" in page[salt : salt + 1500] and "주제: 표면처리" in page[salt : salt + 1500]
    assert 'id="suggestion-expert-EX-PLATE"' in page
    token = csrf_token(client, f"/console/tickets/{ticket.number}")
    response = client.post(
        f"/console/tickets/{ticket.number}/referrals",
        data={
            "csrf_token": token,
            "resource_kind": "equipment",
            "resource_id": "EQ-SALT",
            "send_sms": "1",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "연계했습니다. 고객에게 안내 문자를 보냅니다." in page
    assert re.search(r'id="referral-\d+"', page) and "문자 대기" in page
    salt = page.index('id="suggestion-equipment-EQ-SALT"')
    assert "연계됨" in page[salt : salt + 1500]  # no second one-click for the same resource
    with app.app_context():
        referral = db.session.scalars(select(Referral)).one()
        assert (referral.resource_id, referral.status) == ("EQ-SALT", "requested")
        message = db.session.scalars(select(SmsMessage)).one()
        assert message.subject == f"referral-{referral.id}"
    queue = Queue("default", connection=Redis.from_url(app.config["REDIS_URL"]))
    assert queue.fetch_job(f"sms-{message.id}") is not None
    # The status moves through the referral's own form.
    token = csrf_token(client, f"/console/tickets/{ticket.number}")
    client.post(
        f"/console/referrals/{referral.id}/status", data={"csrf_token": token, "status": "accepted"}
    )
    page = client.get(f"/console/tickets/{ticket.number}").get_data(as_text=True)
    assert (
        "연계 상태를 바꿨습니다." in page and "연계 상태 변경: 복합염수분무 시험기 → 접수" in page
    )


def test_a_rerouted_ticket_gets_live_suggestions_for_its_new_topic(app: Flask, catalogue: None):
    client = signed_in_client(app, "kim", "operator", "INCHEON")
    ticket = plating_ticket(app, status="routed")
    with app.app_context():
        db.session.add(
            TicketSuggestions(
                ticket_id=ticket.id, topic_code="casting", center_code="INCHEON", items=[]
            )
        )
        db.session.commit()
    page = client.get(f"/console/tickets/{ticket.number}").get_data(as_text=True)
    assert 'id="suggestion-equipment-EQ-SALT"' in page  # stale list (casting) ignored


def test_the_catalogue_page_searches_with_filters_and_refers_for_a_ticket(
    app: Flask, catalogue: None
):
    client = signed_in_client(app, "kim", "operator", "INCHEON")
    ticket = plating_ticket(app, status="routed")
    page = client.get("/console/catalogue?q=염수분무+도금").get_data(as_text=True)
    assert 'id="result-equipment-EQ-SALT"' in page and 'id="result-expert-EX-PLATE"' in page
    page = client.get("/console/catalogue?q=염수분무+도금&kind=expert").get_data(as_text=True)
    assert 'id="result-equipment-EQ-SALT"' not in page and 'id="result-expert-EX-PLATE"' in page
    page = client.get("/console/catalogue?q=3D+프린터&center=INCHEON").get_data(as_text=True)
    assert 'id="result-equipment-EQ-PRINT"' not in page  # the printer is in Busan
    page = client.get("/console/catalogue?topic=equipment").get_data(as_text=True)
    assert 'id="result-equipment-EQ-PRINT"' in page and "EQ-SALT" not in page
    page = client.get(f"/console/catalogue?q=염수분무&ticket={ticket.number}").get_data(
        as_text=True
    )
    assert f"티켓 {ticket.number}에 연계" in page and 'name="next" value="catalogue"' in page
    token = csrf_token(client, "/console/catalogue")
    response = client.post(
        f"/console/tickets/{ticket.number}/referrals",
        data={
            "csrf_token": token,
            "resource_kind": "expert",
            "resource_id": "EX-PLATE",
            "next": "catalogue",
        },
    )
    assert response.headers["Location"].startswith("/console/catalogue?ticket=")
    with app.app_context():
        assert db.session.scalars(select(Referral.resource_id)).all() == ["EX-PLATE"]


def test_referrals_export_is_formula_safe_and_kpis_count_by_institute(app: Flask, catalogue: None):
    operator = signed_in_client(app, "kim", "operator", "INCHEON")
    ticket = plating_ticket(app, status="routed")
    token = csrf_token(operator, f"/console/tickets/{ticket.number}")
    for data in (
        {"resource_kind": "equipment", "resource_id": "EQ-PRINT", "contact": "=cmd|' /C calc'!A0"},
        {"institute": "KIMS", "contact": "+82 10"},
    ):
        operator.post(
            f"/console/tickets/{ticket.number}/referrals", data={"csrf_token": token, **data}
        )
    with app.app_context():
        first = db.session.scalars(select(Referral).order_by(Referral.id)).first()
        assert first is not None
        first_id = first.id
    for status in ("accepted", "completed"):
        operator.post(
            f"/console/referrals/{first_id}/status", data={"csrf_token": token, "status": status}
        )
    assert operator.get("/supervisor/outcomes").status_code == 403
    supervisor = signed_in_client(app, "boss", "supervisor", None)
    page = supervisor.get("/supervisor/outcomes").get_data(as_text=True)
    assert 'id="kpi-referrals">2<' in page
    institutes = page[page.index('id="kpi-institutes"') :]
    assert "(KITECH)</span></td><td>1</td><td>100%</td>" in institutes
    assert "(KIMS)</span></td><td>1</td><td>–</td>" in institutes
    body = supervisor.get("/supervisor/export/referrals.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:3] == ["연계 번호", "접수번호", "접수 시각"]
    contacts = {row[8] for row in rows[1:]}
    assert contacts == {"'=cmd|' /C calc'!A0", "'+82 10"}
    assert {row[10] for row in rows[1:]} == {"완료", "의뢰"}
    assert {row[7] for row in rows[1:]} == {"FDM 3D 프린터", ""}
