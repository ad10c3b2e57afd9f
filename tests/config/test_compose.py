"""docker-compose.yml cannot be run here (no Docker engine); check that it describes the
production shape and that every process it starts exists in this repository."""


import ipaddress

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


def test_only_the_tls_proxy_is_published_and_web_is_reached_through_it():
    services = compose()["services"]
    published = {name for name, service in services.items() if service.get("ports")}

    assert published == {"caddy"}
    assert services["caddy"]["image"].startswith("caddy:")
    assert sorted(services["caddy"]["ports"]) == ["443:443", "80:80"]
    assert services["caddy"]["command"][-2:] == ["--to", "web:8000"]


def test_forwarded_headers_are_believed_only_from_the_proxys_address():
    config = compose()
    caddy_address = config["services"]["caddy"]["networks"]["edge"]["ipv4_address"]
    web = config["services"]["web"]
    command = web["command"]

    assert command[command.index("--forwarded-allow-ips") + 1] == caddy_address
    assert "*" not in command
    for name in ("web", "worker", "beat"):
        assert config["services"][name]["environment"]["TRUSTED_PROXIES"] == f"{caddy_address}/32"
    subnet = config["networks"]["edge"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(caddy_address) in ipaddress.ip_network(subnet)


def test_the_database_and_redis_are_on_an_internal_network_only():
    config = compose()

    assert config["networks"]["backend"]["internal"] is True
    for name in ("postgres", "redis"):
        assert config["services"][name]["networks"] == ["backend"]


def test_the_image_trusts_no_forwarded_headers_by_default():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert '"--forwarded-allow-ips", "*"' not in dockerfile
