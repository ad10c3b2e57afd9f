"""Behaviour of quizzes.nightly: the set-based mastery refresh agrees with the per-learner
rules (quizzes.mastery through selectors.topic_mastery), whatever the cards."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from progress.models import LearnerProfile, TopicProgress
from quizzes import nightly, scheduler, selectors
from quizzes.models import Card
from tests.concurrency import at_once
from tests.factories import QuestionFactory, TopicFactory, TopicProgressFactory, UserFactory
from tests.quizzes.test_services import postgres_only

NOW = datetime(2026, 6, 1, 3, 15, tzinfo=UTC)
STATUSES = ["not_started", "in_progress", "done", "skipped"]

card_strategy = st.one_of(
    st.none(),  # never studied
    st.tuples(
        # stability in days (None: a card whose stability was never set), and how long ago
        # it was last reviewed, down to the microsecond around whole-day boundaries
        st.one_of(st.none(), st.floats(0.01, 5_000, allow_nan=False)),
        st.one_of(
            st.integers(0, 400).map(lambda d: timedelta(days=d)),
            st.integers(0, 400).map(lambda d: timedelta(days=d, microseconds=-1)),
            st.integers(-86_400, 400 * 86_400).map(lambda s: timedelta(seconds=s)),
        ),
    ),
)
topic_strategy = st.tuples(
    st.sampled_from(STATUSES),
    st.lists(st.tuples(card_strategy, st.booleans()), max_size=6),  # (card, question retired)
)
learner_strategy = st.tuples(
    st.floats(0.7, 0.97),  # desired retention
    st.one_of(st.none(), st.floats(0.1, 0.8)),  # fitted decay weight w[20], or the defaults
    st.lists(topic_strategy, min_size=1, max_size=4),
)


def build(learners):
    users = []
    for n, (desired, decay, topics) in enumerate(learners):
        user = UserFactory(username=f"learner{n}")
        parameters = None
        if decay is not None:
            parameters = list(scheduler.SchedulerSettings().parameters)
            parameters[20] = decay
        LearnerProfile.objects.filter(user=user).update(desired_retention=desired, fsrs_parameters=parameters)
        for status, cards in topics:
            topic = TopicFactory()
            TopicProgressFactory(learner=user, topic=topic, status=status, retention=0.5)
            for memory, retired in cards:
                question = QuestionFactory(topic=topic, is_active=not retired)
                stability, ago = memory if memory else (None, None)
                Card.objects.create(
                    learner=user, question=question, topic=topic, due=NOW, created_at=NOW,
                    state="review" if memory else "new",
                    stability=stability, difficulty=5.0 if stability else None,
                    last_review=NOW - ago if memory else None,
                )  # fmt: skip
        users.append(user)
    return users


def per_learner(users):
    """Each row as the live, per-learner computation sees it."""
    expected = {}
    for user in users:
        user._profile_cache = None
        for row in TopicProgress.objects.filter(learner=user).select_related("topic"):
            live = selectors.topic_mastery(learner=user, topic=row.topic, now=NOW)
            expected[row.pk] = (live.mastery.retention, live.mastery.coverage, live.needs_review)
    return expected


def stored():
    return {row.pk: (row.retention, row.coverage, row.needs_review) for row in TopicProgress.objects.all()}


def close(found, wanted):
    retention, coverage, flag = found
    want_retention, want_coverage, want_flag = wanted
    if (retention is None) != (want_retention is None):
        return False
    same_retention = retention is None or retention == pytest.approx(want_retention, rel=1e-12)
    return same_retention and coverage == want_coverage and flag == want_flag


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(learners=st.lists(learner_strategy, min_size=1, max_size=3))
def test_the_set_based_refresh_agrees_with_the_per_learner_rules(db, learners):
    with transaction.atomic():
        users = build(learners)

        nightly.mastery_refresh_many(learner_ids=[u.pk for u in users], now=NOW)

        found, wanted = stored(), per_learner(users)
        assert all(close(found[pk], wanted[pk]) for pk in wanted), (found, wanted)
        transaction.set_rollback(True)


def test_a_second_run_changes_nothing(alice):
    topic = TopicFactory()
    question = QuestionFactory(topic=topic)
    Card.objects.create(
        learner=alice, question=question, topic=topic, due=NOW, created_at=NOW,
        state="review", stability=3.0, difficulty=5.0, last_review=NOW - timedelta(days=10),
    )  # fmt: skip
    TopicProgressFactory(learner=alice, topic=topic, status="done")

    assert nightly.mastery_refresh_many(learner_ids=[alice.pk], now=NOW) == 1
    assert nightly.mastery_refresh_many(learner_ids=[alice.pk], now=NOW) == 0
    assert TopicProgress.objects.get(learner=alice).needs_review is True


def test_only_the_given_learners_are_refreshed(alice, bob):
    for learner in (alice, bob):
        TopicProgressFactory(learner=learner, topic=TopicFactory(), status="done", retention=0.2)

    nightly.mastery_refresh_many(learner_ids=[alice.pk], now=NOW)

    assert TopicProgress.objects.get(learner=alice).retention is None
    assert TopicProgress.objects.get(learner=bob).retention == 0.2


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_refreshes_of_the_same_learners_at_once_both_finish_with_the_same_rows():
    users = build([(0.9, None, [("done", [((2.0, timedelta(days=d)), False)])]) for d in range(1, 30)])
    ids = [user.pk for user in users]
    def refresh():
        return nightly.mastery_refresh_many(learner_ids=ids, now=NOW)

    changed = at_once(refresh, refresh)

    assert sorted(changed) == [0, len(ids)]  # the second waited, then found nothing to change
    wanted = per_learner(users)
    assert all(close(row, wanted[pk]) for pk, row in stored().items())
