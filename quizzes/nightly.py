"""The nightly mastery refresh, set-based: one SQL statement for many learners at once.

Each ``TopicProgress`` row gets its topic's coverage, retention and needs-review flag by
the rules of `quizzes.mastery`, computed inside the database: the learner's active cards
are grouped by topic, each studied card's FSRS recall is the forgetting curve
``(1 + factor · days / stability) ** decay`` written in SQL, and the rows whose stored
values differ are updated in the same statement. Reading a million cards into Python and
calling fsrs per card took about 9 s per learner of 500 topics (``fsrs.Card`` per card and
the per-topic loop); the statement does 10,000 learners' million cards in seconds (see
``tests/benchmarks/bench_quizzes.py``).

The curve is fsrs 6's ``Scheduler.get_card_retrievability``: ``decay = -w[20]`` of the
learner's parameters (fsrs's default when they have none), ``factor = 0.9 ** (1 / decay)
- 1``, and only whole days since the last review count. The same C ``pow`` runs on
both sides, so values agree with the per-learner computation
(`quizzes.selectors.topic_mastery`) up to the order of summation; a hypothesis test
(``tests/quizzes/test_nightly.py``) holds the two together on random data.

Idempotent and safe to run twice at once: the values are recomputed from the cards, a row
is only written when they changed, and the rows are locked in id order first, so two runs
over the same learners wait for each other instead of deadlocking.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection, transaction

from progress.models import KNOWN_STATUSES, LearnerProfile, TopicProgress
from quizzes.scheduler import SchedulerSettings

__all__ = ["mastery_refresh_many"]

_DEFAULT_DECAY = SchedulerSettings().parameters[20]
_DEFAULT_RETENTION = LearnerProfile._meta.get_field("desired_retention").default

#: Per database: the learner's decay weight from their fitted parameters, the whole days
#: from a card's last review to ``now`` (never negative), and "differs, NULLs equal".
_DIALECT = {
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

_SQL = """
UPDATE progress_topicprogress AS tp
SET retention = m.retention, coverage = m.coverage, needs_review = m.needs_review
FROM (
    SELECT row.id,
           topic.retention,
           CASE WHEN topic.cards > 0
                THEN CAST(topic.studied AS double precision) / topic.cards ELSE 0.0 END
               AS coverage,
           (row.status IN ({known}) AND topic.retention IS NOT NULL
            AND topic.retention < COALESCE(p.desired_retention, %(retention)s)) AS needs_review
    FROM progress_topicprogress AS row
    LEFT JOIN progress_learnerprofile AS p ON p.user_id = row.learner_id
    LEFT JOIN (
        SELECT c.learner_id, c.topic_id,
               COUNT(*) AS cards,
               COUNT(c.last_review) AS studied,
               AVG(CASE
                   WHEN c.last_review IS NULL THEN NULL
                   WHEN c.stability IS NULL THEN 0.0
                   ELSE POWER(1 + curve.factor * {days} / c.stability, curve.decay)
               END) AS retention
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
          )
        GROUP BY c.learner_id, c.topic_id
    ) AS topic ON topic.learner_id = row.learner_id AND topic.topic_id = row.topic_id
    WHERE row.learner_id IN ({learners})
) AS m
WHERE tp.id = m.id
  AND (tp.retention {distinct} m.retention OR tp.coverage {distinct} m.coverage
       OR tp.needs_review {distinct} m.needs_review)
"""


def mastery_refresh_many(*, learner_ids: Sequence[int], now: datetime) -> int:
    """Store coverage, retention and the needs-review flag on every topic progress row of
    these learners, in one transaction; returns how many rows changed.

    The definitions are `quizzes.mastery`'s; a learner without a profile has the
    defaults, as everywhere else.
    """
    ids = sorted(set(learner_ids))
    if not ids:
        return 0
    dialect = _DIALECT[connection.vendor]
    named = {
        "retention": _DEFAULT_RETENTION,
        "now": connection.ops.adapt_datetimefield_value(now),
        "target": 0.9,  # fsrs: the factor makes recall 90 % after `stability` days
        "w20": _DEFAULT_DECAY,
        "retired": False,
    }
    sql = _SQL.format(
        known=", ".join(f"'{status}'" for status in KNOWN_STATUSES),
        days=dialect["days"],
        w20=dialect["w20"],
        users=TopicProgress._meta.get_field("learner").related_model._meta.db_table,
        learners=", ".join(str(int(learner_id)) for learner_id in ids),
        distinct=dialect["distinct"],
    )
    with transaction.atomic():
        # Lock in id order: a second run over the same learners waits here.
        list(
            TopicProgress.objects.select_for_update()
            .filter(learner_id__in=ids)
            .order_by("id")
            .values_list("id", flat=True)
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, named)
            return cursor.rowcount
