"""Behaviour of the review and quiz-question API.

The URLconf below mounts the quiz URLs at ``/api/v1/`` and ``/reviews/``, as
config/urls.py and api/urls.py do.
"""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS, reset_generator_stats
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from progress.models import LearnerProfile
from quizzes import choices
from quizzes.models import Card, Question, ReviewLog
from tests.factories import (
    MultipleChoiceFactory,
    QuestionFactory,
    TopicFactory,
    TopicProgressFactory,
)
from tests.quizzes.test_services import card_for

pytestmark = pytest.mark.django_db

DUE = "/api/v1/me/reviews/due/"
SUBMIT = "/api/v1/me/reviews/"
BATCH = "/api/v1/me/reviews/batch/"
FORECAST = "/api/v1/me/reviews/forecast/"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def enrolled(learner, question=None):
    """A card created a minute ago, so reviews sent 'now' come after it."""
    return card_for(learner, question, at=timezone.now() - timedelta(minutes=1))


# --- Due cards -------------------------------------------------------------------------------


def test_due_cards_show_the_question_without_its_answer_and_the_four_buttons(alice):
    card = enrolled(
        alice,
        MultipleChoiceFactory(topic=TopicFactory(slug="linear-algebra", title="Linear algebra")),
    )

    response = client_for(alice).get(DUE)

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["reviews_left"], body["new_left"], body["next_due"]) == (
        1,
        200,
        20,
        None,
    )
    item = body["results"][0]
    assert item["id"] == card.pk
    assert item["topic"] == {"slug": "linear-algebra", "title": "Linear algebra"}
    assert item["question"]["kind"] == "multiple-choice"
    assert item["question"]["prompt"] == "Which matrix has a zero determinant?"
    assert item["question"]["choices"] == choices.shown_choices(
        card.pk, 1, ["an orthogonal one", "a singular one", "the identity"]
    )
    assert item["presentation"] == 1
    assert "answer" not in str(item["question"]) and "correct" not in str(item)
    assert set(item["previews"]) == {"1", "2", "3", "4"}
    assert item["previews"]["1"]["interval"] == "1m"
    assert item["previews"]["3"]["label"] == "Good" and item["previews"]["3"]["interval"] == "10m"


def test_the_due_page_is_exactly_what_its_documented_serializers_make_of_it(alice, monkeypatch):
    from api.quizzes import serializers
    from progress.selectors import profile_for
    from quizzes import selectors

    now = timezone.now()
    for question in [QuestionFactory(), QuestionFactory(), MultipleChoiceFactory(), MultipleChoiceFactory()]:
        enrolled(alice, question)
    reviewed = Card.objects.filter(learner=alice).order_by("pk")[:2]
    for n, card in enumerate(reviewed):
        assert client_for(alice).post(SUBMIT, {"card": card.pk, "rating": 1 + 2 * n}, format="json").status_code == 201
    Card.objects.filter(pk__in=[c.pk for c in reviewed]).update(due=now - timedelta(minutes=1))
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(days=3, hours=5))

    body = client_for(alice).get(DUE + "?page_size=3").json()

    at = now + timedelta(days=3, hours=5)
    queue = selectors.due_queue(learner=alice, now=at)
    settings = selectors.scheduler_settings_for(profile_for(alice))
    cards = selectors.due_cards(learner=alice, card_ids=queue.card_ids[:3])
    documented = serializers.DueQueuePageSerializer(
        {
            "count": 4, "next": "http://testserver/api/v1/me/reviews/due/?page=2&page_size=3",
            "previous": None, "reviews_left": queue.reviews_left, "new_left": queue.new_left,
            "next_due": queue.next_due,
            "results": [
                {"card": card, "question": selectors.shown_question(card),
                 "previews": selectors.review_previews(card=card, now=at, settings=settings)}
                for card in cards
            ],
        }
    ).data  # fmt: skip
    assert json.dumps(body) == json.dumps(documented)  # the keys' order too
    assert {item["state"] for item in body["results"]} == {"learning", "new"}  # reviewed and new cards


def test_due_cards_are_paginated(alice):
    topic = TopicFactory()
    for _ in range(3):
        enrolled(alice, QuestionFactory(topic=topic))

    body = client_for(alice).get(DUE, {"page_size": 2}).json()

    assert (body["count"], len(body["results"])) == (3, 2)
    assert body["next"].endswith("page=2&page_size=2")


def test_a_learner_only_sees_their_own_cards(alice, bob):
    enrolled(bob)

    body = client_for(alice).get(DUE).json()

    assert body["count"] == 0 and body["results"] == []


def test_anonymous_callers_are_asked_to_authenticate():
    assert client_for().get(DUE).status_code == 401
    assert client_for().post(SUBMIT, {"card": 1, "rating": 3}).status_code == 401


