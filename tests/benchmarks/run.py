"""`make bench`: every benchmark, one after another, each in its own process.

Each prints its own table of medians and ratios. The quizzes benchmark needs PostgreSQL:
it uses DATABASE_URL, or this machine's server on 127.0.0.1 when one answers, and makes
(and drops) its own throwaway database there. Pass --quick for a shorter run.
"""

import os
import subprocess
import sys

BENCHMARKS = [
    ("Path engine (NetworkX)", "tests.benchmarks.bench_paths"),
    ("Link checker (politeness ceiling)", "tests.benchmarks.bench_linkcheck"),
    ("Reviews and due queue (PostgreSQL)", "tests.benchmarks.bench_quizzes"),
    ("Roadmap picture layout (ELK in Chromium)", "tests.benchmarks.bench_map_layout"),
]
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    try:
        import psycopg

        psycopg.connect(LOCAL_POSTGRES.replace("postgres://", "postgresql://"), connect_timeout=3).close()
    except psycopg.OperationalError as error:
        print(f"(no PostgreSQL at {LOCAL_POSTGRES}: {str(error).strip().splitlines()[0]})")
        return None
    return LOCAL_POSTGRES


def main(argv: list[str]) -> int:
    failures = 0
    for title, module in BENCHMARKS:
        print(f"\n=== {title}: python -m {module} {' '.join(argv)}", flush=True)
        env = dict(os.environ)
        if module.endswith("bench_quizzes"):
            url = _postgres_url()
            if url is None:
                print("skipped: set DATABASE_URL to a PostgreSQL server to run it")
                continue
            env["DATABASE_URL"] = url
        result = subprocess.run([sys.executable, "-m", module, *argv], env=env)
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
