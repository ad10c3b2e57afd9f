"""How fast is ``roadmap.paths.learning_path``, and does its cost follow the path?

Run from the repository root::

    python -m tests.benchmarks.bench_paths            # 1k, 10k and 50k topics
    python -m tests.benchmarks.bench_paths --quick    # 1k and 10k, fewer repeats

Curricula are synthetic and seeded. Topics come in tracks of 100 (a subject such as
"deep learning"); a topic picks about 4 prerequisites, mostly among the 30 topics
before it in its track, sometimes in its parent track; a quarter of the edges are
recommended. Tracks form three levels (foundations, core, specialisms), so a deep goal
needs a few hundred topics however large the curriculum grows: the shape of a real
roadmap, and the only shape in which "cost follows the path" can be seen. The ``window``
curriculum (each topic picks 4 prerequisites among the previous 200, with no tracks)
is the opposite: every deep goal needs nearly the whole graph.

For deep goals (the last 5% of each track) the script times ``learning_path`` with
nothing known and with a random 30% of topics known, and beside it
``networkx.ancestors`` on the same goal: the cost of merely finding what lies behind a
goal, the floor. Garbage collection is off while timing, as in ``timeit``.

Each function is timed in a pass of its own over the goals, the passes taking turns and
each starting on emptied CPU caches, so that every call finds the caches as a call of
the same function on another goal left them, as requests for different goals do.
(Timing the functions one after the other on each goal let the later ones run on caches
the first had just filled: the floor, run last, came out several times faster than on
its own, and moved with whatever ran before it.) The engine remembers per-topic data on
the graph (see ``roadmap.paths``), so repeated calls find it ready, as they do on the
shared graph in production; the ``fresh`` column times the first path on a graph the
engine has not seen, by emptying that memory before each call.
"""

import argparse
import gc
import random
import statistics
import sys
import time
from datetime import date

import networkx as nx

from roadmap import paths

TRACK_SIZE = 100
TRACK_WINDOW = 30
PREREQUISITES_PER_TOPIC = 4
CROSS_TRACK_SHARE = 0.1
RECOMMENDED_SHARE = 0.25
KNOWN_SHARE = 0.3
GOAL_SAMPLE = 40
SEED = 20250101
KINDS = ("article", "video", "book", "course")
ACCESS = ("free", "paid")
HEALTH = ("ok", "ok", "ok", "redirected", "unknown", "broken", "timeout")
# Larger than the CPU caches: writing it evicts whatever a previous pass left there.
CACHE_FLUSH_BYTES = 64 << 20


def slug(n: int) -> str:
    return f"topic-{n:06d}"


def add_topic(graph: nx.DiGraph, rng: random.Random, n: int) -> None:
    resources = [
        {
            "slug": f"{slug(n)}-r{i}",
            "title": f"Resource {i}",
            "kind": rng.choice(KINDS),
            "access": rng.choice(ACCESS),
            "role": "core" if i == 0 or rng.random() < 0.5 else "supplemental",
            "locator": "",
            "url": f"https://example.org/{n}/{i}",
            "health": rng.choice(HEALTH),
        }
        for i in range(rng.randint(1, 4))
    ]
    graph.add_node(slug(n), title=f"Topic {n}", hours=rng.randint(1, 20), resources=resources)


def add_prerequisites(graph, rng, n, candidates):
    picked = rng.sample(candidates, min(PREREQUISITES_PER_TOPIC, len(candidates)))
    for p in picked:
        kind = "recommended" if rng.random() < RECOMMENDED_SHARE else "required"
        graph.add_edge(slug(p), slug(n), kind=kind)


