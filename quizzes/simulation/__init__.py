"""Simulated learners studying a curriculum for a year: what does implicit credit save?

`compare` runs the same simulated learners through one year three times for each coupling
strength: with plain FSRS scheduling, with implicit credit (``quizzes.fire``), and — the
bound — with a scheduler told of every exercise of the ground truth, which records each as
the Good review it was (what no credit, which has to guess, can beat at equal recall); it
counts their explicit reviews and how much they recall. ``manage.py simulate_learning``
prints the table (``make bench`` runs it too); the README quotes it. ``learner`` holds one
learner's year, ``report`` the comparison, its table and the targets' verdicts.

Assumptions (the model of the learner, stated so the table can be judged):

- **Study**: the learner follows their path to the whole curriculum (``roadmap.paths``,
  prerequisites first, related topics together) at `Config.hours_per_week`, each topic
  taking its hours; a topic's cards join the deck the day its study starts and enter at
  most `Config.new_cards_per_day` a day. One
  session a day at 09:00 UTC works through every card due, learning steps included (a
  review takes 20 s), with no cap on reviews; like the review page, which asks for the
  cards due at each answer, it skips a card that a credit made no longer due.
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

from quizzes.simulation.learner import Config, Outcome, simulate
from quizzes.simulation.report import (
    COUPLINGS,
    Row,
    compare,
    curriculum_graph,
    study_order,
    table,
    verdicts,
)

__all__ = [
    "COUPLINGS",
    "Config",
    "Outcome",
    "Row",
    "compare",
    "curriculum_graph",
    "simulate",
    "study_order",
    "table",
    "verdicts",
]
