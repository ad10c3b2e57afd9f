"""Every list costs a fixed number of queries, whether it holds 1 item or 50.

Each scenario builds ``n`` more items and returns the path to list them; the test lists
with 1 item, then with 50, under the same bound. Counts include the token lookup.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from progress import services
from progress.models import Cohort, Role
from tests.api.conftest import client_for
from tests.factories import (
    CohortFactory,
    PrerequisiteFactory,
    ResourceFactory,
    TopicFactory,
    TopicProgressFactory,
    TopicResourceFactory,
    TrackFactory,
    UserFactory,
)


def add_tracks(world, n):
    TrackFactory.create_batch(n)
    return world.alice, "/api/v1/tracks/"


def add_topics(world, n):
    for topic in TopicFactory.create_batch(n, track=world.track):
        TopicProgressFactory(learner=world.alice, topic=topic, status="in_progress")
    return world.alice, "/api/v1/topics/"


def add_topics_anonymous(world, n):
    TopicFactory.create_batch(n, track=world.track)
    return None, "/api/v1/topics/?track=" + world.track.slug


def add_prerequisites(world, n):
    for _ in range(n):
        PrerequisiteFactory(from_topic=TopicFactory(track=world.track), to_topic=world.hub)
    return world.alice, "/api/v1/prerequisites/"


def add_resources(world, n):
    for resource in ResourceFactory.create_batch(n):
        TopicResourceFactory(resource=resource, topic=world.hub, locator="ch. 1")
        TopicResourceFactory(
            resource=resource, topic=TopicFactory(track=world.track), role="supplemental"
        )
    return world.alice, "/api/v1/resources/?health=unknown"


def add_topic_edges_and_resources(world, n):
    for _ in range(n):
        PrerequisiteFactory(from_topic=TopicFactory(track=world.track), to_topic=world.hub)
        PrerequisiteFactory(from_topic=world.hub, to_topic=TopicFactory(track=world.track))
        TopicResourceFactory(topic=world.hub)
    return world.alice, f"/api/v1/topics/{world.hub.slug}/"


def add_progress(world, n):
    for topic in TopicFactory.create_batch(n, track=world.track):
        services.topic_status_set(learner=world.alice, topic=topic, status="done")
    return world.alice, "/api/v1/me/progress/"


def add_resources_done(world, n):
    for resource in ResourceFactory.create_batch(n):
        services.resource_mark_done(learner=world.alice, resource=resource)
    return world.alice, "/api/v1/me/resources/"


def add_activity_days(world, n):
    topic = TopicFactory(track=world.track)
    for days_ago in range(world.activity_days, world.activity_days + n):
        services.topic_status_set(
            learner=world.alice,
            topic=topic,
            status="in_progress" if days_ago % 2 else "not_started",
            at=timezone.now() - timedelta(days=days_ago),
        )
    world.activity_days += n
    return world.alice, "/api/v1/me/activity/"


def add_stats_tracks(world, n):
    for track in TrackFactory.create_batch(n):
        services.topic_status_set(
            learner=world.alice, topic=TopicFactory(track=track), status="done"
        )
    return world.alice, "/api/v1/me/stats/"


def add_cohorts(world, n):
    for _ in range(n):
        CohortFactory(mentors=[world.mentor, UserFactory()], learners=[UserFactory()])
    return world.mentor, "/api/v1/cohorts/"


def add_members(world, n):
    cohort = Cohort.objects.get(mentors=world.mentor)
    for _ in range(n):
        learner = UserFactory(role=Role.LEARNER)
        cohort.learners.add(learner)
        services.topic_status_set(learner=learner, topic=world.hub, status="done")
    return world.mentor, f"/api/v1/cohorts/{cohort.pk}/members/"


def add_member_progress(world, n):
    cohort = Cohort.objects.get(mentors=world.mentor)
    for topic in TopicFactory.create_batch(n, track=world.track):
        services.topic_status_set(learner=world.alice, topic=topic, status="in_progress")
    return world.mentor, f"/api/v1/cohorts/{cohort.pk}/members/alice/progress/"


SCENARIOS = {
    "tracks": (add_tracks, 4),
    "topics": (add_topics, 4),
    "topics, anonymous": (add_topics_anonymous, 4),
    "prerequisites": (add_prerequisites, 4),
    "resources": (add_resources, 5),
    "topic detail": (add_topic_edges_and_resources, 7),
    "my progress": (add_progress, 3),
    "my finished resources": (add_resources_done, 3),
    "my activity": (add_activity_days, 3),
    "my stats": (add_stats_tracks, 7),
    "cohorts": (add_cohorts, 4),
    "cohort members": (add_members, 5),
    "a member's progress": (add_member_progress, 6),
}


@pytest.fixture
def world(alice, mentor):
    track = TrackFactory(slug="hub-track")
    return type(
        "World",
        (),
        {
            "alice": alice,
            "mentor": mentor,
            "track": track,
            "activity_days": 1,
            "hub": TopicFactory(slug="hub", track=track),
        },
    )()


@pytest.mark.parametrize("scenario", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_a_list_costs_the_same_queries_for_1_and_50_items(
    world, scenario, django_assert_max_num_queries
):
    build, most = scenario
    for n in (1, 49):
        user, path = build(world, n)
        client = client_for(user)
        separator = "&" if "?" in path else "?"
        with django_assert_max_num_queries(most):
            response = client.get(f"{path}{separator}page_size=200")
        assert response.status_code == 200, response.content


# --- The review hot path: statements per request, token lookup included ---------------------


def test_a_review_costs_its_writes_and_two_reads(alice, django_assert_num_queries):
    """The token (with user and profile), the card locked with its question and the
    roadmap's version, the log, the card, the activity: 7 with the savepoint pair the
    test's transaction turns BEGIN and COMMIT into (it was 9: the profile and the version
    were a round trip each)."""
    from tests.quizzes.test_services import card_for

    client = client_for(alice)
    first, second = (card_for(alice, at=timezone.now() - timedelta(minutes=1)) for _ in range(2))
    client.post("/api/v1/me/reviews/", {"card": first.pk, "rating": 3}, format="json")
    with django_assert_num_queries(7):
        response = client.post("/api/v1/me/reviews/", {"card": second.pk, "rating": 3}, format="json")
    assert response.status_code == 201, response.content


def test_the_due_page_costs_four_reads_after_the_token(alice, django_assert_num_queries):
    """The token (with user and profile), today's reviews, the two queue reads (reviews,
    new cards) and the page's cards, however many are due."""
    from tests.quizzes.test_services import card_for

    client = client_for(alice)
    for _ in range(3):
        card_for(alice, at=timezone.now() - timedelta(minutes=1))
    with django_assert_num_queries(5):
        response = client.get("/api/v1/me/reviews/due/")
    assert response.status_code == 200 and response.json()["count"] == 3, response.content
