"""Database engine and session, bound to the Flask app (no Flask-SQLAlchemy needed).

One scoped session per thread; it is removed at the end of each request or job.
Services flush, callers commit: a request handler or a job decides the transaction.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from callcenter.config import ConfigError


class Database:
    """Holds the engine and a thread-local session for one application."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self._factory: sessionmaker[Session] = sessionmaker(expire_on_commit=False)
        self.session: scoped_session[Session] = scoped_session(self._factory)

    def init_app(self, app: Flask) -> None:
        """Create the engine from ``DATABASE_URL`` and register session teardown."""
        url: str = app.config["DATABASE_URL"]
        self.engine = make_engine(url)
        self._factory.configure(bind=self.engine)
        app.extensions["database"] = self

        @app.teardown_appcontext
        def remove_session(_exc: BaseException | None) -> None:
            self.session.remove()

    def check(self) -> None:
        """Raise ConfigError naming DATABASE_URL when the database cannot be reached."""
        assert self.engine is not None
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise ConfigError(f"DATABASE_URL: cannot connect ({reason})") from None

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
