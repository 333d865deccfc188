"""The caller's history on the ticket page; snippet, age and history count in inbox rows."""

from __future__ import annotations

import re
from datetime import timedelta

from callcenter.models import utcnow
from tests.factories import make_ticket
from tests.helpers import signed_in_client


def test_ticket_page_lists_the_callers_other_tickets_and_calls(app):
    first = make_ticket(app, caller="+821077776666", created_at=utcnow() - timedelta(days=3))
    second = make_ticket(app, caller="+821077776666", kind="callback")
    stranger = make_ticket(app, caller="+821011112222")
    client = signed_in_client(app, "kim")
    page = client.get(f"/console/tickets/{second.number}").get_data(as_text=True)
    block = page[page.index('id="caller-history"') :]
    block = block[: block.index("</section>")]
    assert first.number in block and stranger.number not in block
    assert "다른 티켓 1건" in block and "다른 통화 1건" in block
    lonely = client.get(f"/console/tickets/{stranger.number}").get_data(as_text=True)
    assert "이 번호로 접수된 다른 티켓이나 통화가 없습니다." in lonely


def test_withheld_numbers_have_no_history(app):
    a = make_ticket(app, caller="anonymous")
    make_ticket(app, caller="anonymous")
    client = signed_in_client(app, "kim")
    page = client.get(f"/console/tickets/{a.number}").get_data(as_text=True)
    assert "발신번호가 없어 이력을 찾을 수 없습니다." in page


def test_inbox_rows_show_snippet_age_and_other_tickets(app):
    make_ticket(app, caller="+821077776666", transcript="금형 캐비티가 자꾸 마모돼요")
    typed = make_ticket(
        app,
        caller="+821077776666",
        summary="도금 두께 문의",
        created_at=utcnow() - timedelta(hours=3),
    )
    client = signed_in_client(app, "kim")
    page = client.get("/console/?tab=all").get_data(as_text=True)
    assert "금형 캐비티가 자꾸 마모돼요" in page
    row = re.search(rf'<tr data-ticket-id="{typed.id}".*?</tr>', page, re.S).group(0)
    assert "도금 두께 문의" in row and "3시간 전" in row and "이 번호 다른 티켓 1건" in row


def test_ticket_state_changes_with_a_colleagues_note_and_next_opens_the_oldest_new(app):
    from tests.helpers import csrf_token

    older = make_ticket(app, created_at=utcnow() - timedelta(hours=2))
    make_ticket(app)
    kim = signed_in_client(app, "kim")
    page = kim.get(f"/console/tickets/{older.number}").get_data(as_text=True)
    signature = re.search(r'data-signature="([^"]+)"', page).group(1)
    assert kim.get(f"/api/tickets/{older.number}/state").get_json()["signature"] == signature
    lee = signed_in_client(app, "lee")
    token = csrf_token(lee, f"/console/tickets/{older.number}")
    lee.post(f"/console/tickets/{older.number}/notes", data={"text": "확인", "csrf_token": token})
    assert kim.get(f"/api/tickets/{older.number}/state").get_json()["signature"] != signature
    assert kim.get("/console/next").headers["Location"].endswith(older.number)
    assert 'id="shortcut-help"' in page and "console-keys.js" in page
