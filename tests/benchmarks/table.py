"""The one table of ``make bench``: every benchmark reports its rows here.

A benchmark builds :class:`Row` objects (one per case, each beside its floor, with the
ratio measured in the same run and a verdict against its target) and calls
:func:`report`. That prints the benchmark's own part of the table and, when the runner
(``tests.benchmarks.run``) set ``BENCH_RESULTS``, appends the rows as JSON lines to that
file; the runner prints every part as one table and writes it to ``var/bench/latest.md``.

A case without a target has an empty verdict; a missed target says ``missed`` and why.
No case is ever left out of the table.
"""

from __future__ import annotations

import json
import os
import statistics
from dataclasses import asdict, dataclass

COLUMNS = ("part", "case", "measured", "floor", "ratio", "target", "verdict")
HEADERS = ("Part", "Case", "Measured (median)", "Floor", "Ratio", "Target", "Verdict")


@dataclass(frozen=True)
class Row:
    part: str
    case: str
    measured: str
    floor: str = ""
    ratio: str = ""
    target: str = ""
    verdict: str = ""


def verdict(met: bool, reason: str = "") -> str:
    """``met``, or ``missed`` with the reason the figure falls short."""
    if met:
        return "met"
    return f"missed: {reason}" if reason else "missed"


def median(values) -> float:
    return statistics.median(list(values))


def markdown(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for row in rows:
        cells = (str(getattr(row, column)).replace("|", "\\|") for column in COLUMNS)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def text(rows: list[Row]) -> str:
    cells = [HEADERS, *([str(getattr(row, c)) for c in COLUMNS] for row in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(HEADERS))]
    out = []
    for n, line in enumerate(cells):
        out.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def report(rows: list[Row]) -> None:
    """Print ``rows`` and hand them to the runner's one table, when it is collecting."""
    print(text(rows), flush=True)
    path = os.environ.get("BENCH_RESULTS")
    if path:
        with open(path, "a", encoding="utf-8") as results:
            for row in rows:
                results.write(json.dumps(asdict(row)) + "\n")


def read(path: str) -> list[Row]:
    with open(path, encoding="utf-8") as results:
        return [Row(**json.loads(line)) for line in results if line.strip()]
