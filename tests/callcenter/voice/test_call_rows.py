"""The webhooks' Core call rows: what the ORM did for them (columns, events, KPI days, tickets)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select

from callcenter.db import db
from callcenter.demo.simulator import Caller, CallResult, Input
from callcenter.models import Call, CallEvent, Ticket
from callcenter.models.kpi import kpi_days
from callcenter.services.tickets import create_ticket_for_call, open_call_ticket
from callcenter.voice.call_rows import (
    COLUMNS,
    add_event,
    insert_call,
    load_call,
    new_call,
    save_call,
)
from ivr_flows import urls
from tests.callcenter.voice.conftest import AUDIO

MOBILE = "+821012345678"
SEOUL = ZoneInfo("Asia/Seoul")


def _form(call_sid: str, **extra: str) -> dict[str, str]:
    return {"CallSid": call_sid, "AccountSid": "AC" + "0" * 32, "From": MOBILE, **extra}


def test_call_row_mirrors_the_calls_table():
    assert set(COLUMNS) == set(Call.__table__.columns.keys())


def test_a_replayed_call_sid_inserts_nothing_not_even_its_events(app):
    with app.app_context():
        session = db.session()
        first = new_call(_form("CA" + "1" * 32, To="+8215881379"))
        add_event(first, "incoming", "greeting", detail={"from": MOBILE})
        add_event(first, "menu", "menu_retry", digits="7")
        assert insert_call(session, first) and first.id > 0 and first.events == []
        again = new_call(_form("CA" + "1" * 32))
        add_event(again, "incoming", "greeting")
        assert not insert_call(session, again)
        session.commit()
        events = session.scalars(select(CallEvent).order_by(CallEvent.id)).all()
        assert [(e.call_id, e.kind, e.step, e.digits) for e in events] == [
            (first.id, "incoming", "greeting", None),
            (first.id, "menu", "menu_retry", "7"),
        ]
        assert events[0].detail == {"from": MOBILE}
        assert session.get(Call, first.id).to_number == "+8215881379"


def test_changes_inside_the_json_state_are_saved(app):
    with app.app_context():
        session = db.session()
        call = new_call(_form("CA" + "2" * 32))
        insert_call(session, call)
        call.state["status_seen"] = ["1:ringing"]  # in place, not reassigned
        assert call.changes() == {"state": {"status_seen": ["1:ringing"]}}
        save_call(session, call)
        session.commit()
        stored = load_call(session, call.call_sid, lock=False)
        assert stored is not None and stored.state == {"status_seen": ["1:ringing"]}
        assert stored.changes() == {}


def _old_call(app, sid: str) -> datetime:
    """A call of a settled day (30 days ago), with the rollup bookkeeping reset afterwards."""
    started = datetime.now(UTC) - timedelta(days=30)
    with app.app_context():
        db.session.add(Call(call_sid=sid, from_number=MOBILE, started_at=started))
        db.session.commit()
        db.session.execute(delete(kpi_days))
        db.session.commit()
        db.session.remove()
    return started


def _stale_days(session) -> list:
    return session.scalars(select(kpi_days.c.day).where(kpi_days.c.fresh.is_(False))).all()


def test_a_webhook_changing_a_call_of_a_settled_day_marks_that_day_stale(app, simulator, session):
    sid = "CA" + "3" * 32
    started = _old_call(app, sid)
    result = CallResult(call_sid=sid)
    params = _form(sid, CallStatus="completed", SequenceNumber="4", CallDuration="30")
    assert simulator.request(result, "http://localhost" + urls.STATUS, params).status_code == 204
    assert _stale_days(session) == [started.astimezone(SEOUL).date()]


def test_a_recording_of_a_settled_days_call_marks_that_day_stale(app, simulator, session):
    sid = "CA" + "4" * 32
    started = _old_call(app, sid)
    params = _form(
        sid,
        RecordingSid="RE" + "4" * 32,
        RecordingUrl="https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE4",
        RecordingStatus="completed",
        RecordingDuration="12",
    )
    url = "http://localhost" + urls.url(urls.RECORDING_STATUS, purpose="voicemail")
    assert simulator.request(CallResult(call_sid=sid), url, params).status_code == 204
    assert _stale_days(session) == [started.astimezone(SEOUL).date()]
    assert session.scalars(select(Ticket.kind)).all() == ["voicemail"]


def test_todays_calls_leave_the_rollups_alone(simulator, session):
    caller = Caller(MOBILE, inputs=[Input("dtmf", "0"), Input("dtmf", "1")], audio=AUDIO)
    result = simulator.place_call(caller)
    assert all(200 <= e.status < 300 for e in result.exchanges)
    assert session.scalar(select(func.count(Ticket.id))) == 1  # a callback request
    assert session.scalar(select(func.count()).select_from(kpi_days)) == 0


def test_core_and_orm_tickets_share_the_counter_and_one_ticket_per_kind(app):
    with app.app_context():
        session = db.session()
        calls = [new_call(_form(f"CA{i:032d}")) for i in (5, 6)]
        for call in calls:
            insert_call(session, call)
        first = open_call_ticket(session, calls[0], kind="callback", timezone="Asia/Seoul")
        again = open_call_ticket(session, calls[0], kind="callback", timezone="Asia/Seoul")
        assert again == first and first.caller_number == MOBILE
        orm_call = session.get(Call, calls[1].id)
        second = create_ticket_for_call(session, orm_call, kind="problem", timezone="Asia/Seoul")
        third = open_call_ticket(session, calls[0], kind="problem", timezone="Asia/Seoul")
        session.commit()
        numbers = [first.number, second.number, third.number]
        assert [int(n[-4:]) for n in numbers] == [1, 2, 3]
        assert len({n[:-4] for n in numbers}) == 1  # the same day's sequence
        stored = session.get(Ticket, first.id)
        # A callback request is routed at creation (issue 13: no ticket is invisible).
        assert (stored.kind, stored.status, stored.call_id) == ("callback", "routed", calls[0].id)
        assert stored.center_code is not None
