"""The inbox: default scope per role, tabs, filters, search, counts, paging, live changes."""

from __future__ import annotations

import re
from datetime import timedelta

from callcenter.models import utcnow
from tests.factories import make_ticket, make_user
from tests.helpers import sign_in

ROW = re.compile(r'<tr data-ticket-id="(\d+)"')


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.status_code
    return [int(i) for i in ROW.findall(response.get_data(as_text=True))]


def _client(app, name, role="operator", center="INCHEON"):
    make_user(app, name, role, center)
    client = app.test_client()
    assert sign_in(client, name).status_code == 302
    return client


def test_operator_sees_own_center_by_default_and_can_switch_to_all(app):
    mine = make_ticket(app, center="INCHEON")
    other = make_ticket(app, center="BUSAN")
    pool = make_ticket(app, center=None, topic=None, status="needs_review")
    client = _client(app, "kim")
    assert _ids(client.get("/console/")) == [mine.id]
    assert sorted(_ids(client.get("/console/?tab=all"))) == sorted([mine.id, pool.id])
    assert set(_ids(client.get("/console/?tab=all&scope=all"))) == {mine.id, other.id, pool.id}
    only_busan = client.get("/console/?tab=all&scope=all&center=BUSAN")
    assert _ids(only_busan) == [other.id]


def test_supervisor_sees_every_center_by_default(app):
    a = make_ticket(app, center="INCHEON")
    b = make_ticket(app, center="BUSAN")
    client = _client(app, "boss", "supervisor", "INCHEON")
    assert set(_ids(client.get("/console/"))) == {a.id, b.id}


def test_tabs_and_their_counts(app):
    kim = make_user(app, "kim")
    today = utcnow().date()
    new = make_ticket(app, status="routed")
    mine = make_ticket(app, status="assigned", assignee_id=kim.id)
    working = make_ticket(app, status="in_progress", assignee_id=kim.id)
    review = make_ticket(app, status="needs_review")
    due = make_ticket(app, status="resolved")
    later = make_ticket(app, status="resolved")
    from callcenter.db import db
    from callcenter.models import Ticket

    with app.app_context():
        db.session.get(Ticket, due.id).follow_up_on = today - timedelta(days=1)
        db.session.get(Ticket, later.id).follow_up_on = today + timedelta(days=30)
        db.session.commit()
    client = app.test_client()
    sign_in(client, "kim")
    assert _ids(client.get("/console/?tab=new")) == [new.id]
    assert set(_ids(client.get("/console/?tab=mine"))) == {mine.id, working.id}
    assert _ids(client.get("/console/?tab=in_progress")) == [working.id]
    assert _ids(client.get("/console/?tab=review")) == [review.id]
    # Due follow-ups first, then the upcoming ones (the issue: not only due ones).
    assert _ids(client.get("/console/?tab=follow_up")) == [due.id, later.id]
    page = client.get("/console/?tab=all").get_data(as_text=True)
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', page))
    assert counts == {
        "new": "1",
        "mine": "2",
        "in_progress": "1",
        "review": "1",
        "follow_up": "2",
        "all": "6",
    }
    assert "해결됨 <strong>2</strong>" in page
    # A status filter narrows the tabs; the per-status chips still offer every status.
    page = client.get("/console/?tab=all&status=resolved").get_data(as_text=True)
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', page))
    assert counts == {
        "new": "0",
        "mine": "0",
        "in_progress": "0",
        "review": "0",
        "follow_up": "2",
        "all": "2",
    }
    assert "배정 대기 <strong>1</strong>" in page


def test_filters_topic_status_kind_and_dates(app):
    old = make_ticket(app, topic="mold", created_at=utcnow() - timedelta(days=10))
    cast = make_ticket(app, topic="casting")
    callback = make_ticket(app, kind="callback", topic="casting", status="assigned")
    client = _client(app, "kim")
    assert _ids(client.get("/console/?tab=all&topic=mold")) == [old.id]
    assert _ids(client.get("/console/?tab=all&kind=callback")) == [callback.id]
    assert _ids(client.get("/console/?tab=all&status=assigned")) == [callback.id]
    since = (utcnow() - timedelta(days=2)).date().isoformat()
    assert set(_ids(client.get(f"/console/?tab=all&from={since}"))) == {cast.id, callback.id}
    until = (utcnow() - timedelta(days=5)).date().isoformat()
    assert _ids(client.get(f"/console/?tab=all&to={until}")) == [old.id]
    # Nonsense values are ignored rather than failing the page.
    assert len(_ids(client.get("/console/?tab=zzz&topic=nope&status=x&from=yesterday"))) >= 1


