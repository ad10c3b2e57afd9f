"""Behaviour of quizzes.services: enrolling, live and offline reviews."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from progress.models import Activity, ActivityKind, LearnerProfile, User
from quizzes import choices, grading, scheduler, selectors, services
from quizzes.models import Card, ReviewLog
from quizzes.services import ReviewInput
from roadmap.selectors import roadmap_graph
from tests.concurrency import at_once
from tests.factories import (
    MultipleChoiceFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


# A learner's month with one card: first sight, learning steps, a lapse, relearning, long gaps.
SEQUENCE = [
    (3, timedelta(0)),
    (3, timedelta(minutes=10)),
    (3, timedelta(days=2)),
    (1, timedelta(days=6)),
    (2, timedelta(minutes=10)),
    (3, timedelta(minutes=15)),
    (4, timedelta(days=3)),
    (3, timedelta(days=17)),
]

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: real concurrent connections from threads (SQLite's test database "
    "is in memory, one per connection, and has no SELECT ... FOR UPDATE); "
    "set DATABASE_URL=postgres://... to run this",
)


def card_for(learner, question=None, *, at=NOW) -> Card:
    """Enrol the learner in the question's topic and return the question's card."""
    question = question or QuestionFactory()
    services.enroll_topic_cards(learner=learner, topic=question.topic, now=at)
    return Card.objects.get(learner=learner, question=question)


def submit(learner, card, rating=None, at=None, **fields):
    review = ReviewInput(card_id=card.pk, rating=rating, reviewed_at=at, **fields)
    return services.review_submit(learner=learner, review=review, now=at or NOW)


def expected_after(card, reviews, settings=None):
    """What scheduler.replay makes of the card's reviews, from a new card."""
    return scheduler.replay(
        scheduler.CardState.new(card.created_at),
        reviews,
        settings=settings or scheduler.SchedulerSettings(),
        seed_prefix=card.pk,
    )


def state(card) -> scheduler.CardState:
    card.refresh_from_db()
    return selectors.card_state(card)


def statements(queries: CaptureQueriesContext) -> list[str]:
    """The SQL a block sent, less transaction control (BEGIN, SAVEPOINT, COMMIT...)."""
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
    return [query["sql"] for query in queries if not query["sql"].startswith(control)]


def timeline(start=NOW, sequence=SEQUENCE):
    at, reviews = start, []
    for rating, gap in sequence:
        at += gap
        reviews.append((rating, at))
    return reviews


# --- Enrolling -------------------------------------------------------------------------------


def test_enrolling_a_topic_gives_a_new_card_due_now_for_each_active_question(alice):
    topic = TopicFactory()
    active = QuestionFactory.create_batch(3, topic=topic)
    QuestionFactory(topic=topic, is_active=False)

    created = services.enroll_topic_cards(learner=alice, topic=topic, now=NOW)

    cards = Card.objects.filter(learner=alice)
    assert created == 3
    assert {card.question for card in cards} == set(active)
    assert {(card.state, card.due, card.reps) for card in cards} == {("new", NOW, 0)}


def test_enrolling_again_only_adds_questions_added_since(alice):
    topic = TopicFactory()
    QuestionFactory.create_batch(2, topic=topic)
    services.enroll_topic_cards(learner=alice, topic=topic, now=NOW)
    QuestionFactory(topic=topic)

    assert services.enroll_topic_cards(learner=alice, topic=topic, now=NOW + timedelta(days=1)) == 1
    assert services.enroll_topic_cards(learner=alice, topic=topic, now=NOW + timedelta(days=2)) == 0
    assert Card.objects.filter(learner=alice).count() == 3


def test_starting_or_finishing_a_topic_enrolls_its_cards(alice):
    from progress import services as progress_services

    topic = TopicFactory()
    QuestionFactory.create_batch(2, topic=topic)

    progress_services.topic_status_set(learner=alice, topic=topic, status="in_progress", at=NOW)
    started = Card.objects.filter(learner=alice, topic=topic).count()
    QuestionFactory(topic=topic)
    progress_services.topic_status_set(
        learner=alice, topic=topic, status="done", at=NOW + timedelta(days=1)
    )

    assert (started, Card.objects.filter(learner=alice, topic=topic).count()) == (2, 3)


