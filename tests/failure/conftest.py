"""Failure tests: the real processes (gunicorn, a Celery worker) on a private PostgreSQL
cluster and a private Redis, which these tests kill and restart. Loopback only, bounded.

Nothing here touches the machine's own PostgreSQL or Redis: the cluster is made with
``initdb`` in a temporary folder and both listen on their own ports (``FAILURE_PORTS``).
The application runs in subprocesses against them; the tests read the database with
psycopg. ``make test-failure`` runs them (CI too).
"""

import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg
import pytest
import redis

from tests.locations import ROOT

POSTGRES_PORT, REDIS_PORT, WEB_PORT = (int(os.environ.get("FAILURE_PORTS_BASE", 9040)) + n for n in range(3))
DATABASE = "pathwise_failure"
DATABASE_URL = f"postgres://postgres@127.0.0.1:{POSTGRES_PORT}/{DATABASE}"
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}"
PASSWORD = "correct horse battery staple"


def eventually(check, *, timeout=30.0, what="it"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # noqa: BLE001 - "not yet" while a service comes up
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def _missing_tools() -> str | None:
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        return "PostgreSQL's initdb is not installed"
    if not shutil.which("redis-server"):
        return "redis-server is not installed"
    return None


@pytest.fixture(scope="session", autouse=True)
def _tools():
    missing = _missing_tools()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}: the failure tests need it in CI")
        pytest.skip(missing)


class PrivatePostgres:
    """A throwaway PostgreSQL cluster in ``folder``, run as the postgres user when we are root."""

    def __init__(self, folder: Path):
        self.bin = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])
        self.data = folder / "data"
        self.log = folder / "postgres.log"
        folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")

    def _run(self, *args, check=True):
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=60)

    def init(self):
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start(self):
        options = f"-p {POSTGRES_PORT} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self):
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)


@pytest.fixture(scope="session")
def postgres():
    # Directly under /tmp: the postgres user cannot reach into pytest's root-only folders.
    folder = Path(tempfile.mkdtemp(prefix="pathwise-failure-postgres-"))
    cluster = PrivatePostgres(folder)
    cluster.init()
    cluster.start()
    try:
        with psycopg.connect(f"postgres://postgres@127.0.0.1:{POSTGRES_PORT}/postgres", autocommit=True) as db:
            db.execute(f"CREATE DATABASE {DATABASE}")
        manage("migrate", "--noinput", "-v0")
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


class PrivateRedis:
    def __init__(self, folder: Path):
        self.folder = folder
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],  # fmt: skip
            stdout=subprocess.DEVNULL,
        )
        eventually(lambda: redis.Redis.from_url(REDIS_URL).ping(), what="redis-server to start")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def private_redis(tmp_path_factory):
    server = PrivateRedis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


def app_env(tmp_path: Path, **extra) -> dict[str, str]:
    """The environment of every process of the application under test."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CACHE_URL", "CELERY_"))}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": DATABASE_URL,
        "CACHE_URL": f"{REDIS_URL}/0",
        "CELERY_BROKER_URL": f"{REDIS_URL}/1",
        "PATHWISE_VAR_DIR": str(tmp_path / "var"),
        **extra,
    }


def manage(*args, env=None, input_text=None) -> str:
    environment = env or app_env(Path("/tmp"))
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True,
        input=input_text, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def shell(code: str, env=None) -> str:
    """Run Python in ``manage.py shell`` against the private database; returns its output."""
    return manage("shell", "-c", code, env=env)


def sql(query: str, *params):
    with psycopg.connect(DATABASE_URL) as db:
        cursor = db.execute(query, params)
        return cursor.fetchall() if cursor.description else None


class Process:
    """An application process started in its own session, so it can be killed whole."""

    def __init__(self, command: list[str], env: dict, log: Path):
        self.log = log
        with open(log, "w") as out:
            self.popen = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def output(self) -> str:
        return self.log.read_text()

    def kill(self, sig=signal.SIGKILL):
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, sig)
        self.popen.wait(timeout=30)

    def stop(self):
        self.kill(signal.SIGTERM)


def start_worker(env: dict, log: Path) -> Process:
    worker = Process(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO", "--concurrency=1",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--hostname", f"failure-{time.time_ns()}@%h"],
        env, log,
    )  # fmt: skip
    eventually(lambda: "ready." in worker.output() or worker.popen.poll() is not None, what="the worker")
    assert worker.popen.poll() is None, worker.output()[-3000:]
    return worker


def start_web(env: dict, log: Path) -> Process:
    web = Process(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{WEB_PORT}", "--workers", "1",
         "--threads", "1", "--access-logfile", "-"],
        env, log,
    )  # fmt: skip
    eventually(lambda: get("/healthz/")[0] == 200, what="gunicorn")
    return web


def get(path: str, token: str | None = None) -> tuple[int, bytes]:
    return request("GET", path, token=token)


def request(method: str, path: str, body: bytes | None = None, token: str | None = None) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json", "Host": "127.0.0.1"}
    if token:
        headers["Authorization"] = f"Token {token}"
    call = urllib.request.Request(f"http://127.0.0.1:{WEB_PORT}{path}", data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(call, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
