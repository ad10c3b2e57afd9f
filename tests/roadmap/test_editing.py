import pytest
from django.core.exceptions import ValidationError

from roadmap import editing
from roadmap.editing import TopicLink
from roadmap.models import LinkHealth, Resource, Topic, TopicResource
from roadmap.selectors import graph_version
from tests.factories import ResourceFactory, TopicFactory, TopicResourceFactory, TrackFactory

pytestmark = pytest.mark.django_db


def test_topic_create_applies_the_models_rules():
    track = TrackFactory()
    TopicFactory(slug="calculus", track=track)

    with pytest.raises(ValidationError) as error:
        editing.topic_create(slug="calculus", title="Calculus", track=track, hours=0, level="guru")

    assert set(error.value.message_dict) == {"slug", "hours", "level"}
    assert Topic.objects.count() == 1


def test_topic_update_changes_fields_and_refuses_others():
    topic = TopicFactory(slug="calculus")
    before = graph_version()

    editing.topic_update(topic=topic, title="Calculus I", hours=12)

    topic.refresh_from_db()
    assert (topic.title, topic.hours) == ("Calculus I", 12)
    assert graph_version() == before + 1
    with pytest.raises(ValidationError, match="cannot change created_at of a topic"):
        editing.topic_update(topic=topic, created_at=None)


def test_resource_create_links_topics_in_one_version_bump():
    calculus, algebra = TopicFactory(slug="calculus"), TopicFactory(slug="algebra")
    before = graph_version()

    resource = editing.resource_create(
        slug="mml",
        title="MML",
        kind="book",
        links=[
            TopicLink(calculus, locator="ch. 5"),
            TopicLink(algebra, role="supplemental", position=2),
        ],
    )

    assert graph_version() == before + 1
    assert list(
        resource.topic_resources.order_by("topic__slug").values_list(
            "topic__slug", "role", "locator", "position"
        )
    ) == [
        ("algebra", "supplemental", "", 2),
        ("calculus", "core", "ch. 5", 0),
    ]


def test_a_topic_linked_twice_leaves_no_resource_behind():
    calculus = TopicFactory(slug="calculus")

    with pytest.raises(ValidationError, match="calculus is listed more than once"):
        editing.resource_create(
            slug="twice", title="Twice", kind="video", links=[TopicLink(calculus)] * 2
        )

    assert not Resource.objects.filter(slug="twice").exists()


def test_resource_update_replaces_links_only_when_given():
    calculus, algebra = TopicFactory(slug="calculus"), TopicFactory(slug="algebra")
    link = TopicResourceFactory(topic=calculus, locator="old")
    resource = link.resource

    editing.resource_update(resource=resource, title="New title")
    assert TopicResource.objects.filter(resource=resource).count() == 1

    editing.resource_update(
        resource=resource, links=[TopicLink(algebra), TopicLink(calculus, locator="new")]
    )
    assert dict(resource.topic_resources.values_list("topic__slug", "locator")) == {
        "algebra": "",
        "calculus": "new",
    }

    editing.resource_update(resource=resource, links=[])
    assert not resource.topic_resources.exists()


def test_a_new_url_forgets_the_old_urls_health():
    resource = ResourceFactory(
        health=LinkHealth.BROKEN, consecutive_failures=4, suggested_url="https://x.org/"
    )

    editing.resource_update(resource=resource, url="https://example.org/new")

    resource.refresh_from_db()
    assert (resource.health, resource.consecutive_failures, resource.suggested_url) == (
        LinkHealth.UNKNOWN,
        0,
        "",
    )


def test_the_same_url_keeps_its_health():
    resource = ResourceFactory(health=LinkHealth.OK)

    editing.resource_update(resource=resource, url=resource.url, title="Renamed")

    resource.refresh_from_db()
    assert resource.health == LinkHealth.OK


def test_resource_update_refuses_link_health_fields():
    with pytest.raises(ValidationError, match="cannot change health of a resource"):
        editing.resource_update(resource=ResourceFactory(), health=LinkHealth.OK)


def test_deleting_moves_the_graph_version():
    topic, resource = TopicFactory(), ResourceFactory()
    before = graph_version()

    editing.topic_delete(topic=topic)
    editing.resource_delete(resource=resource)

    assert graph_version() == before + 2