def track_curriculum(size: int, rng: random.Random) -> tuple[nx.DiGraph, list[str]]:
    """Tracks of TRACK_SIZE topics on three levels; each track builds on a parent track."""
    graph = nx.DiGraph()
    tracks = size // TRACK_SIZE
    parent = {0: None, 1: 0}
    for t in range(2, tracks):
        below = [u for u in range(t) if u % 3 == t % 3 - 1]
        parent[t] = rng.choice(below) if below else None
    goals = []
    for t in range(tracks):
        first = t * TRACK_SIZE
        for j in range(TRACK_SIZE):
            n = first + j
            add_topic(graph, rng, n)
            local = list(range(max(first, n - TRACK_WINDOW), n))
            if parent[t] is not None and j >= 10 and rng.random() < CROSS_TRACK_SHARE * 4:
                p_first = parent[t] * TRACK_SIZE
                local = local[: PREREQUISITES_PER_TOPIC - 1]
                local.append(rng.randrange(p_first, p_first + TRACK_SIZE))
            add_prerequisites(graph, rng, n, local)
            if j >= TRACK_SIZE * 0.95:
                goals.append(slug(n))
    return graph, goals


def window_curriculum(size: int, rng: random.Random) -> tuple[nx.DiGraph, list[str]]:
    """Each topic picks its prerequisites among the 200 topics before it."""
    graph = nx.DiGraph()
    for n in range(size):
        add_topic(graph, rng, n)
        add_prerequisites(graph, rng, n, list(range(max(0, n - 200), n)))
    return graph, [slug(n) for n in range(int(size * 0.95), size)]


def walked(graph: nx.DiGraph, goal: str, known: set[str]) -> int:
    """Topics the engine looks at for `goal`: the walk and the prerequisites it checks."""
    kids = paths._walk(graph, [goal], False, drop=known)[1]
    touched = set(kids)
    for topic in kids:
        touched.update(graph._pred[topic])
    return len(touched)


def engine(graph: nx.DiGraph, goal: str, known: set[str]) -> None:
    """The graph work inside learning_path: needed topics, their order and explanations."""
    order, kids = paths._walk(graph, [goal], False, drop=known)
    paths._trace(order, kids, [goal])