# --- Live reviews ----------------------------------------------------------------------------


def test_a_sequence_of_live_reviews_ends_where_the_fsrs_package_does(alice):
    card = card_for(alice)
    reviews = timeline()

    for rating, at in reviews:
        submit(alice, card, rating, at)

    assert state(card) == expected_after(card, reviews)
    assert card.reps == len(reviews)
    assert card.lapses == 1  # the Again on day 8 forgot a card in review


def test_a_review_writes_the_log_the_card_and_the_activity_together(alice):
    card = card_for(alice)

    result = submit(alice, card, 3, NOW, duration_ms=4200, answer="eigen-things")

    log = ReviewLog.objects.get()
    assert (result.status, result.review) == ("applied", log)
    assert (log.rating, log.reviewed_at, log.duration_ms, log.answer) == (
        3,
        NOW,
        4200,
        "eigen-things",
    )
    assert state(card).last_review == NOW
    activity = Activity.objects.get(kind=ActivityKind.REVIEW)
    assert (activity.learner, activity.topic_id, activity.occurred_at) == (
        alice,
        card.topic_id,
        NOW,
    )


def test_reviewed_at_in_another_time_zone_is_stored_in_utc(alice):
    card = card_for(alice)
    submit(alice, card, 3, NOW.astimezone(ZoneInfo("Asia/Kolkata")))

    assert ReviewLog.objects.get().reviewed_at == NOW
    assert state(card).last_review == NOW


def test_the_preview_shows_exactly_what_each_button_then_does(alice):
    card = card_for(alice)
    submit(alice, card, 3, NOW)
    later = NOW + timedelta(days=1)
    card.refresh_from_db()
    previews = selectors.review_previews(
        card=card, now=later, settings=scheduler.SchedulerSettings()
    )

    submit(alice, card, 4, later)

    assert [p.label for p in previews] == ["Again", "Hard", "Good", "Easy"]
    assert state(card).due == previews[3].due


def shown_at(card, index, presentation=None):
    """The position at which choice `index` of the card's question is shown."""
    presentation = presentation or card.reps + 1
    return choices.shown_order(card.pk, presentation, len(card.question.choices)).index(index)


@pytest.mark.parametrize(("choice", "expected_rating", "correct"), [(1, 3, True), (0, 1, False)])
def test_multiple_choice_is_graded_right_good_wrong_again(alice, choice, expected_rating, correct):
    card = card_for(alice, MultipleChoiceFactory())

    result = submit(alice, card, None, NOW, answer=shown_at(card, choice))

    assert (result.review.rating, result.review.correct, result.review.answer) == (
        expected_rating,
        correct,
        str(choice),  # the log keeps the question's own index, not the shuffled position
    )


@pytest.mark.parametrize(
    ("choice", "rating", "message"),
    [
        (1, 4, "this one is right, so 3 (Good), not 4"),
        (1, 2, "this one is right, so 3 (Good), not 2"),
        (0, 3, "this one is wrong, so 1 (Again), not 3"),
    ],
)
def test_a_rating_that_contradicts_the_answer_is_refused(alice, choice, rating, message):
    card = card_for(alice, MultipleChoiceFactory())

    with pytest.raises(ValidationError) as error:
        submit(alice, card, rating, NOW, answer=shown_at(card, choice))

    assert message in error.value.message_dict["rating"][0]
    assert not ReviewLog.objects.exists()


def test_a_bare_rating_for_a_multiple_choice_card_is_refused(alice):
    card = card_for(alice, MultipleChoiceFactory())

    with pytest.raises(ValidationError) as error:
        submit(alice, card, 3, NOW)

    assert "graded from its answer" in error.value.message_dict["answer"][0]
    assert not ReviewLog.objects.exists()


