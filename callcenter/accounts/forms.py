"""Reading the account forms: values as typed, and each field's error (a UserError)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from callcenter.auth.accounts import generate_password
from callcenter.auth.security import (
    UserError,
    new_user_errors,
    password_error,
    profile_errors,
)

PASSWORD_MODES = ("generate", "type")


def _text(form: Mapping[str, str], name: str) -> str:
    return (form.get(name) or "").strip()


@dataclass
class AccountForm:
    """One submitted account form; ``errors`` maps a field name to its UserError."""

    username: str = ""
    display_name: str = ""
    role: str = ""
    center_code: str | None = None
    language: str = "ko"
    password_mode: str = "generate"
    password: str = ""
    errors: dict[str, UserError] = field(default_factory=dict)

    @property
    def generated(self) -> bool:
        """True when the password was made for the admin rather than typed."""
        return self.password_mode == "generate"

    def add(self, errors: Sequence[UserError | None]) -> None:
        """Keep the first error of each field."""
        for error in errors:
            if error is not None:
                self.errors.setdefault(error.field, error)

    def messages(self) -> dict[str, str]:
        """Field → message in the page's language (for the template)."""
        return {name: error.message() for name, error in self.errors.items()}


def read_profile(form: Mapping[str, str]) -> AccountForm:
    """Name, role, center and language as submitted (no validation)."""
    return AccountForm(
        username=_text(form, "username"),
        display_name=_text(form, "display_name"),
        role=_text(form, "role"),
        center_code=_text(form, "center").upper() or None,
        language=_text(form, "language") or "ko",
    )


def read_password(
    form: Mapping[str, str], into: AccountForm, context: tuple[str, ...] = ()
) -> None:
    """The password choice: a generated one, or one typed twice (errors added to ``into``).

    ``context``: the account's names, which the password must not be made of.
    """
    into.password_mode = _text(form, "password_mode")
    if into.password_mode == "generate":
        into.password = generate_password()
        return
    if into.password_mode != "type":
        into.add([UserError("password_mode", "user.error.password_mode")])
        return
    # Passwords are taken as typed: spaces are characters too.
    into.password = form.get("password") or ""
    error = password_error(into.password, (*context, into.username, into.display_name))
    if error is None and into.password != (form.get("password2") or ""):
        error = UserError("password2", "user.error.password_mismatch")
    into.add([error])


def read_new_user(session: Session, form: Mapping[str, str]) -> AccountForm:
    """The create form, validated: every field's first error in ``errors``."""
    data = read_profile(form)
    read_password(form, data)
    data.add(
        new_user_errors(
            session,
            username=data.username,
            role=data.role,
            center_code=data.center_code,
            # The password was checked above; a stand-in keeps it from being reported twice.
            password=generate_password(),
            display_name=data.display_name,
            language=data.language,
        )
    )
    return data


def read_profile_change(session: Session, form: Mapping[str, str]) -> AccountForm:
    """The profile form (name, role, center, language), validated."""
    data = read_profile(form)
    data.add(
        profile_errors(
            session,
            role=data.role,
            center_code=data.center_code,
            display_name=data.display_name,
            language=data.language,
        )
    )
    return data
