"""What a supervisor's shift found (issue #13): masks everywhere, codes in words, the call
log's ticket links and status filter, CSV names and cells, invalid periods said so."""

from __future__ import annotations

import csv
import io
import logging
import re
from datetime import timedelta

from callcenter.db import db
from callcenter.i18n import MESSAGES
from callcenter.models import Call, CallEvent, Recording, Ticket
from callcenter.supervisor.exports import csv_lines
from tests.callcenter.supervisor.conftest import START
from tests.factories import make_user
from tests.helpers import sign_in, signed_in_client


def add_caller_events(app, call_id: int) -> None:
    """The events a real call stores: the caller's number in the incoming step's detail."""
    with app.app_context():
        db.session.add_all(
            [
                CallEvent(
                    call_id=call_id,
                    kind="incoming",
                    step="greeting",
                    detail={"from": "+821012345678", "to": "+8221379000", "region": "인천"},
                    created_at=START,
                ),
                CallEvent(
                    call_id=call_id,
                    kind="record",
                    step="record_problem",
                    detail={"recording_sid": "RE1", "hangup": False},
                    created_at=START + timedelta(seconds=70),
                ),
                CallEvent(
                    call_id=call_id,
                    kind="status",
                    step="completed",
                    detail={"CallStatus": "completed", "CallDuration": "95"},
                    created_at=START + timedelta(seconds=95),
                ),
            ]
        )
        db.session.commit()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_timeline_masks_the_caller_in_event_details_and_names_every_code(app, calls):
    add_caller_events(app, calls["ticket"])
    with app.app_context():
        recording = db.session.query(Recording).filter_by(call_id=calls["ticket"]).one()
        recording.error = "다운로드 실패: +821012345678 번호의 녹음"
        db.session.commit()
    boss = signed_in_client(app, "boss", "supervisor", None)
    page = boss.get(f"/supervisor/calls/{calls['ticket']}").get_data(as_text=True)
    assert "12345678" not in page and "1234-5678" not in page
    text = text_of(page)
    assert "발신번호: •••-••••-5678" in text
    # Steps, Twilio's statuses and detail keys in Korean; no raw codes left.
    for shown in ("인사말", "녹음 끝", "문의 녹음 끝", "통화 상태", "통화 끝", "통화 시간: 95초"):
        assert shown in text, shown
    for code in ("greeting", "record_problem", "CallStatus", "completed", "from=", "ivr_digit"):
        assert code not in text, code
    assert "0:00" in text  # transcript times as m:ss, as on the ticket page
    assert "0.4s" not in text
    admin = signed_in_client(app, "root", "admin", None)
    whole = text_of(admin.get(f"/supervisor/calls/{calls['ticket']}").get_data(as_text=True))
    assert "발신번호: 010-1234-5678" in whole


def test_call_log_links_tickets_and_filters_by_ticket_status(app, calls):
    with app.app_context():
        abandoned = db.session.get(Call, calls["abandoned"])
        assert abandoned is not None
        db.session.add(
            Ticket(
                number="1379-20260302-0003",
                call_id=abandoned.id,
                kind="callback",
                status="resolved",
                caller_number=abandoned.from_number,
                center_code="BUSAN",
                created_at=START + timedelta(minutes=7),
            )
        )
        db.session.commit()
    client = signed_in_client(app, "boss", "supervisor", None)
    page = client.get("/supervisor/calls").get_data(as_text=True)
    assert 'href="/console/tickets/1379-20260302-0001"' in page
    assert "배정 대기" in page and "해결됨" in page  # the status column, in words
    assert "발신번호 없음" in page and "Anonymous" not in page

    def ids(query: str) -> list[int]:
        html = client.get(f"/supervisor/calls?{query}").get_data(as_text=True)
        return [int(x) for x in re.findall(r'href="/supervisor/calls/(\d+)"', html)]

    assert ids("status=open") == [calls["ticket"]]
    assert ids("status=done") == [calls["abandoned"]]
    assert ids("status=resolved&center=BUSAN") == [calls["abandoned"]]
    # "Unresolved on 2 March in 부산" is one filter: the same ticket must match both.
    assert ids("status=open&center=BUSAN&from=2026-03-02&to=2026-03-02") == []
    assert ids("status=open&center=INCHEON&from=2026-03-02&to=2026-03-02") == [calls["ticket"]]
    # The quick periods keep the other filters.
    assert "status=open" in client.get("/supervisor/calls?status=open").get_data(as_text=True)


