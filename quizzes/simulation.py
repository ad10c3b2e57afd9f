"""Simulated learners studying a curriculum for a year: what does implicit credit save?

`compare` runs the same simulated learners through one year twice for each coupling
strength, once with plain FSRS scheduling and once with implicit credit (``quizzes.fire``),
and counts their explicit reviews and how much they recall. ``manage.py simulate_learning``
prints the table; the README quotes it.

Assumptions (the model of the learner, stated so the table can be judged):

- **Study**: a new topic every `Config.days_per_topic` days, in prerequisite order; its
  cards join the deck at once and enter at most `Config.new_cards_per_day` a day. One
  session a day at 09:00 UTC works through every card due, learning steps included (a
  review takes 20 s), with no cap on reviews.
- **Ground truth**: each card's real memory is FSRS-6 with the default parameters (the
  scheduler's own, so without coupling the scheduler is exactly right). A first answer is
  Again 15 %, Hard 10 %, Good 70 %, Easy 5 %; later the learner recalls with the true
  probability and then answers Hard 10 %, Good 85 %, Easy 5 %, else Again.
- **Coupling** c: every successful explicit review of a card on topic T *exercises* each
  card of each required prerequisite of T at depth d (up to three edges) with
  probability c^d, at most once a day per card; an exercised card whose learner recalls
  it (with its true probability) gets a real, silent Good review in the true memory, and
  nothing else changes. So with c = 0 reviews of T do nothing for its prerequisites, and
  implicit credit can only mislead the scheduler; with c = 1 every review of T is a
  review of all it builds on.
- **Implicit credit** (the "credit" arms) is exactly ``quizzes.fire`` with the curriculum
  file's edge weights (or the default): it does not know c.
- **Recall** is the learner's true probability of recalling each studied card, averaged
  per topic, over studied topics, and over the year's days (sampled at 09:00, before the
  session).

Pure: no Django, no database; seeded, so a run is reproducible.
"""

from __future__ import annotations

import bisect
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import fsrs
import networkx as nx

from quizzes import fire
from quizzes.scheduler import CardState, SchedulerSettings, retrievability, review, review_seed
from roadmap.paths import PathOptions, learning_path

__all__ = ["COUPLINGS", "Config", "Outcome", "Row", "compare", "simulate", "table"]

COUPLINGS = (0.0, 0.25, 0.5, 1.0)
START = datetime(2025, 1, 6, 9, tzinfo=UTC)
SECONDS_PER_REVIEW = 20
SESSION = timedelta(hours=2)


@dataclass(frozen=True)
class Config:
    days: int = 365
    learners: int = 5
    hours_per_week: float = 10.0
    new_cards_per_day: int = 20
    desired_retention: float = 0.9
    seed: int = 2026


