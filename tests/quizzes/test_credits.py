"""Implicit review credit along prerequisites, end to end through the review API.

    linear-algebra ──required──▶ attention      (a successful review of attention credits
                                                 the learner's linear-algebra cards)
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from quizzes import fire, scheduler, selectors, services
from quizzes.cards import cards_rebuild
from quizzes.models import Card, CreditCalibration, CreditKind, ImplicitCredit, ReviewLog
from quizzes.services import ReviewInput
from tests.factories import PrerequisiteFactory, QuestionFactory, TopicFactory

pytestmark = pytest.mark.django_db

SUBMIT = "/api/v1/me/reviews/"


@pytest.fixture
def topics():
    algebra = TopicFactory(slug="linear-algebra", title="Linear algebra")
    attention = TopicFactory(slug="attention", title="Attention")
    PrerequisiteFactory(from_topic=algebra, to_topic=attention, kind="required")
    return algebra, attention


def learnt(learner, topic, *, days_ago, cards=2):
    """Cards on `topic` the learner answered Good twice `days_ago` days ago: in review state."""
    at = timezone.now() - timedelta(days=days_ago)
    for _ in range(cards):
        QuestionFactory(topic=topic)
    services.enroll_topic_cards(learner=learner, topic=topic, now=at)
    found = list(Card.objects.filter(learner=learner, topic=topic).order_by("pk"))
    for card in found:
        for minutes in (0, 10):
            review = ReviewInput(card_id=card.pk, rating=3, reviewed_at=at + timedelta(minutes=minutes))
            services.review_submit(learner=learner, review=review, now=at + timedelta(minutes=minutes))
    return [Card.objects.get(pk=card.pk) for card in found]


def new_card(learner, topic):
    question = QuestionFactory(topic=topic)
    services.enroll_topic_cards(learner=learner, topic=topic, now=timezone.now() - timedelta(minutes=5))
    return Card.objects.get(learner=learner, question=question)


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_successful_review_credits_the_cards_of_what_it_builds_on(alice, topics):
    algebra, attention = topics
    before = learnt(alice, algebra, days_ago=6)
    card = new_card(alice, attention)
    explicit = ReviewLog.objects.count()

    response = client_for(alice).post(SUBMIT, {"card": card.pk, "rating": 3}, format="json")

    assert response.status_code == 201
    credits = ImplicitCredit.objects.filter(kind=CreditKind.CREDIT).order_by("card_id")
    assert [c.card_id for c in credits] == [c.pk for c in before]
    assert {c.source_id for c in credits} == {response.json()["review"]}
    expected_weight = fire.DEFAULT_EDGE_WEIGHT * fire.PRIOR_TRUST
    assert all(c.weight == pytest.approx(expected_weight) for c in credits)
    now = timezone.now()
    for old in before:
        new = Card.objects.get(pk=old.pk)
        settings = selectors.scheduler_settings_for(alice.profile)
        # Remembered better and due later, yet no answer was logged for it.
        assert new.stability > old.stability and new.due >= old.due
        recall = scheduler.retrievabilities(
            [selectors.card_state(old), selectors.card_state(new)], now, settings=settings
        )
        assert recall[1] > recall[0]
        assert new.reps == old.reps and new.uncredited_stability == old.stability
    assert ReviewLog.objects.count() == explicit + 1  # credits are not reviews


def test_credit_is_earned_once_however_often_an_offline_upload_is_sent(alice, topics):
    algebra, attention = topics
    learnt(alice, algebra, days_ago=6)
    card = new_card(alice, attention)
    batch = [{"card": card.pk, "rating": 3, "reviewed_at": timezone.now().isoformat(), "client_id": "t-1"}]
    client = client_for(alice)

    first = client.post(SUBMIT, batch, format="json").json()
    states = list(Card.objects.filter(topic=algebra).values_list("stability", "due", "last_review"))
    again = client.post(SUBMIT, batch, format="json").json()

    assert [r["status"] for r in first["results"]] == ["applied"]
    assert [r["status"] for r in again["results"]] == ["duplicate"]
    assert ImplicitCredit.objects.count() == 2
    assert list(Card.objects.filter(topic=algebra).values_list("stability", "due", "last_review")) == states


def test_a_card_takes_one_credit_a_day_however_many_reviews_earn_it(alice, topics):
    algebra, attention = topics
    learnt(alice, algebra, days_ago=6)
    client = client_for(alice)
    for _ in range(3):
        card = new_card(alice, attention)
        client.post(SUBMIT, {"card": card.pk, "rating": 3}, format="json")

    assert ImplicitCredit.objects.count() == 2  # one per linear-algebra card


def test_a_failed_review_earns_no_credit(alice, topics):
    algebra, attention = topics
    learnt(alice, algebra, days_ago=6)
    card = new_card(alice, attention)

    client_for(alice).post(SUBMIT, {"card": card.pk, "rating": 1}, format="json")

    assert not ImplicitCredit.objects.exists()


def test_a_lapse_brings_the_weakest_prerequisites_credited_cards_back_due(alice, topics):
    algebra, attention = topics
    attention.prerequisite_edges.update(weight=1.0)
    CreditCalibration.objects.create(learner=alice, observed=10.0, expected=10.0)  # credit borne out so far
    algebra_cards = learnt(alice, algebra, days_ago=2.5)
    attention_card = learnt(alice, attention, days_ago=1, cards=1)[0]  # credits linear algebra
    credited = list(Card.objects.filter(pk__in=[c.pk for c in algebra_cards]))
    assert all(c.uncredited_stability is not None and c.due > timezone.now() for c in credited)

    response = client_for(alice).post(SUBMIT, {"card": attention_card.pk, "rating": 1}, format="json")

    boosts = ImplicitCredit.objects.filter(kind=CreditKind.BOOST)
    assert {b.card_id for b in boosts} == {c.pk for c in algebra_cards}
    assert {b.source_id for b in boosts} == {response.json()["review"]}
    due = [Card.objects.get(pk=c.pk).due for c in algebra_cards]
    assert all(d <= timezone.now() for d in due)
    assert {c.pk for c in selectors.due_cards(learner=alice, card_ids=selectors.due_queue(
        learner=alice, now=timezone.now()).card_ids)} >= {c.pk for c in algebra_cards}


def test_reviewing_a_credited_card_tests_the_credit(alice, topics):
    algebra, attention = topics
    algebra_cards = learnt(alice, algebra, days_ago=6)
    client = client_for(alice)
    client.post(SUBMIT, {"card": new_card(alice, attention).pk, "rating": 3}, format="json")

    client.post(SUBMIT, {"card": algebra_cards[0].pk, "rating": 3}, format="json")

    calibration = CreditCalibration.objects.get(learner=alice)
    assert calibration.expected > 0  # recall predicted with the credit was higher than without
    assert Card.objects.get(pk=algebra_cards[0].pk).uncredited_stability is None


def test_rebuilding_a_card_replays_its_credits(alice, topics):
    algebra, attention = topics
    learnt(alice, algebra, days_ago=6)
    client_for(alice).post(SUBMIT, {"card": new_card(alice, attention).pk, "rating": 3}, format="json")
    live = list(Card.objects.filter(topic=algebra).order_by("pk"))
    fields = ("state", "stability", "difficulty", "due", "last_review", "last_credit", "uncredited_stability")

    settings = selectors.scheduler_settings_for(alice.profile)
    rebuilt = cards_rebuild(cards=list(Card.objects.filter(topic=algebra).order_by("pk")), settings=settings)
    twice = cards_rebuild(cards=list(Card.objects.filter(topic=algebra).order_by("pk")), settings=settings)

    for a, b, c in zip(live, rebuilt, twice, strict=True):
        assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields] == [getattr(c, f) for f in fields]


def test_an_offline_review_older_than_the_prerequisites_last_review_earns_nothing(alice, topics):
    algebra, attention = topics
    learnt(alice, algebra, days_ago=6)
    card = new_card(alice, attention)
    long_ago = timezone.now() - timedelta(days=7)
    Card.objects.filter(pk=card.pk).update(created_at=long_ago - timedelta(days=1))
    batch = [{"card": card.pk, "rating": 3, "reviewed_at": long_ago.isoformat(), "client_id": "old"}]

    client_for(alice).post(SUBMIT, batch, format="json")

    assert not ImplicitCredit.objects.exists()


def test_an_installation_can_switch_implicit_credit_off(alice, topics, settings):
    settings.IMPLICIT_CREDIT = False
    algebra, attention = topics
    learnt(alice, algebra, days_ago=6)

    client_for(alice).post(SUBMIT, {"card": new_card(alice, attention).pk, "rating": 3}, format="json")

    assert not ImplicitCredit.objects.exists()
    assert all(c.last_credit is None for c in Card.objects.filter(topic=algebra))


def test_an_edge_weight_from_the_curriculum_sets_the_credit(alice, topics):
    algebra, attention = topics
    attention.prerequisite_edges.update(weight=0.9)
    learnt(alice, algebra, days_ago=6)

    client_for(alice).post(SUBMIT, {"card": new_card(alice, attention).pk, "rating": 3}, format="json")

    weights = list(ImplicitCredit.objects.values_list("weight", flat=True))
    assert weights == [pytest.approx(0.9 * fire.PRIOR_TRUST)] * 2


def test_the_optimiser_reads_only_real_reviews(alice, topics):
    algebra, attention = topics
    learnt(alice, algebra, days_ago=6)
    client_for(alice).post(SUBMIT, {"card": new_card(alice, attention).pk, "rating": 3}, format="json")

    rows = selectors.review_rows(learner_id=alice.pk, until=timezone.now())

    assert len(rows) == ReviewLog.objects.count() == 5
    assert ImplicitCredit.objects.count() == 2


def test_a_learner_whose_reviews_bore_credit_out_is_spared_reviews_one_whose_did_not_is_not(
    alice, bob, topics
):
    algebra, attention = topics
    # Alice recalled credited cards as well as the credits said; Bob as if they had never been.
    CreditCalibration.objects.create(learner=alice, observed=60.0, expected=50.0)
    CreditCalibration.objects.create(learner=bob, observed=-50.0, expected=50.0)
    due_before, due_after = {}, {}
    for learner in (alice, bob):
        cards = learnt(learner, algebra, days_ago=6)
        due_before[learner] = set(selectors.due_queue(learner=learner, now=timezone.now()).card_ids)
        assert due_before[learner] >= {c.pk for c in cards}  # the linear-algebra cards are due

        answer = {"card": new_card(learner, attention).pk, "rating": 3}
        response = client_for(learner).post(SUBMIT, answer, format="json")

        assert response.status_code == 201
        due_after[learner] = set(selectors.due_queue(learner=learner, now=timezone.now()).card_ids)

    trusted = list(ImplicitCredit.objects.filter(learner=alice).values_list("weight", flat=True))
    wary = list(ImplicitCredit.objects.filter(learner=bob).values_list("weight", flat=True))
    assert trusted and trusted == [pytest.approx(fire.DEFAULT_EDGE_WEIGHT)] * len(trusted)
    assert wary and wary == [pytest.approx(fire.DEFAULT_EDGE_WEIGHT * fire.MIN_TRUST)] * len(wary)
    # Alice's credited cards are no longer due: the review of attention was their review.
    assert not due_after[alice] & {c.pk for c in Card.objects.filter(learner=alice, topic=algebra)}
    # Bob's stay due: a weak credit postpones a review by a few minutes at most.
    assert due_after[bob] >= {c.pk for c in Card.objects.filter(learner=bob, topic=algebra)}
    for card in Card.objects.filter(learner=bob, topic=algebra):
        assert card.last_credit is not None and card.due <= timezone.now()