def test_options_are_shuffled_per_presentation_and_graded_in_the_order_shown(alice):
    question = MultipleChoiceFactory(
        choices=["alpha", "beta", "gamma", "delta", "epsilon"], correct_choices=[3]
    )
    card = card_for(alice, question)
    orders = {tuple(choices.shown_order(card.pk, n, 5)) for n in range(1, 9)}
    shown = selectors.shown_question(card)

    result = submit(alice, card, None, NOW, answer=shown.choices.index("delta"))

    assert len(orders) > 1  # a different order from one presentation to the next
    assert shown.presentation == 1 and sorted(shown.choices) == sorted(question.choices)
    assert (result.review.correct, result.review.rating) == (True, 3)
    assert selectors.shown_question(Card.objects.get(pk=card.pk)).presentation == 2


def test_an_offline_answer_is_graded_in_the_order_its_device_showed(alice):
    card = card_for(alice, MultipleChoiceFactory(), at=NOW - timedelta(days=2))
    shown = selectors.shown_question(card)  # downloaded before going offline
    second = choices.shown_choices(card.pk, 2, card.question.choices)  # shown for review 2
    offline = [
        ReviewInput(card_id=card.pk, answer=shown.choices.index("a singular one"),
                    presentation=shown.presentation, reviewed_at=NOW - timedelta(days=1), client_id="a"),
        # Without a presentation: the shuffle the card showed for that review, its second.
        ReviewInput(card_id=card.pk, answer=second.index("a singular one"), reviewed_at=NOW, client_id="b"),
    ]  # fmt: skip

    first, then = services.reviews_upload(learner=alice, reviews=offline, now=NOW)

    assert (first.status, first.review.correct, first.review.rating) == ("applied", True, 3)
    assert (then.status, then.review.correct) == ("applied", True)


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(count=st.integers(2, 8), presentation=st.integers(1, 50), data=st.data())
def test_the_right_option_is_right_wherever_it_is_shown(alice, count, presentation, data):
    correct = data.draw(st.integers(0, count - 1))
    question = MultipleChoiceFactory(
        choices=[f"option {n}" for n in range(count)], correct_choices=[correct]
    )
    card = card_for(alice, question)
    card.reps = presentation - 1  # as if shown for its presentation-th review
    position = shown_at(card, correct, presentation)

    graded = grading.grade(
        card, ReviewInput(card_id=card.pk, answer=position, presentation=presentation), live=False
    )

    assert graded[:3] == (3, True, str(correct))


@pytest.mark.parametrize(
    ("question", "fields", "field", "message"),
    [
        (QuestionFactory, {}, "rating", "this free recall card needs a rating"),
        (
            QuestionFactory,
            {"rating": 5},
            "rating",
            "rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy), got 5",
        ),
        (
            MultipleChoiceFactory,
            {},
            "answer",
            "a multiple choice card is graded from its answer: send the position of the option "
            "you chose (a rating alone is not accepted)",
        ),
        (
            MultipleChoiceFactory,
            {"answer": 3},
            "answer",
            "choose by position in the order shown, 0 to 2; got [3]",
        ),
        (
            QuestionFactory,
            {"rating": 3, "answer": 2},
            "answer",
            "a free-recall answer must be text",
        ),
    ],
)
def test_it_refuses_a_review_it_cannot_grade_and_names_the_field(
    alice, question, fields, field, message
):
    card = card_for(alice, question())

    with pytest.raises(ValidationError) as error:
        services.review_submit(
            learner=alice, review=ReviewInput(card_id=card.pk, **fields), now=NOW
        )

    assert error.value.message_dict == {field: [message]}


def test_it_refuses_a_review_dated_in_the_future_beyond_the_clock_skew(alice):
    card = card_for(alice)

    with pytest.raises(ValidationError, match="is in the future"):
        services.review_submit(
            learner=alice,
            review=ReviewInput(card.pk, 3, reviewed_at=NOW + timedelta(minutes=6)),
            now=NOW,
        )
    assert not ReviewLog.objects.exists()


