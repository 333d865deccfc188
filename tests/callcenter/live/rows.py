"""Rows for the live-call tests: operators in 대기 and callers queued, written directly."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from callcenter.db import db
from callcenter.live.decision import Ranking
from callcenter.live.offers import open_live_call
from callcenter.live.presence import PresenceTimes, set_state
from callcenter.models import Call, User
from tests.factories import make_user

INCHEON_FIRST = Ranking(("INCHEON", "ANSAN"), 2, None, True)


def available_operators(app: Flask, *names: str, center: str = "INCHEON") -> list[int]:
    """New operators of ``center``, each set to 대기 (available); their user ids."""
    for name in names:
        make_user(app, name, "operator", center)
    ids = []
    with app.app_context():
        for name in names:
            user = db.session.scalars(select(User).where(User.username == name)).one()
            set_state(db.session(), user, "available", PresenceTimes())
            ids.append(user.id)
        db.session.commit()
    return ids


def queued_calls(app: Flask, count: int, ranking: Ranking = INCHEON_FIRST) -> list[int]:
    """``count`` callers waiting for a person, oldest first; their live-call ids."""
    ids = []
    with app.app_context():
        for n in range(count):
            call = Call(call_sid=f"CA{n:032x}", from_number="+82325551234")
            db.session.add(call)
            db.session.flush()
            ids.append(open_live_call(db.session(), call.id, ranking).id)
        db.session.commit()
    return ids
