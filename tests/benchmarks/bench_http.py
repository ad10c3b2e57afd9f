"""How fast does the API answer over HTTP, beside the same server's ``/healthz/``?

Run from the repository root against a PostgreSQL server of your own::

    export BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres
    export BENCH_CACHE_URL=redis://127.0.0.1:6379/3      # optional: locmem otherwise
    python -m tests.benchmarks.bench_http                 # 3 runs, 10 s per case, c=8 and c=32
    python -m tests.benchmarks.bench_http --quick         # 1 run, 2 s per case, c=8, no verdicts

The script creates its own uniquely named database on the server ``BENCH_DATABASE_URL``
names (``pathwise_bench_http_<random>``), migrates it, imports the shipped curriculum
(``fixtures/ml-roadmap.yaml``) and the demo users (``seed_demo``, ``seed_demo_reviews``),
serves it with gunicorn in the production shape (``PATHWISE_ENV=production``, ``DEBUG``
off, a throwaway ``SECRET_KEY``, the worker count of ``docker-compose.yml``), loads it
with Debian's ``wrk`` on loopback, and drops that database, and only that one, at the end.

Every case (endpoint × anonymous/token × connections) is a row: requests per second
(median of the runs), the floor (``/healthz/`` at the same concurrency, measured right
before the case in each run), their ratio (the median of each run's ratio), the p99
latency and the count of
answers that were not 2xx (counted by the Lua script, which also sends the token, the
``X-Forwarded-Proto: https`` a TLS proxy would set and the POST body). Runs are
interleaved — every case once, then every case again — so that noise from the other
processes on the machine falls on all cases alike.

Targets (issue 12): roadmap reads ≥ 50 % of ``/healthz/`` anonymously and ≥ 25 % with a
token, personal reads ≥ 20 %, p99 < 50 ms at c=8 everywhere, no answer other than 2xx.

What profiling showed (cProfile and pyinstrument on the views in-process, PostgreSQL,
the shipped curriculum; before → after):

- Every request opened a new PostgreSQL connection (``CONN_MAX_AGE=0``): connecting and
  authenticating cost more than most requests' own work. Production now keeps each
  process's connection (``CONN_MAX_AGE=600`` with health checks).
- ``GET /topics/`` spent 8–9 ms of CPU per request: about two thirds in DRF serialising
  50 topics field by field (``to_representation``, ``SlugRelatedField``, ``DateTimeField``),
  most of the rest in building model instances from rows, and ~0.5 ms in ``json.dumps``.
  Topic detail (8.5–10.7 ms) was the same story over its three prefetched relations.
  Yet the roadmap changes only with the graph version (``roadmap.selectors.graph_version``,
  moved by every edit, whatever made it). So the roadmap reads now serialise a body once
  per graph version and page (``api.roadmap.cache``), keep it in the process, and lay the
  caller's statuses over it (one query for their statuses); an anonymous caller gets bytes
  rendered once. What remains is DRF's dispatch, authentication and the one-query ETag.
- ``json.dumps`` with DRF's encoder costs ~10 µs per topic; orjson (``api.renderers``)
  ~1 µs, with the same output (datetimes as DRF writes them, U+2028/2029 escaped).
- With the bodies kept, what was left was building SQL: on this machine the ORM took
  0.42 ms of CPU to build and run ``graph_version()``'s one-row query against 0.13 ms for
  the same SQL sent by hand, and 2.2 ms for the signed-in ETag stamp (two subqueries,
  ``roadmap_version_and_stamp``) against 0.18 ms. Both are now SQL of our own, since every
  roadmap read runs them. The token lookup (``DeviceTokenAuthentication``) is the biggest
  remaining ORM query of a signed-in read (~0.8 ms; ``get()`` instead of
  ``filter().first()`` dropped the ordering and a third of it). A signed-in caller's
  statuses are kept per ETag stamp, which moves with every change to their progress.
- ``GET /me/`` loaded the signed-in account a second time through ``profile.user``.
- Personal reads (cProfile in-process, CPU per request, the demo learner ``grace``):
  ``POST /paths/`` spent a quarter of its 8.3 ms running ``PathSerializer`` field by field
  over a plain dict the planner had already built in the serializer's shapes; it now sends
  that dict with the serializer's key order (``api.paths.serializers.path_body``, held
  equal to the serializer by a test): 6.2 ms. What is left there is the learner's memory
  (FSRS recall of every studied card of a known topic, ~30 %), building six queries' SQL
  and the engine. ``GET /me/progress/`` went from 4.2 to 3.0 ms by writing its rows from
  ``values()`` (``progress_row``) rather than through model instances and a
  ``ModelSerializer``, and by not counting a first page that holds the whole list
  (``api.pagination.Paginator``: one round trip fewer on every short list).
- Signed-in reads, profiled once more (cProfile and ``process_time`` in process, the demo
  learner ``grace``, CPU per request before → after): building the token's query (token,
  user and profile in one ``select_related``) with the ORM cost 0.42 ms against 0.10 ms
  for the same statement sent by hand, a fifth of a signed-in roadmap read; it is now
  SQL of our own, its rows converted as the ORM converts them (``api.auth.lookup``, held
  to the ORM field for field). ``POST /paths/`` spent half its time reading every
  studied card of the learner's known topics and running fsrs on each; the planner's
  memory is now grouped by topic in the database with the nightly refresh's own recall
  SQL (``quizzes.recall_sql``). ``me/progress/`` built django-filter's form (a deep copy
  of its fields) with no filter asked for (``api.filters``); ``me/`` built a
  ``ModelSerializer`` per request and its roles as models (``me_body``). The due page
  reads its queue in SQL of its own and its cards as plain rows (see
  ``bench_quizzes``). Figures: ``topics/`` (token) 1.11 → 0.68 ms, ``me/`` 1.38 →
  0.86, ``me/progress/`` 1.89 → 1.25, ``POST /paths/`` 3.80 → 1.95, the due page
  (17 cards) 5.1 → 2.3.
- p99 at c=8 is bounded by the machine, not by the code: on a 2-core machine shared with
  other work, ``/healthz/`` itself (no query, ~0.15 ms of CPU) has a p99 near 50 ms, since
  with 3 workers, wrk and PostgreSQL on two cores a request waits for a CPU more than it
  runs.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.benchmarks.gunicorn import compose_workers, free_port, start_gunicorn, stop
from tests.benchmarks.table import Row, report, verdict

ROOT = Path(__file__).resolve().parents[2]
PART = "HTTP (gunicorn, production settings, PostgreSQL)"
LEARNER = "grace"  # the demo learner with goals, progress and weeks of reviews
TOPIC = "transformers"
P99_LIMIT_MS = 50.0

LUA = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  bad = 0
  wrk.headers["X-Forwarded-Proto"] = "https"
  wrk.headers["Accept"] = "application/json"
  if TOKEN ~= "" then wrk.headers["Authorization"] = "Token " .. TOKEN end
  if BODY ~= "" then
    wrk.method = "POST"
    wrk.body = BODY
    wrk.headers["Content-Type"] = "application/json"
  end
end
function response(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("bad") end
  io.write(string.format('RESULT {"requests": %d, "duration_us": %d, "p99_us": %d, "errors": %d, "bad": %d}\n',
    summary.requests, summary.duration, latency:percentile(99.0),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, n))
end
"""


