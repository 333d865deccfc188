"""The spine: factory, settings errors, migrations, CLI contract, jobs through a real worker."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from flask import Flask
from sqlalchemy import create_engine, inspect

from callcenter import create_app
from callcenter.config import ConfigError, load_settings
from callcenter.db import db
from callcenter.models import Base, Call, Ticket
from callcenter.search import index as search_index
from callcenter.services.tickets import create_ticket_for_call
from tests.helpers import ROOT, app_env


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
    import os

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


def test_migrations_give_exactly_the_models_schema(app: Flask):
    """The template database was built by Alembic; compare it with Base.metadata."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    assert db.engine is not None
    with db.engine.connect() as conn:
        # The search index's tables are no models (FTS5 / GIN): compared apart, below.
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": search_index.include_name}
        )
        diff = compare_metadata(context, Base.metadata)
        tables = set(inspect(conn).get_table_names())
    assert diff == []
    assert set(Base.metadata.tables) <= tables
    assert {t.name for t in search_index.TABLES} <= tables  # op.create_search_index() ran


def test_autogenerate_adds_the_search_index_to_the_initial_schema(tmp_path):
    """Regenerating the one migration from the models (docs/architecture.md) keeps the index."""
    from alembic.autogenerate import produce_migrations, render_python_code
    from alembic.migration import MigrationContext

    from callcenter.search.migration import add_to_revision

    engine = create_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with engine.connect() as conn:
        script = produce_migrations(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    add_to_revision(None, None, [script])
    assert script.upgrade_ops is not None and script.downgrade_ops is not None
    upgrade = render_python_code(script.upgrade_ops)
    assert "op.create_table('transcripts'" in upgrade
    assert upgrade.rstrip().endswith("op.create_search_index()\n    # ### end Alembic commands ###")
    downgrade = render_python_code(script.downgrade_ops)
    assert "op.drop_search_index()" in downgrade.split("op.drop_table")[0]


def test_reference_data_is_seeded(app: Flask):
    from callcenter.models import Center, Institute, Topic

    with app.app_context():
        assert db.session.query(Topic).count() == 20
        assert db.session.query(Center).count() == 12
        assert db.session.query(Institute).count() == 25
        assert db.session.get(Topic, "casting").name_ko == "주조"


def test_ticket_numbers_are_daily_sequences(app: Flask):
    with app.app_context():
        calls = [Call(call_sid=f"CA{i:032d}", from_number="+8221234567") for i in range(3)]
        db.session.add_all(calls)
        db.session.flush()
        numbers = [
            create_ticket_for_call(db.session, c, kind="problem", timezone="Asia/Seoul").number
            for c in calls
        ]
        db.session.commit()
    prefix = numbers[0].rsplit("-", 1)[0]
    assert numbers == [f"{prefix}-0001", f"{prefix}-0002", f"{prefix}-0003"]


def test_ticket_creation_is_idempotent_per_call_and_kind(app: Flask):
    with app.app_context():
        call = Call(call_sid="CA" + "1" * 32, from_number="+821012345678")
        db.session.add(call)
        db.session.flush()
        first = create_ticket_for_call(db.session, call, kind="problem", timezone="Asia/Seoul")
        again = create_ticket_for_call(db.session, call, kind="problem", timezone="Asia/Seoul")
        db.session.commit()
        assert first.id == again.id
        assert db.session.query(Ticket).count() == 1


def test_tickets_list_json_contract(app: Flask, runner):
    with app.app_context():
        call = Call(
            call_sid="CA" + "2" * 32,
            from_number="+82415551234",
            region="충남",
            region_source="area_code",
        )
        db.session.add(call)
        db.session.flush()
        create_ticket_for_call(db.session, call, kind="voicemail", timezone="Asia/Seoul")
        db.session.commit()
    result = runner.invoke(args=["tickets", "list", "--json"])
    assert result.exit_code == 0, result.output
    tickets = json.loads(result.output)
    assert len(tickets) == 1
    ticket = tickets[0]
    for key in (
        "number",
        "call_sid",
        "kind",
        "status",
        "caller",
        "region",
        "topic",
        "center",
        "transcript",
        "created_at",
    ):
        assert key in ticket
    assert ticket["call_sid"] == "CA" + "2" * 32
    assert ticket["region"] == "충남"
    assert ticket["kind"] == "voicemail"
    assert ticket["status"] == "received"
    assert ticket["transcript"] is None


def test_healthz_reports_database_and_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_worker_burst_exits_on_empty_queues(app: Flask):
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "worker", "--burst"],
        cwd=ROOT,
        env=app_env(app),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_create_app_exits_with_one_line_on_bad_setting(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "oracle://x")
    with pytest.raises(SystemExit) as excinfo:
        create_app()
    assert "DATABASE_URL" in str(excinfo.value)
