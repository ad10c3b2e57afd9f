"""Implicit review credit along prerequisites: the rules (after Math Academy's FIRe).

Answering a card on transformers well exercises attention and linear algebra too. So a
successful review (any rating but Again) of a card on topic T earns the learner's cards
on T's *required* prerequisites a partial, implicit repetition, and a lapse on T raises
the priority of the cards of its weakest prerequisite. This module holds the rules; the
service that applies them is ``quizzes.credits``.

**How much credit.** A prerequisite P at depth d gets the product of the edge weights
along its strongest chain of required edges to T (`credit_weights`): an edge's
``weight`` says how much T exercises P (0 to 1, from the curriculum file; without one,
`DEFAULT_EDGE_WEIGHT`). Credit stops after `MAX_DEPTH` edges or below `MIN_WEIGHT`.

**What a credit does to a card** (`implicit_credit`): a credit of weight w at time t
moves the card's memory part of the way towards what a Good review at t would leave.
Its stability becomes S' = S + w·(S_good − S), and its recall at t is lifted from R to
at least R + w·(1 − R): the card's last review is moved (never back) to the moment from
which the forgetting curve with S' shows that recall at t (a real review would move it
to t itself, recall 1). Difficulty is left alone. So a credit can never do more than a real review: S' ≤
S_good, the card's recall at every later moment is at most what a real review at t would
have left, and it falls due no later. Credit close to a review adds little, as FSRS's
S_good − S shrinks when recall is still high (the spacing effect). The weight given is
the edge weights' product times the learner's `Calibration.trust`. However many credits a
card takes between two real reviews, they postpone its next one by at most
``(w / (1 − w))²`` times the interval plain FSRS gave it, w the largest weight among them
(`postponement_cap`): a credit is an assumption, and this bounds what a wrong one costs.
The bound is tight for the weak credits of a learner whose reviews have not borne credit
out (trust near `MIN_TRUST`: 0.08 postpones by 0.8 % of an interval) and vanishes as a
credit nears a real review (0.24, the default edge at the prior trust: 0.1 intervals;
0.8: 16; 1: none, as for a real review).

**When a card takes a credit** (`can_take_credit`): only a card in review state (not
new, not in its learning or relearning steps), at least a whole day after its last
review and after its last credit: one credit per card per day, however many of T's
cards were answered that day.

**A lapse** (`priority_boost`): an Again on a card on T in review state is evidence
against the credit T gave its prerequisites. The cards of T's prerequisite with the
lowest retention that took credit since their last review are brought back to the
schedule plain FSRS gave them (due now, if that date has passed).

Pure: no Django; a graph is a ``networkx.DiGraph`` as ``roadmap.selectors`` builds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import fsrs
import networkx as nx

from quizzes.scheduler import CardState, Rating, SchedulerSettings, retrievability, review
from quizzes.scheduler.cards import as_utc
from quizzes.scheduler.reviews import fsrs_scheduler

__all__ = [
    "Calibration",
    "DEFAULT_EDGE_WEIGHT",
    "MAX_DEPTH",
    "MIN_WEIGHT",
    "can_take_credit",
    "credit_weights",
    "implicit_credit",
    "POSTPONEMENT",
    "postponement_cap",
    "priority_boost",
    "weakest",
]

#: How much a review of a topic exercises a required prerequisite whose edge names no weight.
DEFAULT_EDGE_WEIGHT = 0.8
#: Credit flows at most this many required edges down from the reviewed topic.
MAX_DEPTH = 3
#: Credit weaker than this is not given at all.
MIN_WEIGHT = 0.05
#: How far credits are trusted before a learner's reviews have said anything (see Calibration).
#: Cautious: a credit is tested only when its card is reviewed, and a weaker one brings that on
#: sooner (in the simulation, 0.3 rather than 0.5 saved more reviews where credit is right and
#: cost no more recall where it is wrong).
PRIOR_TRUST = 0.3
#: How much evidence the prior is worth, in expected recall differences (about 20 reviews).
PRIOR_WEIGHT = 2.0
#: Credits are always given at least at this share, so they keep being tested.
MIN_TRUST = 0.1
#: Credits of weight w postpone a review by at most POSTPONEMENT × (w / (1 − w))² plain intervals.
POSTPONEMENT = 1.0

if not callable(getattr(fsrs.Scheduler, "_next_interval", None)):
    # The interval after a credit is fsrs's own; fail loudly if fsrs moves it.
    raise ImportError("fsrs.Scheduler._next_interval is gone; quizzes.fire must be revisited")


def credit_weights(
    graph: nx.DiGraph,
    topic: str,
    *,
    max_depth: int = MAX_DEPTH,
    min_weight: float = MIN_WEIGHT,
    default: float = DEFAULT_EDGE_WEIGHT,
) -> dict[str, float]:
    """The credit a successful review of `topic` gives each of its required ancestors.

    Each ancestor gets the largest product of edge weights over chains of required edges
    of at most `max_depth` edges; those below `min_weight` get none. Recommended edges
    carry no credit. An edge's weight is its ``weight`` attribute, or `default`.

    Raises
    ------
    ValueError
        If an edge weight is outside [0, 1].

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_edge("linear-algebra", "attention", kind="required", weight=0.8)
    >>> G.add_edge("attention", "transformers", kind="required", weight=None)
    >>> G.add_edge("python", "transformers", kind="recommended")
    >>> {topic: round(weight, 2) for topic, weight in credit_weights(G, "transformers").items()}
    {'attention': 0.8, 'linear-algebra': 0.64}
    >>> credit_weights(G, "transformers", max_depth=1)
    {'attention': 0.8}
    """
    best: dict[str, float] = {}
    frontier = {topic: 1.0}
    for _ in range(max_depth):
        reached: dict[str, float] = {}
        for child, carried in frontier.items():
            for parent, edge in graph._pred[child].items():
                if edge.get("kind", "required") == "recommended":
                    continue
                weight = edge.get("weight")
                weight = default if weight is None else weight
                if not 0 <= weight <= 1:
                    raise ValueError(f"edge {parent} → {child}: weight must be in [0, 1], got {weight}")
                value = carried * weight
                if value >= min_weight and value > max(best.get(parent, 0), reached.get(parent, 0)):
                    reached[parent] = value
        best.update(reached)
        frontier = reached
        if not frontier:
            break
    best.pop(topic, None)
    return dict(sorted(best.items(), key=lambda item: (-item[1], item[0])))


def can_take_credit(state: CardState, at: datetime, last_credit: datetime | None) -> bool:
    """Whether a card takes an implicit credit at `at`: in review state, and a whole day or
    more since its last review and its last credit.

    Examples
    --------
    >>> from datetime import timezone
    >>> start = datetime(2025, 3, 1, tzinfo=timezone.utc)
    >>> card = CardState(state="review", step=None, stability=5.0, difficulty=5.0,
    ...                  due=start + timedelta(days=5), last_review=start)
    >>> can_take_credit(card, start + timedelta(hours=20), None)
    False
    >>> can_take_credit(card, start + timedelta(days=2), start + timedelta(days=1, hours=6))
    False
    >>> can_take_credit(card, start + timedelta(days=2), start + timedelta(days=1))
    True
    """
    if state.state != "review" or state.last_review is None:
        return False
    at = as_utc(at, "at")
    day = timedelta(days=1)
    if at - state.last_review < day:
        return False
    return last_credit is None or at - as_utc(last_credit, "last_credit") >= day


def implicit_credit(
    state: CardState,
    at: datetime,
    weight: float,
    *,
    settings: SchedulerSettings,
    plain: CardState | None = None,
    postponement: float = POSTPONEMENT,
) -> CardState:
    """The card after an implicit credit of `weight` (0 to 1] at `at`; see the module docstring.

    `plain` is the card as it was before the credits it took since its last review (the
    card itself when this is the first): the credited card falls due at most
    ``postponement × (weight / (1 − weight))²`` times its plain interval after its plain
    due date (see `postponement_cap`). The caller checks `can_take_credit` first.

    Raises
    ------
    ValueError
        For a weight outside (0, 1] or a card that cannot take credit.

    Examples
    --------
    >>> from datetime import timezone
    >>> settings = SchedulerSettings(enable_fuzzing=False)
    >>> start = datetime(2025, 3, 1, tzinfo=timezone.utc)
    >>> card = CardState(state="review", step=None, stability=5.0, difficulty=5.0,
    ...                  due=start + timedelta(days=5), last_review=start)
    >>> later = start + timedelta(days=4)
    >>> real = review(card, Rating.Good, later, settings=settings, fuzz_seed=1)
    >>> half = implicit_credit(card, later, 0.5, settings=settings)
    >>> round(card.stability, 2), round(half.stability, 2), round(real.stability, 2)
    (5.0, 10.25, 15.5)
    >>> [round(retrievability(c, later, settings=settings), 2) for c in (card, half, real)]
    [0.91, 0.96, 1.0]

    Due after 10 days, not 19 as after a real review: a credit of 0.5 may postpone the card
    by at most (0.5 / 0.5)² = 1 plain interval of 5 days.

    >>> (half.due - start).days, (real.due - start).days
    (10, 19)
    """
    if not (isinstance(weight, int | float) and 0 < weight <= 1):
        raise ValueError(f"a credit's weight must be in (0, 1], got {weight!r}")
    if state.state != "review" or state.stability is None or state.last_review is None:
        raise ValueError("only a card in review state takes an implicit credit")
    exact = replace(settings, enable_fuzzing=False)
    scheduler = fsrs_scheduler(exact, None)
    at = as_utc(at, "at")
    good = review(state, Rating.Good, at, settings=exact, fuzz_seed=0)
    stability = state.stability + weight * (good.stability - state.stability)
    recall = retrievability(state, at, settings=exact)
    lifted = recall + weight * (1 - recall)
    # The moment from which the credited curve, with its new stability, shows `lifted` at `at`.
    decay = -exact.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    age = stability / factor * (lifted ** (1 / decay) - 1)
    last_review = max(state.last_review, at - timedelta(days=age))
    days = scheduler._next_interval(stability=stability)
    due = max(state.due, last_review + timedelta(days=days))
    cap = postponement_cap(plain or state, weight, settings=exact, scale=postponement)
    if cap is not None:
        due = min(due, max(state.due, cap))
    return replace(state, stability=stability, last_review=last_review, due=due)


def postponement_cap(
    plain: CardState, weight: float, *, settings: SchedulerSettings, scale: float = POSTPONEMENT
) -> datetime | None:
    """The latest a card may fall due after credits of up to `weight`: its plain due date
    (from `plain`, its state before them) plus ``scale × (weight / (1 − weight))²`` times
    its plain interval (at most the longest interval); None (no bound) for a full credit,
    which is a real review's memory.

    Credits rest on an assumption — that reviewing a topic exercises what it builds on —
    that a learner's reviews may not bear out. Capping how far they can postpone a real
    review bounds the cost of a wrong assumption, whatever the number of credits. The
    learner's trust is part of a credit's weight, so the bound is tight for a learner whose
    reviews have not borne credit out and loose for one whose reviews have.

    >>> from datetime import timezone
    >>> start = datetime(2025, 3, 1, tzinfo=timezone.utc)
    >>> card = CardState(state="review", step=None, stability=10.0, difficulty=5.0,
    ...                  due=start + timedelta(days=10), last_review=start)
    >>> [(postponement_cap(card, w, settings=SchedulerSettings()) - start).days for w in (0.1, 0.5, 0.8)]
    [10, 20, 170]
    >>> postponement_cap(card, 1.0, settings=SchedulerSettings()) is None
    True
    """
    if weight >= 1:
        return None
    days = fsrs_scheduler(settings, None)._next_interval(stability=plain.stability)
    # Never more than the longest interval past the plain due date (and no overflow near w = 1).
    later = min(days * scale * (weight / (1 - weight)) ** 2, settings.maximum_interval)
    return plain.last_review + timedelta(days=days + later)


@dataclass(frozen=True)
class Calibration:
    """How far a learner's implicit credits have been borne out: the `trust` credits are given with.

    Every explicit review of a card that took credit since its last review is a test: the
    scheduler predicted recall ``credited`` with the credit and ``plain`` without it. If
    reviewing a topic really exercises its prerequisites, the learner recalls as often as
    ``credited`` says; if not, as ``plain`` says. Recall behaves like
    ``plain + trust × (credited − plain)``, and `trust` is its moment estimate,
    ``Σ (recalled − plain) / Σ (credited − plain)``, starting from `PRIOR_TRUST` worth
    `PRIOR_WEIGHT` and kept within [`MIN_TRUST`, 1] (never 0, so credits keep being tested).

    Examples
    --------
    >>> fresh = Calibration()
    >>> fresh.trust
    0.3
    >>> borne_out = fresh
    >>> for _ in range(30):
    ...     borne_out = borne_out.observe(recalled=True, credited=0.9, plain=0.6)
    >>> round(borne_out.trust, 2)
    1.0
    >>> misled = fresh
    >>> for _ in range(30):
    ...     misled = misled.observe(recalled=False, credited=0.9, plain=0.6)
    >>> misled.trust
    0.1
    """

    observed: float = 0.0
    expected: float = 0.0

    @property
    def trust(self) -> float:
        estimate = (PRIOR_TRUST * PRIOR_WEIGHT + self.observed) / (PRIOR_WEIGHT + self.expected)
        return min(max(estimate, MIN_TRUST), 1.0)

    def observe(self, *, recalled: bool, credited: float, plain: float) -> Calibration:
        """The calibration after one explicit review of a credited card."""
        if credited <= plain:
            return self
        return Calibration(
            observed=self.observed + (float(recalled) - plain),
            expected=self.expected + (credited - plain),
        )


def priority_boost(
    state: CardState, at: datetime, *, plain: CardState, settings: SchedulerSettings
) -> CardState | None:
    """A credited card brought back to the schedule it would have had without its credits
    (`plain`, its state before them): due at its plain due date, or at `at` if that has
    passed. None when it is not due later than that.

    Examples
    --------
    >>> from datetime import timezone
    >>> settings = SchedulerSettings(enable_fuzzing=False)
    >>> start = datetime(2025, 3, 1, tzinfo=timezone.utc)
    >>> plain = CardState(state="review", step=None, stability=5.0, difficulty=5.0,
    ...                   due=start + timedelta(days=5), last_review=start)
    >>> credited = implicit_credit(plain, start + timedelta(days=4), 1.0, settings=settings)
    >>> (credited.due - start).days
    19
    >>> back = priority_boost(credited, start + timedelta(days=4), plain=plain, settings=settings)
    >>> (back.due - start).days
    5
    >>> (priority_boost(credited, start + timedelta(days=7), plain=plain, settings=settings).due - start).days
    7
    >>> priority_boost(plain, start + timedelta(days=4), plain=plain, settings=settings) is None
    True
    """
    at = as_utc(at, "at")
    if state.state != "review" or state.last_review is None:
        return None
    days = fsrs_scheduler(replace(settings, enable_fuzzing=False), None)._next_interval(stability=plain.stability)
    target = max(at, plain.last_review + timedelta(days=days))
    if state.due <= target:
        return None
    return replace(state, due=target)


def weakest(retentions: Mapping[str, float | None]) -> str | None:
    """The topic with the lowest measured retention (ties: the first slug); None if none is.

    >>> weakest({"calculus": 0.93, "linear-algebra": 0.71, "python": None})
    'linear-algebra'
    >>> weakest({"python": None}) is None
    True
    """
    measured = [(value, slug) for slug, value in retentions.items() if value is not None]
    return min(measured)[1] if measured else None

