"""Checking a skipped topic with a short quiz (quizzes.checks), through the API."""

import pytest
from rest_framework.test import APIClient

from progress import services as progress_services
from quizzes import checks
from quizzes.models import Card, ReviewLog
from tests.factories import MultipleChoiceFactory, QuestionFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def skipped(alice):
    topic = TopicFactory(slug="probability")
    for n in range(3):
        MultipleChoiceFactory(topic=topic, key=f"probability-choice-{n}")
    QuestionFactory(topic=topic, key="probability-recall")
    progress_services.topic_status_set(learner=alice, topic=topic, status="skipped")
    return topic


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


URL = "/api/v1/topics/probability/check/"


def answers(check, *, right: int):
    """Answer the check's multiple-choice questions, the first `right` of them rightly, and
    rate its free-recall question Good."""
    given = []
    for question in check["questions"]:
        if question["kind"] == "multiple-choice":
            choice = "a singular one" if right > 0 else "the identity"
            right -= 1
            given.append({
                "question": question["question"], "answer": question["choices"].index(choice),
                "presentation": question["presentation"],
            })  # fmt: skip
        else:
            given.append({"question": question["question"], "rating": 3})
    return {"answers": given}


def test_a_passed_check_counts_the_skipped_topic_as_studied(alice, skipped):
    client = client_for(alice)
    check = client.get(URL).json()

    result = client.post(URL, answers(check, right=2), format="json").json()
    mastery = client.get("/api/v1/topics/probability/mastery/").json()

    assert [q["kind"] for q in check["questions"]] == ["multiple-choice"] * 3 + ["free-recall"]
    assert check["needed"] == 3
    assert (result["passed"], result["right"], result["total"]) == (True, 3, 4)
    assert [r["correct"] for r in result["results"]] == [True, True, False, True]
    assert (mastery["cards"], mastery["studied"], mastery["coverage"]) == (4, 4, 1.0)
    assert sorted(ReviewLog.objects.values_list("rating", flat=True)) == [1, 3, 3, 3]


def test_a_failed_check_changes_nothing_but_says_what_was_wrong(alice, skipped):
    client = client_for(alice)

    result = client.post(URL, answers(client.get(URL).json(), right=1), format="json").json()

    assert (result["passed"], result["right"], result["needed"]) == (False, 2, 3)
    assert result["results"][1] == {
        "question": result["results"][1]["question"], "correct": False,
        "answer": "A singular one.", "explanation": "",
    }  # fmt: skip
    assert not Card.objects.exists() and not ReviewLog.objects.exists()


def test_only_a_skipped_topic_can_be_checked(alice, skipped):
    progress_services.topic_status_set(learner=alice, topic=skipped, status="not_started")
    client = client_for(alice)

    response = client.post(URL, answers(client.get(URL).json(), right=3), format="json")

    assert response.status_code == 400
    assert "only a topic you skipped can be checked" in response.json()["topic"][0]


def test_every_question_must_be_answered_in_the_form_it_needs(alice, skipped):
    client = client_for(alice)
    check = client.get(URL).json()
    full = answers(check, right=3)
    no_rating = {"answers": [*full["answers"][:3], {"question": full["answers"][3]["question"]}]}

    missing = client.post(URL, {"answers": full["answers"][:2]}, format="json")
    unrated = client.post(URL, no_rating, format="json")

    assert missing.status_code == unrated.status_code == 400
    assert "answer each of the check's questions once" in missing.json()["answers"][0]
    assert "needs a rating" in unrated.json()["answers"][0]


def test_a_check_is_at_most_a_few_questions(alice):
    topic = TopicFactory(slug="probability")
    for n in range(9):
        QuestionFactory(topic=topic, key=f"q-{n}")
    assert len(client_for(alice).get(URL).json()["questions"]) == checks.CHECK_SIZE
    assert client_for(alice).get("/api/v1/topics/nope/check/").status_code == 404
