"""The comparison ``manage.py simulate_learning`` prints: plain FSRS against implicit credit."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from quizzes.simulation.learner import Config, Outcome, simulate
from roadmap.paths import PathOptions, learning_path

COUPLINGS = (0.0, 0.25, 0.5, 1.0)
#: The issue's targets: at coupling >= 0.5, this many fewer explicit reviews at equal or better
#: recall; at coupling 0, recall at most this many points lower.
TARGET_FEWER = 0.30
TARGET_COST_AT_ZERO = 1.0


def curriculum_graph(curriculum) -> tuple[nx.DiGraph, dict[str, int]]:
    """The graph (topics with their hours, edges with kind and weight) and the number of
    questions per topic of a parsed curriculum file (``roadmap.curriculum.spec.Curriculum``)."""
    graph = nx.DiGraph()
    for topic in curriculum.topics:
        graph.add_node(topic.slug, hours=topic.hours)
    for edge in curriculum.edges:
        graph.add_edge(edge.source, edge.target, kind=edge.kind, weight=edge.weight)
    cards: dict[str, int] = {}
    for question in curriculum.questions:
        cards[question.topic] = cards.get(question.topic, 0) + 1
    return graph, cards


@dataclass(frozen=True)
class Row:
    """One coupling: plain FSRS, implicit credit, and the bound — a scheduler told of every
    exercise of the ground truth (``simulate(told=True)``), which no credit can beat."""

    coupling: float
    plain: Outcome
    credit: Outcome
    told: Outcome

    @property
    def fewer_reviews(self) -> float:
        """Share of explicit reviews implicit credit saved (negative: it cost reviews)."""
        return 1 - self.credit.explicit_reviews / self.plain.explicit_reviews

    @property
    def recall_change(self) -> float:
        """Change of mean recall, in percentage points."""
        return 100 * (self.credit.mean_recall - self.plain.mean_recall)

    @property
    def bound_fewer_reviews(self) -> float:
        """Share of explicit reviews the told scheduler saved."""
        return 1 - self.told.explicit_reviews / self.plain.explicit_reviews

    @property
    def bound_recall_change(self) -> float:
        return 100 * (self.told.mean_recall - self.plain.mean_recall)

    @property
    def meets_target(self) -> bool | None:
        """Whether this row meets the issue's target for its coupling (None: it has none)."""
        if self.coupling >= 0.5:
            return self.fewer_reviews >= TARGET_FEWER and self.recall_change >= 0
        if self.coupling == 0:
            return self.recall_change >= -TARGET_COST_AT_ZERO
        return None


def study_order(graph: nx.DiGraph, cards: dict[str, int], hours_per_week: float) -> list[tuple[str, float]]:
    """Each topic with cards and the day its study starts: the learner follows their path
    (``roadmap.paths``) to every topic nothing builds on, at `hours_per_week`.

    >>> G = nx.DiGraph([("algebra", "calculus")])
    >>> nx.set_node_attributes(G, 5, "hours")
    >>> study_order(G, {"algebra": 2, "calculus": 1}, 10)
    [('algebra', 0.0), ('calculus', 3.5)]
    """
    goals = sorted(topic for topic in graph if graph.out_degree(topic) == 0)
    path = learning_path(graph, goals, (), PathOptions(include_recommended=True))
    order, day = [], 0.0
    for step in path.steps:
        if cards.get(step.topic):
            order.append((step.topic, day))
        day += step.hours / hours_per_week * 7
    return order


def compare(
    graph: nx.DiGraph,
    cards: dict[str, int],
    *,
    couplings=COUPLINGS,
    config: Config | None = None,
) -> list[Row]:
    """Plain FSRS against implicit credit (and the told scheduler, the bound) at each
    coupling, the same learners in every arm.

    Topics are studied in a prerequisite order (ties by slug) and only those with cards.
    """
    config = config or Config()
    order = study_order(graph, cards, config.hours_per_week)
    arms = {"plain": {"credit": False}, "credit": {"credit": True}, "told": {"credit": False, "told": True}}
    rows = []
    for coupling in couplings:
        totals = {arm: Outcome() for arm in arms}
        for learner in range(config.learners):
            for arm, options in arms.items():
                totals[arm].add(
                    simulate(
                        graph, order, cards, coupling=coupling, config=config,
                        seed=config.seed + learner, **options,
                    )
                )  # fmt: skip
        rows.append(Row(coupling, totals["plain"], totals["credit"], totals["told"]))
    return rows


def verdicts(rows: list[Row]) -> list[str]:
    """Whether the comparison meets the issue's two targets, one line each, with the figures
    and the bound's."""
    lines = []
    strong = [row for row in rows if row.coupling >= 0.5]
    if strong:
        met = all(r.meets_target for r in strong)
        figures = "; ".join(
            f"{r.coupling:g}: {r.fewer_reviews:.1%} fewer, {r.recall_change:+.1f} pt "
            f"(bound {r.bound_fewer_reviews:.1%}, {r.bound_recall_change:+.1f} pt)"
            for r in strong
        )
        lines.append(
            f"coupling >= 0.5: >= {TARGET_FEWER:.0%} fewer explicit reviews at equal or better recall: "
            f"{'met' if met else 'NOT met'} ({figures})"
        )
    for row in rows:
        if row.coupling == 0:
            lines.append(
                f"coupling 0: mean recall at most {TARGET_COST_AT_ZERO:g} point lower: "
                f"{'met' if row.meets_target else 'NOT met'} ({row.recall_change:+.1f} pt)"
            )
    return lines


def table(rows: list[Row], config: Config) -> str:
    """The comparison as a Markdown table."""
    lines = [
        f"{config.learners} learners × {config.days} days at {config.hours_per_week:g} h/week, "
        f"credits of weight w postpone a review by at most {config.postponement:g} × (w / (1 − w))² "
        "plain intervals, "
        f"desired retention {config.desired_retention:.0%}",
        "",
        "| coupling | explicit reviews, plain | with implicit credit | fewer reviews "
        "| mean recall, plain | with credit | change | credits | boosts "
        "| bound: fewer reviews | bound: recall change |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.coupling:g} | {row.plain.explicit_reviews:,} | {row.credit.explicit_reviews:,} "
            f"| {row.fewer_reviews:.1%} | {row.plain.mean_recall:.1%} | {row.credit.mean_recall:.1%} "
            f"| {row.recall_change:+.1f} pt | {row.credit.credits:,} | {row.credit.boosts:,} "
            f"| {row.bound_fewer_reviews:.1%} | {row.bound_recall_change:+.1f} pt |"
        )
    lines += [
        "",
        "Bound: a scheduler told of every exercise of the ground truth, recording each as the "
        "Good review it was; no implicit credit can save more at equal recall.",
    ]
    return "\n".join(lines)
