"""The README demo: simulated Korean calls placed against the running app."""

from __future__ import annotations

from flask import Flask


def place_demo_calls(app: Flask, base_url: str) -> None:
    """Place the bundled sample calls through the simulator (lands with the IVR issue)."""
    app.logger.warning("demo calls are not available yet")
