import pytest
from django.db import IntegrityError, transaction

from roadmap.models import Prerequisite, Topic
from tests.factories import PrerequisiteFactory, ResourceFactory, TopicFactory, TrackFactory

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_self_edge():
    topic = TopicFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Prerequisite.objects.create(from_topic=topic, to_topic=topic, reason="loop")


def test_the_database_refuses_the_same_edge_twice():
    edge = PrerequisiteFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Prerequisite.objects.create(from_topic=edge.from_topic, to_topic=edge.to_topic, reason="again")


def test_the_database_refuses_duplicate_topic_slugs():
    TopicFactory(slug="calculus")
    with pytest.raises(IntegrityError), transaction.atomic():
        TopicFactory(slug="calculus")


def test_the_database_refuses_duplicate_resource_slugs():
    ResourceFactory(slug="mml-book")
    with pytest.raises(IntegrityError), transaction.atomic():
        ResourceFactory(slug="mml-book")


def test_the_database_refuses_zero_hours():
    track = TrackFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Topic.objects.create(slug="nothing", title="Nothing", track=track, hours=0)


def test_the_database_refuses_an_unknown_edge_kind():
    a, b = TopicFactory(), TopicFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Prerequisite.objects.create(from_topic=a, to_topic=b, kind="optional", reason="?")


def test_a_resource_lists_its_authors():
    assert ResourceFactory(authors="Gareth James, Daniela Witten").author_list == ["Gareth James", "Daniela Witten"]
