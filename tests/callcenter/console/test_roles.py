"""Role checks, table-driven over the app's URL map.

Every console and API route must refuse anonymous users (pages: redirect to sign-in; API:
401 JSON) and users whose role is not in the route's row (403), and let the listed roles in.
A route missing from the table fails the test, so new routes cannot slip in unguarded.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from flask import Blueprint, Flask

from callcenter.db import db
from callcenter.models import ROLES, User
from tests.factories import PASSWORD, make_ticket, make_user
from tests.helpers import csrf_token, sign_in

ALL = ("operator", "supervisor", "admin")
# Blueprint → roles that may use its routes; per-endpoint rows override the blueprint's.
BLUEPRINT_ROLES: dict[str, tuple[str, ...]] = {
    "console": ALL,
    "api": ALL,
    "supervisor": ("supervisor", "admin"),
    "accounts": ("supervisor", "admin"),
}
ADMIN_ONLY = ("admin",)
ENDPOINT_ROLES: dict[str, tuple[str, ...]] = {
    # Supervisors see the account pages; only admins change accounts.
    "accounts.new_user": ADMIN_ONLY,
    "accounts.update_user": ADMIN_ONLY,
    "accounts.reset_user_password": ADMIN_ONLY,
    "accounts.unlock_user": ADMIN_ONLY,
    "accounts.deactivate_user": ADMIN_ONLY,
    "accounts.reactivate_user": ADMIN_ONLY,
}
# Account routes act on this user, never on a signed-in client (a deactivation would
# sign that client out half-way through the table).
TARGET = "role_table_target"
# A role no route lists (e.g. a future read-only role, or a row edited by hand).
OUTSIDER = "guest"


def guarded_rules(app: Flask):
    """(endpoint, method, url, allowed roles) for every route of the guarded blueprints."""
    rows = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".", 1)[0]
        if blueprint not in BLUEPRINT_ROLES:
            continue
        roles = ENDPOINT_ROLES.get(rule.endpoint, BLUEPRINT_ROLES[blueprint])
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            # /x/<number>/y and /x/<int:id> become format patterns: /x/{number}/y, /x/{id}.
            url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            rows.append((rule.endpoint, method, url, roles))
    return rows


@pytest.fixture
def world(app: Flask):
    """A ticket, and one signed-in client per role plus the outsider and an anonymous one."""
    ticket = make_ticket(app, center="INCHEON")
    clients = {}
    for role in (*ROLES, OUTSIDER):
        name = f"user_{role}"
        if role == OUTSIDER:
            make_user(app, name, "admin", None)
            with app.app_context():
                user = db.session.query(User).filter_by(username=name).one()
                user.role = OUTSIDER
                db.session.commit()
        else:
            make_user(app, name, role, "INCHEON")
        client = app.test_client()
        assert sign_in(client, name, PASSWORD).status_code == 302
        clients[role] = client
    clients["anonymous"] = app.test_client()
    make_user(app, TARGET, "operator", "INCHEON")
    return ticket, clients


def _request(client, method, url, token):
    if method == "GET":
        return client.get(url, query_string={"since": "2000-01-01T00:00:00+00:00"})
    return client.open(url, method=method, headers={"X-CSRFToken": token}, json={})


def test_every_guarded_route_is_in_the_table(app):
    rows = guarded_rules(app)
    assert {r[0].split(".")[0] for r in rows} >= {"console", "api", "supervisor", "accounts"}
    endpoints = {r[0] for r in rows}
    assert set(ENDPOINT_ROLES) <= endpoints, "a row names an endpoint that no longer exists"
    assert len(rows) >= 20


def role_failures(app: Flask, ticket, clients) -> list[str]:
    """Every (route, method, user) whose answer breaks the table."""
    tokens = {who: csrf_token(c) for who, c in clients.items()}
    with app.app_context():
        target = db.session.query(User.id).filter_by(username=TARGET).scalar()
    failures = []
    for _endpoint, method, pattern, allowed in guarded_rules(app):
        url = pattern.format_map(
            defaultdict(lambda: "1", number=ticket.number, user_id=str(target or 1))
        )
        api = url.startswith("/api/")
        for who, client in clients.items():
            with _request(client, method, url, tokens[who]) as response:
                status = response.status_code
                location = response.headers.get("Location", "")
                is_json = response.is_json
            if who == "anonymous":
                ok = (
                    (status == 401 and is_json)
                    if api
                    else (status == 302 and location.startswith("/auth/login"))
                )
            elif who in allowed:
                ok = status not in (401, 403) and "/auth/login" not in location
            else:
                ok = status == 403 and (is_json if api else True)
            if not ok:
                failures.append(f"{method} {url} as {who}: {status} {location}")
    return failures


def test_roles_over_the_url_map(app, world):
    ticket, clients = world
    failures = role_failures(app, ticket, clients)
    assert not failures, "\n".join(failures)


def test_the_check_catches_an_unguarded_route(app, monkeypatch):
    probe = Blueprint("probe", __name__)
    probe.add_url_rule("/probe/open", "open", lambda: "anyone")
    app.register_blueprint(probe)
    monkeypatch.setitem(BLUEPRINT_ROLES, "probe", ("supervisor",))
    ticket = make_ticket(app)
    make_user(app, "op")
    client = app.test_client()
    sign_in(client, "op")
    failures = role_failures(app, ticket, {"anonymous": app.test_client(), "operator": client})
    assert "GET /probe/open as anonymous: 200 " in failures
    assert "GET /probe/open as operator: 200 " in failures
