"""Live calls over real HTTP: the app in a server thread, the simulator as Twilio and browsers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from callcenter.db import db
from callcenter.demo.operator_desk import OperatorDesk
from callcenter.demo.simulator import TwilioSimulator
from tests.callcenter.voice.conftest import (  # noqa: F401  (the voice webhooks' fixtures)
    _voice_settings,
    simulator,
    voice_config,
    voice_time,
)
from tests.factories import PASSWORD, make_user


@pytest.fixture
def desk(
    app: Flask,
    live_server: str,
    simulator: TwilioSimulator,  # noqa: F811  (the fixture)
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