@dataclass(frozen=True)
class Case:
    group: str  # "floor", "roadmap" or "personal"
    path: str
    token: bool = False
    body: str = ""

    @property
    def name(self) -> str:
        method = "POST" if self.body else "GET"
        who = "token" if self.token else "anonymous"
        return f"{method} {self.path} ({who})"


FLOOR = Case("floor", "/healthz/")
CASES = [
    *(
        Case("roadmap", path, token=token)
        for token in (False, True)
        for path in ("/api/v1/tracks/", "/api/v1/topics/", f"/api/v1/topics/{TOPIC}/", "/api/v1/prerequisites/")
    ),
    Case("personal", "/api/v1/me/", token=True),
    Case("personal", "/api/v1/me/progress/", token=True),
    Case("personal", "/api/v1/me/reviews/due/", token=True),
    Case("personal", "/api/v1/paths/", token=True, body=json.dumps({"goals": [TOPIC]})),
]
TARGETS = {("roadmap", False): 0.50, ("roadmap", True): 0.25, ("personal", True): 0.20}
#: Why a case falls short of its share, as far as profiling told (see the docstring).
KNOWN_COSTS = {
    "/api/v1/me/": "DRF's dispatch and two round trips (token, roles) for ~0.9 ms of CPU",
    "/api/v1/me/progress/": "DRF's dispatch and two round trips (token, rows) for ~1.3 ms of CPU",
    "/api/v1/me/reviews/due/": "five round trips (token, today's count, two queue reads, the page) "
    "and four FSRS previews per card: ~2.3 ms of CPU",
    "/api/v1/paths/": "five round trips, the learner's memory aggregated over their cards and the path engine: "
    "~2 ms of CPU",
}