def test_a_device_clock_slightly_ahead_is_taken_as_now(alice):
    card = card_for(alice)

    services.review_submit(
        learner=alice,
        review=ReviewInput(card.pk, 3, reviewed_at=NOW + timedelta(minutes=4)),
        now=NOW,
    )

    assert ReviewLog.objects.get().reviewed_at == NOW


def test_it_refuses_a_review_from_before_the_card_existed(alice):
    card = card_for(alice)

    with pytest.raises(ValidationError, match="before the card existed"):
        submit(alice, card, 3, NOW - timedelta(seconds=1))


def test_it_refuses_a_live_review_older_than_the_cards_last_review(alice):
    card = card_for(alice)
    submit(alice, card, 3, NOW + timedelta(hours=1))

    with pytest.raises(ValidationError, match="before the card's last review"):
        services.review_submit(
            learner=alice,
            review=ReviewInput(card.pk, 3, reviewed_at=NOW + timedelta(minutes=30)),
            now=NOW + timedelta(hours=2),
        )
    assert ReviewLog.objects.count() == 1


def test_a_learner_cannot_review_someone_elses_card(alice, bob):
    card = card_for(bob)

    with pytest.raises(Card.DoesNotExist):
        submit(alice, card, 3, NOW)


def test_a_live_review_resent_with_its_client_id_is_applied_once(alice):
    card = card_for(alice)
    first = submit(alice, card, 3, NOW, client_id="phone-1")

    again = submit(alice, card, 3, NOW, client_id="phone-1")

    assert (first.status, again.status, again.review) == ("applied", "duplicate", first.review)
    assert ReviewLog.objects.count() == 1
    assert state(card).step == 1


def test_a_live_review_is_four_statements_and_the_profile_is_read_once_per_request(alice):
    first, second = (card_for(alice, QuestionFactory()) for _ in range(2))
    learner = User.objects.get(pk=alice.pk)  # as a request sees them: no profile read yet
    roadmap_graph()  # built once per roadmap version for every process

    counts = []
    for card in (first, second):
        with CaptureQueriesContext(connection) as queries:
            submit(learner, card, 3, NOW)
        counts.append(len(statements(queries)))

    # The card locked (with the roadmap version, for the implicit credit: none here, the
    # topic builds on nothing), the log row, the card, the activity; and the profile, the
    # first time (over the API it comes with the token: tests/api/test_query_counts.py).
    assert counts == [5, 4]


def test_a_learner_without_a_profile_yet_can_review_and_gets_one(db):
    learner = User.objects.create(username="dana")
    card = card_for(learner)

    result = submit(learner, card, 3, NOW)

    assert result.status == "applied"
    assert LearnerProfile.objects.filter(user=learner).exists()


# --- Offline batches -------------------------------------------------------------------------


def batch(card, reviews, prefix="r"):
    return [
        ReviewInput(
            card_id=card.pk, rating=rating, reviewed_at=at, client_id=f"{prefix}-{card.pk}-{n}"
        )
        for n, (rating, at) in enumerate(reviews)
    ]


def test_the_same_offline_batch_sent_twice_changes_nothing(alice):
    card = card_for(alice)
    reviews = batch(card, timeline())
    first = services.reviews_upload(learner=alice, reviews=reviews, now=NOW + timedelta(days=40))
    after_first = state(card)

    second = services.reviews_upload(learner=alice, reviews=reviews, now=NOW + timedelta(days=41))

    assert {r.status for r in first} == {"applied"}
    assert {r.status for r in second} == {"duplicate"}
    assert [r.review.pk for r in second] == [r.review.pk for r in first]
    assert state(card) == after_first
    assert ReviewLog.objects.count() == len(SEQUENCE)
    assert Activity.objects.filter(kind=ActivityKind.REVIEW).count() == len(SEQUENCE)