def time_calls(
    calls: dict, goals: list[str], repeats: int, before: dict | None = None
) -> dict[str, list[float]]:
    """Milliseconds per call of each function, each in a pass of its own over the goals.

    The passes take turns, and change order every repeat, so that all functions see the
    same machine (other load); each pass starts on emptied caches, and each call finds
    them as the same function left them on another goal. One untimed pass first lets
    the engine remember what it derives from the graph. `before` maps a function's name
    to an untimed step to run before each of its calls.
    """
    for call in calls.values():
        for goal in goals:
            call(goal)
    before = before or {}
    timings = {name: [] for name in calls}
    names = list(calls)
    flush = bytearray(CACHE_FLUSH_BYTES)
    gc.collect()
    gc.disable()
    try:
        for repeat in range(repeats):
            for name in names if repeat % 2 == 0 else reversed(names):
                call, prepare = calls[name], before.get(name)
                flush[::64] = bytes(len(flush) // 64)  # no pass inherits another's caches
                for goal in goals:
                    if prepare is not None:
                        prepare()
                    started = time.perf_counter_ns()
                    call(goal)
                    timings[name].append((time.perf_counter_ns() - started) / 1e6)
    finally:
        gc.enable()
    return timings


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def measure(model: str, size: int, calls: int) -> list[dict]:
    rng = random.Random(f"{SEED}-{model}-{size}")
    build = track_curriculum if model == "tracks" else window_curriculum
    graph, deep = build(size, rng)
    goals = rng.sample(deep, min(GOAL_SAMPLE, len(deep)))
    options = paths.PathOptions(hours_per_week=6, start_date=date(2025, 1, 6))
    rows = []
    nodes = list(graph)
    for label, known in (("none", set()), ("30%", set(rng.sample(nodes, int(size * KNOWN_SHARE))))):
        usable = [g for g in goals if g not in known]
        repeats = max(1, round(calls / len(usable)))
        timings = time_calls(
            {
                "path": lambda goal, known=known: paths.learning_path(
                    graph, [goal], known, options
                ),
                "core": lambda goal, known=known: engine(graph, goal, known),
                "floor": lambda goal: nx.ancestors(graph, goal),
            },
            usable,
            repeats,
        )
        # Apart, as forgetting would slow down the calls that follow.
        timings |= time_calls(
            {"fresh": lambda goal, known=known: paths.learning_path(graph, [goal], known, options)},
            usable,
            repeats,
            before={"fresh": graph.__networkx_cache__.clear},
        )
        lengths = [len(paths.learning_path(graph, [g], known, options).steps) for g in usable]
        rows.append({
            "model": model, "topics": size, "known": label,
            "steps": statistics.median(lengths),
            "visited": statistics.median(walked(graph, g, known) for g in usable),
            "p50": statistics.median(timings["path"]), "p95": p95(timings["path"]),
            "fresh_p50": statistics.median(timings["fresh"]),
            "core_p50": statistics.median(timings["core"]),
            "floor_p50": statistics.median(timings["floor"]),
            "floor_size": statistics.median(len(nx.ancestors(graph, g)) for g in usable),
            "calls": len(timings["path"]),
        })  # fmt: skip
    return rows


def print_table(rows: list[dict]) -> None:
    header = (
        f"{'curriculum':<10} {'topics':>7} {'known':>5} {'steps':>6} {'visited':>8} "
        f"{'% graph':>8} {'p50 ms':>8} {'p95 ms':>8} {'floor ms':>9} {'anc.':>6} "
        f"{'p50/floor':>9} {'core ms':>8} {'core/floor':>10} {'fresh ms':>9} "
        f"{'fresh/floor':>11} {'calls':>6}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['model']:<10} {r['topics']:>7} {r['known']:>5} {r['steps']:>6.0f} "
            f"{r['visited']:>8.0f} {100 * r['visited'] / r['topics']:>7.1f}% "
            f"{r['p50']:>8.3f} {r['p95']:>8.3f} {r['floor_p50']:>9.3f} "
            f"{r['floor_size']:>6.0f} {r['p50'] / r['floor_p50']:>8.2f}x "
            f"{r['core_p50']:>8.3f} {r['core_p50'] / r['floor_p50']:>9.2f}x "
            f"{r['fresh_p50']:>9.3f} {r['fresh_p50'] / r['floor_p50']:>10.2f}x {r['calls']:>6}"
        )


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1k and 10k only, fewer calls")
    args = parser.parse_args(argv)
    sizes = [(1_000, 100), (10_000, 100)] if args.quick else [
        (1_000, 200), (10_000, 200), (50_000, 120)
    ]  # fmt: skip
    rows = []
    for size, calls in sizes:
        rows += measure("tracks", size, calls)
    rows += measure("window", 1_000 if args.quick else 10_000, 40)
    print(f"learning_path vs networkx.ancestors (the floor), Python {sys.version.split()[0]}, "
          f"networkx {nx.__version__}")  # fmt: skip
    print_table(rows)
    print()
    print("targets at 10k topics (tracks):")
    for r in rows:
        if r["model"] == "tracks" and r["topics"] == 10_000:
            ratio, core = r["p50"] / r["floor_p50"], r["core_p50"] / r["floor_p50"]
            print(
                f"  known={r['known']:<4}  p50 < 5 ms: {verdict(r['p50'] < 5)} ({r['p50']:.3f} ms)"
                f"  p50 <= 3x floor: {verdict(ratio <= 3)} ({ratio:.2f}x)"
                f"  core <= 3x floor: {verdict(core <= 3)} ({core:.2f}x)"
            )
    print(
        "core = the graph work of learning_path (needed topics, order, goals served, chains);\n"
        "p50 adds validating the request and building the steps (resources, dates, objects);\n"
        "fresh = p50 on a graph the engine has not seen (nothing remembered yet)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