def test_call_log_says_what_is_wrong_with_a_period(app, calls):
    client = signed_in_client(app, "boss", "supervisor", None)
    backwards = text_of(
        client.get("/supervisor/calls?from=2026-03-05&to=2026-03-01").get_data(as_text=True)
    )
    assert "종료일(2026-03-01)이 시작일(2026-03-05)보다 앞섭니다" in backwards
    for bad in ("from=0001-01-01", "to=20266-01-01", "from=어제"):
        text = text_of(client.get(f"/supervisor/calls?{bad}").get_data(as_text=True))
        assert "올바른 날짜가 아닙니다" in text, bad
    other = text_of(client.get("/supervisor/calls?status=nonsense").get_data(as_text=True))
    assert "잘못된 조건은 무시했습니다: 접수 상태" in other


def test_dashboard_refuses_an_invalid_period_instead_of_showing_another(app, calls):
    client = signed_in_client(app, "boss", "supervisor", None)
    for query, says in (
        ("from=2026-03-05&to=2026-03-01", "종료일(2026-03-01)이 시작일(2026-03-05)보다 앞섭니다"),
        ("from=1900-01-01&to=2026-03-01", "시작일: 올바른 날짜가 아닙니다"),
        ("from=2026-13-01", "시작일: 올바른 날짜가 아닙니다"),
        ("from=2020-01-01&to=2026-03-01", "기간이 너무 깁니다"),
    ):
        response = client.get(f"/supervisor/dashboard?{query}")
        page = response.get_data(as_text=True)
        assert response.status_code == 400, query
        assert says in text_of(page), query
        assert 'class="chart"' not in page, query  # no other period's figures
    page = client.get("/supervisor/dashboard?from=2026-03-02&to=2026-03-02").get_data(as_text=True)
    assert 'value="2026-03-02"' in page


def test_dashboard_compares_with_the_previous_period_of_the_same_length(app, calls):
    client = signed_in_client(app, "boss", "supervisor", None)
    page = text_of(client.get("/supervisor/dashboard?from=2026-03-02&to=2026-03-02").data.decode())
    assert "직전 기간 2026-03-01 ~ 2026-03-01" in page
    assert "직전 0" in page  # 3 calls now, none the day before
    later = text_of(client.get("/supervisor/dashboard?from=2026-03-03&to=2026-03-03").data.decode())
    assert "직전 3" in later


def test_charts_have_axis_titles_and_the_tables_order(app, calls):
    client = signed_in_client(app, "boss", "supervisor", None)
    page = client.get("/supervisor/dashboard?from=2026-03-01&to=2026-03-02").get_data(as_text=True)
    assert "통화 수(건)" in page and "시각(시)" in page and "날짜" in page
    chart = page[page.index('id="chart-centers"') :]
    chart = chart[: chart.index("</svg>")]
    table = page[page.index('id="h-centers"') :]
    chart_names = re.findall(r"<title>([^<:]+):", chart)
    table_names = re.findall(r'<th scope="row">([^<]+)</th>', table)[: len(chart_names)]
    assert chart_names and chart_names == table_names


def test_csv_file_names_carry_the_period(app, calls):
    client = signed_in_client(app, "boss", "supervisor", None)

    def name(path: str) -> str:
        response = client.get(path)
        response.get_data()  # the rows are streamed: read them before the next request
        return response.headers["Content-Disposition"]

    period = "from=2026-03-01&to=2026-03-31"
    assert name(f"/supervisor/export/calls.csv?{period}") == (
        'attachment; filename="calls_2026-03-01_2026-03-31.csv"'
    )
    assert "tickets_2026-03-01_2026-03-31.csv" in name(f"/supervisor/export/tickets.csv?{period}")
    assert "calls_until_" in name("/supervisor/export/calls.csv")


