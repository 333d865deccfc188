"""The inbox page: tabs, filters, search, counts, keyset paging and the live fragment."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from callcenter.console import bp
from callcenter.console.caller_history import row_extras
from callcenter.console.queries import PAGE_SIZE, TABS, inbox_page, local_today, parse_filter
from callcenter.db import db
from callcenter.models import TICKET_KINDS, TICKET_STATUSES, User, utcnow
from routing import reference


def acting_user() -> User:
    """The signed-in user as a model instance (not the proxy)."""
    user: User = current_user._get_current_object()  # type: ignore[attr-defined]
    return user


def current_filter(user: User):  # type: ignore[no-untyped-def]
    """The inbox filter from the query string."""
    return parse_filter(
        request.args,
        user,
        {tp.code for tp in reference.topics()},
        {c.code for c in reference.centers()},
    )


@bp.get("/")
def inbox() -> ResponseReturnValue:
    """The operator's inbox (their center by default); ``fragment=1`` for live refresh."""
    user = acting_user()
    f = current_filter(user)
    session = db.session()
    page = inbox_page(session, f, user, current_app.config["TIMEZONE"])
    context = {
        "extras": row_extras(session, page.tickets),
        "today": local_today(current_app.config["TIMEZONE"]).isoformat(),
        "f": f,
        "page": page,
        "page_size": PAGE_SIZE,
        "tabs": TABS,
        "statuses": TICKET_STATUSES,
        "kinds": TICKET_KINDS,
        "topics": reference.topics(),
        "centers": reference.centers(),
        "since": utcnow().isoformat(),
        "poll_seconds": current_app.config["CONSOLE_POLL_SECONDS"],
    }
    if request.args.get("fragment"):
        return render_template("console/_inbox_live.html", **context)
    return render_template("console/inbox.html", **context)
