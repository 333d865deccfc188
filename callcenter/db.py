"""Database engine and session, bound to the Flask app (no Flask-SQLAlchemy needed).

One scoped session per thread; it is removed at the end of each request or job.
Services flush, callers commit: a request handler or a job decides the transaction.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from callcenter.config import ConfigError

# A pooled PostgreSQL connection idle longer than this is pinged before use (see make_engine).
PING_AFTER_IDLE_SECONDS = 10.0


class AppSession(Session):
    """A session bound to the current app's engine, so several apps can share one process."""

    def get_bind(self, *args: Any, **kwargs: Any) -> Any:
        if has_app_context() and "db_engine" in current_app.extensions:
            return current_app.extensions["db_engine"]
        return super().get_bind(*args, **kwargs)


class Database:
    """Holds each app's engine and a thread-local session."""

    def __init__(self) -> None:
        self._last_engine: Engine | None = None
        self._engines: list[Engine] = []
        self._factory: sessionmaker[Session] = sessionmaker(
            class_=AppSession, expire_on_commit=False
        )
        self.session: scoped_session[Session] = scoped_session(self._factory)

    @property
    def engine(self) -> Engine | None:
        """The current app's engine (outside an app context: the last one created)."""
        if has_app_context():
            engine: Engine | None = current_app.extensions.get("db_engine")
            if engine is not None:
                return engine
        return self._last_engine

    def init_app(self, app: Flask) -> None:
        """Create the engine from ``DATABASE_URL`` and register session teardown."""
        engine = make_engine(app.config["DATABASE_URL"], pool_size=app.config["DATABASE_POOL_SIZE"])
        app.extensions["db_engine"] = engine
        app.extensions["database"] = self
        self._last_engine = engine
        self._engines.append(engine)
        self._factory.configure(bind=engine)

        @app.teardown_appcontext
        def remove_session(_exc: BaseException | None) -> None:
            self.session.remove()

    def check(self) -> None:
        """Raise ConfigError naming DATABASE_URL when the database cannot be reached."""
        engine = self.engine
        assert engine is not None
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise ConfigError(f"DATABASE_URL: cannot connect ({reason})") from None

    def dispose_all(self) -> None:
        """Close every engine this process created (test teardown: no connection left open)."""
        self.session.remove()
        for engine in self._engines:
            engine.dispose()
        self._engines.clear()

    def dispose_after_fork(self) -> None:
        """Drop pooled connections inherited from a parent process."""
        if self.engine is not None:
            self.engine.dispose(close=False)


def make_engine(url: str, pool_size: int = 10) -> Engine:
    """Engine with settings that suit each backend.

    ``pool_size`` connections stay open (PostgreSQL): at least one per web worker thread,
    so that a busy moment never pays for opening a connection.
    """
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        from pathlib import Path

        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    else:
        # Most recently used first: under load the same warm connections serve every request,
        # and the idle ones (pinged before use) are the ones a restarted server has dropped.
        kwargs.update(pool_size=pool_size, max_overflow=10, pool_use_lifo=True)
        kwargs["connect_args"] = {"connect_timeout": 5}
    engine = create_engine(url, **kwargs)
    if not url.startswith("sqlite"):
        _ping_when_idle(engine)
    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # WAL lets the web process read while a worker writes; foreign keys on.
            # synchronous=NORMAL is SQLite's advice for WAL: no fsync per commit (a power cut
            # may lose the last commits, never corrupts); FULL cost ~8 ms per webhook here.
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled connection before use only when it sat idle for a while.

    ``pool_pre_ping`` costs a round trip on every checkout, a tenth of a webhook's time; a
    connection returned moments ago is alive. One a server restart or a firewall dropped
    while idle fails the ping, and the pool opens a fresh one instead.
    """

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(f"idle connection lost: {exc}") from exc


db = Database()