@dataclass
class Measure:
    rate: float
    p99_ms: float
    bad: int
    errors: int


def database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "bench_http needs a PostgreSQL server: set BENCH_DATABASE_URL, e.g. "
            "postgres://postgres@127.0.0.1:5432/postgres (it creates and drops a database of its own there)"
        )
    return url


def _admin_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(scheme="postgresql", path="/postgres"))


def create_database(url: str) -> tuple[str, str]:
    """A new database with a unique name on ``url``'s server: (name, URL)."""
    import psycopg

    name = f"pathwise_bench_http_{secrets.token_hex(4)}"
    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def drop_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing Debian's wrk (apt-get install wrk) ...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
    if not found:
        sys.exit("bench_http needs wrk: sudo apt-get install wrk")
    return found


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def prepare(env: dict) -> str:
    """Migrate, load the shipped curriculum and the demo users; return a token for LEARNER."""
    setup_env = {**env, "PATHWISE_ENV": "development", "DEBUG": "0"}  # seed_demo refuses production
    manage(setup_env, "migrate", "--noinput", "-v0")
    manage(setup_env, "import_roadmap", "fixtures/ml-roadmap.yaml")
    manage(setup_env, "seed_demo")
    manage(setup_env, "seed_demo_reviews")
    code = (
        "from api.auth.services import token_issue; from progress.models import User; "
        f"print(token_issue(user=User.objects.get(username={LEARNER!r}), device='bench').key)"
    )
    return manage(setup_env, "shell", "-c", code).strip().splitlines()[-1]


def probe(base: str, case: Case, token: str) -> None:
    """One request before the timed ones: a case that does not answer 2xx is a setup error."""
    headers = {"X-Forwarded-Proto": "https", "Accept": "application/json"}
    if case.token:
        headers["Authorization"] = f"Token {token}"
    data = case.body.encode() if case.body else None
    if data:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(base + case.path, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
    except urllib.error.HTTPError as error:
        sys.exit(f"{case.name} answered {error.code}: {error.read()[:500]!r}")


def run_wrk(wrk: str, script: Path, base: str, case: Case, token: str, connections: int, seconds: int) -> Measure:
    command = [
        wrk, "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s", "-s", str(script),
        base + case.path,
    ]  # fmt: skip
    env = {**os.environ, "TOKEN": token if case.token else "", "BODY": case.body}
    # wrk passes Lua globals only through the script; prepend them.
    source = f"TOKEN = {json.dumps(env['TOKEN'])}\nBODY = {json.dumps(case.body)}\n" + LUA
    script.write_text(source)
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))
    data = json.loads(line.removeprefix("RESULT "))
    return Measure(
        rate=data["requests"] / (data["duration_us"] / 1e6),
        p99_ms=data["p99_us"] / 1000,
        bad=data["bad"],
        errors=data["errors"],
    )


