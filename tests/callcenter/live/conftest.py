"""Live calls over real HTTP: the app in a server thread, the simulator as Twilio and browsers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from flask import Flask

from callcenter.db import db
from callcenter.demo.operator_desk import OperatorDesk
from callcenter.demo.simulator import TwilioSimulator
from callcenter.voice import calls
from tests.callcenter.voice.conftest import FRIDAY_MORNING, simulator_for
from tests.factories import PASSWORD, make_user


@pytest.fixture
def voice_time() -> datetime:
    """The time the call flow sees (business hours unless a test says otherwise)."""
    return FRIDAY_MORNING


@pytest.fixture
def live_config() -> dict[str, Any]:
    """Extra app settings for one test."""
    return {}


@pytest.fixture(autouse=True)
def _live_settings(
    app_config: dict[str, Any],
    voice_time: datetime,
    live_config: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(calls, "now", lambda: voice_time)
    app_config.update(live_config)


@pytest.fixture
def simulator(app: Flask, live_server: str) -> Iterator[TwilioSimulator]:
    """Plays Twilio against the live test server."""
    sim = simulator_for(app, live_server)
    yield sim
    sim.close()


@pytest.fixture
def desk(
    app: Flask, live_server: str, simulator: TwilioSimulator
) -> Iterator[Callable[..., OperatorDesk]]:
    """``desk(name, center, answers=True)``: a new operator signed in, available, ringable."""
    desks: list[OperatorDesk] = []

    def open_desk(
        username: str, center: str, *, answers: bool = True, available: bool = True
    ) -> OperatorDesk:
        make_user(app, username, "operator", center)
        opened = OperatorDesk(live_server, username, PASSWORD, answers=answers).sign_in()
        if available:
            opened.go_available()
        desks.append(opened)
        return simulator.add_operator(opened)

    yield open_desk
    for opened in desks:
        opened.close()


@pytest.fixture
def session(app: Flask) -> Iterator[Any]:
    """A database session in the app context."""
    with app.app_context():
        yield db.session
        db.session.remove()