def test_an_out_of_order_batch_ends_at_the_live_state(alice, bob):
    question = QuestionFactory()
    live, offline = card_for(alice, question), card_for(bob, question)
    reviews = timeline()
    for rating, at in reviews:
        submit(alice, live, rating, at)

    shuffled = batch(offline, reviews)[::-1]
    services.reviews_upload(learner=bob, reviews=shuffled, now=NOW + timedelta(days=40))

    # Cards differ only by id, which seeds the fuzz: compare each with its own replay.
    assert state(offline) == expected_after(offline, reviews)
    assert state(live) == expected_after(live, reviews)
    assert (offline.reps, offline.lapses) == (live.reps, live.lapses)


def test_an_offline_review_older_than_the_last_live_one_is_replayed_into_place(alice):
    card = card_for(alice)
    reviews = timeline()
    phone, web = reviews[:3] + reviews[5:], reviews[3:5]  # the phone was offline for days 8-9
    for rating, at in phone:
        submit(alice, card, rating, at)

    results = services.reviews_upload(
        learner=alice, reviews=batch(card, web), now=NOW + timedelta(days=40)
    )

    assert [r.status for r in results] == ["applied", "applied"]
    assert state(card) == expected_after(card, reviews)
    assert (card.reps, card.lapses) == (len(reviews), 1)


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sequence=st.lists(
        st.tuples(
            st.integers(1, 4), st.integers(1, 60 * 24 * 30).map(lambda m: timedelta(minutes=m))
        ),
        min_size=1,
        max_size=8,
    ),
    sent_offline=st.lists(st.booleans(), min_size=8, max_size=8),
    order=st.randoms(use_true_random=False),
)
def test_any_mix_of_live_and_offline_reviews_ends_at_the_replayed_state(
    alice, sequence, sent_offline, order
):
    card = card_for(alice, at=NOW)
    reviews = timeline(sequence=sequence)
    offline = [review for review, flag in zip(reviews, sent_offline, strict=False) if flag]
    for review in reviews:
        if review not in offline:
            submit(alice, card, *review)
    order.shuffle(offline)

    if offline:
        services.reviews_upload(learner=alice, reviews=batch(card, offline), now=reviews[-1][1])

    assert state(card) == expected_after(card, reviews)
    assert card.reps == len(reviews)
    Card.objects.filter(pk=card.pk).delete()


def test_a_batch_rejects_bad_items_one_by_one_and_applies_the_rest(alice, bob):
    card, other = card_for(alice), card_for(bob)
    reviews = [
        ReviewInput(card.pk, 3, reviewed_at=NOW + timedelta(minutes=1), client_id="ok-1"),
        ReviewInput(card.pk, 3, reviewed_at=NOW + timedelta(days=3), client_id="future"),
        ReviewInput(card.pk, 3, reviewed_at=NOW - timedelta(days=1), client_id="too-early"),
        ReviewInput(other.pk, 3, reviewed_at=NOW + timedelta(minutes=1), client_id="bobs"),
        ReviewInput(card.pk, 3, reviewed_at=NOW + timedelta(minutes=2)),
        ReviewInput(card.pk, None, reviewed_at=NOW + timedelta(minutes=3), client_id="unrated"),
        ReviewInput(card.pk, 4, client_id="undated"),
        ReviewInput(card.pk, 3, reviewed_at=NOW + timedelta(minutes=20), client_id="ok-2"),
    ]

    results = services.reviews_upload(learner=alice, reviews=reviews, now=NOW + timedelta(hours=1))

    assert [r.status for r in results] == ["applied"] + ["rejected"] * 6 + ["applied"]
    assert [list(r.errors) for r in results] == [
        [],
        ["reviewed_at"],
        ["reviewed_at"],
        ["card"],
        ["client_id"],
        ["rating"],
        ["reviewed_at"],
        [],
    ]
    assert "is in the future" in results[1].errors["reviewed_at"][0]
    assert "before the card existed" in results[2].errors["reviewed_at"][0]
    assert set(ReviewLog.objects.values_list("client_id", flat=True)) == {"ok-1", "ok-2"}
    assert not ReviewLog.objects.filter(card=other).exists()


