"""The JSON API: same reads and actions as the console, CSRF by header, bilingual errors."""

from __future__ import annotations

from sqlalchemy import select

from callcenter.db import db
from callcenter.models import AuditLog, Ticket
from tests.factories import make_ticket, make_user
from tests.helpers import csrf_token, sign_in


def _client(app, name, role="operator", center="INCHEON"):
    make_user(app, name, role, center)
    client = app.test_client()
    assert sign_in(client, name).status_code == 302
    return client, csrf_token(client)


def _post(client, token, number, action, **body):
    return client.post(f"/api/tickets/{number}/{action}", json=body, headers={"X-CSRFToken": token})


def test_list_and_get_mask_the_caller(app):
    ticket = make_ticket(app, caller="+821012345678")
    make_ticket(app, center="BUSAN")
    client, _ = _client(app, "kim")
    listing = client.get("/api/tickets").get_json()
    assert [t["number"] for t in listing["tickets"]] == [ticket.number]
    assert listing["tickets"][0]["caller"] == "•••-••••-5678"
    assert listing["tickets"][0]["caller_masked"] is True
    assert listing["tab_counts"]["new"] == 1
    everywhere = client.get("/api/tickets", query_string={"scope": "all"}).get_json()
    assert len(everywhere["tickets"]) == 2
    detail = client.get(f"/api/tickets/{ticket.number}").get_json()
    assert [s["start"] for s in detail["segments"]] == [0.0, 2.4, 5.1]
    assert detail["allowed_moves"] == ["assigned", "needs_review"]
    assert detail["transcript"].startswith("여보세요")


def test_actions_through_the_api(app):
    ticket = make_ticket(app, caller="+821012345678")
    client, token = _client(app, "kim")
    claimed = _post(client, token, ticket.number, "claim")
    assert claimed.status_code == 200
    body = claimed.get_json()
    assert body["message"] == "티켓을 맡았습니다." and body["message_en"]
    assert body["ticket"]["status"] == "assigned" and body["ticket"]["assignee"] == "kim"
    assert body["ticket"]["caller"] == "+821012345678"  # assigned to me: the full number
    assert _post(client, token, ticket.number, "status", status="in_progress").status_code == 200
    noted = _post(client, token, ticket.number, "notes", text="부품 도면 요청함")
    assert noted.get_json()["ticket"]["notes"][0]["text"] == "부품 도면 요청함"
    resolved = _post(
        client,
        token,
        ticket.number,
        "status",
        status="resolved",
        follow_up_on="2031-02-03",
        outcome="solved",
        solution="도금 조건 안내",
    )
    assert resolved.get_json()["ticket"]["follow_up_on"] == "2031-02-03"
    moved = _post(client, token, ticket.number, "follow-up", follow_up_on="2031-03-05")
    assert moved.get_json()["ticket"]["follow_up_on"] == "2031-03-05"
    with app.app_context():
        actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions[-5:] == [
        "ticket.assign",
        "ticket.status",
        "ticket.note",
        "ticket.status",
        "ticket.follow_up",
    ]


def test_errors_are_json_in_korean_and_english(app):
    ticket = make_ticket(app, status="routed")
    client, token = _client(app, "kim")
    illegal = _post(client, token, ticket.number, "status", status="closed")
    assert illegal.status_code == 409
    assert illegal.get_json() == {
        "error": "illegal_move",
        "message": "'배정 대기' 상태에서 '종결' 상태로 바꿀 수 없습니다.",
        "message_en": "A ticket cannot move from 'Routed' to 'Closed'.",
    }
    no_reason = _post(client, token, ticket.number, "reroute", topic="mold")
    assert no_reason.status_code == 400 and no_reason.get_json()["error"] == "reason_required"
    missing = client.get("/api/tickets/1379-20000101-9999")
    assert missing.status_code == 404 and missing.get_json()["message"] == "찾을 수 없습니다."
    other, other_token = _client(app, "busan_op", center="BUSAN")
    refused = _post(other, other_token, ticket.number, "claim")
    assert refused.status_code == 403 and refused.get_json()["error"] == "not_yours"


def test_posts_need_the_csrf_header(app):
    ticket = make_ticket(app)
    client, token = _client(app, "kim")
    response = client.post(f"/api/tickets/{ticket.number}/claim", json={})
    assert response.status_code == 400
    assert response.get_json()["error"] == "csrf"
    assert response.get_json()["message_en"].startswith("The security token")
    with app.app_context():
        assert db.session.scalars(select(Ticket)).one().assignee_id is None
    assert _post(client, token, ticket.number, "claim").status_code == 200


def test_supervisor_assigns_to_an_operator_of_the_center(app):
    ticket = make_ticket(app)
    make_user(app, "kim")
    client, token = _client(app, "boss", "supervisor", None)
    response = _post(client, token, ticket.number, "assign", assignee="kim")
    assert response.status_code == 200 and response.get_json()["ticket"]["assignee"] == "kim"
    unknown = _post(client, token, ticket.number, "assign", assignee="nobody")
    assert unknown.status_code == 400 and unknown.get_json()["error"] == "no_such_user"


def test_the_api_enforces_ownership_and_the_version_token(app):
    ticket = make_ticket(app)
    kim, kim_token = _client(app, "kim")
    lee, lee_token = _client(app, "lee")
    version = kim.get(f"/api/tickets/{ticket.number}").get_json()["version"]
    assert _post(kim, kim_token, ticket.number, "claim", version=version).status_code == 200
    # lee may not move kim's ticket, whatever the form says.
    taken = _post(lee, lee_token, ticket.number, "status", status="in_progress")
    assert taken.status_code == 409 and taken.get_json()["error"] == "taken"
    assert "다른 상담원이 맡은 티켓" in taken.get_json()["message"]
    assert _post(lee, lee_token, ticket.number, "notes", text="참고 메모").status_code == 200
    # kim's old version is stale after the claim changed the ticket.
    stale = _post(kim, kim_token, ticket.number, "status", status="in_progress", version=version)
    assert stale.status_code == 409 and stale.get_json()["error"] == "stale"
    assert stale.get_json()["message"].startswith("다른 사람이 이 티켓을 바꿨습니다")
    fresh = kim.get(f"/api/tickets/{ticket.number}").get_json()["version"]
    moved = _post(kim, kim_token, ticket.number, "status", status="in_progress", version=fresh)
    assert moved.status_code == 200
