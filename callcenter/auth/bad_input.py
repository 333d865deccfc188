"""Out-of-range input answers 400, never 500.

Views validate what they read; this is the net under them: path ids are bounded by the
URL converter (an ``<int:...>`` beyond a 32-bit column is no id of ours), and a value that
still overflows Python's date arithmetic or a database column (SQLite's 64-bit INTEGER,
PostgreSQL's ``integer out of range``) is the client's mistake, answered 400.
"""

from __future__ import annotations

from flask import Flask, current_app, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import DataError, StatementError
from werkzeug.routing import IntegerConverter

from callcenter.auth.access import is_api_request, json_error
from callcenter.db import db

# The largest id any of our INTEGER columns holds (PostgreSQL's integer).
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` that matches 0 to MAX_ID only (a longer number is a 404)."""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:  # noqa: A002
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def install_converters(app: Flask) -> None:
    """Before any route is added: bounded ``int`` path segments."""
    app.url_map.converters["int"] = BoundedIntConverter


def init_app(app: Flask) -> None:
    """Answer out-of-range values with 400."""
    app.register_error_handler(OverflowError, _out_of_range)
    app.register_error_handler(DataError, _out_of_range)
    app.register_error_handler(StatementError, _statement_error)


def _out_of_range(exc: Exception) -> ResponseReturnValue:
    db.session.rollback()
    current_app.logger.info("out-of-range input refused: %s", type(exc).__name__)
    if is_api_request():
        return json_error(400, "bad_request", "error.bad_request")
    return render_template("error.html", code=400, msg_id="error.bad_request"), 400


def _statement_error(exc: StatementError) -> ResponseReturnValue:
    if isinstance(exc.orig, OverflowError) or isinstance(exc, DataError):
        return _out_of_range(exc)
    raise exc
