"""A call's end that arrives while the database is down is spooled, then applied: not lost."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from callcenter import create_app
from callcenter.demo.simulator import CallResult
from callcenter.models import Call, CallEvent
from callcenter.voice.spool import replay_spooled_recordings
from ivr_flows import urls
from tests.callcenter.voice.conftest import simulator_for
from tests.helpers import serving

CALL_SID = "CA" + "5" * 32


def _status(down_config: dict, call_status: str, sequence: str, **extra: str) -> dict[str, str]:
    return {
        "CallSid": CALL_SID,
        "AccountSid": down_config["TWILIO_ACCOUNT_SID"],
        "From": "+821012345678",
        "To": "+8215881379",
        "CallStatus": call_status,
        "SequenceNumber": sequence,
        **extra,
    }


def test_status_callback_during_an_outage_is_spooled_then_ends_the_call(app, app_config, session):
    config = {**app_config, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/gone"}
    down = create_app(config)
    with serving(down) as base_url:
        sim = simulator_for(down, base_url)
        try:
            url = down.config["PUBLIC_BASE_URL"] + urls.STATUS
            # Out of order, as Twilio may deliver them: the end first, then the answer.
            ended = _status(down.config, "completed", "2", CallDuration="47")
            answered = _status(down.config, "in-progress", "1")
            responses = [
                sim.request(CallResult(call_sid=CALL_SID), url, f) for f in (ended, answered)
            ]
        finally:
            sim.close()
    assert [r.status_code for r in responses] == [204, 204]
    spool = Path(app.config["RECORDINGS_DIR"]) / "spool"
    assert len(list(spool.glob("status-*.json"))) == 2

    # The database is back: the worker's sweep applies them, in sequence.
    with app.app_context():
        replay_spooled_recordings()
    assert not list(spool.glob("status-*.json"))
    call = session.scalars(select(Call).where(Call.call_sid == CALL_SID)).one()
    assert call.status == "completed"
    assert call.duration_seconds == 47
    assert call.ended_at is not None and call.from_number == "+821012345678"
    events = session.scalars(
        select(CallEvent)
        .where(CallEvent.call_id == call.id, CallEvent.kind == "status")
        .order_by(CallEvent.id)
    ).all()
    assert [e.step for e in events] == ["in-progress", "completed"]
    assert all(e.detail["spooled_at"] for e in events)

    # A second sweep finds nothing left to apply.
    with app.app_context():
        replay_spooled_recordings()
    assert session.scalar(select(Call.duration_seconds).where(Call.id == call.id)) == 47
