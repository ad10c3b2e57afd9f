"""One simulated learner's year (see ``quizzes.simulation`` for the model and its assumptions)."""

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
    #: How far credits may postpone a review (``quizzes.fire.POSTPONEMENT``).
    postponement: float = fire.POSTPONEMENT


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
    told: bool = False
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
    told: bool = False,
) -> Outcome:
    """One learner's year on `graph`, studying the topics of `order` (slug, day it starts)
    with `cards` each.

    With `told`, the learner's scheduler is told of every exercise of the ground truth (see
    `_exercise`) and records it as the Good review it was: what no credit can beat, the bound.
    """
    learner = _Learner(
        graph, coupling, credit and not told, config,
        SchedulerSettings(desired_retention=config.desired_retention),
        fsrs.Scheduler(enable_fuzzing=False), told,
    )  # fmt: skip
    ancestors = {topic: _ancestors(graph, topic) for topic, _ in order}
    weights = {topic: fire.credit_weights(graph, topic) for topic, _ in order} if credit else {}
    starts = list(order)
    waiting: list[_Card] = []
    for day in range(config.days):
        now = START + timedelta(days=day)
        while starts and starts[0][1] <= day:
            topic = starts.pop(0)[0]
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
        card = learner.cards[key]
        if card.state is not None and card.state.due > due:
            # Credited since it was queued: like the review page, which asks for the cards
            # due at each answer, the session no longer shows it while it is not due.
            if card.state.due <= end:
                bisect.insort(queue, (card.state.due, card.key))
            continue
        clock = max(clock + timedelta(seconds=SECONDS_PER_REVIEW), due)
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
                if learner.told and card.state is not None and card.state.state == "review":
                    card.state = review(
                        card.state, 3, at, settings=learner.settings, fuzz_seed=review_seed(f"told:{card.key}", day)
                    )
                    learner.outcome.credits += 1


def _credit(learner, at, weights):
    trust = learner.calibration.trust
    for prerequisite, weight in weights.items():
        for card in learner.by_topic.get(prerequisite, ()):
            if card.state is not None and fire.can_take_credit(card.state, at, card.last_credit):
                if card.uncredited is None:
                    card.uncredited = card.state
                card.state = fire.implicit_credit(
                    card.state, at, weight * trust, settings=learner.settings, plain=card.uncredited,
                    postponement=learner.config.postponement,
                )  # fmt: skip
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
        boosted = card.uncredited and fire.priority_boost(
            card.state, at, plain=card.uncredited, settings=learner.settings
        )
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


