"""Behaviour of quizzes.selectors: the due queue and its daily limits, forecast, mastery."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from progress.models import LearnerProfile
from quizzes import reminders, scheduler, selectors, services
from quizzes.models import Card, Question, Reminder, ReviewLog
from quizzes.services import ReviewInput
from tests.factories import QuestionFactory, TopicFactory, TopicProgressFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def learner_in(zone: str, *, new: int = 20, reviews: int = 200, name: str = "lee", **profile):
    user = UserFactory(username=name)
    LearnerProfile.objects.filter(user=user).update(
        time_zone=zone, new_cards_per_day=new, reviews_per_day=reviews, **profile
    )
    return user


def new_cards(learner, count: int, *, topic=None, at=NOW - timedelta(days=30)) -> list[Card]:
    topic = topic or TopicFactory()
    questions = QuestionFactory.create_batch(count, topic=topic)
    services.enroll_topic_cards(learner=learner, topic=topic, now=at)
    return list(Card.objects.filter(learner=learner, question__in=questions).order_by("id"))


def make_due(card: Card, due: datetime) -> Card:
    """Put a card in review, due at ``due``, as if reviewed once ten days before."""
    Card.objects.filter(pk=card.pk).update(
        state="review",
        step=None,
        stability=10.0,
        difficulty=5.0,
        due=due,
        last_review=due - timedelta(days=10),
        reps=1,
    )
    ReviewLog.objects.create(
        card=card, learner=card.learner, rating=3, reviewed_at=due - timedelta(days=10)
    )
    card.refresh_from_db()
    return card


def review(learner, card, at, rating=3):
    services.review_submit(
        learner=learner, review=ReviewInput(card.pk, rating, reviewed_at=at), now=at
    )


def left(learner, now):
    queue = selectors.due_queue(learner=learner, now=now)
    return queue.new_left, queue.reviews_left


# --- Daily limits ----------------------------------------------------------------------------


def test_new_cards_stop_at_the_daily_limit_and_come_back_the_next_local_day():
    learner = learner_in("UTC", new=2)
    cards = new_cards(learner, 5)
    review(learner, cards[0], NOW)
    review(learner, cards[1], NOW + timedelta(minutes=1))

    today = selectors.due_queue(learner=learner, now=NOW + timedelta(hours=1))
    tomorrow = selectors.due_queue(learner=learner, now=NOW + timedelta(days=1))

    assert today.new_left == 0
    assert [entry.is_new for entry in today.entries] == [
        False,
        False,
    ]  # their next steps, no new ones
    assert tomorrow.new_left == 2
    assert [entry.is_new for entry in tomorrow.entries].count(True) == 2


def test_reviews_stop_at_the_daily_limit_and_learning_steps_count_as_reviews():
    learner = learner_in("UTC", new=5, reviews=2)
    fresh = new_cards(learner, 1)[0]
    old = [make_due(card, NOW - timedelta(hours=1)) for card in new_cards(learner, 4)]
    review(learner, fresh, NOW)  # first review: counts as new
    review(learner, fresh, NOW + timedelta(minutes=1))  # a learning step: counts as a review
    review(learner, old[0], NOW + timedelta(minutes=2))

    queue = selectors.due_queue(learner=learner, now=NOW + timedelta(minutes=3))

    assert (queue.new_left, queue.reviews_left) == (4, 0)
    assert queue.entries == []
    assert queue.next_due == datetime(2026, 6, 2, tzinfo=UTC)  # tomorrow, when the limit resets


def test_the_day_follows_the_learners_time_zone_not_utc():
    learner = learner_in("Asia/Tokyo", new=1)  # local midnight is 15:00 UTC
    cards = new_cards(learner, 3)
    review(learner, cards[0], datetime(2026, 6, 1, 14, 30, tzinfo=UTC))  # 23:30 on 1 June in Tokyo

    assert left(learner, datetime(2026, 6, 1, 14, 50, tzinfo=UTC))[0] == 0
    assert left(learner, datetime(2026, 6, 1, 15, 10, tzinfo=UTC))[0] == 1  # 00:10 on 2 June
    review(learner, cards[1], datetime(2026, 6, 1, 15, 20, tzinfo=UTC))
    assert left(learner, datetime(2026, 6, 1, 23, 0, tzinfo=UTC))[0] == 0  # still 2 June in Tokyo


def test_a_25_hour_day_when_new_york_falls_back_counts_as_one_day():
    learner = learner_in("America/New_York", new=2)
    cards = new_cards(learner, 4, at=datetime(2026, 10, 1, tzinfo=UTC))
    review(learner, cards[0], datetime(2026, 11, 1, 4, 30, tzinfo=UTC))  # 00:30 EDT, 1 Nov
    review(learner, cards[1], datetime(2026, 11, 2, 4, 30, tzinfo=UTC))  # 23:30 EST, still 1 Nov

    assert left(learner, datetime(2026, 11, 2, 4, 45, tzinfo=UTC))[0] == 0
    assert left(learner, datetime(2026, 11, 2, 5, 5, tzinfo=UTC))[0] == 2  # 00:05 EST, 2 Nov


def test_a_23_hour_day_when_berlin_springs_forward_ends_at_local_midnight():
    learner = learner_in("Europe/Berlin", new=1)
    cards = new_cards(learner, 3, at=datetime(2026, 3, 1, tzinfo=UTC))
    review(learner, cards[0], datetime(2026, 3, 28, 23, 30, tzinfo=UTC))  # 00:30 CET, 29 March

    assert left(learner, datetime(2026, 3, 29, 21, 30, tzinfo=UTC))[0] == 0  # 23:30 CEST, 29 March
    assert left(learner, datetime(2026, 3, 29, 22, 30, tzinfo=UTC))[0] == 1  # 00:30 CEST, 30 March


def test_local_day_bounds_across_both_clock_changes():
    ny, berlin = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")
    start, end = selectors.local_day(zone=ny, now=datetime(2026, 11, 1, 12, tzinfo=UTC))
    assert (start, end - start) == (datetime(2026, 11, 1, 4, tzinfo=UTC), timedelta(hours=25))
    start, end = selectors.local_day(zone=berlin, now=datetime(2026, 3, 29, 12, tzinfo=UTC))
    assert (start, end - start) == (datetime(2026, 3, 28, 23, tzinfo=UTC), timedelta(hours=23))


# --- Queue order -----------------------------------------------------------------------------


def test_reviews_come_first_by_due_time_then_new_cards():
    learner = learner_in("UTC")
    topic = TopicFactory()
    fresh = new_cards(learner, 2, topic=topic)
    reviews = new_cards(learner, 2, topic=TopicFactory())
    make_due(reviews[0], NOW - timedelta(hours=1))
    make_due(reviews[1], NOW - timedelta(hours=5))

    queue = selectors.due_queue(learner=learner, now=NOW)

    assert queue.card_ids[:2] == [reviews[1].pk, reviews[0].pk]
    assert set(queue.card_ids[2:]) == {card.pk for card in fresh}


def test_cards_of_one_topic_are_spread_out_when_possible():
    learner = learner_in("UTC")
    calculus, algebra = TopicFactory(slug="calculus"), TopicFactory(slug="algebra")
    due = []
    for hours, topic in [(6, calculus), (5, calculus), (4, calculus), (3, algebra), (2, algebra)]:
        due.append(make_due(new_cards(learner, 1, topic=topic)[0], NOW - timedelta(hours=hours)))
    new_cards(learner, 2, topic=algebra)
    new_cards(learner, 1, topic=calculus)

    queue = selectors.due_queue(learner=learner, now=NOW)

    cards = selectors.due_cards(learner=learner, card_ids=queue.card_ids)
    topics = [card.topic.slug for card in cards]
    assert topics[:5] == ["calculus", "algebra", "calculus", "algebra", "calculus"]
    assert all(a != b for a, b in zip(topics, topics[1:], strict=False))
    assert [card.state for card in cards] == ["review"] * 5 + ["new"] * 3


def test_a_page_of_shown_cards_is_the_cards_themselves_in_the_queues_order():
    learner, other = learner_in("UTC"), UserFactory(username="other")
    cards = new_cards(learner, 3)
    make_due(cards[1], NOW - timedelta(hours=2))
    theirs = new_cards(other, 1)[0]
    page = [cards[2].pk, theirs.pk, cards[1].pk, cards[0].pk]

    shown = selectors.shown_cards(learner=learner, card_ids=page)

    assert [card.pk for card in shown] == [cards[2].pk, cards[1].pk, cards[0].pk]  # not another's
    for card, model in zip(shown, selectors.due_cards(learner=learner, card_ids=page), strict=True):
        assert selectors.card_state(card) == selectors.card_state(model)
        assert selectors.shown_question(card) == selectors.shown_question(model)
        assert (card.topic.slug, card.topic.title) == (model.topic.slug, model.topic.title)
    assert shown[1].state == "review" and shown[1].stability == 10.0


def test_the_queue_leaves_out_retired_questions_other_learners_and_cards_not_yet_due():
    learner, other = learner_in("UTC"), UserFactory(username="other")
    mine = new_cards(learner, 3)
    make_due(mine[0], NOW + timedelta(days=1))
    Question.objects.filter(pk=mine[1].question_id).update(is_active=False)
    new_cards(other, 2)

    queue = selectors.due_queue(learner=learner, now=NOW)

    assert queue.card_ids == [mine[2].pk]


def test_when_nothing_is_due_the_queue_says_when_the_next_card_is():
    learner = learner_in("UTC")
    card = new_cards(learner, 1)[0]
    review(learner, card, NOW, rating=1)  # Again: back in a minute

    queue = selectors.due_queue(learner=learner, now=NOW)

    assert queue.entries == []
    card.refresh_from_db()
    assert queue.next_due == card.due == NOW + timedelta(minutes=1)


def test_spread_keeps_the_order_when_there_is_nothing_to_spread():
    assert selectors.spread_siblings([1, 2, 3], key=lambda n: n) == [1, 2, 3]
    assert selectors.spread_siblings([], key=str) == []


# --- Forecast and mastery --------------------------------------------------------------------


def test_the_forecast_counts_reviewed_cards_per_local_day_with_overdue_ones_today():
    learner = learner_in("America/Los_Angeles")  # UTC-7 in June
    cards = new_cards(learner, 6)
    make_due(cards[0], NOW - timedelta(days=3))  # overdue
    make_due(cards[1], datetime(2026, 6, 2, 6, 30, tzinfo=UTC))  # 23:30 on 1 June locally
    make_due(cards[2], datetime(2026, 6, 2, 7, 30, tzinfo=UTC))  # 00:30 on 2 June
    make_due(cards[3], datetime(2026, 6, 3, 12, tzinfo=UTC))
    make_due(cards[4], datetime(2026, 6, 20, 12, tzinfo=UTC))  # beyond the forecast

    forecast = selectors.due_forecast(learner=learner, now=NOW, days=3)

    assert forecast == [
        {"date": date(2026, 6, 1), "due": 2},
        {"date": date(2026, 6, 2), "due": 1},
        {"date": date(2026, 6, 3), "due": 1},
    ]


def test_coverage_and_retention_are_reported_separately():
    learner = learner_in("UTC", desired_retention=0.9)
    topic = TopicFactory()
    cards = new_cards(learner, 4, topic=topic, at=NOW)
    review(learner, cards[0], NOW, rating=3)
    review(learner, cards[1], NOW, rating=4)
    TopicProgressFactory(learner=learner, topic=topic, status="done")
    later = NOW + timedelta(days=5)

    result = selectors.topic_mastery(learner=learner, topic=topic, now=later)

    settings = scheduler.SchedulerSettings(desired_retention=0.9)
    recall = [
        scheduler.retrievability(
            selectors.card_state(Card.objects.get(pk=card.pk)), later, settings=settings
        )
        for card in cards[:2]
    ]
    assert (result.mastery.cards, result.mastery.studied, result.mastery.coverage) == (4, 2, 0.5)
    assert result.mastery.retention == pytest.approx(sum(recall) / 2)
    assert result.mastery.retention < 0.9 and result.needs_review is True  # known, and faded


# --- Reminders -------------------------------------------------------------------------------


def test_reminders_go_to_learners_whose_local_hour_it_is():
    at = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
    tokyo = learner_in("Asia/Tokyo", name="tokyo", reminder_hour=9)  # 09:00 there
    learner_in("America/New_York", name="new-york", reminder_hour=9)  # 20:00 there
    kolkata = learner_in("Asia/Kolkata", name="kolkata", reminder_hour=5)  # 05:30 there
    learner_in("Asia/Tokyo", name="opted-out", reminder_hour=None)
    gone = learner_in("Asia/Tokyo", name="gone", reminder_hour=9)
    gone.is_active = False
    gone.save()

    assert selectors.learners_due_reminder(now=at) == [tokyo.pk, kolkata.pk]


def test_unseen_reminders_are_the_learners_own_notices_not_yet_seen(alice, bob):
    sent = {"claimed_at": NOW, "sent_at": NOW}
    mine = Reminder.objects.create(learner=alice, local_date=date(2026, 6, 1), due_count=3, **sent)
    Reminder.objects.create(learner=alice, local_date=date(2026, 5, 31), due_count=3, seen_at=NOW, **sent)
    Reminder.objects.create(learner=alice, local_date=date(2026, 6, 2))  # written down, not delivered yet
    Reminder.objects.create(learner=bob, local_date=date(2026, 6, 1), due_count=3, **sent)

    assert list(selectors.unseen_reminders(alice)) == [mine]
    assert reminders.reminders_mark_seen(learner=alice, now=NOW) == 1
    assert not selectors.unseen_reminders(alice).exists()
