"""The follow-up check's outbound call, placed through Twilio's REST API.

The job claims the check's current try (``call_try`` catches up with ``tries``) before
calling, so however often it is enqueued the caller is called once per try. Twilio then
fetches the IVR (callcenter/followup/webhooks.py, TwiML from ivr_flows/followup.py). A
failed call is not retried by the job: the next try, after FOLLOW_UP_RETRY_HOURS, is.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import update
from twilio.rest import Client

from callcenter.db import db
from callcenter.models import FollowUpCheck, utcnow
from ivr_flows import followup as flow
from ivr_flows.urls import url


def call_from() -> str:
    """The number outbound calls come from (FOLLOW_UP_CALL_FROM, else the SMS sender)."""
    config = current_app.config
    return str(config.get("FOLLOW_UP_CALL_FROM") or config.get("TWILIO_SMS_FROM") or "")


def place_follow_up_call(check_id: int) -> str | None:
    """Job: call the caller of an open check, once per try; returns Twilio's CallSid."""
    claimed = db.session.execute(
        update(FollowUpCheck)
        .where(
            FollowUpCheck.id == check_id,
            FollowUpCheck.status == "waiting",
            FollowUpCheck.channel == "call",
            FollowUpCheck.call_try < FollowUpCheck.tries,
        )
        .values(call_try=FollowUpCheck.tries, updated_at=utcnow())
    )
    db.session.commit()
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None  # answered, closed, or this try already placed
    check = db.session.get(FollowUpCheck, check_id)
    assert check is not None
    config = current_app.config
    if not (config.get("TWILIO_CREDENTIALS_CONFIGURED") and call_from()):
        current_app.logger.warning("follow-up call %s: Twilio is not configured", check_id)
        return None
    base = config["PUBLIC_BASE_URL"]
    client = Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"])
    try:
        call = client.calls.create(
            to=check.to_number,
            from_=call_from(),
            url=base + url(flow.START, check=check.id),
            method="POST",
        )
    except Exception:  # counted as an unanswered try; the sweep tries again later
        current_app.logger.exception("follow-up call %s could not be placed", check_id)
        return None
    check.call_sid = str(call.sid)
    db.session.commit()
    return check.call_sid
