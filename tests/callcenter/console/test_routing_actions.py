"""Re-routing with a reason and routing a needs_review ticket's typed summary.

These go through ``callcenter.services.routing`` (reroute_ticket, route_ticket): the
assertions hold for any router that honours that contract.
"""

from __future__ import annotations

from sqlalchemy import select

from callcenter.db import db
from callcenter.models import AuditLog, Ticket
from routing import reference
from tests.factories import make_ticket, make_user
from tests.helpers import csrf_token, sign_in


def _client(app, name="kim", role="operator", center="INCHEON"):
    make_user(app, name, role, center)
    client = app.test_client()
    assert sign_in(client, name).status_code == 302
    return client


def _post(client, number, action, **data):
    token = csrf_token(client, f"/console/tickets/{number}")
    return client.post(f"/console/tickets/{number}/{action}", data={"csrf_token": token, **data})


def _stored(app, number) -> Ticket:
    with app.app_context():
        return db.session.scalars(select(Ticket).where(Ticket.number == number)).one()


def _audits(app, action):
    with app.app_context():
        return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


def test_reroute_needs_a_reason(app):
    ticket = make_ticket(app)
    client = _client(app)
    _post(client, ticket.number, "reroute", topic="mold", reason="  ")
    page = client.get(f"/console/tickets/{ticket.number}").get_data(as_text=True)
    assert "변경 사유를 입력하세요." in page
    assert _stored(app, ticket.number).topic_code == "casting"
    assert _audits(app, "ticket.reroute") == []


def test_topic_change_recomputes_the_center(app):
    ticket = make_ticket(app, topic="casting", center="INCHEON", region="인천")
    client = _client(app)
    response = _post(client, ticket.number, "reroute", topic="textile", reason="섬유 염색 문의")
    assert response.status_code == 302
    stored = _stored(app, ticket.number)
    assert stored.topic_code == "textile"
    assert stored.reroutes == 1  # counted for the supervisors' re-route rate
    covering = {c.code for c in reference.centers() if "textile" in c.topics}
    assert stored.center_code in covering and stored.center_code != "INCHEON"
    (row,) = _audits(app, "ticket.reroute")
    assert "섬유 염색 문의" in str(row.detail)


def test_center_change_keeps_the_topic(app):
    ticket = make_ticket(app, topic="casting", center="INCHEON")
    client = _client(app, "boss", "supervisor", None)
    _post(client, ticket.number, "reroute", center="BUSAN", reason="부산 공장 방문 필요")
    stored = _stored(app, ticket.number)
    assert (stored.topic_code, stored.center_code) == ("casting", "BUSAN")
    _post(client, ticket.number, "reroute", center="INCHEON", reason="인천 공장이었음")
    assert _stored(app, ticket.number).reroutes == 2


def test_typed_summary_of_a_needs_review_ticket_is_routed(app):
    ticket = make_ticket(
        app, status="needs_review", topic=None, center=None, transcript=None, routing={}
    )
    client = _client(app)
    assert ticket.number in client.get("/console/?tab=review").get_data(as_text=True)
    page = client.get(f"/console/tickets/{ticket.number}").get_data(as_text=True)
    assert "녹음을 듣고 문제 내용을 입력하세요" in page
    _post(client, ticket.number, "summary", summary="알루미늄 주물 주조할 때 기포가 많이 생겨요")
    stored = _stored(app, ticket.number)
    assert stored.summary == "알루미늄 주물 주조할 때 기포가 많이 생겨요"
    assert stored.topic_code == "casting" and stored.center_code is not None
    assert stored.status == "routed" and stored.first_response_at is not None
    assert [r.detail["to"] for r in _audits(app, "ticket.status")] == ["routed"]
    assert len(_audits(app, "ticket.summary")) == 1
    # Once routed, the summary form is gone: changes go through re-routing.
    page = client.get(f"/console/tickets/{ticket.number}").get_data(as_text=True)
    assert f"/console/tickets/{ticket.number}/summary" not in page
    again = _post(client, ticket.number, "summary", summary="다른 내용")
    assert again.status_code == 302
    assert _stored(app, ticket.number).summary == "알루미늄 주물 주조할 때 기포가 많이 생겨요"


def test_api_reroute(app):
    ticket = make_ticket(app)
    client = _client(app)
    token = csrf_token(client)
    response = client.post(
        f"/api/tickets/{ticket.number}/reroute",
        json={"topic": "mold", "reason": "금형 파손"},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert response.get_json()["ticket"]["topic"] == "mold"


def test_summary_without_a_recognisable_topic_stays_for_review(app):
    ticket = make_ticket(
        app, status="needs_review", topic=None, center=None, transcript=None, routing={}
    )
    client = _client(app)
    _post(client, ticket.number, "summary", summary="여보세요 여보세요")
    stored = _stored(app, ticket.number)
    assert stored.summary == "여보세요 여보세요" and stored.status == "needs_review"
    page = client.get(f"/console/tickets/{ticket.number}").get_data(as_text=True)
    assert "주제를 정하지 못했습니다" in page
    _post(client, ticket.number, "reroute", topic="ip", reason="특허 문의로 확인")
    stored = _stored(app, ticket.number)
    assert stored.topic_code == "ip" and stored.status == "routed"


def test_region_correction_reroutes_and_releases_the_assignee(app):
    kim = make_user(app, "kim", "operator", "INCHEON")
    ticket = make_ticket(
        app,
        topic="casting",
        center="INCHEON",
        caller="+82325551234",
        status="in_progress",
        assignee_id=kim.id,
    )
    client = app.test_client()
    sign_in(client, "kim")
    page = client.get(f"/console/tickets/{ticket.number}").get_data(as_text=True)
    assert 'name="region"' in page and '<option value="경남">' in page
    assert "담당자 배정이 풀리고" in page
    _post(client, ticket.number, "reroute", region="경남", reason="창원 공장이라고 하심")
    stored = _stored(app, ticket.number)
    assert (stored.region, stored.region_source) == ("경남", "operator")
    assert stored.center_code != "INCHEON"
    assert stored.status == "routed" and stored.assignee_id is None
    page = client.get(f"/console/tickets/{ticket.number}").get_data(as_text=True)
    assert "담당자 배정을 풀었습니다" in page
    assert "님의 담당을 풀고" in page  # the note on the ticket
    assert "경남 · 상담원이 입력" in page  # the explanation says how the region was known
    # The number's area code no longer wins on a later automatic decision.
    with app.app_context():
        from callcenter.services.routing import route_ticket

        item = db.session.get(Ticket, stored.id)
        item.status = "needs_review"
        route_ticket(db.session, item)
        assert item.center_code == stored.center_code


def test_unknown_region_is_refused(app):
    ticket = make_ticket(app)
    client = _client(app)
    _post(client, ticket.number, "reroute", region="화성", reason="x")
    page = client.get(f"/console/tickets/{ticket.number}").get_data(as_text=True)
    assert "알 수 없는 지역입니다." in page
