import json

import pytest
from django.urls import reverse

from progress import services
from progress.goals import plan_save
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


def get(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


def map_data(page: str) -> dict:
    return json.loads(page.split('<script id="roadmap-data" type="application/json">')[1].split("</script>")[0])


def highlight(page: str) -> list:
    return json.loads(page.split('<script id="roadmap-highlight" type="application/json">')[1].split("</script>")[0])


def topics_of(data: dict) -> dict:
    return {t["topic"]: t for track in data["tracks"] for t in track["topics"]}


def test_anyone_sees_the_picture_of_the_roadmap_without_states(client, math):
    algebra = TopicFactory(track=math, slug="algebra", title="Algebra")
    calculus = TopicFactory(track=math, slug="calculus", title="Calculus")
    PrerequisiteFactory(from_topic=algebra, to_topic=calculus, kind="recommended")

    page = get(client, reverse("roadmap:map"))

    data = map_data(page)
    assert set(topics_of(data)) == {"algebra", "calculus"}
    assert data["edges"] == [{"from": "algebra", "to": "calculus", "kind": "recommended"}]
    assert {t["state"] for t in topics_of(data).values()} == {None}
    assert 'src="/static/pathwise/map.js"' in page and "vendor/elkjs/elk.bundled.js" in page
    assert '<a href="/roadmap/list/">List view</a>' in page  # the same information without the picture


def test_a_learner_sees_their_state_on_every_topic(client, math, alice, bob):
    la, calc, prob, stats = (
        TopicFactory(track=math, slug=s) for s in ("linear-algebra", "calculus", "probability", "statistics")
    )
    PrerequisiteFactory(from_topic=la, to_topic=calc)
    PrerequisiteFactory(from_topic=calc, to_topic=prob)
    PrerequisiteFactory(from_topic=prob, to_topic=stats, kind="recommended")
    services.topic_status_set(learner=alice, topic=la, status="done")
    services.topic_status_set(learner=bob, topic=calc, status="done")
    client.force_login(alice)

    states = {slug: t["state"] for slug, t in topics_of(map_data(get(client, reverse("roadmap:map")))).items()}

    # calculus needs only linear algebra (done): ready; probability needs calculus: locked;
    # statistics only *recommends* probability, so nothing holds it back.
    assert states == {"linear-algebra": "done", "calculus": "ready", "probability": "locked", "statistics": "ready"}


def test_the_list_view_says_each_state_in_words_in_depth_then_title_order(client, math, alice):
    base = TopicFactory(track=math, slug="zeta", title="Zeta basics")
    later = TopicFactory(track=math, slug="alpha", title="Alpha advanced")
    TopicFactory(track=math, slug="beta", title="Beta basics")
    PrerequisiteFactory(from_topic=base, to_topic=later)
    services.topic_status_set(learner=alice, topic=base, status="in_progress")
    client.force_login(alice)

    page = get(client, reverse("roadmap:track-list"))

    order = [page.index(f'id="topic-{slug}"') for slug in ("beta", "zeta", "alpha")]
    assert order == sorted(order)  # depth 0 (by title), then depth 1, whatever the slugs
    zeta = page.split('id="topic-zeta"')[1].split("</li>")[0]
    assert "In progress" in zeta
    alpha = page.split('id="topic-alpha"')[1].split("</li>")[0]
    assert "Locked" in alpha and "needs Zeta basics" in alpha


def test_a_goal_highlights_its_path_and_the_saved_goals_are_the_default(client, math, alice):
    la, calc, other = (TopicFactory(track=math, slug=s) for s in ("linear-algebra", "calculus", "geometry"))
    PrerequisiteFactory(from_topic=la, to_topic=calc)
    client.force_login(alice)

    assert highlight(get(client, reverse("roadmap:map") + "?goals=calculus")) == ["linear-algebra", "calculus"]
    assert highlight(get(client, reverse("roadmap:map"))) == []
    plan_save(learner=alice, goals=["calculus"])
    assert highlight(get(client, reverse("roadmap:map"))) == ["linear-algebra", "calculus"]


def test_an_unknown_goal_says_so_instead_of_highlighting(client, math):
    TopicFactory(track=math, slug="calculus")

    page = get(client, reverse("roadmap:map") + "?goals=astrology")

    assert "astrology" in page and highlight(page) == []


def test_a_topic_opens_in_the_panel_for_htmx_and_as_a_page_without(client, math, alice):
    TopicFactory(track=math, slug="calculus", title="Calculus")
    client.force_login(alice)

    panel = get(client, reverse("roadmap:topic-detail", args=["calculus"]), HTTP_HX_REQUEST="true",
                HTTP_HX_TARGET="topic-panel")  # fmt: skip
    page = get(client, reverse("roadmap:topic-detail", args=["calculus"]))
    with_panel = get(client, reverse("roadmap:map") + "?topic=calculus")

    assert "<html" not in panel and '<h2 id="panel-heading">Calculus</h2>' in panel
    assert 'name="status" value="done"' in panel  # the learner can mark it from the panel
    assert "<html" in page and "<h1>Calculus</h1>" in page
    assert '<h2 id="panel-heading">Calculus</h2>' in with_panel  # the pushed URL reopens the panel


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


@pytest.mark.parametrize("url", ["roadmap:map", "roadmap:track-list"])
@pytest.mark.parametrize("logged_in", [False, True])
def test_the_roadmap_costs_the_same_queries_with_one_topic_or_thirty(
    client, alice, math, logged_in, url, django_assert_max_num_queries
):
    def add_topics(count):
        for _ in range(count):
            topic = TopicFactory(track=math)
            PrerequisiteFactory(from_topic=topic, to_topic=TopicFactory(track=math))
            services.topic_status_set(learner=alice, topic=topic, status="done")

    if logged_in:
        client.force_login(alice)
    add_topics(1)
    get(client, reverse(url))  # the graph of this version is built and cached once
    with django_assert_max_num_queries(14) as one:
        get(client, reverse(url))
    add_topics(29)
    get(client, reverse(url))
    with django_assert_max_num_queries(14) as thirty:
        get(client, reverse(url))

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
    with django_assert_max_num_queries(16) as one:
        get(client, reverse("roadmap:topic-detail", args=["calculus"]))
    add_resources(29)
    with django_assert_max_num_queries(16) as thirty:
        page = get(client, reverse("roadmap:topic-detail", args=["calculus"]))

    assert page.count('<div class="resource done">') == (30 if logged_in else 0)
    assert len(thirty.captured_queries) == len(one.captured_queries)
