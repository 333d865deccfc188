"""Settings from the environment: defaults, and one line naming a missing or malformed setting."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from callcenter import create_app
from callcenter.config import ConfigError, load_settings
from tests.helpers import ROOT


def test_settings_defaults_use_embedded_storage(tmp_path):
    settings = load_settings({"SECRET_KEY": "x"}, tmp_path)
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'callcenter.sqlite3'}"
    assert settings["REDIS_URL"] is None  # embedded redis-server
    assert settings["TIMEZONE"] == "Asia/Seoul"
    assert settings["RECORDING_HOSTS"] == ("api.twilio.com",)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://localhost"}, "REDIS_URL"),
        ({"TIMEZONE": "Mars/Olympus"}, "TIMEZONE"),
        ({"BUSINESS_HOURS": "weekdays"}, "BUSINESS_HOURS"),
        ({"QUEUE_MAX_SIZE": "many"}, "QUEUE_MAX_SIZE"),
        ({"DATABASE_POOL_SIZE": "0"}, "DATABASE_POOL_SIZE"),
        (
            {"APP_ENV": "production", "TWILIO_AUTH_TOKEN": "t", "PUBLIC_BASE_URL": "https://x.kr"},
            "SECRET_KEY",
        ),
        (
            {"APP_ENV": "production", "SECRET_KEY": "s", "PUBLIC_BASE_URL": "https://x.kr"},
            "TWILIO_AUTH_TOKEN",
        ),
        ({"TWILIO_ACCOUNT_SID": "XY123"}, "TWILIO_ACCOUNT_SID"),
    ],
)
def test_bad_setting_names_itself(tmp_path, env, named):
    with pytest.raises(ConfigError, match=named):
        load_settings(env if "APP_ENV" in env else {"SECRET_KEY": "x", **env}, tmp_path)


def test_postgres_url_normalised_to_psycopg3(tmp_path):
    settings = load_settings({"DATABASE_URL": "postgres://u@h/db", "SECRET_KEY": "x"}, tmp_path)
    assert settings["DATABASE_URL"] == "postgresql+psycopg://u@h/db"


def test_development_secret_key_is_generated_once(tmp_path):
    first = load_settings({}, tmp_path)["SECRET_KEY"]
    assert len(first) == 64
    assert load_settings({}, tmp_path)["SECRET_KEY"] == first


def _flask(env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_malformed_database_url_is_one_line_error():
    result = _flask({"DATABASE_URL": "mysql://nope"}, "tickets", "list")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_one_line_error(tmp_path):
    result = _flask(
        {"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}, "worker", "--burst"
    )
    assert result.returncode != 0
    assert "DATABASE_URL: cannot connect" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_redis_is_one_line_error(tmp_path):
    result = _flask(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "REDIS_URL": "redis://127.0.0.1:1/0"},
        "worker",
        "--burst",
    )
    assert result.returncode != 0
    assert "REDIS_URL: cannot connect" in result.stderr
    assert "Traceback" not in result.stderr


def test_create_app_exits_with_one_line_on_bad_setting(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "oracle://x")
    with pytest.raises(SystemExit) as excinfo:
        create_app()
    assert "DATABASE_URL" in str(excinfo.value)
