"""docker-compose.yml cannot be run here (no Docker engine); check that it describes the
production shape and that every process it starts exists in this repository."""


import yaml

from tests.locations import ROOT


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_it_runs_postgres_redis_web_worker_and_beat():
    services = compose()["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    assert services["web"]["command"][0] == "gunicorn" and "config.wsgi" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]


def test_app_services_run_in_production_mode_against_postgres_and_redis():
    for name in ("web", "worker", "beat", "migrate"):
        env = compose()["services"][name]["environment"]
        assert env["PATHWISE_ENV"] == "production"
        assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:" in env["DATABASE_URL"]
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:")


def test_the_image_it_builds_exists():
    assert (ROOT / "Dockerfile").exists()
    assert "requirements.lock" in (ROOT / "Dockerfile").read_text()  # see test_locks.py
