"""How long does ``import_roadmap`` take on a large curriculum, and how much memory?

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python -m tests.benchmarks.bench_import            # 10k and 50k topics
    ... -m tests.benchmarks.bench_import --quick                       # 1k topics, one run

Synthetic, seeded curricula (``tests.benchmarks.curriculum_files``: tracks of 100 topics,
~3 prerequisites and 1-2 resources a topic, in included files). Each run imports into a
throwaway database of its own on the server ``BENCH_DATABASE_URL`` names (created from a
migrated template, all dropped at the end; only databases named ``pathwise_bench_import_<id>``
that this run made), in a child process that reports the import's time and its own peak
RSS (``ru_maxrss``: Django, the parsed file and the import together, what a curator's
``manage.py import_roadmap`` needs). Cases: a fresh import, and the same file again
(nothing changes, everything is compared). The floor writes the same rows (the roadmap's
and their history's) with PostgreSQL's COPY into a fresh database: the cost of the writes
alone, without reading the file or checking anything.

What the profile showed (cProfile, 2k and 10k topics, before this change):

* Row-by-row saves: three queries a row (the INSERT, simple-history's INSERT, and one
  ``EXISTS`` per foreign key from ``full_clean``), 42k queries for 2k topics; the importer
  is now ``Rows``: compare and validate in Python (foreign keys skipped: they point at rows
  the import holds), then ``bulk_create_with_history`` / ``bulk_update_with_history``.
* Comparing ``topic.track`` to the file's track loaded the track, a query per topic on
  re-import; compared by id now.
* PyYAML's pure-Python loader spent ~3 s per 1,000 topics (a third of the old import):
  plain files are now built from libyaml's events (``roadmap.curriculum.reader``), 4x less.
* What was left of a fresh import was mostly Django building INSERTs (``bulk_create``'s
  ``prepare_value`` per field) and the history rows, twice the rows of the roadmap itself.

What the profile showed next (cProfile, 10k topics, fresh, 7 December; 38.5 s under the
profiler, 275 queries): ``bulk_create_with_history`` was 61% of it (23.4 s): building the
SQL of ``INSERT … UNNEST`` (``as_sql``, ``prepare_value`` per value, 10 s), psycopg dumping
the value arrays (2.5 s), one history model instance per row (``Model.__init__``, half of
6 s) and the history user looked up per row (asgiref's ``Local``, 1.8 s); the database
itself waited ~5 s. Not the cause: validation (``clean_fields``, 2.9 s), the cycle check
(one networkx pass, 0.7 s), signals (none fire: bulk writes), slug look-ups (dictionaries),
round trips (275 queries).

* On PostgreSQL the new rows and their "+" history records go in with ``COPY``
  (``roadmap.curriculum.rows.copy_with_history``): ids taken from the sequence in one query,
  history rows written as tuples, the user looked up once. SQLite keeps the ORM path, and a
  test imports v1 then v2 both ways and compares every row and history record (38.5 →
  18.9 s profiled).
* New rows are built with their related rows' ids: setting 44k edges' and links' two
  relations by object (the descriptor and its cache) was ~20% of what remained (→ 14.4 s).
* Measured on 2 cores, load ~1, before → after: 10k (3 runs) fresh 12.05 → 7.14 s (COPY
  floor ~1.5 s), peak 162 → 139 MB, the same file again 4.6 → 5.2 s (its code path did not
  change: noise); 50k (one run each) fresh 55.6 → 19.8 s (floor ~8 s), peak 470 → 353 MB,
  again 25.1 → 15.2 s, 609 MB.
* Left, by the profile (14.4 s profiled): reading the file (libyaml events and building the
  specs, 5.6 s, 39%), validating and building the rows (``Rows.upsert``, 4.1 s, half of it
  ``clean_fields``), the COPYs (2.0 s). On re-import: reading the file, building the whole
  roadmap graph for the cycle check (1.4 s) and loading every edge as a model (1.2 s); its
  peak (609 MB at 50k) is above the fresh import's.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from tests.benchmarks.curriculum_files import write_curriculum
from tests.benchmarks.table import Row, median, report, verdict

PART = "Curriculum import"
ROOT = Path(__file__).resolve().parents[2]
TARGETS = {10_000: (20.0, 300.0), 50_000: (120.0, None)}  # seconds, peak MB

CHILD = r"""
import json, os, resource, sys, time
import django
django.setup()
mode, path = sys.argv[1], sys.argv[2]
if mode == "import":
    from django.core.management import call_command
    started = time.perf_counter()
    call_command("import_roadmap", path, verbosity=0)
    seconds = time.perf_counter() - started
