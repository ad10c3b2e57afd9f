import os
import subprocess
import sys

import pytest

from tests.locations import ROOT

PRODUCTION = {
    "PATHWISE_ENV": "production",
    "SECRET_KEY": "x7!k2-production-secret-for-the-deploy-check-only-0123456789abcdefgh",
    "ALLOWED_HOSTS": "pathwise.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"PATHWISE_ENV", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_production_mode_passes_the_deploy_check_with_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_the_deploy_check_warns_when_the_link_checker_may_reach_private_networks():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", LINKCHECK_ALLOW_NETWORKS="127.0.0.0/8", **PRODUCTION
    )
    assert result.returncode != 0
    assert "pathwise.W001" in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must list"),
        ({"DEBUG": "maybe"}, "DEBUG must be a boolean"),
    ],
)
def test_production_refuses_to_start_with_unsafe_settings(env, message):
    result = manage("check", **{**PRODUCTION, **env})
    assert result.returncode != 0
    assert message in result.stderr


def example_secret_key() -> str:
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.startswith("SECRET_KEY="):
            return line.removeprefix("SECRET_KEY=")
    raise AssertionError(".env.example has no SECRET_KEY line")


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (example_secret_key(), "SECRET_KEY is the placeholder from .env.example"),
        ("pathwise-development-only-secret-key-never-use-in-production", "is the placeholder"),
        ("abcdefghijklmnop" * 4, "SECRET_KEY repeats a short pattern"),
        ("ab" * 40, "SECRET_KEY uses fewer than 12 different characters"),
        ("tooShort-9f8e7d", "SECRET_KEY is 15 characters long"),
    ],
    ids=["the .env.example placeholder", "the development key", "a pattern", "few characters", "short"],
)
def test_production_refuses_to_start_with_a_placeholder_or_low_entropy_key(key, message):
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": key})

    assert result.returncode != 0
    assert message in result.stderr


def test_seed_demo_refuses_to_run_in_production():
    result = manage("seed_demo", **PRODUCTION)
    assert result.returncode != 0
    assert "refuses to run in production" in result.stderr


@pytest.mark.parametrize(("env", "trusted"), [({}, "False"), ({"USE_X_FORWARDED_HOST": "true"}, "True")])
def test_trusting_x_forwarded_host_is_a_setting_off_by_default(env, trusted):
    result = manage("shell", "-c", "from django.conf import settings; print(settings.USE_X_FORWARDED_HOST)", **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == trusted
