"""Database engine and session, bound to the Flask app (no Flask-SQLAlchemy needed).

One scoped session per thread; it is removed at the end of each request or job.
Services flush, callers commit: a request handler or a job decides the transaction.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from callcenter.config import ConfigError


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
        engine = make_engine(app.config["DATABASE_URL"])
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


def make_engine(url: str) -> Engine:
    """Engine with settings that suit each backend."""
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        from pathlib import Path

        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
        kwargs["connect_args"] = {"connect_timeout": 5}
    engine = create_engine(url, **kwargs)
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


db = Database()
