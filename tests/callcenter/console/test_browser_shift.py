"""A shift in Chromium, at desktop width and on a 390 px phone: callbacks are work, the
routing explanation is Korean, re-routing corrects the region, stale pages are caught,
closing asks for an outcome, the caller's history and shortcuts help, passwords change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from callcenter.db import db
from callcenter.models import Call, Ticket, User, utcnow
from callcenter.services import workflow
from callcenter.services.tickets import create_ticket_for_call
from routing.router import get_router
from tests.browser_helpers import chromium, screenshot
from tests.factories import PASSWORD, make_ticket, make_user

pytestmark = pytest.mark.browser
VIEWPORTS = {"desk": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _sign_in(browser, base: str, username: str, viewport):
    context = browser.new_context(viewport=viewport, locale="ko-KR")
    page = context.new_page()
    page.goto(f"{base}/auth/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.press("#password", "Enter")
    return page


def _stored(app, number: str) -> Ticket:
    with app.app_context():
        return db.session.scalars(select(Ticket).where(Ticket.number == number)).one()


def _callback(app, caller: str) -> Ticket:
    with app.app_context():
        call = Call(call_sid=f"CA{caller[-8:]:0>32}", from_number=caller, region_source="unknown")
        db.session.add(call)
        db.session.flush()
        ticket = create_ticket_for_call(db.session, call, kind="callback", timezone="Asia/Seoul")
        db.session.commit()
        db.session.expunge(ticket)
        return ticket


def _no_wider_than(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


@pytest.mark.parametrize("size", ["desk", "phone"])
def test_a_shift_on_the_console(app, live_server, size):
    app.config["CONSOLE_POLL_SECONDS"] = 1
    viewport = VIEWPORTS[size]
    kim = make_user(app, "kim")
    make_user(app, "lee")
    make_user(app, "boss", "supervisor", None)
    earlier = make_ticket(
        app,
        caller="+82325550042",
        status="closed",
        created_at=utcnow() - timedelta(days=20),
    )
    callback = _callback(app, "+82325550042")
    decision = get_router().route(
        "알루미늄 주물에 기공이 생기고 수축공이 많아요", caller_number="+82325557777"
    )
    working = make_ticket(
        app,
        caller="+82325557777",
        status="in_progress",
        assignee_id=kim.id,
        routing={**decision.as_dict(), "routed_by": "auto", "routed_at": utcnow().isoformat()},
    )
    base = live_server
    with chromium() as browser:
        page = _sign_in(browser, base, "kim", viewport)
        # The callback request is in Incheon's 새 티켓 tab, with its age and caller history.
        row = page.locator(f'tr[data-ticket-id="{callback.id}"]')
        assert "이 번호 다른 티켓 1건" in row.inner_text() and "방금" in row.inner_text()
        screenshot(page, f"shift-{size}-01-inbox-callback")
        # Search by the last four digits the IVR read to the caller.
        page.goto(f"{base}/console/?tab=all&q={callback.number[-4:]}")
        assert page.locator("tr[data-ticket-id]").count() == 1
        page.keyboard.press("?")
        page.locator("#shortcut-help").wait_for(state="visible")
        screenshot(page, f"shift-{size}-02-shortcuts")
        page.keyboard.press("Escape")
        page.keyboard.press("j")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/console/tickets/{callback.number}")

        # Callback page: no recording to listen to; claim (c), then 회신 완료 moves the status.
        assert page.locator("#audio-heading").count() == 0
        assert earlier.number in page.locator("#caller-history").inner_text()
        page.keyboard.press("c")
        page.get_by_text("티켓을 맡았습니다.").wait_for()
        page.get_by_role("button", name="통화 연결됨 — 회신 완료").click()
        page.get_by_text("회신 완료로 기록했습니다.").wait_for()
        assert page.locator("#ticket-status").inner_text() == "처리 중"
        explanation = page.locator("#routing-explanation").inner_text()
        assert "인천" in explanation and "차순위 센터" in explanation
        _no_wider_than(page, viewport["width"])
        screenshot(page, f"shift-{size}-03-callback-worked")

        # The routing explanation of a transcribed ticket: short, Korean, no raw JSON.
        page.goto(f"{base}/console/tickets/{working.number}")
        explanation = page.locator("#routing-explanation").inner_text()
        assert "근거 단어" in explanation and "전화번호 지역번호로 확인" in explanation
        assert (
            "topic_scores" not in page.content()
            and page.locator("details.routing-raw").count() == 0
        )
        height = page.evaluate("document.documentElement.scrollHeight")
        screenshot(page, f"shift-{size}-04-routing-explained")

        # The page follows a colleague's note; a stale form is refused in Korean.
        with app.app_context():
            item = db.session.get(Ticket, working.id)
            boss = db.session.scalars(select(User).where(User.username == "boss")).one()
            workflow.add_note(db.session, item, "고객이 도면을 보냈습니다", user=boss)
            db.session.commit()
        page.get_by_text("고객이 도면을 보냈습니다").wait_for(timeout=15000)
        page.get_by_label("새 메모").fill("작성 중…")
        with app.app_context():
            item = db.session.get(Ticket, working.id)
            item.follow_up_on = None
            item.summary = "상담 중 바뀜"
            db.session.commit()
        page.locator("#ticket-changed").wait_for(state="visible", timeout=15000)
        screenshot(page, f"shift-{size}-05-changed-banner")
        page.locator('input[name="status"][value="resolved"]').check()
        page.get_by_label("처리 결과").select_option("referred")
        page.get_by_label("해결 내용").fill("뿌리기술센터 주조 전문가 연결")
        page.locator("#move-submit").click()
        page.get_by_text("다른 사람이 이 티켓을 바꿨습니다. 페이지를 새로 고친 뒤").wait_for()

        # Resolve for real: an outcome, the solution, one date input (weekends skipped).
        page.keyboard.press("r")
        page.get_by_label("처리 결과").select_option("referred")
        page.get_by_label("해결 내용").fill("뿌리기술센터 주조 전문가 연결")
        assert page.locator('input[name="follow_up_on"]').count() == 1
        page.locator("#follow-up-on").fill("2031-01-04")  # a Saturday
        page.locator("#move-submit").click()
        page.get_by_text("상태를 변경했습니다.").wait_for()
        assert page.locator("#ticket-follow-up").inner_text() == "2031-01-06"
        assert "기관 연계" in page.locator("#ticket-outcome").inner_text()
        screenshot(page, f"shift-{size}-06-resolved")
        assert height < 6000

        # Re-route with a corrected region: the new center gets it as a new ticket.
        other = make_ticket(app, caller="+82325551111", status="assigned", assignee_id=kim.id)
        page.goto(f"{base}/console/tickets/{other.number}")
        page.select_option("#reroute-region", "경남")
        page.get_by_label("변경 사유 (필수)").fill("창원 공장이라고 하심")
        page.get_by_role("button", name="재배정").click()
        page.get_by_text("담당자 배정을 풀었습니다").wait_for()
        stored = _stored(app, other.number)
        assert stored.center_code != "INCHEON" and stored.assignee_id is None
        assert "경남 · 상담원이 입력" in page.locator("#routing-explanation").inner_text()
        screenshot(page, f"shift-{size}-07-rerouted-region")

        # 내 담당 follows my tickets to other centers.
        page.goto(f"{base}/console/?tab=mine")
        assert working.number in page.locator("main").inner_text()
        if size == "desk":  # narrow-screen tables are the layout work of another change
            _no_wider_than(page, viewport["width"])

        # The password change page.
        page.goto(f"{base}/auth/password")
        page.fill("#current-password", PASSWORD)
        page.fill("#new-password", "새로운-비밀번호-1379")
        page.fill("#confirm-password", "새로운-비밀번호-1379")
        screenshot(page, f"shift-{size}-08-password")
        page.get_by_role("button", name="변경", exact=True).click()
        page.get_by_text("비밀번호를 바꿨습니다.").wait_for()
