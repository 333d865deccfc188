"""No ticket of any kind is invisible: each is in some working or review tab of a center."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from callcenter.db import db
from callcenter.models import TICKET_KINDS, TICKET_STATUSES, Call, Ticket, utcnow
from callcenter.services.tickets import create_ticket_for_call
from tests.factories import make_ticket, make_user
from tests.helpers import csrf_token, sign_in

ROW = re.compile(r'<tr data-ticket-id="(\d+)"')
WORKING_TABS = ("new", "mine", "in_progress", "review", "follow_up")
# Finished tickets (사후 점검 완료, 종결) are no one's work: their center's 전체 tab lists them.
FINISHED = ("follow_up_done", "closed")
# Statuses before routing: no center yet.
UNROUTED = ("received", "transcribing", "needs_review")


def _ids(client, **args) -> set[int]:
    response = client.get("/console/", query_string=args)
    assert response.status_code == 200
    return {int(i) for i in ROW.findall(response.get_data(as_text=True))}


@pytest.mark.parametrize("kind", TICKET_KINDS)
def test_every_kind_and_status_appears_in_a_tab(app, kind):
    kim = make_user(app, "kim", "operator", "INCHEON")
    make_user(app, "lee", "operator", "BUSAN")
    made = {}
    for status in TICKET_STATUSES:
        unrouted = status in UNROUTED
        assigned = status in ("assigned", "in_progress", "resolved", *FINISHED)
        made[status] = make_ticket(
            app,
            kind=kind,
            status=status,
            center=None if unrouted else "INCHEON",
            topic=None if unrouted else "casting",
            assignee_id=kim.id if assigned else None,
        )
    for name in ("kim", "lee"):  # the assignee and an operator of another center
        client = app.test_client()
        sign_in(client, name)
        seen = {tab: _ids(client, tab=tab) for tab in (*WORKING_TABS, "all")}
        for status, ticket in made.items():
            holder = "kim" if ticket.center_code == "INCHEON" else name
            if name != holder:
                continue
            tabs = [tab for tab in WORKING_TABS if ticket.id in seen[tab]]
            if status in FINISHED:
                assert ticket.id in seen["all"], (kind, status)
            else:
                assert tabs, f"{kind}/{status} is in no working tab of {name}"


def test_a_callback_request_is_routed_to_the_callers_nearest_center(app):
    with app.app_context():
        call = Call(call_sid="CA" + "1" * 32, from_number="+82515551234", region_source="unknown")
        db.session.add(call)
        db.session.flush()
        ticket = create_ticket_for_call(db.session, call, kind="callback", timezone="Asia/Seoul")
        db.session.commit()
        assert ticket.status == "routed"
        assert ticket.center_code == "BUSAN"
        assert ticket.routing["explanation"]["center"]["runner_up"] is not None
    make_user(app, "park", "operator", "BUSAN")
    client = app.test_client()
    sign_in(client, "park")
    assert ticket.id in _ids(client, tab="new")
    # Claim, then 회신 완료 moves it to 처리 중 through the workflow table.
    token = csrf_token(client, f"/console/tickets/{ticket.number}")
    url = f"/console/tickets/{ticket.number}"
    assert client.post(f"{url}/claim", data={"csrf_token": token}).status_code == 302
    client.post(f"{url}/callback", data={"result": "reached", "csrf_token": token})
    with app.app_context():
        assert db.session.get(Ticket, ticket.id).status == "in_progress"
    page = client.get(f"/console/tickets/{ticket.number}").get_data(as_text=True)
    assert "녹음 파일" not in page and "녹음을 들" not in page


def test_my_tabs_follow_me_to_other_centers(app):
    kim = make_user(app, "kim", "operator", "INCHEON")
    elsewhere = make_ticket(app, center="BUSAN", status="in_progress", assignee_id=kim.id)
    due = make_ticket(app, center="BUSAN", status="resolved", assignee_id=kim.id)
    with app.app_context():
        db.session.get(Ticket, due.id).follow_up_on = utcnow().date() + timedelta(days=3)
        db.session.commit()
    client = app.test_client()
    sign_in(client, "kim")
    assert _ids(client, tab="mine") == {elsewhere.id, due.id}
    assert _ids(client, tab="follow_up") == {due.id}
    page = client.get("/console/", query_string={"tab": "mine"}).get_data(as_text=True)
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', page))
    assert counts["mine"] == "2" and counts["follow_up"] == "1"


def test_an_old_unrouted_callback_request_can_still_be_returned(app):
    ticket = make_ticket(app, kind="callback", status="received", center=None, topic=None)
    client = app.test_client()
    make_user(app, "kim")
    sign_in(client, "kim")
    url = f"/console/tickets/{ticket.number}"
    token = csrf_token(client, url)
    client.post(f"{url}/callback", data={"result": "reached", "csrf_token": token})
    with app.app_context():
        stored = db.session.get(Ticket, ticket.id)
        assert stored.status == "in_progress" and stored.assignee_id is not None
    assert ticket.id in _ids(client, tab="mine")
