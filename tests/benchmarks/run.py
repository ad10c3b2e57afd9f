"""`make bench`: every benchmark in its own process, collected into one table.

    make bench                                   # everything that can run here
    make bench BENCH_ARGS="--quick"              # a few seconds per part (what CI runs)
    make bench BENCH_ARGS="--only bench_paths --only bench_import"
    make bench BENCH_ARGS="bench_quizzes:--keep" # an argument for one benchmark only

``--quick`` goes to every benchmark; an argument written ``<benchmark>:<argument>`` goes to
that benchmark alone; nothing else is accepted. The benchmarks that need PostgreSQL run only
when ``BENCH_DATABASE_URL`` names a database on a server they may use: each creates and drops
throwaway databases of its own there, with unique names, and touches nothing else. Without
it they are skipped, with the reason in the table; there is no fallback to
``DATABASE_URL`` or to a server that happens to answer.

Each benchmark reports its rows through :mod:`tests.benchmarks.table` into the file named
by ``BENCH_RESULTS`` (a temporary file this runner sets). The runner then prints every row
as one table and writes it, with the date and the machine, to ``var/bench/latest.md``. A
benchmark that fails or reports nothing gets a row saying so, and the run exits 1; a
benchmark module that does not exist is an error before anything runs.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import os
import platform
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.benchmarks import table

ROOT = Path(__file__).resolve().parents[2]
LATEST = ROOT / "var" / "bench" / "latest.md"


@dataclass(frozen=True)
class Benchmark:
    name: str  # the module's name in tests.benchmarks, also its key for arguments
    title: str
    postgres: bool = False
    package: str = "tests.benchmarks"

    @property
    def module(self) -> str:
        return f"{self.package}.{self.name}"


BENCHMARKS = [
    Benchmark("bench_http", "HTTP under gunicorn (wrk)", postgres=True),
    Benchmark("bench_quizzes", "Reviews and due queue", postgres=True),
    Benchmark("bench_memory", "Memory model: implicit credit and the optimiser"),
    Benchmark("bench_import", "Curriculum import", postgres=True),
    Benchmark("bench_paths", "Path engine"),
    Benchmark("bench_linkcheck", "Link checker"),
    Benchmark("bench_map_layout", "Roadmap picture layout (ELK in Chromium)"),
]


def parse(argv: list[str], benchmarks: list[Benchmark]) -> argparse.Namespace:
    names = [b.name for b in benchmarks]
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few seconds per part; passed to every benchmark")
    parser.add_argument("--only", action="append", choices=names, help="run only this benchmark (repeatable)")
    parser.add_argument("own", nargs="*", metavar="BENCHMARK:ARG", help="an argument for one benchmark")
    args = parser.parse_args(argv)
    args.per_benchmark = {name: [] for name in names}
    for item in args.own:
        name, _, argument = item.partition(":")
        if name not in args.per_benchmark or not argument:
            parser.error(f"{item!r}: write <benchmark>:<argument>, with a benchmark among {', '.join(names)}")
        args.per_benchmark[name].append(argument)
    return args


def missing_modules(benchmarks: list[Benchmark]) -> list[str]:
    return [b.module for b in benchmarks if importlib.util.find_spec(b.module) is None]


def run(benchmark: Benchmark, arguments: list[str], results: Path, database_url: str) -> list[table.Row]:
    """Run one benchmark and return its rows, or one row saying why there are none."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "BENCH_DATABASE_URL"}}
    env["BENCH_RESULTS"] = str(results)
    if benchmark.postgres:
        if not database_url:
            reason = "skipped: set BENCH_DATABASE_URL to a PostgreSQL database it may create throwaway databases from"
            print(f"\n=== {benchmark.title}: {reason}", flush=True)
            return [table.Row(benchmark.title, "(every case)", "not run", verdict=reason)]
        env["BENCH_DATABASE_URL"] = database_url
    command = [sys.executable, "-m", benchmark.module, *arguments]
    print(f"\n=== {benchmark.title}: python -m {benchmark.module} {' '.join(arguments)}", flush=True)
    results.write_text("")
    finished = subprocess.run(command, env=env, cwd=ROOT)
    rows = table.read(str(results))
    if finished.returncode != 0:
        failed = f"failed: exit status {finished.returncode}"
        rows.append(table.Row(benchmark.title, "(the benchmark)", "failed", verdict=failed))
    elif not rows:
        rows.append(table.Row(benchmark.title, "(the benchmark)", "no rows", verdict="failed: reported no rows"))
    return rows


def machine(database_url: str) -> list[str]:
    """Where the figures were measured: CPU, cores, RAM, OS, Python, PostgreSQL."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor() or "unknown CPU",
    )
    memory = next((line.split()[1] for line in _lines("/proc/meminfo") if line.startswith("MemTotal")), None)
    ram = f"{int(memory) / 2**20:.1f} GiB RAM" if memory else "RAM unknown"
    release = [line[12:].strip("\"") for line in _lines("/etc/os-release") if line.startswith("PRETTY_NAME=")]
    system = release[0] if release else platform.system()
    return [
        f"Machine: {cpu}, {os.cpu_count()} cores, {ram}; load average at the end "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}",
        f"OS: {system} (kernel {platform.release()}); Python {platform.python_version()}; "
        f"PostgreSQL {postgres_version(database_url)}",
    ]


def postgres_version(database_url: str) -> str:
    if not database_url:
        return "not used (no BENCH_DATABASE_URL)"
    import psycopg

    try:
        with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1), connect_timeout=5) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except psycopg.Error as error:
        return f"unknown ({str(error).strip().splitlines()[0]})"


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def main(argv: list[str], benchmarks: list[Benchmark] = BENCHMARKS, latest: Path = LATEST) -> int:
    args = parse(argv, benchmarks)
    chosen = [b for b in benchmarks if not args.only or b.name in args.only]
    missing = missing_modules(chosen)
    if missing:
        print(f"make bench: no such benchmark module: {', '.join(missing)}", file=sys.stderr)
        return 2
    database_url = os.environ.get("BENCH_DATABASE_URL", "")
    if database_url and not database_url.startswith(("postgres://", "postgresql://")):
        print("make bench: BENCH_DATABASE_URL must be a postgres:// URL", file=sys.stderr)
        return 2
    started = datetime.datetime.now(datetime.UTC)
    rows: list[table.Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        results = Path(folder) / "rows.jsonl"
        for benchmark in chosen:
            arguments = (["--quick"] if args.quick else []) + args.per_benchmark[benchmark.name]
            rows += run(benchmark, arguments, results, database_url)
    command = "make bench" + (f' BENCH_ARGS="{" ".join(argv)}"' if argv else "")
    about = [f"`{command}`, {started:%Y-%m-%d %H:%M} UTC", *machine(database_url)]
    print("\n" + "\n".join(about) + "\n\n" + table.text(rows), flush=True)
    latest.parent.mkdir(parents=True, exist_ok=True)
    latest.write_text("\n\n".join(about) + "\n\n" + table.markdown(rows) + "\n", encoding="utf-8")
    print(f"\nwritten to {latest}")
    failed = [row for row in rows if row.verdict.startswith("failed")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