def statements_to_upload(learner, reviews, now) -> int:
    """How many statements an upload takes, sent as a new request would (no profile read yet)."""
    fresh = User.objects.get(pk=learner.pk)
    roadmap_graph()  # built once per roadmap version for every process
    with CaptureQueriesContext(connection) as queries:
        results = services.reviews_upload(learner=fresh, reviews=reviews, now=now)
    assert {result.status for result in results} == {"applied"}
    return len(statements(queries))


def test_an_offline_batch_is_the_same_few_statements_whatever_its_size(alice):
    topic = TopicFactory()
    QuestionFactory.create_batch(30, topic=topic)
    services.enroll_topic_cards(learner=alice, topic=topic, now=NOW)
    cards = list(Card.objects.filter(learner=alice))
    reviews = [ReviewInput(card.pk, 3, reviewed_at=NOW, client_id=f"r-{card.pk}") for card in cards]

    # Cards, known client ids, profile; then one insert each of logs, cards and activities;
    # and the roadmap version, for implicit credit (none here: the topic builds on nothing).
    assert statements_to_upload(alice, reviews[:1], NOW) == 7
    assert statements_to_upload(alice, reviews[1:], NOW) == 7
    assert Card.objects.filter(learner=alice, reps=1).count() == 30


def test_replaying_older_reviews_into_many_cards_is_still_a_few_statements(alice):
    topic = TopicFactory()
    QuestionFactory.create_batch(12, topic=topic)
    services.enroll_topic_cards(learner=alice, topic=topic, now=NOW)
    cards = list(Card.objects.filter(learner=alice))
    live, offline = (3, NOW + timedelta(hours=1)), (4, NOW + timedelta(minutes=30))
    for card in cards:
        submit(alice, card, *live)
    reviews = [
        ReviewInput(card.pk, offline[0], reviewed_at=offline[1], client_id=f"r-{card.pk}")
        for card in cards
    ]

    # As above, with the cards' logs and implicit credits read once to rebuild them all (and
    # no other card moved).
    later = NOW + timedelta(hours=2)
    assert statements_to_upload(alice, reviews[:2], later) == 9
    assert statements_to_upload(alice, reviews[2:], later) == 9
    for card in cards:
        assert state(card) == expected_after(card, [offline, live])
        assert card.reps == 2


def test_a_client_id_used_twice_in_one_batch_is_applied_once(alice):
    card = card_for(alice)
    review = ReviewInput(card.pk, 3, reviewed_at=NOW, client_id="same")

    results = services.reviews_upload(learner=alice, reviews=[review, review], now=NOW)

    assert [r.status for r in results] == ["applied", "duplicate"]
    assert results[1].review == results[0].review == ReviewLog.objects.get()


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submissions_for_one_card_both_land():
    learner = UserFactory(username="racer")
    card = card_for(learner, at=timezone.now() - timedelta(minutes=1))
    def review(rating):
        return lambda: services.review_submit(learner=learner, review=ReviewInput(card.pk, rating))

    at_once(review(3), review(4))

    logs = list(ReviewLog.objects.filter(card=card).order_by("reviewed_at", "id"))
    assert sorted(log.rating for log in logs) == [3, 4]
    card.refresh_from_db()
    assert card.reps == 2
    assert selectors.card_state(card) == expected_after(
        card, [(log.rating, log.reviewed_at) for log in logs]
    )


# --- The learner's parameters --------------------------------------------------------------


def test_a_learners_fitted_parameters_drive_their_scheduler(alice):
    card = card_for(alice)
    fitted = list(scheduler.SchedulerSettings().parameters)
    fitted[2] = 10.0  # a much larger initial stability for Good
    LearnerProfile.objects.filter(user=alice).update(fsrs_parameters=fitted, desired_retention=0.8)
    alice.refresh_from_db()
    alice._profile_cache = None

    submit(alice, card, 3, NOW + timedelta(minutes=1))

    settings = scheduler.SchedulerSettings(desired_retention=0.8, parameters=fitted)
    assert state(card) == expected_after(card, [(3, NOW + timedelta(minutes=1))], settings)
    assert state(card).stability == 10.0
