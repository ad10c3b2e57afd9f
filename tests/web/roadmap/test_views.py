import pytest
from django.urls import reverse

from progress import services
from tests.factories import (
    PrerequisiteFactory,
    ResourceFactory,
    TopicFactory,
    TopicResourceFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def math():
    return TrackFactory(slug="math", title="Mathematics", position=1)


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_anyone_reads_the_roadmap_without_progress_badges(client, math):
    TopicFactory(track=math, slug="calculus", title="Calculus")

    page = get(client, reverse("roadmap:track-list"))

    assert '<a href="/topics/calculus/">Calculus</a>' in page
    assert 'class="badge' not in page


def test_a_learner_sees_their_own_status_on_each_topic_of_the_roadmap(client, math, alice, bob):
    la, calc, prob = (
        TopicFactory(track=math, slug=s) for s in ("linear-algebra", "calculus", "probability")
    )
    services.topic_status_set(learner=alice, topic=la, status="done")
    services.topic_status_set(learner=alice, topic=calc, status="in_progress")
    services.topic_status_set(learner=bob, topic=prob, status="skipped")
    client.force_login(alice)

    page = get(client, reverse("roadmap:track-list"))

    def badge_of(slug):
        item = page.split(f'href="/topics/{slug}/"')[1].split("</li>")[0]
        return item.split('class="badge ')[1].split('"')[0] if 'class="badge ' in item else None

    assert badge_of("linear-algebra") == "status-done"
    assert badge_of("calculus") == "status-in_progress"
    assert badge_of("probability") is None  # bob's skip is bob's


def test_an_unknown_topic_is_a_404(client):
    assert client.get(reverse("roadmap:topic-detail", args=["no-such-topic"])).status_code == 404


def test_a_topic_page_shows_the_learners_ticked_off_resources(client, alice, math):
    topic = TopicFactory(track=math, slug="calculus")
    done, todo = (
        TopicResourceFactory(topic=topic, resource=ResourceFactory(title=t)).resource
        for t in ("Done book", "Todo book")
    )
    services.resource_mark_done(learner=alice, resource=done)
    client.force_login(alice)

    page = get(client, reverse("roadmap:topic-detail", args=["calculus"]))

    done_item = page.split(f'id="resource-{done.id}"')[1].split("</li>")[0]
    todo_item = page.split(f'id="resource-{todo.id}"')[1].split("</li>")[0]
    assert '<div class="resource done">' in done_item and 'aria-pressed="true"' in done_item
    assert '<div class="resource">' in todo_item and 'aria-pressed="false"' in todo_item


@pytest.mark.parametrize("logged_in", [False, True])
def test_the_roadmap_costs_the_same_queries_with_one_topic_or_thirty(
    client, alice, math, logged_in, django_assert_max_num_queries
):
    def add_topics(count):
        for _ in range(count):
            services.topic_status_set(learner=alice, topic=TopicFactory(track=math), status="done")

    if logged_in:
        client.force_login(alice)
    add_topics(1)
    with django_assert_max_num_queries(6) as one:
        get(client, reverse("roadmap:track-list"))
    add_topics(29)
    with django_assert_max_num_queries(6) as thirty:
        page = get(client, reverse("roadmap:track-list"))

    assert page.count('class="badge status-done"') == (30 if logged_in else 0)
    assert len(thirty.captured_queries) == len(one.captured_queries)


@pytest.mark.parametrize("logged_in", [False, True])
def test_a_topic_page_costs_the_same_queries_with_one_resource_or_thirty(
    client, alice, math, logged_in, django_assert_max_num_queries
):
    topic = TopicFactory(track=math, slug="calculus")

    def add_resources(count):
        for _ in range(count):
            resource = TopicResourceFactory(topic=topic).resource
            services.resource_mark_done(learner=alice, resource=resource)
            PrerequisiteFactory(from_topic=TopicFactory(track=math), to_topic=topic)

    if logged_in:
        client.force_login(alice)
    add_resources(1)
    with django_assert_max_num_queries(10) as one:
        get(client, reverse("roadmap:topic-detail", args=["calculus"]))
    add_resources(29)
    with django_assert_max_num_queries(10) as thirty:
        page = get(client, reverse("roadmap:topic-detail", args=["calculus"]))

    assert page.count('<div class="resource done">') == (30 if logged_in else 0)
    assert len(thirty.captured_queries) == len(one.captured_queries)
