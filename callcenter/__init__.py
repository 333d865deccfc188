"""The 1379 hotline call-center: application factory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from callcenter.config import ConfigError, load_settings
from callcenter.db import db


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings from the environment, then ``test_config`` on top.

    Without ``test_config`` (a real start) a bad setting exits with a one-line message
    naming it; with ``test_config`` the ConfigError propagates so tests can assert it.
    """
    app = Flask(__name__, instance_path=_instance_path())
    try:
        app.config.from_mapping(load_settings(os.environ, app.instance_path))
        if test_config is not None:
            app.config.from_mapping(test_config)
        register_extensions(app)
    except ConfigError as exc:
        if test_config is not None:
            raise
        raise SystemExit(f"설정 오류 (configuration error): {exc}") from None
    register_blueprints(app)
    register_commands(app)
    if app.config.get("TRUSTED_PROXIES"):
        # The client address and scheme as the trusted proxies report them (the sign-in
        # throttle counts per address; behind a proxy without this, everyone is the proxy).
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    return app


def _instance_path() -> str:
    # instance/ sits beside app.py so that a checkout is self-contained.
    return str(Path(__file__).resolve().parent.parent / "instance")


def register_extensions(app: Flask) -> None:
    """Database engine and session, search index and KPI rollup hooks; sign-in, CSRF, layout."""
    from callcenter import auth, display, search
    from callcenter.kpi import rollups

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    display.init_app(app)  # log lines carry masked numbers from the first one
    auth.install_converters(app)
    db.init_app(app)
    search.init_app(app)
    auth.init_app(app)
    rollups.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Web blueprints: health now; webhooks, console, supervisor and API as they land."""
    from callcenter import api, auth, console, health, voice

    app.register_blueprint(health.bp)
    app.register_blueprint(voice.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(console.bp)
    app.register_blueprint(api.bp)

    from callcenter.supervisor.views import bp as supervisor_bp

    app.register_blueprint(supervisor_bp)

    from callcenter.accounts import bp as accounts_bp

    app.register_blueprint(accounts_bp)

    from callcenter.followup.webhooks import bp as followup_webhooks_bp
    from callcenter.referrals.views import bp as referrals_bp

    app.register_blueprint(referrals_bp)
    app.register_blueprint(followup_webhooks_bp)


def register_commands(app: Flask) -> None:
    """`flask` commands: db, seed, worker, serve, tickets, ..."""
    from callcenter.cli import register

    register(app)
