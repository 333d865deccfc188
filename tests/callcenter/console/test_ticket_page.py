"""The ticket page: masking, region, audio with Range and audit, transcript, escaping, forms."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from callcenter.db import db
from callcenter.models import AuditLog, Ticket
from tests.factories import make_ticket, make_user
from tests.helpers import csrf_token, sign_in


def _client(app, name, role="operator", center="INCHEON"):
    make_user(app, name, role, center)
    client = app.test_client()
    assert sign_in(client, name).status_code == 302
    return client


def _page(client, ticket) -> str:
    response = client.get(f"/console/tickets/{ticket.number}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _post(client, ticket, action, **data):
    token = csrf_token(client, f"/console/tickets/{ticket.number}")
    return client.post(
        f"/console/tickets/{ticket.number}/{action}", data={"csrf_token": token, **data}
    )


def _ticket(app, number) -> Ticket:
    with app.app_context():
        return db.session.scalars(select(Ticket).where(Ticket.number == number)).one()


def _plays(app) -> int:
    with app.app_context():
        return len(
            db.session.scalars(select(AuditLog).where(AuditLog.action == "recording.play")).all()
        )


def test_number_masked_until_claimed(app):
    ticket = make_ticket(app, caller="+821012345678")
    client = _client(app, "kim")
    page = _page(client, ticket)
    assert "•••-••••-5678" in page and "1234" not in page.split("caller-number")[1][:80]
    assert _post(client, ticket, "claim").status_code == 302
    assert "010-1234-5678" in _page(client, ticket)


def test_callback_shows_the_number_to_call(app):
    ticket = make_ticket(app, kind="callback", caller="+82325551234")
    page = _page(_client(app, "kim"), ticket)
    assert "전화 요청 — 이 번호로 전화하세요" in page
    assert 'href="tel:+82325551234"' in page and "032-555-1234" in page


def test_supervisor_sees_full_number(app):
    ticket = make_ticket(app, caller="+821012345678")
    assert "010-1234-5678" in _page(_client(app, "boss", "supervisor", None), ticket)


def test_region_and_how_it_was_known(app):
    client = _client(app, "kim")
    page = _page(client, make_ticket(app, region="인천", region_source="area_code"))
    assert '인천 <span class="hint">(전화번호 지역번호로 확인)</span>' in page
    page = _page(client, make_ticket(app, region=None, region_source="unknown"))
    assert '알 수 없음 <span class="hint">(확인 안 됨)</span>' in page
    page = _page(client, make_ticket(app, region="경남", region_source="ivr_speech"))
    assert '경남 <span class="hint">(ARS에서 지역을 말함)</span>' in page


def test_transcript_segments_with_times_and_routing_explanation(app):
    ticket = make_ticket(app)
    page = _page(_client(app, "kim"), ticket)
    assert re.search(r'data-start="2.4"[^>]*>0:02</button> <span class="segment-text">쇳물', page)
    assert "주조" in page and "82%" in page  # topic scores by name
    assert "한국생산기술연구원" in page and "한국재료연구원" in page  # suggested institutes
    assert "12.3 km" in page and "‘주물’" in page


def test_routing_explanation_is_short_korean_with_raw_detail_for_supervisors(app):
    from routing.router import get_router

    decision = get_router().route(
        "알루미늄 주물에 기공이 생기고 수축공이 많아요", caller_number="+82325551234"
    )
    routing = {**decision.as_dict(), "routed_by": "auto", "routed_at": "2026-12-05T01:00:00+00:00"}
    ticket = make_ticket(app, routing=routing)
    page = _page(_client(app, "kim"), ticket)
    block = page[
        page.index('id="routing-explanation"') : page.index(
            "</dl>", page.index('id="routing-explanation"')
        )
    ]
    assert "주조" in block and "근거 단어" in block and "인천" in block
    assert "전화번호 지역번호로 확인" in block and "차순위 센터" in block and " km" in block
    assert "2026-12-05 10:00" in block  # local time, not UTC
    for english in ("topic_scores", "runner_up", "area_code", "nearest_eligible"):
        assert english not in block
    assert "원본 데이터" not in page and "rule_ko" not in page
    boss_page = _page(_client(app, "boss", "supervisor"), ticket)
    assert "<details" in boss_page and "원본 데이터" in boss_page


def test_notes_and_transcripts_are_escaped(app):
    ticket = make_ticket(app, transcript="<script>alert('t')</script>", segments=[])
    client = _client(app, "kim")
    assert _post(client, ticket, "notes", text="<script>alert('n')</script>").status_code == 302
    page = _page(client, ticket)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;n&#39;)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;" in page


def test_forms_refuse_posts_without_csrf(app):
    ticket = make_ticket(app)
    client = _client(app, "kim")
    posts = (("claim", {}), ("notes", {"text": "x"}), ("status", {"status": "needs_review"}))
    for action, data in posts:
        response = client.post(f"/console/tickets/{ticket.number}/{action}", data=data)
        assert response.status_code == 400, action
    assert _ticket(app, ticket.number).status == "routed"


def test_only_legal_moves_are_offered_and_enforced(app):
    ticket = make_ticket(app, status="in_progress")
    client = _client(app, "kim")
    page = _page(client, ticket)
    offered = re.findall(r'name="status" value="(\w+)"', page)
    assert offered == ["resolved", "routed"]
    response = _post(client, ticket, "status", status="closed")
    assert response.status_code == 302
    expected = "&#39;처리 중&#39; 상태에서 &#39;종결&#39; 상태로 바꿀 수 없습니다"
    assert expected in _page(client, ticket)
    assert _ticket(app, ticket.number).status == "in_progress"


def test_resolve_with_follow_up_date_joins_the_follow_up_queue(app):
    ticket = make_ticket(app, status="in_progress")
    client = _client(app, "kim")
    # 2031-01-04 is a Saturday: the check moves to Monday the 6th.
    _post(
        client,
        ticket,
        "status",
        status="resolved",
        follow_up_on="2031-01-04",
        outcome="referred",
        solution="KITECH 뿌리기술센터 연결",
    )
    saved = _ticket(app, ticket.number)
    assert saved.status == "resolved" and saved.follow_up_on == date(2031, 1, 6)
    assert saved.outcome == "referred" and saved.solution == "KITECH 뿌리기술센터 연결"
    assert saved.resolved_at is not None
    page = _page(client, ticket)
    assert "기관 연계" in page and "KITECH 뿌리기술센터 연결" in page
    queue = client.get("/console/?tab=follow_up").get_data(as_text=True)
    assert ticket.number in queue
    _post(client, ticket, "follow-up", follow_up_on="not-a-date")
    assert "날짜 형식이 올바르지 않습니다" in _page(client, ticket)
    _post(client, ticket, "follow-up", follow_up_on="2000-01-03")
    assert "지난 날짜는 고를 수 없습니다" in _page(client, ticket)
    assert _ticket(app, ticket.number).follow_up_on == date(2031, 1, 6)
    # One follow-up date input on the page, whatever the status.
    assert _page(client, ticket).count('name="follow_up_on"') == 1


def test_resolving_needs_an_outcome_a_solution_and_no_past_date(app):
    ticket = make_ticket(app, status="in_progress")
    client = _client(app, "kim")
    assert _page(client, ticket).count('name="follow_up_on"') == 1
    for data, message in (
        ({"solution": "x"}, "처리 결과를 고르세요"),
        ({"outcome": "solved"}, "어떻게 해결했는지 적어 주세요"),
        ({"outcome": "solved", "solution": "x", "follow_up_on": "2000-01-03"}, "지난 날짜"),
    ):
        _post(client, ticket, "status", status="resolved", **data)
        assert message in _page(client, ticket)
        assert _ticket(app, ticket.number).status == "in_progress"


def test_korean_holidays_are_skipped(app):
    from callcenter.services.workflow import next_working_day, proposed_follow_up

    assert next_working_day(date(2026, 9, 24)) == date(2026, 9, 28)  # 추석 25-27 + weekend
    assert next_working_day(date(2027, 1, 1)) == date(2027, 1, 4)  # 신정, then the weekend
    assert proposed_follow_up(date(2026, 12, 18)) == date(2026, 12, 28)  # 25 (성탄절) … 28


def test_another_operators_ticket_cannot_be_moved(app):
    kim = make_user(app, "kim")
    ticket = make_ticket(app, status="assigned", assignee_id=kim.id)
    lee = _client(app, "lee")
    page = _page(lee, ticket)
    assert 'name="status"' not in page
    for action, data in (
        ("status", {"status": "in_progress"}),
        ("reroute", {"center": "BUSAN", "reason": "x"}),
        ("follow-up", {"follow_up_on": "2031-01-06"}),
    ):
        _post(lee, ticket, action, **data)
        assert "다른 상담원이 맡은 티켓입니다" in _page(lee, ticket)
    saved = _ticket(app, ticket.number)
    assert saved.status == "assigned" and saved.center_code == "INCHEON"
    # A note is still welcome.
    _post(lee, ticket, "notes", text="어제 통화한 분입니다")
    assert "어제 통화한 분입니다" in _page(lee, ticket)


def test_a_change_from_a_stale_page_is_refused(app):
    ticket = make_ticket(app, status="routed")
    kim = _client(app, "kim")
    page = _page(kim, ticket)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    boss = _client(app, "boss", "supervisor")
    _post(boss, ticket, "status", status="needs_review")
    _post(kim, ticket, "claim", version=version)
    assert "다른 사람이 이 티켓을 바꿨습니다" in _page(kim, ticket)
    assert _ticket(app, ticket.number).assignee_id is None


def test_other_centers_operator_reads_but_cannot_act(app):
    ticket = make_ticket(app, center="INCHEON")
    client = _client(app, "busan_op", center="BUSAN")
    page = _page(client, ticket)
    assert "다른 센터의 티켓입니다" in page
    assert f"/console/tickets/{ticket.number}/claim" not in page
    assert f"/console/tickets/{ticket.number}/reroute" not in page
    _post(client, ticket, "claim")
    assert _ticket(app, ticket.number).assignee_id is None


def test_audio_supports_ranges_and_audits_each_play(app):
    ticket = make_ticket(app)
    client = _client(app, "kim")
    url = f"/console/tickets/{ticket.number}/audio"
    with client.get(url) as full:
        assert full.status_code == 200 and full.mimetype == "audio/wav"
        assert full.headers["Accept-Ranges"] == "bytes"
        assert "no-store" in full.headers["Cache-Control"]
        body = full.data
    assert _plays(app) == 1
    with client.get(url, headers={"Range": "bytes=100-199"}) as part:
        assert part.status_code == 206 and part.data == body[100:200]
        assert part.headers["Content-Range"] == f"bytes 100-199/{len(body)}"
    assert _plays(app) == 1  # a seek is not a new play
    with client.get(url, headers={"Range": "bytes=0-"}) as again:
        assert again.status_code == 206
    assert _plays(app) == 1  # the browser's second opening request of the same play
    with app.app_context():
        row = db.session.scalars(select(AuditLog).where(AuditLog.action == "recording.play")).one()
        assert row.target_type == "recording" and row.detail == {"ticket": ticket.number}


def test_audio_requires_sign_in_and_a_key_inside_the_store(app, tmp_path):
    ticket = make_ticket(app)
    url = f"/console/tickets/{ticket.number}/audio"
    with app.test_client().get(url) as response:
        assert response.status_code == 302
    client = _client(app, "kim")
    outside = tmp_path / "elsewhere.wav"
    outside.write_bytes(b"RIFF")
    with app.app_context():
        item = db.session.scalars(select(Ticket).where(Ticket.number == ticket.number)).one()
        item.recording.store_key = f"../{tmp_path.name}/elsewhere.wav"
        db.session.commit()
    with client.get(url) as response:
        assert response.status_code == 404
    assert "녹음 파일이 아직 없습니다" in _page(client, ticket)


def test_callback_attempts_and_return_are_recorded(app):
    ticket = make_ticket(app, kind="callback", caller="+82325551234", status="routed")
    client = _client(app, "kim")
    assert "아직 회신하지 않았습니다." in _page(client, ticket)

    # Nobody answers: an attempt, not a return; the ticket waits in the queue still.
    response = _post(client, ticket, "callback", result="no_answer")
    assert response.status_code == 302
    after = _ticket(app, ticket.number)
    assert (after.return_attempts, after.returned_at, after.status) == (1, None, "routed")
    assert after.first_response_at is not None
    page = _page(client, ticket)
    assert "부재중으로 기록했습니다" in page and "통화 시도 1회" in page

    # Reached on the second try: returned, and the operator is now working it.
    _post(client, ticket, "callback", result="reached", note="도금 두께 문의, 내일 자료 송부")
    after = _ticket(app, ticket.number)
    assert after.return_attempts == 2 and after.returned_at is not None
    assert after.status == "in_progress" and after.assignee_id is not None
    page = _page(client, ticket)
    assert "회신 완료:" in page and "도금 두께 문의, 내일 자료 송부" in page
    with app.app_context():
        logged = db.session.scalars(
            select(AuditLog.detail).where(AuditLog.action == "ticket.callback")
        ).all()
    assert [d["result"] for d in logged] == ["no_answer", "reached"]
    assert logged[1]["from"] == "routed" and logged[1]["to"] == "in_progress"

    # A second "reached" keeps the first return time.
    first_return = after.returned_at
    _post(client, ticket, "callback", result="reached")
    assert _ticket(app, ticket.number).returned_at == first_return


def test_callback_result_is_refused_on_other_tickets_and_bad_input(app):
    problem = make_ticket(app)
    callback = make_ticket(app, kind="callback")
    client = _client(app, "kim")
    _post(client, problem, "callback", result="reached")
    assert "전화 요청 티켓이 아닙니다." in _page(client, problem)
    assert _ticket(app, problem.number).returned_at is None
    _post(client, callback, "callback", result="maybe")
    assert "통화 결과를 고르세요" in _page(client, callback)
    assert _ticket(app, callback.number).return_attempts == 0
    other = _client(app, "park", center="ANSAN")
    _post(other, callback, "callback", result="reached")
    assert _ticket(app, callback.number).returned_at is None
