"""Implicit review credit along prerequisites, applied as reviews are stored (rules: quizzes.fire).

A `CreditSession` follows the reviews one transaction applies for one learner (a live
review, or an offline batch in time order) and, when the caller is done, gives:

- every successful review (any rating but Again) of a card on topic T: an implicit credit
  to the learner's cards on T's required prerequisites, weighted by the curriculum's edge
  weights (``quizzes.fire.credit_weights``) times the learner's calibrated trust;
- every lapse (Again on a card in review state): its weakest prerequisite's cards that
  took credit since their last review brought back to the schedule plain FSRS gave them,
  due now if that has passed (``quizzes.fire.priority_boost``);
- every review of a card that took credit since its last review: a test of those
  credits, which moves the learner's ``CreditCalibration``.

Credits and boosts are stored as ``ImplicitCredit`` rows, apart from ``ReviewLog``, unique
per card and source review, so an offline upload sent twice earns nothing twice, and a
card rebuilt from its history (``quizzes.cards.cards_rebuild``) replays them.

Two rules keep it safe. A credit goes only to a card whose memory last changed before the
source review (an offline review older than a card's own last review or credit earns it
nothing: the later event already stands on its own). And credit targets are locked with
``SKIP LOCKED``: a card another transaction holds just gets no credit this time, so
crediting never waits on, or deadlocks with, a concurrent review.

Switched per installation by the ``IMPLICIT_CREDIT`` setting (environment variable
``IMPLICIT_CREDIT``); when it is off nothing here happens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from django.conf import settings as django_settings
from django.db.models import Q

from progress.models import User
from quizzes import cards as card_memory
from quizzes import fire, scheduler
from quizzes.models import Card, CardState, CreditCalibration, CreditKind, ImplicitCredit, Question, ReviewLog
from quizzes.selectors import card_state
from roadmap.selectors import roadmap_graph


def enabled() -> bool:
    """Whether this installation gives implicit credit (the ``IMPLICIT_CREDIT`` setting)."""
    return bool(getattr(django_settings, "IMPLICIT_CREDIT", True))


@dataclass
class _Source:
    log: ReviewLog
    topic_id: int
    lapse: bool


@dataclass
class CreditSession:
    """The implicit credit one transaction's reviews earn, for one learner.

    ``cards`` are the card objects the caller already holds (locked): credit targets among
    them are changed in place, so the caller's later save cannot undo a credit.
    ``graph_version``, when the caller read it in this transaction already
    (``roadmap.selectors.graph_version_sql``), saves reading it again.
    """

    learner: User
    settings: scheduler.SchedulerSettings
    cards: dict[int, Card] = field(default_factory=dict)
    sources: list[_Source] = field(default_factory=list)
    observations: list[card_memory.Observation] = field(default_factory=list)
    graph_version: int | None = None

    def reviewed(
        self,
        card: Card,
        log: ReviewLog,
        *,
        before: str | None,
        observation: card_memory.Observation | None = None,
    ) -> None:
        """Note a stored review: ``before`` is the card's state before it (None: unknown,
        the card was rebuilt), ``observation`` what `quizzes.cards.apply_review` returned."""
        if not enabled():
            return
        self.sources.append(_Source(log, card.topic_id, log.rating == 1 and before == CardState.REVIEW))
        if observation is not None:
            self.observations.append(observation)

    def finish(self) -> list[ImplicitCredit]:
        """Apply and store the credits and boosts, and the calibration; returns the new rows."""
        if not enabled() or not (self.sources or self.observations):
            return []
        graph, _ = roadmap_graph(version=self.graph_version)
        slugs = _slugs_by_id(graph)
        plans = []
        for source in sorted(self.sources, key=lambda s: (s.log.reviewed_at, s.log.pk)):
            slug = slugs(source.topic_id)
            if slug is None:
                continue
            if source.log.rating > 1:
                weights = _credit_weights(graph, slug)
            elif source.lapse:
                weights = {p: 0.0 for p in _required_prerequisites(graph, slug)}
            else:
                continue
            if weights:
                plans.append((source, weights))
        targets = self._targets({topic for _, weights in plans for topic in weights}, graph)
        if not targets and not self.observations:
            return []  # nothing to credit: the calibration is not even read
        calibration = self._calibration()
        trust = calibration.trust if calibration is not None else fire.PRIOR_TRUST
        rows, changed = [], {}
        for source, weights in plans:
            at = source.log.reviewed_at
            if source.log.rating > 1:
                for topic, weight in weights.items():
                    for card in targets.get(topic, ()):
                        last = card_memory.last_event(card)
                        if last is not None and last > at:
                            continue
                        if card_memory.apply_credit(card, at, weight * trust, self.settings):
                            rows.append(_row(card, source.log, CreditKind.CREDIT, weight * trust))
                            changed[card.pk] = card
            else:
                weakest = fire.weakest(
                    {topic: self._retention(targets.get(topic, ()), at) for topic in weights}
                )
                for card in targets.get(weakest, ()):
                    if card_memory.apply_boost(card, at, self.settings):
                        rows.append(_row(card, source.log, CreditKind.BOOST, 0.0))
                        changed[card.pk] = card
        card_memory.save_cards(list(changed.values()))
        ImplicitCredit.objects.bulk_create(rows, ignore_conflicts=True)
        return rows

    def _calibration(self) -> fire.Calibration | None:
        """Fold this session's tests into the learner's calibration; None if they have none
        and there is nothing to fold (then the prior is used)."""
        row = (
            CreditCalibration.objects.select_for_update().filter(learner=self.learner).first()
        )
        if row is None and not self.observations:
            return None
        if row is None:
            row = CreditCalibration(learner=self.learner)
        calibration = fire.Calibration(observed=row.observed, expected=row.expected)
        for observation in self.observations:
            calibration = calibration.observe(
                recalled=observation.recalled, credited=observation.credited, plain=observation.plain
            )
        if self.observations:
            row.observed, row.expected = calibration.observed, calibration.expected
            row.save()
        return calibration

    def _targets(self, topics: set[str], graph) -> dict[str, list[Card]]:
        """The learner's studied cards on `topics`, by slug; locked, those held elsewhere skipped."""
        ids = {graph.nodes[t]["id"]: t for t in topics if "id" in graph.nodes[t]}
        if not ids:
            return {}
        retired = Question.objects.filter(is_active=False).values("id")
        rows = (
            Card.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(Q(learner=self.learner, topic_id__in=list(ids)) & ~Q(state=CardState.NEW))
            .exclude(question_id__in=retired)
            .order_by("pk")
        )
        found: dict[str, list[Card]] = {}
        for card in rows:
            card = self.cards.setdefault(card.pk, card)
            found.setdefault(ids[card.topic_id], []).append(card)
        return found

    def _retention(self, cards: list[Card], at: datetime) -> float | None:
        studied = [card_state(c) for c in cards if c.last_review is not None]
        if not studied:
            return None
        return sum(scheduler.retrievabilities(studied, at, settings=self.settings)) / len(studied)


def _row(card: Card, source: ReviewLog, kind: str, weight: float) -> ImplicitCredit:
    return ImplicitCredit(
        card=card, learner_id=card.learner_id, source=source, kind=kind,
        credited_at=source.reviewed_at, weight=weight,
    )  # fmt: skip


def _required_prerequisites(graph, slug: str) -> list[str]:
    return sorted(p for p, edge in graph._pred[slug].items() if edge.get("kind") != "recommended")


@lru_cache(maxsize=4096)
def _credit_weights(graph, slug: str) -> dict[str, float]:
    """``fire.credit_weights``, remembered per graph (built once per roadmap version, never changed)."""
    return fire.credit_weights(graph, slug)


@lru_cache(maxsize=4)
def _slug_index(graph) -> dict[int, str]:
    return {data["id"]: slug for slug, data in graph.nodes(data=True) if "id" in data}


def _slugs_by_id(graph):
    """Topic id -> slug for `graph` (remembered per graph: the graph is built once per version)."""
    return _slug_index(graph).get
