"""PostgreSQL pool: a connection idle for a while is pinged before use, a busy one is not."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from callcenter.db import make_engine
from tests.conftest import EXTERNAL_DB

pytestmark = pytest.mark.skipif(
    not (EXTERNAL_DB or "").startswith("postgres"), reason="the pool is PostgreSQL's"
)


def _pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _server_drops(url: str, pid: int) -> None:
    """The server ends this backend, as a restart or a firewall does to idle connections."""
    admin = create_engine(url, poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


def test_an_idle_connection_the_server_dropped_is_replaced_before_use(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
):
    url = app_config["DATABASE_URL"]
    engine = make_engine(url, pool_size=1)
    try:
        pid = _pid(engine)
        _server_drops(url, pid)
        # As if it had sat idle for long (sys.modules: the package's ``db`` is the Database).
        monkeypatch.setattr(sys.modules["callcenter.db"], "PING_AFTER_IDLE_SECONDS", 0.0)
        assert _pid(engine) != pid  # pinged, found dead, replaced: the request never saw it
    finally:
        engine.dispose()


def test_a_connection_used_moments_ago_is_not_pinged(app_config: dict[str, Any]):
    url = app_config["DATABASE_URL"]
    engine = make_engine(url, pool_size=1)
    try:
        pid = _pid(engine)
        _server_drops(url, pid)
        # No ping round trip for a connection just returned: its first statement finds it gone
        # (a webhook answers from the spool path), and the pool starts afresh.
        with pytest.raises(DBAPIError) as failed:
            _pid(engine)
        assert failed.value.connection_invalidated
        assert _pid(engine) != pid
    finally:
        engine.dispose()
