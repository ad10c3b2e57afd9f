"""The nightly mastery refresh, set-based: one SQL statement for many learners at once.

Each ``TopicProgress`` row gets its topic's coverage, retention and needs-review flag by
the rules of `quizzes.mastery`, computed inside the database: the learner's active cards
are grouped by topic and each studied card's FSRS recall is the forgetting curve written
in SQL (``quizzes.recall_sql``, shared with the planner's memory read), and the rows whose
stored values differ are updated in the same statement. Reading a million cards into
Python and calling fsrs per card took about 9 s per learner of 500 topics (``fsrs.Card``
per card and the per-topic loop); the statement does 10,000 learners' million cards in
seconds (see ``tests/benchmarks/bench_quizzes.py``). A hypothesis test
(``tests/quizzes/test_nightly.py``) holds it to the per-learner computation
(`quizzes.selectors.topic_mastery`) on random data.

Idempotent and safe to run twice at once: the values are recomputed from the cards, a row
is only written when they changed, and the rows are locked in id order first, so two runs
over the same learners wait for each other instead of deadlocking.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection, transaction

from progress.models import TopicProgress
from quizzes import recall_sql

__all__ = ["mastery_refresh_many"]

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
    LEFT JOIN ({topic_cards}
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
    sql = _SQL.format(
        known=recall_sql.KNOWN_STATUSES_SQL,
        topic_cards=recall_sql.topic_cards(ids),
        learners=recall_sql.id_list(ids),
        distinct=recall_sql.DIALECT[connection.vendor]["distinct"],
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
            cursor.execute(sql, recall_sql.parameters(now))
            return cursor.rowcount
