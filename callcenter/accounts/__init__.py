"""Administration pages: console accounts (blueprint ``accounts``, under /admin).

Supervisors and admins may look; only admins may change anything. The blueprint guard
refuses everyone else, and each view carries ``roles_required`` with its own roles.
"""

from __future__ import annotations

from flask import Blueprint

from callcenter.accounts import messages as _messages  # noqa: F401  (registers the texts)
from callcenter.auth import protect_blueprint

bp = Blueprint("accounts", __name__, url_prefix="/admin")
VIEW_ROLES = ("supervisor", "admin")
CHANGE_ROLES = ("admin",)
protect_blueprint(bp, *VIEW_ROLES)

from callcenter.accounts import users  # noqa: E402, F401  (routes on bp)