def test_search_by_number_digits_and_words(app):
    a = make_ticket(app, caller="+821099998888", transcript="금형이 자꾸 깨져요")
    b = make_ticket(app, caller="+82325551234", transcript="도금 표면이 벗겨져요")
    c = make_ticket(
        app, caller="+821055554444", transcript=None, summary="용접 부위 균열 100% 발생"
    )
    client = _client(app, "kim")

    def search(q):
        return set(_ids(client.get("/console/", query_string={"tab": "all", "q": q})))

    assert search(a.number) == {a.id}
    assert search("8888") == {a.id}
    assert search("010-9999-8888") == {a.id}
    assert search("032-555-1234") == {b.id}
    assert search("032-555") == set()  # a masked operator: whole numbers or last four only
    assert search("표면") == {b.id}
    assert search("금형 깨져요") == {a.id}
    assert search("용접") == {c.id}  # the typed summary counts like a transcript
    assert search("100%") == {c.id}
    assert search("_") == set()  # LIKE wildcards are matched literally
    assert search("없는말") == set()


def test_ticket_numbers_by_last_four_and_without_the_prefix(app):
    a = make_ticket(app)
    b = make_ticket(app)
    client = _client(app, "kim")

    def search(q):
        return set(_ids(client.get("/console/", query_string={"tab": "all", "q": q})))

    date_part, seq = a.number.split("-")[1:]
    assert search(seq) == {a.id}  # what the IVR reads to the caller
    assert search(f"{date_part}-{seq}") == {a.id}
    assert search(f"{date_part}{seq}") == {a.id}
    assert search(b.number) == {b.id}


def test_a_masked_operator_cannot_recover_a_number_digit_by_digit(app):
    make_ticket(app, caller="+821098765432", transcript="금형 문의")
    make_ticket(app, caller="+821012345678", transcript="도금 문의")
    operator = _client(app, "kim")
    boss = _client(app, "boss", "supervisor", None)

    def found(client, q):
        page = client.get("/console/", query_string={"tab": "all", "scope": "all", "q": q})
        return len(_ids(page))

    secret = "01098765432"
    # Growing prefixes and sliding windows of the hidden digits all answer the same: nothing.
    for end in range(3, len(secret)):
        assert found(operator, secret[:end]) == 0, secret[:end]
    for start in range(0, len(secret) - 5):
        assert found(operator, secret[start : start + 5]) == 0
    # The whole number and the last four (shown by the mask) still find the ticket.
    assert found(operator, secret) == 1
    assert found(operator, "010-9876-5432") == 1
    assert found(operator, "5432") == 1
    # A supervisor, who sees numbers in full, may search any part.
    assert found(boss, "0109876") == 1


def test_keyset_paging_visits_every_ticket_once(app):
    base = utcnow()
    made = [
        make_ticket(app, created_at=base - timedelta(minutes=i % 7), with_audio=False).id
        for i in range(57)
    ]
    client = _client(app, "kim")
    seen, url = [], "/console/?tab=all"
    while url:
        response = client.get(url)
        seen += _ids(response)
        html = response.get_data(as_text=True)
        match = re.search(r'<a class="btn" rel="next" href="([^"]+)"', html)
        url = match.group(1).replace("&amp;", "&") if match else None
    assert sorted(seen) == sorted(made)
    assert len(seen) == len(set(seen)) == 57


def test_changes_feed_reports_tickets_routed_to_the_center(app):
    client = _client(app, "kim")
    since = (utcnow() - timedelta(seconds=1)).isoformat()
    assert (
        client.get("/api/tickets/changes", query_string={"since": since}).get_json()["changes"]
        == []
    )
    arrived = make_ticket(app, center="INCHEON")
    make_ticket(app, center="BUSAN")
    body = client.get("/api/tickets/changes", query_string={"since": since}).get_json()
    assert [c["number"] for c in body["changes"]] == [arrived.number]
    assert body["cursor"] >= since
    bad = client.get("/api/tickets/changes", query_string={"since": "yesterday"})
    assert bad.status_code == 400 and bad.get_json()["message_en"]


def test_live_fragment_is_the_list_only(app):
    make_ticket(app)
    client = _client(app, "kim")
    fragment = client.get("/console/?fragment=1").get_data(as_text=True)
    assert "<html" not in fragment and 'data-ticket-id="' in fragment


def test_root_leads_to_the_inbox_through_sign_in(app):
    client = app.test_client()
    assert client.get("/").headers["Location"] == "/console/"
    assert client.get("/console/").headers["Location"].startswith("/auth/login?next=/console/")