@dataclass
class Outcome:
    """One arm's totals over its learners."""

    explicit_reviews: int = 0
    credits: int = 0
    boosts: int = 0
    lapses: int = 0
    recall_sum: float = 0.0
    recall_days: int = 0

    @property
    def mean_recall(self) -> float:
        return self.recall_sum / self.recall_days if self.recall_days else 0.0

    def add(self, other: Outcome) -> None:
        for name in ("explicit_reviews", "credits", "boosts", "lapses", "recall_sum", "recall_days"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class Row:
    coupling: float
    plain: Outcome
    credit: Outcome

    @property
    def fewer_reviews(self) -> float:
        """Share of explicit reviews implicit credit saved (negative: it cost reviews)."""
        return 1 - self.credit.explicit_reviews / self.plain.explicit_reviews

    @property
    def recall_change(self) -> float:
        """Change of mean recall, in percentage points."""
        return 100 * (self.credit.mean_recall - self.plain.mean_recall)


@dataclass
class _Card:
    key: int
    topic: str
    created: datetime
    state: CardState | None = None  # None until first reviewed
    true: fsrs.Card = None
    reps: int = 0
    last_credit: datetime | None = None
    uncredited: CardState | None = None  # the state before credits since its last review
    last_exercised: int = -1  # the day the true memory was last exercised implicitly
    rng: random.Random = None  # its own draws, so both arms answer alike as long as they can


@dataclass
class _Learner:
    graph: nx.DiGraph
    coupling: float
    credit: bool
    config: Config
    settings: SchedulerSettings
    truth: fsrs.Scheduler
    cards: list[_Card] = field(default_factory=list)
    by_topic: dict[str, list[_Card]] = field(default_factory=lambda: defaultdict(list))
    outcome: Outcome = field(default_factory=Outcome)
    calibration: fire.Calibration = field(default_factory=fire.Calibration)


def simulate(
    graph: nx.DiGraph,
    order: list[tuple[str, float]],
    cards: dict[str, int],
    *,
    coupling: float,
    credit: bool,
    config: Config,
    seed: int,
) -> Outcome:
    """One learner's year on `graph`, studying the topics of `order` (slug, day it starts)
    with `cards` each."""
    learner = _Learner(
        graph, coupling, credit, config,
        SchedulerSettings(desired_retention=config.desired_retention),
        fsrs.Scheduler(enable_fuzzing=False),
    )  # fmt: skip
    ancestors = {topic: _ancestors(graph, topic) for topic, _ in order}
    weights = {topic: fire.credit_weights(graph, topic) for topic, _ in order} if credit else {}
    starts = list(order)
    waiting: list[_Card] = []
    for day in range(config.days):
        now = START + timedelta(days=day)
        while starts and starts[0][1] <= day:
            topic = starts.pop(0)[0]
            if True:
                for _ in range(cards.get(topic, 0)):
                    key = len(learner.cards)
                    card = _Card(
                        key, topic, now, true=fsrs.Card(card_id=1, due=now),
                        rng=random.Random(f"{seed}:{key}"),
                    )  # fmt: skip
                    learner.cards.append(card)
                    learner.by_topic[topic].append(card)
                    waiting.append(card)
        _sample_recall(learner, now)
        fresh, waiting = waiting[: config.new_cards_per_day], waiting[config.new_cards_per_day :]
        _session(learner, now, day, fresh, ancestors, weights)
    return learner.outcome


def _session(learner, now, day, fresh, ancestors, weights):
    end = now + SESSION
    queue = sorted(
        (c.state.due, c.key) for c in learner.cards if c.state is not None and c.state.due <= now
    )
    queue += [(now, c.key) for c in fresh]
    queue.sort()
    clock = now
    while queue:
        due, key = queue.pop(0)
        if due > end:
            break
        clock = max(clock + timedelta(seconds=SECONDS_PER_REVIEW), due)
        card = learner.cards[key]
        before = card.state
        rating = _answer(learner, card, clock)
        if card.uncredited is not None:
            learner.calibration = learner.calibration.observe(
                recalled=rating > 1,
                credited=retrievability(before, clock, settings=learner.settings),
                plain=retrievability(card.uncredited, clock, settings=learner.settings),
            )
            card.uncredited = None
        card.true, _ = learner.truth.review_card(card.true, fsrs.Rating(rating), clock)
        card.reps += 1
        card.state = review(
            before or CardState.new(card.created), rating, clock,
            settings=learner.settings, fuzz_seed=review_seed(card.key, card.reps),
        )  # fmt: skip
        learner.outcome.explicit_reviews += 1
        if rating > 1:
            _exercise(learner, card.topic, clock, day, ancestors[card.topic])
            if learner.credit:
                _credit(learner, clock, weights[card.topic])
        elif before is not None and before.state == "review":
            learner.outcome.lapses += 1
            if learner.credit:
                _boost(learner, card.topic, clock)
        if card.state.due <= end:
            bisect.insort(queue, (card.state.due, card.key))


def _answer(learner, card, at) -> int:
    rng = card.rng
    if card.true.last_review is None:
        return rng.choices((1, 2, 3, 4), weights=(15, 10, 70, 5))[0]
    if rng.random() < learner.truth.get_card_retrievability(card.true, at):
        return rng.choices((2, 3, 4), weights=(10, 85, 5))[0]
    return 1


def _exercise(learner, topic, at, day, ancestors):
    """The ground truth: a review of `topic` silently exercises its prerequisites' cards."""
    if learner.coupling <= 0:
        return
    for prerequisite, depth in ancestors.items():
        chance = learner.coupling**depth
        for card in learner.by_topic.get(prerequisite, ()):
            if card.true.last_review is None or card.last_exercised == day:
                continue
            card.last_exercised = day
            rng = card.rng
            if rng.random() < chance and rng.random() < learner.truth.get_card_retrievability(card.true, at):
                card.true, _ = learner.truth.review_card(card.true, fsrs.Rating.Good, at)


def _credit(learner, at, weights):
    trust = learner.calibration.trust
    for prerequisite, weight in weights.items():
        for card in learner.by_topic.get(prerequisite, ()):
            if card.state is not None and fire.can_take_credit(card.state, at, card.last_credit):
                if card.uncredited is None:
                    card.uncredited = card.state
                card.state = fire.implicit_credit(
                    card.state, at, weight * trust, settings=learner.settings
                )
                card.last_credit = at
                learner.outcome.credits += 1


def _boost(learner, topic, at):
    retention = {}
    for prerequisite, edge in learner.graph._pred[topic].items():
        if edge.get("kind", "required") == "recommended":
            continue
        studied = [c.state for c in learner.by_topic.get(prerequisite, ()) if c.state is not None]
        if studied:
            recall = [retrievability(s, at, settings=learner.settings) for s in studied]
            retention[prerequisite] = sum(recall) / len(recall)
    weakest = fire.weakest(retention)
    for card in learner.by_topic.get(weakest, ()):
        boosted = card.uncredited and fire.priority_boost(card.state, at)
        if boosted:
            card.state = boosted
            learner.outcome.boosts += 1


def _sample_recall(learner, at):
    per_topic = []
    for cards in learner.by_topic.values():
        studied = [c.true for c in cards if c.true.last_review is not None]
        if studied:
            recall = [learner.truth.get_card_retrievability(t, at) for t in studied]
            per_topic.append(sum(recall) / len(recall))
    if per_topic:
        learner.outcome.recall_sum += sum(per_topic) / len(per_topic)
        learner.outcome.recall_days += 1


def _ancestors(graph, topic) -> dict[str, int]:
    """Required ancestors within `fire.MAX_DEPTH` edges, each at its shortest depth."""
    depth, level, found = 0, [topic], {}
    while level and depth < fire.MAX_DEPTH:
        depth += 1
        below = []
        for child in level:
            for parent, edge in graph._pred[child].items():
                if edge.get("kind", "required") != "recommended" and parent not in found and parent != topic:
                    found[parent] = depth
                    below.append(parent)
        level = below
    return found


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
    """Plain FSRS against implicit credit at each coupling, the same learners in both arms.

    Topics are studied in a prerequisite order (ties by slug) and only those with cards.
    """
    config = config or Config()
    order = study_order(graph, cards, config.hours_per_week)
    rows = []
    for coupling in couplings:
        arms = {True: Outcome(), False: Outcome()}
        for learner in range(config.learners):
            for credit in (False, True):
                arms[credit].add(
                    simulate(
                        graph, order, cards, coupling=coupling, credit=credit,
                        config=config, seed=config.seed + learner,
                    )
                )  # fmt: skip
        rows.append(Row(coupling, arms[False], arms[True]))
    return rows


def table(rows: list[Row], config: Config) -> str:
    """The comparison as a Markdown table."""
    lines = [
        f"{config.learners} learners × {config.days} days at {config.hours_per_week:g} h/week, "
        f"desired retention {config.desired_retention:.0%}",
        "",
        "| coupling | explicit reviews, plain | with implicit credit | fewer reviews "
        "| mean recall, plain | with credit | change | credits | boosts |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.coupling:g} | {row.plain.explicit_reviews:,} | {row.credit.explicit_reviews:,} "
            f"| {row.fewer_reviews:.1%} | {row.plain.mean_recall:.1%} | {row.credit.mean_recall:.1%} "
            f"| {row.recall_change:+.1f} pt | {row.credit.credits:,} | {row.credit.boosts:,} |"
        )
    return "\n".join(lines)
