"""Under the Content-Security-Policy every page works in Chromium: no violation reported."""

from __future__ import annotations

import pytest

from tests.browser_helpers import chromium, screenshot, sign_in_page
from tests.factories import PASSWORD, make_ticket, make_user

pytestmark = pytest.mark.browser

# Reports every CSP violation the page meets (inline script, style attribute, foreign URL).
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def test_pages_meet_no_csp_violation(app, live_server):
    make_user(app, "root", "admin", None)
    ticket = make_ticket(app)
    pages = [
        "/console/",
        f"/console/tickets/{ticket.number}",
        "/supervisor/calls",
        "/supervisor/dashboard",
        "/supervisor/audit",
        "/admin/users",
        "/admin/users/new",
    ]
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
        context.add_init_script(WATCH)
        page = context.new_page()
        console_errors: list[str] = []
        page.on(
            "console",
            lambda m: (
                console_errors.append(m.text) if "Content Security Policy" in m.text else None
            ),
        )
        sign_in_page(page, live_server, "root", PASSWORD)
        found = {}
        for path in pages:
            page.goto(live_server + path)
            page.wait_for_load_state("networkidle")
            violations = page.evaluate("window.__violations")
            if violations:
                found[path] = violations
        screenshot(page, "csp-users-new")
        page.goto(f"{live_server}/console/tickets/{ticket.number}")
        page.wait_for_load_state("networkidle")
        screenshot(page, "csp-ticket")
        page.goto(f"{live_server}/supervisor/dashboard")
        page.wait_for_load_state("networkidle")
        screenshot(page, "csp-dashboard")
    assert found == {} and console_errors == []
