"""Outcome KPIs from follow-up answers: resolution at follow-up and CSAT, per center and topic."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from callcenter.db import db
from callcenter.followup.replies import apply_answer
from callcenter.kpi.outcomes import outcome_kpis
from callcenter.models import FollowUpCheck
from tests.callcenter.followup.conftest import FakeTwilio, resolved_ticket, sweep
from tests.helpers import signed_in_client


def test_resolution_rate_and_csat(app: Flask, twilio: FakeTwilio):
    resolved_ticket(app, caller="+821011110001")
    resolved_ticket(app, caller="+821011110002", topic="mold")
    resolved_ticket(app, caller="+821011110003")
    sweep(app)
    with app.app_context():
        session = db.session()
        one, two, _three = session.scalars(select(FollowUpCheck).order_by(FollowUpCheck.id))
        apply_answer(session, one, "resolved", via="call", score=5)
        apply_answer(session, two, "not_yet", via="call", score=2)
        session.commit()
        kpis = outcome_kpis(session, days=30)
    assert (kpis.checks.checks, kpis.checks.answered, kpis.checks.resolved) == (3, 2, 1)
    assert kpis.checks.resolution_rate == pytest.approx(0.5)
    assert kpis.checks.csat == pytest.approx(0.5) and kpis.checks.mean_score == pytest.approx(3.5)
    assert kpis.checks_by_topic["casting"].resolution_rate == 1.0
    assert kpis.checks_by_topic["mold"].resolution_rate == 0.0
    assert kpis.checks_by_center["INCHEON"].answered == 2
    page = signed_in_client(app, "boss", "supervisor", None).get("/supervisor/outcomes")
    text = page.get_data(as_text=True)
    assert 'id="kpi-resolution">50%<' in text and 'id="kpi-csat">50%<' in text
