"""`make bench`'s runner: one table from every benchmark, PostgreSQL parts only when asked."""

import textwrap

import pytest

from tests.benchmarks import run

FAKE = """\
import sys
from tests.benchmarks.table import Row, report

report([Row("{title}", "case " + " ".join(sys.argv[1:]), "1 ms", "1 ms", "1.00x", "< 2x", "met")])
"""


@pytest.fixture
def fakes(tmp_path, monkeypatch):
    package = tmp_path / "fakebench"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "bench_plain.py").write_text(FAKE.format(title="Plain"))
    (package / "bench_db.py").write_text(
        "import os\n" + FAKE.format(title="Needs PostgreSQL") + 'print("url", os.environ["BENCH_DATABASE_URL"])\n'
    )
    (package / "bench_broken.py").write_text("raise SystemExit(3)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/somebody_elses")
    return [
        run.Benchmark("bench_plain", "Plain", package="fakebench"),
        run.Benchmark("bench_db", "Needs PostgreSQL", postgres=True, package="fakebench"),
    ]


def test_it_prints_every_benchmarks_rows_as_one_table_and_writes_latest(fakes, tmp_path, capsys):
    latest = tmp_path / "var" / "latest.md"

    status = run.main(["--quick", "bench_plain:--size=3"], benchmarks=fakes, latest=latest)

    out = capsys.readouterr().out
    assert status == 0
    table = out[out.index("Part "):]
    assert "case --quick --size=3" in table  # the quick flag for all, the size for this one
    assert "skipped: set BENCH_DATABASE_URL" in table
    written = latest.read_text()
    assert "| Plain | case --quick --size=3 | 1 ms |" in written
    assert "| Needs PostgreSQL | (every case) | not run |" in written
    assert "Machine: " in written and "Python 3." in written
    assert "PostgreSQL not used (no BENCH_DATABASE_URL)" in written


def test_it_never_falls_back_to_database_url(fakes, tmp_path, capfd):
    run.main([], benchmarks=fakes, latest=tmp_path / "latest.md")

    out = capfd.readouterr().out
    assert "somebody_elses" not in out
    assert "url postgres" not in out  # the PostgreSQL benchmark did not run


def test_a_benchmark_argument_goes_to_that_benchmark_only(fakes, tmp_path, monkeypatch, capfd):
    monkeypatch.setattr(run, "postgres_version", lambda url: "15")
    monkeypatch.setenv("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pw_bench_mine")

    run.main(["bench_db:--keep"], benchmarks=fakes, latest=tmp_path / "latest.md")

    assert "url postgres://postgres@127.0.0.1:5432/pw_bench_mine" in capfd.readouterr().out
    written = (tmp_path / "latest.md").read_text()
    assert "| Plain | case  |" in written
    assert "| Needs PostgreSQL | case --keep |" in written


def test_an_unknown_argument_is_refused(fakes, tmp_path):
    with pytest.raises(SystemExit) as unknown:
        run.main(["--database", "x"], benchmarks=fakes, latest=tmp_path / "latest.md")
    with pytest.raises(SystemExit) as nameless:
        run.main(["nosuch:--x"], benchmarks=fakes, latest=tmp_path / "latest.md")
    assert (unknown.value.code, nameless.value.code) == (2, 2)  # argparse's usage error


def test_a_missing_module_is_an_error_before_anything_runs(fakes, tmp_path, capsys):
    benchmarks = [*fakes, run.Benchmark("bench_gone", "Gone", package="fakebench")]

    assert run.main([], benchmarks=benchmarks, latest=tmp_path / "latest.md") == 2

    assert "no such benchmark module: fakebench.bench_gone" in capsys.readouterr().err
    assert not (tmp_path / "latest.md").exists()


def test_a_failing_benchmark_is_a_row_and_fails_the_run(fakes, tmp_path):
    benchmarks = [*fakes, run.Benchmark("bench_broken", "Broken", package="fakebench")]
    latest = tmp_path / "latest.md"

    assert run.main([], benchmarks=benchmarks, latest=latest) == 1

    assert "| Broken | (the benchmark) | failed |  |  |  | failed: exit status 3 |" in latest.read_text()


def test_every_listed_benchmark_exists_and_the_runner_lists_them_all():
    names = {b.name for b in run.BENCHMARKS}
    assert {"bench_http", "bench_quizzes", "bench_import", "bench_paths", "bench_memory"} <= names
    assert run.missing_modules(run.BENCHMARKS) == []
    assert textwrap.dedent(run.__doc__).startswith("`make bench`")
