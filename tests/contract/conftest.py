"""The API contract as a client developer meets it: ``make test-contract``.

The target installs the pinned npm tools (``package.json``/``package-lock.json`` here) and
needs a Java runtime for openapi-generator (the jar ships in the ``openapi-generator-cli``
PyPI package); the tests themselves use no network. They read the committed schema,
``api/openapi-v1.yaml``, which ``tests/api/test_schema.py`` keeps equal to the generated one.

``live_api`` runs the real server (gunicorn) on a port in 9100-9199 (or ``CONTRACT_PORT``)
over its own SQLite database, loaded with the shipped curriculum and the demo users.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

from tests.locations import ROOT

HERE = Path(__file__).parent
NODE_BIN = HERE / "node_modules" / ".bin"
VENV_BIN = Path(sys.executable).parent
SCHEMA_FILE = ROOT / "api" / "openapi-v1.yaml"
PORTS = range(9100, 9200)


def run(*command, cwd=ROOT, timeout=240, env=None) -> str:
    """Run a tool; fail the test with its output when it fails."""
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        pytest.fail(f"{' '.join(map(str, command))} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


@pytest.fixture(scope="session")
def schema() -> dict:
    return yaml.safe_load(SCHEMA_FILE.read_text())


@pytest.fixture(scope="session")
def node_bin() -> Path:
    if not (NODE_BIN / "tsc").exists():
        pytest.fail("The npm tools are not installed: run `make test-contract` (npm ci in tests/contract).")
    return NODE_BIN


def _free_port() -> int:
    if os.environ.get("CONTRACT_PORT"):
        return int(os.environ["CONTRACT_PORT"])
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 9100-9199")


@pytest.fixture(scope="session")
def live_api(tmp_path_factory):
    """The base URL of a real Pathwise server with the shipped curriculum and demo users."""
    var = tmp_path_factory.mktemp("server")
    env = {
        **os.environ,
        "PATHWISE_ENV": "development",
        "DEBUG": "false",
        "PATHWISE_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'contract.sqlite3'}",
        "CACHE_URL": "locmem://",
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }
    for command in (["migrate", "--noinput", "-v0"], ["import_roadmap", "fixtures/ml-roadmap.yaml"], ["seed_demo"]):
        run(sys.executable, "manage.py", *command, env=env)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base_url}/healthz/", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            server.terminate()
            pytest.fail(f"the server did not start:\n{server.communicate(timeout=10)[1].decode()}")
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=20)
