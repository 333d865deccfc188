"""A bare Flask app with one route: the benchmark's denominator (framework + server cost)."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello() -> str:
    """The cheapest possible Flask response."""
    return "hello"
