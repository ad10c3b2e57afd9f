"""Behaviour of quizzes.fitting: the nightly mastery refresh (the monthly fit is in test_tasks)."""

from datetime import timedelta

from progress.models import TopicProgress
from quizzes import fitting
from tests.factories import QuestionFactory, TopicFactory, TopicProgressFactory
from tests.quizzes.test_services import NOW, card_for, submit


def test_mastery_refresh_stores_coverage_and_retention_and_flags_a_faded_known_topic(alice):
    done, started, skipped = TopicFactory(), TopicFactory(), TopicFactory()
    for topic in (done, started, skipped):
        cards = [card_for(alice, QuestionFactory(topic=topic)) for _ in range(2)]
        submit(alice, cards[0], 3, NOW)
    TopicProgressFactory(learner=alice, topic=done, status="done")
    TopicProgressFactory(learner=alice, topic=started, status="in_progress")
    TopicProgressFactory(learner=alice, topic=skipped, status="skipped")

    fitting.mastery_refresh(learner_id=alice.pk, now=NOW + timedelta(days=30))

    rows = {row.topic: row for row in TopicProgress.objects.filter(learner=alice)}
    assert rows[done].coverage == 0.5  # one of two cards studied
    assert 0.3 < rows[done].retention < 0.9  # a month after one Good answer
    assert rows[done].needs_review is True
    assert rows[skipped].needs_review is True
    assert (rows[started].retention, rows[started].coverage) == (
        rows[done].retention,
        rows[done].coverage,
    )
    assert rows[started].needs_review is False  # not known: it is on the path anyway


def test_cards_waiting_behind_the_daily_limit_never_make_a_topic_need_review(alice):
    topic = TopicFactory()
    cards = [card_for(alice, QuestionFactory(topic=topic)) for _ in range(4)]
    for card in cards[:3]:
        submit(alice, card, 3, NOW)  # the fourth waits behind the new-card limit
    TopicProgressFactory(learner=alice, topic=topic, status="done")

    fitting.mastery_refresh(learner_id=alice.pk, now=NOW)

    row = TopicProgress.objects.get(learner=alice, topic=topic)
    assert (row.coverage, row.retention, row.needs_review) == (0.75, 1.0, False)


def test_a_done_topic_whose_cards_are_all_fresh_does_not_need_review(alice):
    topic = TopicFactory()
    card = card_for(alice, QuestionFactory(topic=topic))
    submit(alice, card, 4, NOW)
    TopicProgressFactory(learner=alice, topic=topic, status="done", needs_review=True)

    fitting.mastery_refresh(learner_id=alice.pk, now=NOW + timedelta(days=1))

    row = TopicProgress.objects.get(learner=alice, topic=topic)
    assert row.retention > 0.9 and row.needs_review is False


def test_a_topic_without_reviews_has_no_retention_yet(alice):
    topic = TopicFactory()
    card_for(alice, QuestionFactory(topic=topic))
    TopicProgressFactory(learner=alice, topic=topic, status="done", retention=0.3)

    fitting.mastery_refresh(learner_id=alice.pk, now=NOW)

    row = TopicProgress.objects.get(learner=alice, topic=topic)
    assert (row.retention, row.coverage, row.needs_review) == (None, 0.0, False)
