"""A tiny Korean-first message catalogue: ``t('msg.id')`` in templates and code.

Each blueprint registers its own messages (``register_messages``) from its own module, so
that teams add text without editing one shared file. Korean is the default; English is
the switch, remembered per user (``User.language``) or, before sign-in, per session.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, has_request_context, session

LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "ko"

MESSAGES: dict[str, dict[str, str]] = {}


def register_messages(messages: Mapping[str, Mapping[str, str]]) -> None:
    """Add message ids; each needs both languages and may not redefine another text."""
    for msg_id, texts in messages.items():
        missing = [lang for lang in LANGUAGES if not texts.get(lang)]
        if missing:
            raise ValueError(f"message {msg_id!r} lacks {', '.join(missing)}")
        known = MESSAGES.get(msg_id)
        if known is not None and known != dict(texts):
            raise ValueError(f"message {msg_id!r} is registered twice with different text")
        MESSAGES[msg_id] = dict(texts)


def current_language() -> str:
    """The signed-in user's language, else the session's, else Korean."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    cached: str | None = g.get("_language")
    if cached is not None:
        return cached
    from flask_login import current_user

    if current_user and current_user.is_authenticated:
        lang = getattr(current_user, "language", None)
    else:
        lang = session.get("lang")
    # A page asks hundreds of times; the answer cannot change within one request.
    g._language = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    return str(g._language)


def t(msg_id: str, lang: str | None = None, **values: Any) -> str:
    """The message in the current (or given) language, with ``{name}`` values filled in."""
    texts = MESSAGES.get(msg_id)
    if texts is None:
        # Tests fail loudly on a typo; production shows the id rather than crash a page.
        if current_app and current_app.testing:
            raise KeyError(f"unknown message id {msg_id!r}")
        return msg_id
    text = texts[lang or current_language()]
    return text.format(**values) if values else text


def both(msg_id: str, **values: Any) -> dict[str, str]:
    """Korean and English text of one message (JSON errors carry both)."""
    return {lang: t(msg_id, lang, **values) for lang in LANGUAGES}


def local_time(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An aware UTC datetime shown in the hotline's time zone (TIMEZONE)."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).strftime(fmt)


def local_date(day: date | None) -> str:
    """A date as YYYY-MM-DD (empty for None)."""
    return day.isoformat() if day else ""


def init_app(app: Flask) -> None:
    """Expose ``t``, ``current_language`` and the date filters to templates."""
    app.jinja_env.globals.update(t=t, current_language=current_language, LANGUAGES=LANGUAGES)
    app.jinja_env.filters["localtime"] = local_time
    app.jinja_env.filters["localdate"] = local_date
