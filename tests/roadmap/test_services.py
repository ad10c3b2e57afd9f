import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roadmap import services
from roadmap.models import Prerequisite, Topic
from roadmap.selectors import graph_version, graph_version_sql, roadmap_graph
from tests.factories import PrerequisiteFactory, TopicFactory, TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    """linear-algebra → calculus → deep-learning"""
    la, calc, dl = (TopicFactory(slug=s) for s in ("linear-algebra", "calculus", "deep-learning"))
    PrerequisiteFactory(from_topic=la, to_topic=calc)
    PrerequisiteFactory(from_topic=calc, to_topic=dl)
    return la, calc, dl


def test_it_refuses_an_edge_that_closes_a_cycle_and_names_the_whole_cycle(chain):
    la, calc, dl = chain
    with pytest.raises(ValidationError) as error:
        services.prerequisite_create(from_topic=dl, to_topic=la, reason="backwards")
    assert error.value.messages == [
        "adding deep-learning → linear-algebra would create the cycle "
        "deep-learning → linear-algebra → calculus → deep-learning"
    ]
    assert not Prerequisite.objects.filter(from_topic=dl, to_topic=la).exists()


def test_it_refuses_a_self_edge_and_a_duplicate_edge(chain):
    la, calc, _ = chain
    with pytest.raises(ValidationError, match="its own prerequisite"):
        services.prerequisite_create(from_topic=la, to_topic=la, reason="x")
    with pytest.raises(ValidationError, match="already a prerequisite"):
        services.prerequisite_create(from_topic=la, to_topic=calc, reason="x")


def test_it_accepts_an_edge_that_keeps_the_graph_acyclic(chain):
    la, _, dl = chain
    edge = services.prerequisite_create(from_topic=la, to_topic=dl, kind="recommended", reason="Tensors are matrices")
    assert (edge.from_topic, edge.to_topic, edge.kind) == (la, dl, "recommended")


def test_moving_an_edge_end_is_checked_for_cycles(chain):
    la, calc, dl = chain
    edge = Prerequisite.objects.get(from_topic=la, to_topic=calc)
    with pytest.raises(ValidationError, match="would create the cycle"):
        services.prerequisite_update(prerequisite=edge, from_topic=dl)
    edge.refresh_from_db()
    assert edge.from_topic == la


def test_every_edit_to_topics_or_edges_moves_the_graph_version(chain):
    la, calc, dl = chain
    seen = [graph_version()]
    services.prerequisite_create(from_topic=la, to_topic=dl, reason="r")
    seen.append(graph_version())
    dl.title = "Deep learning"
    dl.save()
    seen.append(graph_version())
    Prerequisite.objects.get(from_topic=la, to_topic=dl).delete()
    seen.append(graph_version())
    Topic.objects.get(slug="deep-learning").delete()
    seen.append(graph_version())
    assert seen == sorted(set(seen)), f"graph version did not move on every edit: {seen}"


def test_the_version_read_with_another_query_is_the_version(chain):
    """``graph_version_sql`` rides along a query the caller makes anyway (a review's card)."""
    la, calc, _ = chain
    read = [Topic.objects.annotate(v=graph_version_sql()).get(pk=la.pk).v]
    services.prerequisite_create(from_topic=la, to_topic=chain[2], reason="r")
    read.append(Topic.objects.annotate(v=graph_version_sql()).get(pk=calc.pk).v)

    assert read[1] == graph_version() > read[0] > 0


def test_one_graph_version_groups_many_edits_into_one_bump():
    before = graph_version()
    with services.one_graph_version():
        track = TrackFactory()
        for index in range(5):
            TopicFactory(slug=f"batch-{index}", track=track)
    assert graph_version() == before + 1


def test_the_cached_graph_follows_the_version(chain):
    la, calc, dl = chain
    graph, version = roadmap_graph()
    assert set(graph.edges) == {("linear-algebra", "calculus"), ("calculus", "deep-learning")}
    services.prerequisite_create(from_topic=la, to_topic=dl, reason="r")
    graph2, version2 = roadmap_graph()
    assert version2 > version
    assert ("linear-algebra", "deep-learning") in graph2.edges


@st.composite
def dags(draw):
    size = draw(st.integers(min_value=2, max_value=9))
    pairs = [(i, j) for i in range(size) for j in range(i + 1, size)]
    edges = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
    return size, edges


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dag=dags(), data=st.data())
def test_random_dags_are_accepted_and_any_back_edge_is_refused(dag, data):
    size, edges = dag
    Prerequisite.objects.all().delete()
    Topic.objects.filter(slug__startswith="n-").delete()
    track = TrackFactory(slug="random")
    topics = [TopicFactory(slug=f"n-{i}", track=track) for i in range(size)]
    for i, j in edges:  # i < j: always a DAG, every edge must be accepted
        services.prerequisite_create(from_topic=topics[i], to_topic=topics[j], reason="forward")
    if not edges:
        return
    graph, _ = roadmap_graph()
    # Any edge from a descendant back to an ancestor closes a cycle and must be refused.
    i, j = data.draw(st.sampled_from(edges))
    import networkx as nx

    downstream = sorted(nx.descendants(graph, f"n-{i}"))
    target = data.draw(st.sampled_from(downstream))
    count = Prerequisite.objects.count()
    with pytest.raises(ValidationError, match="would create the cycle"):
        services.prerequisite_create(from_topic=Topic.objects.get(slug=target), to_topic=topics[i], reason="back")
    assert Prerequisite.objects.count() == count
