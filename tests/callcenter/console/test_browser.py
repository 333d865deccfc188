"""The console in Debian's headless Chromium: an operator works a ticket that arrives live."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from callcenter.db import db
from callcenter.models import AuditLog, Ticket, utcnow
from tests.browser_helpers import chromium, screenshot
from tests.factories import PASSWORD, make_ticket, make_user

pytestmark = pytest.mark.browser
DESK = {"width": 1280, "height": 900}
TABLET = {"width": 820, "height": 1180}


def _sign_in(browser, base: str, username: str, viewport=DESK, shot: str | None = None):
    context = browser.new_context(viewport=viewport, locale="ko-KR")
    page = context.new_page()
    page.goto(f"{base}/console/")
    if shot:
        screenshot(page, shot)
    page.get_by_label("아이디").fill(username)
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(f"{base}/console/")
    return page


def _stored(app, number: str) -> Ticket:
    with app.app_context():
        return db.session.scalars(select(Ticket).where(Ticket.number == number)).one()


def _audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def test_operator_works_a_live_ticket_to_resolved(app, live_server):
    app.config["CONSOLE_POLL_SECONDS"] = 1
    make_user(app, "kim")
    make_user(app, "busan_op", center="BUSAN")
    make_user(app, "boss", "supervisor", None)
    now = utcnow()
    for i, (status, topic) in enumerate(
        [("routed", "welding"), ("in_progress", "mold"), ("needs_review", None)]
    ):
        make_ticket(app, status=status, topic=topic, created_at=now - timedelta(hours=i + 1))
    make_ticket(app, center="BUSAN", topic="mold", created_at=now - timedelta(hours=2))

    base = live_server
    with chromium() as browser:
        page = _sign_in(browser, base, "kim", shot="console-00-sign-in")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "본문 바로가기"

        # A ticket is routed to Incheon while the inbox is open: it appears with a cue.
        arrived = make_ticket(app, caller="+821012345678")
        row = page.locator(f'tr[data-ticket-id="{arrived.id}"]')
        row.locator(".badge-new").wait_for(state="visible", timeout=15000)
        assert "새 티켓 1건이 도착했습니다." in page.locator("#live-banner").inner_text()
        assert "•••-••••-5678" in row.inner_text()
        screenshot(page, "console-01-inbox-live-arrival")

        row.get_by_role("link", name=arrived.number).click()
        page.wait_for_url(f"{base}/console/tickets/{arrived.number}")
        transcript = page.locator("ol.transcript")
        assert "쇳물 부을 때 모래가 같이 들어가서 불량이 나요" in transcript.inner_text()
        screenshot(page, "console-02-ticket")

        # Clicking a segment time seeks the authenticated, audited audio and plays it.
        page.get_by_role("button", name="0:02 지점부터 재생").click()
        page.wait_for_function(
            "() => { const a = document.getElementById('player');"
            " return a && !a.paused && a.currentTime >= 2.4; }",
            timeout=15000,
        )
        assert "recording.play" in _audit_actions(app)

        page.select_option("#reroute-topic", "mold")
        page.get_by_label("변경 사유 (필수)").fill("통화 내용상 금형 파손 문의임")
        page.get_by_role("button", name="재배정").click()
        page.get_by_text("재배정했습니다.").wait_for()
        assert page.locator("#ticket-topic").inner_text() == "금형"
        assert _stored(app, arrived.number).topic_code == "mold"

        page.get_by_label("새 메모").fill("고객에게 <script>alert(1)</script> 도면 요청")
        page.get_by_role("button", name="메모 추가").click()
        page.get_by_text("메모를 추가했습니다.").wait_for()
        assert "<script>alert(1)</script>" in page.locator(".note-text").first.inner_text()

        page.get_by_role("button", name="내가 맡기").click()
        page.get_by_text("티켓을 맡았습니다.").wait_for()
        assert page.locator("#caller-number").inner_text() == "010-1234-5678"
        page.get_by_label("처리 중").check()
        page.get_by_role("button", name="변경", exact=True).click()
        page.get_by_text("상태를 변경했습니다.").wait_for()
        page.get_by_label("해결됨").check()
        page.get_by_label("사후 점검일 (해결 시)").fill("2031-05-20")
        page.get_by_label("처리 결과").select_option("solved")
        page.get_by_label("해결 내용").fill("주조 결함 원인과 탕구 설계 안내")
        page.get_by_role("button", name="변경", exact=True).click()
        page.get_by_text("상태를 변경했습니다.").wait_for()
        assert page.locator("#ticket-status").inner_text() == "해결됨"
        assert page.locator("#ticket-follow-up").inner_text() == "2031-05-20"
        screenshot(page, "console-03-ticket-resolved")
        stored = _stored(app, arrived.number)
        assert stored.status == "resolved" and stored.resolved_at is not None
        assert stored.first_response_at is not None
        assert str(stored.follow_up_on) == "2031-05-20"

        page.set_viewport_size(TABLET)
        screenshot(page, "console-04-ticket-tablet")
        page.get_by_role("button", name="EN English").click()
        page.wait_for_load_state()
        assert page.locator("#ticket-status").inner_text() == "Resolved"
        screenshot(page, "console-05-ticket-english-tablet")

        # Another center's operator does not see it by default; a supervisor does.
        busan = _sign_in(browser, base, "busan_op")
        assert arrived.number not in busan.locator("main").inner_text()
        busan.get_by_role("link", name="전체").click()
        assert arrived.number not in busan.locator("main").inner_text()
        boss = _sign_in(browser, base, "boss")
        boss.get_by_role("link", name="전체").first.click()
        boss.wait_for_load_state()
        assert arrived.number in boss.locator("main").inner_text()
        screenshot(boss, "console-06-supervisor-inbox")
        tablet = _sign_in(browser, base, "kim", viewport=TABLET)
        screenshot(tablet, "console-07-inbox-tablet")
