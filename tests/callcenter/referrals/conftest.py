"""A small catalogue (a salt-spray chamber, a 3D printer, an expert) and a plating ticket."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from callcenter.catalogue.columns import KINDS
from callcenter.catalogue.store import import_file
from callcenter.db import db
from callcenter.pipeline import sms
from tests.factories import make_ticket

EQUIPMENT = (
    "id,name_ko,name_en,category,topics,institute,center,lat,lon,keywords,booking_contact,fee_note\n"
    "EQ-SALT,복합염수분무 시험기,Salt spray chamber,신뢰성 시험,surface;cert,KITECH,INCHEON,,,"
    "염수분무;도금;부식;내식성,장비예약 032-850-0000,\n"
    "EQ-PRINT,FDM 3D 프린터,3D printer,시제품,equipment,KITECH,BUSAN,,,"
    "3D 프린팅;시제품,=HYPERLINK(1),\n"
)
EXPERTS = (
    "id,name,institute,center,topics,fields,keywords,email,phone\n"
    "EX-PLATE,김도금,KITECH,INCHEON,surface,도금 공정;부식 방지,도금;염수분무,"
    "kim@example.org,032-850-1111\n"
)
PLATING = "도금 제품 염수분무 시험 성적서가 필요합니다 고객사가 내식성 성적서를 달래요"
SMS_CONFIG = {
    "TWILIO_ACCOUNT_SID": "AC" + "2" * 32,
    "TWILIO_CREDENTIALS_CONFIGURED": True,
    "TWILIO_SMS_FROM": "+8215881379",
    "FOLLOW_UP_ASK_MINUTES": (0, 24 * 60),  # any time of day: the tests run whenever
}
MESSAGE_SID = "SM" + "1" * 32


def load_catalogue(app: Flask, folder: Path) -> None:
    """Import the small catalogue into the test app's database."""
    with app.app_context():
        for kind, text in (("equipment", EQUIPMENT), ("expert", EXPERTS)):
            path = folder / f"{kind}.csv"
            path.write_text(text, encoding="utf-8")
            report = import_file(db.session(), KINDS[kind], path)
            assert not report.errors
        db.session.commit()


def plating_ticket(app: Flask, **fields: Any):  # type: ignore[no-untyped-def]
    """A routed plating ticket in Incheon whose caller has a mobile number."""
    values: dict[str, Any] = {"topic": "surface", "transcript": PLATING, "routing": {}}
    values.update(fields)
    return make_ticket(app, **values)


class FakeMessages:
    """Twilio's Messages resource (the one mocked edge): records what would be sent."""

    def __init__(self) -> None:
        self.sent: list[dict[str, str]] = []

    def create(self, **kwargs: str) -> Any:
        self.sent.append(kwargs)
        return type("Message", (), {"sid": MESSAGE_SID})()


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> FakeMessages:
    """Text messages go to a fake Twilio client."""
    fake = FakeMessages()
    monkeypatch.setattr(sms, "Client", lambda sid, token: type("C", (), {"messages": fake}))
    return fake


@pytest.fixture
def catalogue(app: Flask, tmp_path: Path) -> None:
    """The small catalogue, imported."""
    load_catalogue(app, tmp_path)
