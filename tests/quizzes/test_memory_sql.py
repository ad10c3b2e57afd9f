"""The planner's memory read (selectors.memory_by_learner, in SQL through quizzes.recall_sql)
agrees with the per-topic rules in Python (selectors.topic_mastery), whatever the cards."""

from datetime import timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from progress.models import TopicProgress
from quizzes import selectors
from quizzes.models import Card
from tests.quizzes.test_nightly import NOW, build, learner_strategy

pytestmark = pytest.mark.django_db


def per_topic(user, *, known_only: bool) -> dict:
    """What the live per-topic selector says of each topic the learner has active cards in."""
    user._profile_cache = None
    found = {}
    for row in TopicProgress.objects.filter(learner=user).select_related("topic", "topic__track"):
        live = selectors.topic_mastery(learner=user, topic=row.topic, now=NOW)
        if not live.mastery.cards or (known_only and row.status not in ("done", "skipped")):
            continue
        found[row.topic.slug] = (
            row.topic.track.slug, live.mastery.cards, live.mastery.studied, live.mastery.coverage,
            live.mastery.retention, live.needs_review, live.due_cards,
        )  # fmt: skip
    return found


def read(memory) -> dict:
    return {
        slug: (m.track, m.cards, m.studied, m.coverage, m.retention, m.needs_review, m.due_cards)
        for slug, m in memory.items()
    }


def same(found: dict, wanted: dict) -> bool:
    if found.keys() != wanted.keys():
        return False
    for slug, (*rest, retention, flag, due) in found.items():
        *want_rest, want_retention, want_flag, want_due = wanted[slug]
        if rest != want_rest or (retention is None) != (want_retention is None) or (flag, due) != (want_flag, want_due):
            return False
        if retention is not None and retention != pytest.approx(want_retention, rel=1e-12):
            return False
    return True


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(learners=st.lists(learner_strategy, min_size=1, max_size=3), data=st.data())
def test_the_memory_read_agrees_with_the_per_topic_rules(db, learners, data):
    with transaction.atomic():
        users = build(learners)
        for card_id in Card.objects.values_list("id", flat=True):  # some studied cards not yet due
            if data.draw(st.booleans()):
                Card.objects.filter(pk=card_id).update(due=NOW + timedelta(seconds=1))

        for known_only in (False, True):
            memory = selectors.memory_by_learner(learner_ids=[u.pk for u in users], now=NOW, known_only=known_only)
            for user in users:
                wanted = per_topic(user, known_only=known_only)
                assert same(read(memory[user.pk]), wanted), (known_only, read(memory[user.pk]), wanted)
        transaction.set_rollback(True)


def test_a_learner_without_cards_has_no_memory_and_no_learner_asks_nothing(db, django_assert_num_queries):
    [user] = build([(0.9, None, [("done", [])])])

    with django_assert_num_queries(1):
        assert selectors.memory_by_learner(learner_ids=[user.pk], now=NOW, known_only=False) == {user.pk: {}}
    with django_assert_num_queries(0):
        assert selectors.memory_by_learner(learner_ids=[], now=NOW, known_only=True) == {}
