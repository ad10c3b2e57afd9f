"""The memory model's claims, measured: implicit credit and the optimiser, on simulated learners.

Run from the repository root (no database needed)::

    python -m tests.benchmarks.bench_memory
    python -m tests.benchmarks.bench_memory --quick   # 2 learners, couplings 0 and 1

1. ``manage.py simulate_learning``'s comparison (``quizzes.simulation``): a year of
   learners on the shipped curriculum, plain FSRS against implicit credit, at couplings
   0, 0.25, 0.5 and 1, with the issue's targets' verdicts.
2. The optimiser's decision (``quizzes.optimizer.choose_parameters``) for 20 learners
   whose memory is FSRS's defaults and 20 forgetful ones, 2,000 reviews each
   (``quizzes.synthetic``): how many get a fit adopted (targets: at most 1 of 20, at
   least 18 of 20). The test suite runs the same check.
"""

import argparse
import sys
import time

from fsrs.scheduler import DEFAULT_PARAMETERS

from quizzes import simulation
from quizzes.optimizer import choose_parameters
from quizzes.synthetic import FORGETFUL, learner_reviews
from roadmap.curriculum.parse import load

CURRICULUM = "fixtures/ml-roadmap.yaml"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    spec, problems = load(CURRICULUM)
    if problems:
        print("\n".join(map(str, problems)))
        return 1
    graph, cards = simulation.curriculum_graph(spec)
    config = simulation.Config(learners=2 if args.quick else 5)
    couplings = (0.0, 1.0) if args.quick else simulation.COUPLINGS
    started = time.perf_counter()
    rows = simulation.compare(graph, cards, couplings=couplings, config=config)
    print(f"Implicit credit (python manage.py simulate_learning), {time.perf_counter() - started:.0f} s\n")
    print(simulation.table(rows, config))
    print()
    print("\n".join(simulation.verdicts(rows)))

    runs = 5 if args.quick else 20
    print(f"\nOptimiser: fits adopted for {runs} simulated learners of each kind, 2,000 reviews each")
    print("| learner | adopted | target |\n|---|---:|---|")
    for name, parameters, target in (
        ("memory like FSRS's defaults", DEFAULT_PARAMETERS, f"at most {runs // 20 or 0}"),
        ("forgetful", FORGETFUL, f"at least {runs * 9 // 10}"),
    ):
        adopted = sum(
            choose_parameters(DEFAULT_PARAMETERS, learner_reviews(parameters, reviews=2000, seed=seed)).adopted
            for seed in range(runs)
        )
        print(f"| {name} | {adopted} of {runs} | {target} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