# --- Submitting reviews ----------------------------------------------------------------------


def test_a_review_is_applied_and_the_new_card_state_returned(alice):
    card = enrolled(alice)

    response = client_for(alice).post(
        SUBMIT, {"card": card.pk, "rating": 3, "duration_ms": 5300}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["rating"], body["errors"]) == ("applied", 3, {})
    assert body["card"]["state"] == "learning" and body["card"]["reps"] == 1
    assert ReviewLog.objects.get().duration_ms == 5300


def test_a_multiple_choice_answer_is_graded_in_the_order_shown(alice):
    card = enrolled(alice, MultipleChoiceFactory())
    client = client_for(alice)
    shown = client.get(DUE).json()["results"][0]
    wrong = shown["question"]["choices"].index("the identity")

    bare = client.post(SUBMIT, {"card": card.pk, "rating": 3}, format="json")
    body = client.post(
        SUBMIT, {"card": card.pk, "answer": wrong, "presentation": shown["presentation"]},
        format="json",
    ).json()  # fmt: skip

    assert bare.status_code == 400 and "graded from its answer" in bare.json()["answer"][0]
    assert (body["rating"], body["correct"]) == (1, False)
    assert ReviewLog.objects.get().answer == "2"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"rating": 5}, "rating"),
        ({"rating": "good"}, "rating"),
        ({}, "rating"),
        ({"rating": 3, "reviewed_at": "yesterday"}, "reviewed_at"),
        ({"rating": 3, "client_id": "x" * 65}, "client_id"),
        ({"rating": 3, "answer": {"choice": 1}}, "answer"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(alice, payload, field):
    card = enrolled(alice)

    response = client_for(alice).post(SUBMIT, {"card": card.pk, **payload}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not ReviewLog.objects.exists()


def test_a_review_dated_in_the_future_is_refused(alice):
    card = enrolled(alice)
    future = (timezone.now() + timedelta(hours=1)).isoformat()

    response = client_for(alice).post(
        SUBMIT, {"card": card.pk, "rating": 3, "reviewed_at": future}, format="json"
    )

    assert response.status_code == 400
    assert "is in the future" in response.json()["reviewed_at"][0]


@pytest.mark.parametrize("naive", ["2026-11-21T09:30:00", "2026-11-21 09:30"])
def test_a_review_time_without_an_offset_is_refused_naming_the_field(alice, naive):
    card = enrolled(alice)

    response = client_for(alice).post(
        SUBMIT, {"card": card.pk, "rating": 3, "reviewed_at": naive}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "reviewed_at": [
            "reviewed_at must include a time zone offset, e.g. 2026-11-21T09:30:00+13:00 or "
            "2026-11-21T09:30:00Z."
        ]
    }
    assert not ReviewLog.objects.exists()


def test_an_offline_review_without_an_offset_is_rejected_and_the_others_applied(alice):
    card = enrolled(alice)
    # A phone in Auckland (UTC+13) reviewed 20 seconds ago by its own clock.
    auckland = timezone.now().astimezone(ZoneInfo("Pacific/Auckland")) - timedelta(seconds=20)
    batch = [
        {"card": card.pk, "rating": 3, "reviewed_at": auckland.isoformat(), "client_id": "a"},
        {
            "card": card.pk,
            "rating": 3,
            "reviewed_at": auckland.replace(tzinfo=None).isoformat(),
            "client_id": "b",
        },
    ]

    results = client_for(alice).post(SUBMIT, batch, format="json").json()["results"]

    assert [r["status"] for r in results] == ["applied", "rejected"]
    assert "must include a time zone offset" in results[1]["errors"]["reviewed_at"][0]
    assert ReviewLog.objects.get().reviewed_at == auckland


def test_someone_elses_card_is_not_found(alice, bob):
    card = enrolled(bob)

    response = client_for(alice).post(SUBMIT, {"card": card.pk, "rating": 3}, format="json")

    assert response.status_code == 404
    assert not ReviewLog.objects.exists()


def test_a_list_is_an_offline_batch_with_a_result_per_item(alice, bob):
    card, others = enrolled(alice), enrolled(bob)
    start = timezone.now()
    batch = [
        {
            "card": card.pk,
            "rating": 3,
            "reviewed_at": (start + timedelta(seconds=20)).isoformat(),
            "client_id": "b",
        },
        {"card": card.pk, "rating": 3, "reviewed_at": start.isoformat(), "client_id": "a"},
        {"card": card.pk, "rating": "easy", "reviewed_at": start.isoformat(), "client_id": "c"},
        {"card": others.pk, "rating": 3, "reviewed_at": start.isoformat(), "client_id": "d"},
    ]

    first = client_for(alice).post(SUBMIT, batch, format="json")
    second = client_for(alice).post(SUBMIT, batch, format="json")

    assert first.status_code == second.status_code == 200
    results = first.json()["results"]
    assert [(r["index"], r["client_id"], r["status"]) for r in results] == [
        (0, "b", "applied"),
        (1, "a", "applied"),
        (2, "c", "rejected"),
        (3, "d", "rejected"),
    ]
    assert list(results[2]["errors"]) == ["rating"] and list(results[3]["errors"]) == ["card"]
    assert results[3]["card"] is None
    assert [r["status"] for r in second.json()["results"]] == [
        "duplicate",
        "duplicate",
        "rejected",
        "rejected",
    ]
    assert [(r["review"], r["rating"]) for r in second.json()["results"][:2]] == [
        (r["review"], 3) for r in results[:2]
    ]
    assert ReviewLog.objects.count() == 2
    assert Card.objects.get(pk=card.pk).reps == 2


@pytest.mark.parametrize("body", [[], "review", 3])
def test_a_body_that_is_neither_a_review_nor_a_list_of_them_is_refused(alice, body):
    response = client_for(alice).post(SUBMIT, body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["detail"]


def test_a_batch_item_that_is_not_a_review_is_rejected_on_its_own(alice):
    card = enrolled(alice)
    at = timezone.now().isoformat()

    body = (
        client_for(alice)
        .post(
            SUBMIT,
            [{"card": card.pk, "rating": 3, "reviewed_at": at, "client_id": "x"}, "oops"],
            format="json",
        )
        .json()
    )

    assert [r["status"] for r in body["results"]] == ["applied", "rejected"]
    assert list(body["results"][1]["errors"]) == ["detail"]


def test_a_batch_has_its_own_operation_and_a_lone_review_its_own(alice):
    card = enrolled(alice)
    at = timezone.now().isoformat()
    review = {"card": card.pk, "rating": 3, "reviewed_at": at, "client_id": "one"}

    batch = client_for(alice).post(BATCH, [review], format="json")
    not_a_list = client_for(alice).post(BATCH, review, format="json")
    resent_to_single = client_for(alice).post(SUBMIT, review, format="json")

    assert batch.status_code == 200
    assert [r["status"] for r in batch.json()["results"]] == ["applied"]
    assert not_a_list.status_code == 400
    assert not_a_list.json() == {"detail": "send a list of reviews (one review alone goes to me/reviews/)"}
    assert (resent_to_single.status_code, resent_to_single.json()["status"]) == (200, "duplicate")
    assert ReviewLog.objects.count() == 1


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("reviewed_at", "an offline review needs the time it was made"),
        ("client_id", "an offline review needs a client_id, so a resend is not applied twice"),
    ],
)
def test_a_batch_review_needs_its_time_and_client_id(alice, missing, message):
    card = enrolled(alice)
    review = {"card": card.pk, "rating": 3, "reviewed_at": timezone.now().isoformat(), "client_id": "x"}
    del review[missing]

    results = client_for(alice).post(BATCH, [review], format="json").json()["results"]

    assert results[0]["status"] == "rejected"
    assert results[0]["errors"] == {missing: [message]}


# --- Forecast and mastery --------------------------------------------------------------------


def test_the_forecast_has_one_entry_per_local_day(alice):
    LearnerProfile.objects.filter(user=alice).update(time_zone="Asia/Tokyo")
    card = enrolled(alice)
    client_for(alice).post(SUBMIT, {"card": card.pk, "rating": 4}, format="json")

    body = client_for(alice).get(FORECAST, {"days": 30}).json()

    assert body["time_zone"] == "Asia/Tokyo"
    assert len(body["days"]) == 30
    assert sum(day["due"] for day in body["days"]) == 1


@pytest.mark.parametrize("days", ["0", "366", "soon"])
def test_the_forecast_is_between_1_and_365_days(alice, days):
    response = client_for(alice).get(FORECAST, {"days": days})

    assert response.status_code == 400
    assert list(response.json()) == ["days"]


def test_topic_mastery_is_the_callers_own(alice, bob):
    topic = TopicFactory(slug="calculus")
    card = enrolled(alice, QuestionFactory(topic=topic))
    enrolled(alice, QuestionFactory(topic=topic))
    enrolled(bob, QuestionFactory(topic=topic))
    TopicProgressFactory(learner=alice, topic=topic, status="done")
    client_for(alice).post(SUBMIT, {"card": card.pk, "rating": 4}, format="json")

    mine = client_for(alice).get("/api/v1/topics/calculus/mastery/").json()
    theirs = client_for(bob).get("/api/v1/topics/calculus/mastery/").json()

    assert (mine["cards"], mine["studied"], mine["coverage"]) == (3 - 1, 1, 0.5)
    # Just studied: fully recalled, although half the topic still waits behind the daily limit.
    assert mine["retention"] == 1.0 and mine["due_cards"] == 0
    assert mine["needs_review"] is False and mine["desired_retention"] == 0.9
    assert (theirs["studied"], theirs["retention"], theirs["needs_review"]) == (0, None, False)
    assert client_for(alice).get("/api/v1/topics/nope/mastery/").status_code == 404


# --- Questions (curators) --------------------------------------------------------------------


def test_curators_read_questions_with_their_answers(carol):
    question = MultipleChoiceFactory(topic=TopicFactory(slug="calculus"))
    QuestionFactory()

    body = client_for(carol).get("/api/v1/questions/", {"topic": "calculus"}).json()

    assert body["count"] == 1
    item = body["results"][0]
    assert (item["id"], item["topic"], item["answer"], item["correct_choices"]) == (
        question.pk,
        "calculus",
        "A singular one.",
        [1],
    )


def test_curators_create_edit_and_delete_questions(carol):
    TopicFactory(slug="calculus")
    api = client_for(carol)

    created = api.post(
        "/api/v1/questions/",
        {
            "key": "derivative-of-sin",
            "topic": "calculus",
            "kind": "free-recall",
            "prompt": "d/dx sin x?",
            "answer": "cos x",
        },
        format="json",
    )
    url = f"/api/v1/questions/{created.json()['id']}/"
    assert created["Location"] == f"http://testserver{url}"
    edited = api.patch(url, {"answer": "cos(x)"}, format="json")
    deleted = api.delete(url)

    assert (created.status_code, edited.status_code, deleted.status_code) == (201, 200, 204)
    assert edited.json()["answer"] == "cos(x)"
    assert not Question.objects.exists()


def test_an_incoherent_question_is_a_400_naming_the_field(carol):
    TopicFactory(slug="calculus")

    response = client_for(carol).post(
        "/api/v1/questions/",
        {
            "key": "q",
            "topic": "calculus",
            "kind": "multiple-choice",
            "prompt": "?",
            "answer": "!",
            "choices": ["a", "b"],
            "correct_choices": [5],
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["correct_choices"]


def test_a_question_key_is_unique_and_a_question_keeps_its_own(carol):
    question = QuestionFactory(key="chain-rule", topic=TopicFactory(slug="calculus"))
    api = client_for(carol)

    duplicate = api.post(
        "/api/v1/questions/",
        {
            "key": "chain-rule",
            "topic": "calculus",
            "kind": "free-recall",
            "prompt": "?",
            "answer": "!",
        },
        format="json",
    )
    kept = api.patch(
        f"/api/v1/questions/{question.pk}/", {"key": "chain-rule", "prompt": "d/dx f(g(x))?"}
    )

    assert duplicate.status_code == 400 and list(duplicate.json()) == ["key"]
    assert kept.status_code == 200 and kept.json()["prompt"] == "d/dx f(g(x))?"


def test_an_answer_postgresql_cannot_store_is_refused(alice):
    card = enrolled(alice)

    response = client_for(alice).post(
        SUBMIT, {"card": card.pk, "rating": 3, "answer": "a\x00b"}, format="json"
    )

    assert response.status_code == 400 and list(response.json()) == ["answer"]


def test_questions_are_for_curators_only(alice, mentor):
    question = QuestionFactory()

    for user in (alice, mentor):
        assert client_for(user).get("/api/v1/questions/").status_code == 403
        assert (
            client_for(user).patch(f"/api/v1/questions/{question.pk}/", {"answer": "x"}).status_code
            == 403
        )
    assert client_for().get("/api/v1/questions/").status_code == 401


# --- Schema ----------------------------------------------------------------------------------


def test_the_schema_generates_without_warnings():
    reset_generator_stats()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("api.quizzes.urls"))])

    schema = generator.get_schema(request=None, public=True)

    assert dict(GENERATOR_STATS._warn_cache) == {} and dict(GENERATOR_STATS._error_cache) == {}
    assert {
        "/api/v1/me/reviews/",
        "/api/v1/me/reviews/due/",
        "/api/v1/me/reviews/forecast/",
        "/api/v1/topics/{slug}/mastery/",
        "/api/v1/questions/",
        "/api/v1/questions/{id}/",
    } <= set(schema["paths"])


def test_reviews_dated_before_the_cards_existence_are_refused_in_a_batch(alice):
    card = enrolled(alice)
    before = datetime(2020, 1, 1, tzinfo=UTC).isoformat()

    body = (
        client_for(alice)
        .post(
            SUBMIT,
            [{"card": card.pk, "rating": 3, "reviewed_at": before, "client_id": "old"}],
            format="json",
        )
        .json()
    )

    assert body["results"][0]["status"] == "rejected"
    assert "before the card existed" in body["results"][0]["errors"]["reviewed_at"][0]
