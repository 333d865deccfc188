"""A simulated operator's browser: signs in, sets presence, beats, answers or ignores offers.

It talks to the app over real HTTP like the console page would (session cookie, CSRF
header); :class:`callcenter.demo.simulator.TwilioSimulator` asks it, when a call rings its
Client identity, whether to pick up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import requests

_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class DeskError(RuntimeError):
    """The app refused what the operator's browser asked."""


@dataclass
class OperatorDesk:
    """One operator at the console.

    Attributes:
        base_url: where the app listens.
        username, password: the operator's account.
        answers: pick up offered calls; False lets them ring out (no answer).
        talk_seconds: how long an answered call lasts (DialCallDuration).
        offered: CallSids of the callers offered to this operator, in order.
        taken: those answered.
    """

    base_url: str
    username: str
    password: str
    answers: bool = True
    talk_seconds: int = 30
    timeout: float = 15.0
    offered: list[str] = field(default_factory=list)
    taken: list[str] = field(default_factory=list)
    identity: str = ""
    http: requests.Session = field(default_factory=requests.Session, repr=False)
    _csrf: str = field(default="", repr=False)

    def _url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    def _token_from(self, path: str) -> str:
        page = self.http.get(self._url(path), timeout=self.timeout)
        match = _CSRF.search(page.text)
        if match is None:
            raise DeskError(f"{path}: no CSRF token on the page")
        return match.group(1)

    def sign_in(self) -> OperatorDesk:
        """Sign in through the login form; the session cookie is kept."""
        token = self._token_from("/auth/login")
        response = self.http.post(
            self._url("/auth/login"),
            data={"username": self.username, "password": self.password, "csrf_token": token},
            allow_redirects=False,
            timeout=self.timeout,
        )
        if response.status_code != 302:
            raise DeskError(f"sign-in of {self.username} answered {response.status_code}")
        self._csrf = self._token_from("/console/")
        self.identity = str(self.presence()["identity"])
        return self

    def presence(self) -> dict[str, Any]:
        """GET /api/presence."""
        response = self.http.get(self._url("/api/presence"), timeout=self.timeout)
        if response.status_code != 200:
            raise DeskError(f"presence answered {response.status_code}")
        data: dict[str, Any] = response.json()
        return data

    def set_state(self, state: str | None = None, **extra: Any) -> dict[str, Any]:
        """POST /api/presence: a state (available, away, offline, wrap_up), or a heartbeat."""
        body = {"state": state, **extra} if state else {}
        response = self.http.post(
            self._url("/api/presence"),
            json=body,
            headers={"X-CSRFToken": self._csrf},
            timeout=self.timeout,
        )
        if response.status_code != 200:
            raise DeskError(f"presence {state!r} answered {response.status_code}: {response.text}")
        data: dict[str, Any] = response.json()
        return data

    def go_available(self) -> dict[str, Any]:
        """대기: ready for calls."""
        return self.set_state("available")

    def heartbeat(self) -> dict[str, Any]:
        """The browser is still open."""
        return self.set_state()

    def sign_out(self) -> None:
        """POST /auth/logout with the CSRF token."""
        self.http.post(
            self._url("/auth/logout"),
            data={"csrf_token": self._csrf},
            allow_redirects=False,
            timeout=self.timeout,
        )

    def close(self) -> None:
        """Close the HTTP session."""
        self.http.close()
