"""FSRS recall per topic in SQL: each learner's cards grouped by topic, with their count,
how many are studied, their mean recall now and how many studied ones are due.

Shared by the nightly refresh (``quizzes.nightly``, which writes it to every topic
progress row) and the memory read behind the planner and mentors' views
(``quizzes.selectors.memory_by_learner``), so that the two cannot drift apart.

The curve is fsrs 6's ``Scheduler.get_card_retrievability``: ``decay = -w[20]`` of the
learner's parameters (fsrs's default when they have none), ``factor = 0.9 ** (1 / decay)
- 1``, and only whole days since the last review count. The same C ``pow`` runs on
both sides, so values agree with the per-card computation in Python
(``quizzes.mastery.topic_mastery``) up to the order of summation; hypothesis tests
(``tests/quizzes/test_nightly.py``, ``tests/quizzes/test_memory_sql.py``) hold them
together on random data.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection

from progress.models import KNOWN_STATUSES, LearnerProfile, TopicProgress
from quizzes.scheduler import SchedulerSettings

DEFAULT_DECAY = SchedulerSettings().parameters[20]
DEFAULT_RETENTION = LearnerProfile._meta.get_field("desired_retention").default

#: Per database: the learner's decay weight from their fitted parameters, the whole days
#: from a card's last review to ``now`` (never negative), and "differs, NULLs equal".
DIALECT = {
    "postgresql": {
        "w20": "CAST(p.fsrs_parameters ->> 20 AS double precision)",
        "days": "GREATEST(FLOOR(EXTRACT(EPOCH FROM (%(now)s - c.last_review)) / 86400), 0)",
        "distinct": "IS DISTINCT FROM",
    },
    # Django registers django_timestamp_diff (microseconds, exact) and POWER on SQLite.
    "sqlite": {
        "w20": "json_extract(p.fsrs_parameters, '$[20]')",
        "days": "MAX(django_timestamp_diff(%(now)s, c.last_review) / 86400000000, 0)",
        "distinct": "IS NOT",
    },
}

#: Each learner's active cards by topic. ``{extra}`` adds columns; ``{where}`` narrows
#: the cards (``AND ...``).
_TOPIC_CARDS = """
SELECT c.learner_id, c.topic_id,
       COUNT(*) AS cards,
       COUNT(c.last_review) AS studied,
       AVG(CASE
           WHEN c.last_review IS NULL THEN NULL
           WHEN c.stability IS NULL THEN 0.0
           ELSE POWER(1 + curve.factor * {days} / c.stability, curve.decay)
       END) AS retention{extra}
FROM quizzes_card AS c
JOIN (
    SELECT w.learner_id, w.decay,
           POWER(%(target)s, CAST(1 AS double precision) / w.decay) - 1 AS factor
    FROM (
        SELECT u.id AS learner_id, -COALESCE({w20}, %(w20)s) AS decay
        FROM {users} AS u
        LEFT JOIN progress_learnerprofile AS p ON p.user_id = u.id
        WHERE u.id IN ({learners})
    ) AS w
) AS curve ON curve.learner_id = c.learner_id
WHERE c.learner_id IN ({learners})
  AND c.question_id NOT IN (
      SELECT q.id FROM quizzes_question AS q WHERE q.is_active = %(retired)s
  ){where}
GROUP BY c.learner_id, c.topic_id
"""

#: The statuses of a topic the learner knows (done, or skipped and checked), as SQL.
KNOWN_STATUSES_SQL = ", ".join(f"'{status}'" for status in KNOWN_STATUSES)

#: A topic the learner knows: ``{learner}`` and ``{topic}`` name the columns to match.
KNOWN = (
    "EXISTS (SELECT 1 FROM progress_topicprogress AS k WHERE k.learner_id = {learner}"
    " AND k.topic_id = {topic} AND k.status IN (" + KNOWN_STATUSES_SQL + "))"
)


def id_list(ids: Sequence[int]) -> str:
    """Ids written into a statement: integers only, never text from outside."""
    return ", ".join(str(int(value)) for value in ids)


def topic_cards(learner_ids: Sequence[int], *, extra: str = "", where: str = "") -> str:
    """The grouping subquery for these learners (ids written in as integers)."""
    dialect = DIALECT[connection.vendor]
    return _TOPIC_CARDS.format(
        days=dialect["days"],
        w20=dialect["w20"],
        users=TopicProgress._meta.get_field("learner").related_model._meta.db_table,
        learners=id_list(learner_ids),
        extra=extra,
        where=where,
    )


def parameters(now: datetime) -> dict:
    """The named parameters every statement built on `topic_cards` takes."""
    return {
        "retention": DEFAULT_RETENTION,
        "now": connection.ops.adapt_datetimefield_value(now),
        "target": 0.9,  # fsrs: the factor makes recall 90 % after `stability` days
        "w20": DEFAULT_DECAY,
        "retired": False,
    }
