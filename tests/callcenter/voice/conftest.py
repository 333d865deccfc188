"""Voice webhooks over real HTTP: the app in a real server thread, driven by the simulator."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from callcenter.db import db
from callcenter.demo.simulator import TwilioSimulator
from callcenter.voice import calls

AUDIO = Path(__file__).resolve().parents[2] / "data" / "audio" / "ivr_problem_ko.wav"
SEOUL = ZoneInfo("Asia/Seoul")
FRIDAY_MORNING = datetime(2026, 11, 27, 10, 30, tzinfo=SEOUL)


@pytest.fixture
def voice_time() -> datetime:
    """The time the webhooks see; parametrize ``voice_time`` to call after hours or on a holiday."""
    return FRIDAY_MORNING


@pytest.fixture
def voice_config() -> dict[str, Any]:
    """Extra app settings for one test; parametrize ``voice_config`` to change them."""
    return {}


@pytest.fixture(autouse=True)
def _voice_settings(
    app_config: dict[str, Any],
    voice_time: datetime,
    voice_config: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(calls, "now", lambda: voice_time)  # the call flow's clock
    app_config.update(voice_config)


def simulator_for(app: Flask, base_url: str) -> TwilioSimulator:
    """Signs for PUBLIC_BASE_URL (http://localhost) but sends to ``base_url``: as behind a proxy."""
    return TwilioSimulator(
        base_url,
        app.config["TWILIO_AUTH_TOKEN"],
        public_base_url=app.config["PUBLIC_BASE_URL"],
        # A configured account is checked on every webhook: send it, as Twilio does.
        account_sid=app.config.get("TWILIO_ACCOUNT_SID") or None,
    )


@pytest.fixture
def simulator(app: Flask, live_server: str) -> Iterator[TwilioSimulator]:
    """Plays Twilio against the live test server."""
    sim = simulator_for(app, live_server)
    yield sim
    sim.close()


@pytest.fixture
def session(app: Flask) -> Iterator[Any]:
    """A database session in the app context, fresh for each read-back."""
    with app.app_context():
        yield db.session
        db.session.remove()