def test_csv_numbers_whole_only_for_admins_and_in_english_for_english_readers(app, calls):
    def rows(client) -> list[list[str]]:
        raw = client.get("/supervisor/export/calls.csv").data.decode("utf-8-sig")
        return list(csv.reader(io.StringIO(raw)))

    boss = rows(signed_in_client(app, "boss", "supervisor", None))
    assert boss[0][2] == "발신번호(가림)" and boss[3][2] == "•••-••••-5678"
    root = signed_in_client(app, "root", "admin", None)
    admin = rows(root)
    assert admin[0][2] == "발신번호" and admin[3][2] == "010-1234-5678"
    with app.app_context():
        from callcenter.models import User

        user = db.session.query(User).filter_by(username="root").one()
        user.language = "en"
        db.session.commit()
    english = rows(root)
    assert english[0][0] == "Started" and english[3][4] == "chosen by digit in the phone menu"
    assert english[1][2] == "No caller ID" and english[3][5] == "Korean"


def test_csv_cells_never_start_a_formula(app, calls):
    """A caller who types '=HYPERLINK(…)' as a summary must not get a live formula in Excel."""
    with app.app_context():
        ticket = db.session.query(Ticket).filter_by(number="1379-20260302-0001").one()
        ticket.summary = '=HYPERLINK("http://evil.example","click")'
        db.session.commit()
    client = signed_in_client(app, "root", "admin", None)
    raw = client.get("/supervisor/export/tickets.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    assert rows[1][-1] == '\'=HYPERLINK("http://evil.example","click")'
    pieces = "".join(csv_lines(["a"], [["+82", "-1", "@x", "\tx", "ok", 5, None]]))
    assert pieces.splitlines()[1] == "'+82,'-1,'@x,'\tx,ok,5,"


def test_request_logs_carry_masked_numbers(app, calls, caplog):
    """A search by the caller's number must not write the number to the log."""
    client = signed_in_client(app, "boss", "supervisor", None)
    with caplog.at_level(logging.INFO):
        logging.getLogger("werkzeug").info(
            '127.0.0.1 - - "%s" 200 -', "GET /supervisor/calls?q=010-1234-5678 HTTP/1.1"
        )
        client.get("/supervisor/calls?q=010-1234-5678")
    assert "1234-5678" not in caplog.text and "•••-••••-5678" in caplog.text


def test_one_name_per_ticket_kind_on_every_page(app):
    """A call's outcome and the dashboard name a callback or a voicemail as the ticket's kind."""
    for lang in ("ko", "en"):
        assert MESSAGES["sv.outcome.callback"][lang] == MESSAGES["kind.callback"][lang]
        assert MESSAGES["sv.kpi.callbacks"]["ko"] == MESSAGES["kind.callback"]["ko"]
        assert MESSAGES["sv.outcome.voicemail"][lang] == MESSAGES["kind.voicemail"][lang]
        assert MESSAGES["sv.event.callback"][lang] == MESSAGES["kind.callback"][lang]


def test_audit_details_in_words(app, calls):
    from callcenter.services.audit import audit

    with app.app_context():
        ticket = db.session.query(Ticket).filter_by(number="1379-20260302-0001").one()
        audit(
            db.session(),
            "ticket.status",
            user=None,
            target_type="ticket",
            target_id=ticket.id,
            **{"from": "routed", "to": "in_progress"},
        )
        audit(db.session(), "user.update", user=None, role="operator → supervisor")
        audit(db.session(), "user.update", user=None, center="– → BUSAN")
        db.session.commit()
    client = signed_in_client(app, "boss", "supervisor", None)
    text = text_of(client.get("/supervisor/audit").get_data(as_text=True))
    assert "이전: 배정 대기; 이후: 처리 중" in text and "in_progress" not in text
    assert "역할: 상담원 → 관리자" in text and "센터: — → 동남본부(부산)" in text
    bad = text_of(client.get("/supervisor/audit?from=20266-01-01").get_data(as_text=True))
    assert "올바른 날짜가 아닙니다" in bad


def test_english_readers_get_the_same_labels_in_english(app, calls):
    add_caller_events(app, calls["ticket"])
    make_user(app, "brown", "supervisor", None, language="en")
    client = app.test_client()
    assert sign_in(client, "brown").status_code == 302
    text = text_of(client.get(f"/supervisor/calls/{calls['ticket']}").get_data(as_text=True))
    for shown in ("Greeting", "Recording ended", "Call status", "caller: •••-••••-5678"):
        assert shown in text, shown
    board = text_of(client.get("/supervisor/dashboard?from=2026-03-05&to=2026-03-01").data.decode())
    assert "The end (2026-03-01) is before the start (2026-03-05)" in board