def rows_for(results: dict, *, quick: bool, levels: list[int]) -> list[Row]:
    rows = []
    for connections in levels:
        every_floor = [m for case in CASES for m in results[(case, connections, True)]]
        rows.append(Row(PART, f"GET /healthz/ (floor, every measure), c={connections}", _measured(every_floor)))
        for case in CASES:
            measures, floors = results[(case, connections, False)], results[(case, connections, True)]
            ratios = [m.rate / f.rate for m, f in zip(measures, floors, strict=True)]
            ratio = statistics.median(ratios)
            share = TARGETS[(case.group, case.token)]
            p99 = statistics.median(m.p99_ms for m in measures)
            bad = sum(m.bad + m.errors for m in measures)
            target = f"≥ {share:.0%} of floor" + (f", p99 < {P99_LIMIT_MS:g} ms" if connections == 8 else "")
            target += ", 0 non-2xx"
            problems = []
            if ratio < share:
                why = KNOWN_COSTS.get(case.path)
                problems.append(f"{ratio:.1%} of the floor" + (f": {why}" if why else ""))
            if connections == 8 and p99 >= P99_LIMIT_MS:
                floor_p99 = statistics.median(f.p99_ms for f in floors)
                problems.append(f"p99 {p99:.1f} ms (the floor's own: {floor_p99:.1f} ms)")
            if bad:
                problems.append(f"{bad} non-2xx or failed")
            rows.append(
                Row(
                    PART,
                    f"{case.name}, c={connections}",
                    _measured(measures),
                    f"{statistics.median(f.rate for f in floors):,.0f} req/s",
                    f"{ratio:.0%}",
                    target,
                    "" if quick else verdict(not problems, "; ".join(problems)),
                )
            )
    return rows


def _measured(measures: list[Measure]) -> str:
    rate = statistics.median(m.rate for m in measures)
    p99 = statistics.median(m.p99_ms for m in measures)
    bad = sum(m.bad + m.errors for m in measures)
    return f"{rate:,.0f} req/s, p99 {p99:.1f} ms" + (f", {bad} non-2xx" if bad else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 run, 2 s per case, c=8 only, no verdicts")
    parser.add_argument("--runs", type=int, default=None, help="runs of every case (default 3; 1 with --quick)")
    parser.add_argument("--seconds", type=int, default=None, help="per case and run (default 10; 2 with --quick)")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port on 127.0.0.1 (default: a free one)")
    args = parser.parse_args(argv)
    runs = args.runs or (1 if args.quick else 3)
    seconds = args.seconds or (2 if args.quick else 10)
    levels = [8] if args.quick else [8, 32]

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a kill still drops what this run created
    server_url = database_url()
    wrk = ensure_wrk()
    workers = compose_workers()
    cache_url = os.environ.get("BENCH_CACHE_URL", "locmem://")
    name, url = create_database(server_url)
    workdir = Path(tempfile.mkdtemp(prefix="pathwise-bench-http-"))
    server = None
    try:
        env = {
            **os.environ,
            "PATHWISE_ENV": "production",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": url,
            "CACHE_URL": cache_url,
            "CELERY_BROKER_URL": "memory://",
            "PATHWISE_VAR_DIR": str(workdir),
            "STATIC_ROOT": str(workdir / "static"),
            "LOG_LEVEL": "WARNING",
        }
        env.pop("CONN_MAX_AGE", None)  # the production default is what is measured
        print(f"database {name} (dropped at the end), cache {cache_url}, {workers} gunicorn workers", flush=True)
        token = prepare(env)
        port = args.port or free_port()
        with open(workdir / "gunicorn.log", "w") as log:
            server = start_gunicorn(env, port, log)
            base = f"http://127.0.0.1:{port}"
            for case in [FLOOR, *CASES]:
                probe(base, case, token)
            results: dict = {}
            script = workdir / "bench.lua"
            for run in range(runs):
                for connections in levels:
                    for case in CASES:
                        # The floor right before each case: load from other processes drifts.
                        for measured in (FLOOR, case):
                            measure = run_wrk(wrk, script, base, measured, token, connections, seconds)
                            results.setdefault((case, connections, measured is FLOOR), []).append(measure)
                print(f"run {run + 1}/{runs} done", flush=True)
        report(rows_for(results, quick=args.quick, levels=levels))
    finally:
        if server is not None:
            stop(server)
        drop_database(server_url, name)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
