"""The production-shaped gunicorn the HTTP benchmarks load: started on loopback, waited for,
stopped with everything it forked, whatever happens in between."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def compose_workers() -> int:
    """gunicorn's worker count in docker-compose.yml, so the bench serves in the same shape."""
    match = re.search(r'"--workers",\s*"(\d+)"', (ROOT / "docker-compose.yml").read_text())
    if not match:
        sys.exit("docker-compose.yml names no gunicorn --workers count")
    return int(match.group(1))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict, port: int, log, *, access_log: str = "-") -> subprocess.Popen:
    """``config.wsgi`` on 127.0.0.1:`port` with the compose file's workers, once `/healthz/`
    answers. Its output goes to the file `log`; it runs in a process group of its own, so
    Ctrl-C reaches only us, and it is stopped if we are interrupted while it starts."""
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", str(compose_workers()), "--access-logfile", access_log,
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                sys.exit(f"gunicorn exited with status {server.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=2):
                    return server
            except OSError:
                time.sleep(0.2)
        sys.exit(f"gunicorn did not answer on port {port} within 60 s; see {log.name}")
    except BaseException:
        stop(server)
        raise


def stop(server: subprocess.Popen) -> None:
    """Stop gunicorn and its workers (the group it leads): TERM, then KILL after 30 s."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
