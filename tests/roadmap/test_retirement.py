"""A retired topic leaves the roadmap, paths and new decks; learners keep what they have on it."""

import pytest
from django.utils import timezone

from quizzes.models import Card
from quizzes.services import enroll_topic_cards
from roadmap import retirement
from roadmap.editing import topic_delete
from roadmap.retirement import TopicInUse, learner_data_on, topic_retire
from tests.api.conftest import client_for
from tests.factories import (
    PrerequisiteFactory,
    QuestionFactory,
    TopicFactory,
    TopicProgressFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    """basics ──▶ old-way ──▶ goal, and basics ──▶ goal; old-way gets retired."""
    math = TrackFactory(slug="math", position=1)
    basics = TopicFactory(slug="basics", track=math, hours=5)
    old_way = TopicFactory(slug="old-way", track=math, hours=7, title="The old way")
    goal = TopicFactory(slug="goal", track=math, hours=3)
    PrerequisiteFactory(from_topic=basics, to_topic=old_way)
    PrerequisiteFactory(from_topic=old_way, to_topic=goal)
    PrerequisiteFactory(from_topic=basics, to_topic=goal)
    return basics, old_way, goal


def test_a_path_no_longer_passes_through_a_retired_topic(chain, alice):
    topic_retire(topic=chain[1])

    path = client_for(alice).post("/api/v1/paths/", {"goals": ["goal"]}).json()

    assert [step["topic"] for step in path["steps"]] == ["basics", "goal"]


def test_a_retired_topic_is_not_ready_to_start_and_not_on_the_roadmap(chain, alice):
    TopicProgressFactory(learner=alice, topic=chain[0], status="done")
    topic_retire(topic=chain[1])
    phone = client_for(alice)

    ready = [row["topic"] for row in phone.get("/api/v1/me/ready/").json()["results"]]
    listed = [row["slug"] for row in phone.get("/api/v1/topics/").json()["results"]]

    assert ready == ["goal"]
    assert "old-way" not in listed
    assert phone.get("/api/v1/tracks/").json()["results"][0]["topic_count"] == 2


def test_a_retired_topic_joins_no_new_deck_but_cards_already_made_stay(chain, alice, bob):
    QuestionFactory(topic=chain[1])
    enroll_topic_cards(learner=alice, topic=chain[1], now=timezone.now())
    topic_retire(topic=chain[1])

    created = enroll_topic_cards(learner=bob, topic=chain[1], now=timezone.now())

    assert created == 0
    assert Card.objects.filter(learner=alice, topic=chain[1]).count() == 1


def test_learners_see_their_progress_on_a_retired_topic_marked_retired(chain, alice, client):
    TopicProgressFactory(learner=alice, topic=chain[1], status="in_progress", notes="Mine.")
    topic_retire(topic=chain[1])

    rows = client_for(alice).get("/api/v1/me/progress/").json()["results"]
    client.force_login(alice)
    page = client.get("/topics/old-way/").content.decode()

    assert [(r["topic"], r["retired"], r["notes"]) for r in rows] == [("old-way", True, "Mine.")]
    assert "This topic was retired from the roadmap" in page
    assert "Mine." in page
    assert "The old way" not in client.get("/").content.decode()


def test_learner_data_counts_each_learner_once(chain, alice, bob):
    TopicProgressFactory(learner=alice, topic=chain[1], status="done", notes="n")
    QuestionFactory(topic=chain[1])
    enroll_topic_cards(learner=alice, topic=chain[1], now=timezone.now())
    enroll_topic_cards(learner=bob, topic=chain[1], now=timezone.now())

    data = learner_data_on(topic=chain[1])

    assert (data.learners, data.per_kind) == (2, {"progress": 1, "notes": 1, "cards": 2})
    with pytest.raises(TopicInUse):
        topic_delete(topic=chain[1])
    topic_delete(topic=chain[1], force=True)
    assert not Card.objects.exists()


def test_every_kind_of_learner_data_is_registered_by_its_layer():
    assert {"progress", "notes", "cards"} <= set(retirement._kinds)