else:
    from tests.benchmarks.bench_import import copy_floor
    seconds = copy_floor(path)
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("RESULT " + json.dumps({"seconds": seconds, "peak_mb": peak_mb}))
"""


def _connect(url: str):
    import psycopg

    return psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True)


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


class Databases:
    """Throwaway databases on the server of ``url``: a migrated template and copies of it."""

    def __init__(self, url: str):
        self.url = url
        self.prefix = f"pathwise_bench_import_{uuid.uuid4().hex[:8]}"
        self.made: list[str] = []
        self.template = self._create(f"{self.prefix}_template")
        migrate = [sys.executable, "manage.py", "migrate", "-v0"]
        subprocess.run(migrate, cwd=ROOT, env=child_env(self.url_of(self.template)), check=True)

    def url_of(self, name: str) -> str:
        return _with_database(self.url, name)

    def _create(self, name: str, template: str | None = None) -> str:
        with _connect(self.url) as conn:
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.made.append(name)
        return name

    def fresh(self) -> str:
        return self.url_of(self._create(f"{self.prefix}_{uuid.uuid4().hex[:6]}", template=self.template))

    def drop(self, *, keep_template: bool = False) -> None:
        """Drop the databases this run made (the copies only, with ``keep_template``)."""
        kept = [self.template] if keep_template else []
        with _connect(self.url) as conn:
            for name in reversed(self.made):
                if name not in kept:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made = kept


def child_env(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"BENCH_RESULTS"}}
    env.update(
        DATABASE_URL=database_url, DEBUG="false", CACHE_URL="locmem://", DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=str(ROOT),
    )  # fmt: skip
    return env


def in_child(mode: str, path: Path, database_url: str) -> dict:
    """Run the import (or the floor) in a child process; its seconds and peak MB."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path)], cwd=ROOT, env=child_env(database_url),
        capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{mode} of {path} failed:\n{done.stderr[-3000:]}")
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def copy_floor(path: str) -> float:
    """COPY the rows an import of ``path`` writes (roadmap and history) into this database.

    The file is read first, untimed; ids are given here, as the database is fresh.
    """
    from django.db import connection, transaction
    from django.utils import timezone

    from roadmap.curriculum.parse import load
    from roadmap.models import Prerequisite, Resource, Topic, TopicResource, Track

    curriculum, _ = load(path)
    now = timezone.now()
    track_ids = {spec.slug: n for n, spec in enumerate(curriculum.tracks, 1)}
    resource_ids = {spec.slug: n for n, spec in enumerate(curriculum.resources, 1)}
    topic_ids = {spec.slug: n for n, spec in enumerate(curriculum.topics, 1)}
    tables = {
        Track: [{"id": track_ids[s.slug], "slug": s.slug, "title": s.title, "position": s.position,
                 "description": s.description} for s in curriculum.tracks],
        Resource: [{"id": resource_ids[s.slug], "slug": s.slug, "title": s.title, "authors": ", ".join(s.authors),
                    "kind": s.kind, "access": s.access, "url": s.url, "year": s.year, "health": "unknown",
                    "consecutive_failures": 0, "suggested_url": ""} for s in curriculum.resources],
        Topic: [{"id": topic_ids[s.slug], "slug": s.slug, "title": s.title, "summary": s.summary,
                 "track_id": track_ids[s.track], "level": s.level, "hours": s.hours, "created_at": now,
                 "updated_at": now} for s in curriculum.topics],
        Prerequisite: [{"id": n, "from_topic_id": topic_ids[e.source], "to_topic_id": topic_ids[e.target],
                        "kind": e.kind, "reason": e.reason, "weight": e.weight}
                       for n, e in enumerate(curriculum.edges, 1)],
        TopicResource: [{"id": n, "topic_id": topic_ids[topic], "resource_id": resource_ids[link.resource],
                         "role": link.role, "locator": link.locator, "position": position}
                        for n, (topic, position, link) in enumerate(
                            ((s.slug, p, link) for s in curriculum.topics for p, link in enumerate(s.resources)), 1)],
    }  # fmt: skip
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for model, rows in tables.items():
            history = model.history.model
            kept = [f.column for f in history._meta.concrete_fields if not f.column.startswith("history_")]
            for table, columns, extra in (
                (model._meta.db_table, [f.column for f in model._meta.concrete_fields], ()),
                (history._meta.db_table, kept + ["history_date", "history_type"], (now, "+")),
            ):
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([row.get(c) for c in columns[: len(columns) - len(extra)]] + list(extra))
    return time.perf_counter() - started


