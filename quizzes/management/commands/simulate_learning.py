"""``manage.py simulate_learning``: does implicit credit save reviews? A year of simulated
learners on the shipped curriculum; the model and its assumptions are in
``quizzes.simulation``."""

from django.core.management.base import BaseCommand, CommandError

from quizzes import simulation
from roadmap.curriculum.parse import load

DEFAULT_CURRICULUM = "fixtures/ml-roadmap.yaml"


def _couplings(value: str) -> tuple[float, ...]:
    try:
        found = tuple(float(part) for part in value.split(","))
    except ValueError:
        raise CommandError(f"--couplings takes numbers from 0 to 1 separated by commas, got {value!r}") from None
    if not found or not all(0 <= c <= 1 for c in found):
        raise CommandError(f"--couplings takes numbers from 0 to 1 separated by commas, got {value!r}")
    return found


class Command(BaseCommand):
    help = (
        "Simulate learners studying the curriculum for a year, with plain FSRS and with implicit "
        "review credit along prerequisites, at several couplings; print the comparison."
    )

    def add_arguments(self, parser):
        parser.add_argument("--curriculum", default=DEFAULT_CURRICULUM, help=f"default {DEFAULT_CURRICULUM}")
        parser.add_argument("--learners", type=int, default=5, help="simulated learners per arm (default 5)")
        parser.add_argument("--days", type=int, default=365, help="days simulated (default 365)")
        parser.add_argument("--hours-per-week", type=float, default=10.0, help="study pace (default 10)")
        parser.add_argument("--couplings", default="0,0.25,0.5,1", help="comma-separated, 0 to 1")
        parser.add_argument("--seed", type=int, default=simulation.Config.seed)
        parser.add_argument(
            "--postponement", type=float, default=simulation.Config.postponement,
            help="scale of how far credits of weight w may postpone a review, in (w / (1 - w))² plain intervals "
            "(default: what Pathwise uses; 1000: practically unbounded)",
        )  # fmt: skip

    def handle(self, *args, curriculum, learners, days, hours_per_week, couplings, seed, postponement, **options):
        if learners < 1 or days < 1 or hours_per_week <= 0:
            raise CommandError("--learners and --days must be at least 1 and --hours-per-week above 0")
        spec, problems = load(curriculum)
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(problems)} problem(s) in {curriculum}")
        graph, cards = simulation.curriculum_graph(spec)
        config = simulation.Config(
            days=days, learners=learners, hours_per_week=hours_per_week, seed=seed, postponement=postponement
        )
        rows = simulation.compare(graph, cards, couplings=_couplings(couplings), config=config)
        self.stdout.write(simulation.table(rows, config))
        self.stdout.write("")
        for line in simulation.verdicts(rows):
            self.stdout.write(line)
