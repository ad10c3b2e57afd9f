"""Behaviour of quizzes.fitting: the nightly mastery refresh (the monthly fit is in test_tasks)."""

from datetime import timedelta

from progress.models import TopicProgress
from quizzes import fitting
from tests.factories import QuestionFactory, TopicFactory, TopicProgressFactory
from tests.quizzes.test_services import NOW, card_for, submit


def test_mastery_refresh_stores_mastery_and_flags_a_done_topic_below_target(alice):
    done, started = TopicFactory(), TopicFactory()
    for topic in (done, started):
        cards = [card_for(alice, QuestionFactory(topic=topic)) for _ in range(2)]
        submit(alice, cards[0], 3, NOW)
    TopicProgressFactory(learner=alice, topic=done, status="done")
    TopicProgressFactory(learner=alice, topic=started, status="in_progress")

    fitting.mastery_refresh(learner_id=alice.pk, now=NOW + timedelta(days=1))

    rows = {row.topic: row for row in TopicProgress.objects.filter(learner=alice)}
    # One of two cards reviewed: coverage 0.5, so mastery is at most 0.5.
    assert 0.45 < rows[done].mastery <= 0.5
    assert rows[done].needs_review is True
    assert rows[started].mastery == rows[done].mastery
    assert rows[started].needs_review is False


def test_a_done_topic_whose_cards_are_all_fresh_does_not_need_review(alice):
    topic = TopicFactory()
    card = card_for(alice, QuestionFactory(topic=topic))
    submit(alice, card, 4, NOW)
    TopicProgressFactory(learner=alice, topic=topic, status="done", needs_review=True)

    fitting.mastery_refresh(learner_id=alice.pk, now=NOW + timedelta(days=1))

    row = TopicProgress.objects.get(learner=alice, topic=topic)
    assert row.mastery > 0.9 and row.needs_review is False


def test_a_topic_without_reviews_has_no_mastery_yet(alice):
    topic = TopicFactory()
    card_for(alice, QuestionFactory(topic=topic))
    TopicProgressFactory(learner=alice, topic=topic, status="done", mastery=0.3)

    fitting.mastery_refresh(learner_id=alice.pk, now=NOW)

    row = TopicProgress.objects.get(learner=alice, topic=topic)
    assert (row.mastery, row.needs_review) == (None, False)
