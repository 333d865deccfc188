"""What anonymous callers learn: /healthz says up or down, never where or why."""

from __future__ import annotations

from callcenter import create_app


def test_healthz_hides_the_reason_from_anonymous_callers(app_config, tmp_path):
    broken = str(tmp_path / "nowhere" / "redis.sock")
    app = create_app(app_config | {"REDIS_URL": f"unix://{broken}"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert response.get_json()["redis"] == "unavailable"
    assert "nowhere" not in body and "unix://" not in body