def measure(size: int, runs: int, databases: Databases, folder: Path) -> list[Row]:
    path = write_curriculum(folder / f"c{size}", size)
    fresh, again, floor = [], [], []
    for _ in range(runs):
        url = databases.fresh()
        fresh.append(in_child("import", path, url))
        again.append(in_child("import", path, url))
        floor.append(in_child("floor", path, databases.fresh()))
        databases.drop(keep_template=True)
    seconds, peak = median(r["seconds"] for r in fresh), median(r["peak_mb"] for r in fresh)
    copy = median(r["seconds"] for r in floor)
    repeat, repeat_peak = median(r["seconds"] for r in again), median(r["peak_mb"] for r in again)
    target_s, target_mb = TARGETS.get(size, (None, None))
    label = f"{size // 1000}k topics"

    load = f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"

    def judged(value, target, unit, what):
        if target is None:
            return "", ""
        return f"< {target:g} {unit}", verdict(value < target, f"{value:.1f} {unit} {what} ({runs} runs, {load})")

    time_target, time_verdict = judged(seconds, target_s, "s", "for a fresh import")
    mb_target, mb_verdict = judged(peak, target_mb, "MB", "peak RSS of the importing process")
    return [
        Row(PART, f"{label}: fresh import", f"{seconds:.2f} s", f"{copy:.2f} s (COPY)", f"{seconds / copy:.1f}x",
            time_target, time_verdict),
        Row(PART, f"{label}: fresh import, peak memory", f"{peak:.0f} MB", "", "", mb_target, mb_verdict),
        Row(PART, f"{label}: same file again (nothing changes)", f"{repeat:.2f} s, {repeat_peak:.0f} MB",
            f"{copy:.2f} s (COPY)", f"{repeat / copy:.1f}x"),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1k topics, one run (no verdicts)")
    parser.add_argument("--sizes", default="", help="comma-separated topic counts (default 10000,50000)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a kill still drops what this run created
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench_import needs BENCH_DATABASE_URL: a PostgreSQL database on a server where it may create "
              "and drop throwaway databases (pathwise_bench_import_<id>)", file=sys.stderr)  # fmt: skip
        return 2
    sizes = [int(s) for s in args.sizes.split(",") if s] or ([1_000] if args.quick else [10_000, 50_000])
    runs = 1 if args.quick else args.runs
    databases = Databases(url)
    rows: list[Row] = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
            for size in sizes:
                rows += measure(size, runs, databases, Path(folder))
    finally:
        databases.drop()
    report(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
