"""The curriculum Pathwise ships: loaded through the real importer and checked as a graph."""

from pathlib import Path

import networkx as nx
import pytest
from django.core.management import call_command

from quizzes.models import Question
from roadmap.graph import find_cycle, redundant_edges, unreachable_from
from roadmap.models import Resource, Topic, Track
from roadmap.selectors import build_roadmap_graph

SHIPPED = Path(__file__).resolve().parents[2] / "fixtures" / "ml-roadmap.yaml"
TRACKS = ["math", "programming", "ml", "deep-learning", "mlops"]


@pytest.fixture(scope="module")
def shipped(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("import_roadmap", str(SHIPPED), verbosity=0)
        graph = build_roadmap_graph()
        facts = {
            "resources": list(Resource.objects.values("slug", "url", "kind")),
            "questions": list(Question.objects.values("topic__slug", "kind", "choices", "correct_choices")),
            "topics_without_resources": list(Topic.objects.filter(topic_resources=None).values_list("slug", flat=True)),
        }
    yield graph, facts
    # Loaded outside the per-test transactions: remove it so other tests start empty.
    with django_db_blocker.unblock():
        for model in (Question, Topic, Resource, Track):
            model.objects.all().delete()


def test_it_has_at_least_90_topics_across_the_five_tracks(shipped):
    graph, _ = shipped
    assert graph.number_of_nodes() >= 90
    tracks = {data["track"] for _, data in graph.nodes(data=True)}
    assert tracks == set(TRACKS)


def test_it_has_at_least_140_prerequisite_edges_each_with_a_reason(shipped):
    graph, _ = shipped
    assert graph.number_of_edges() >= 140
    assert all(data["reason"] for *_, data in graph.edges(data=True))


def test_it_is_a_dag_whose_roots_are_math_or_programming(shipped):
    graph, _ = shipped
    assert find_cycle(graph) is None
    roots = [n for n in graph if graph.in_degree(n) == 0]
    assert {graph.nodes[r]["track"] for r in roots} <= {"math", "programming"}
    assert unreachable_from(graph, roots) == set()


def test_no_required_edge_is_implied_by_a_longer_required_path(shipped):
    graph, _ = shipped
    required = nx.DiGraph((u, v) for u, v, kind in graph.edges(data="kind") if kind == "required")
    assert redundant_edges(required) == []


def test_it_has_at_least_120_resources_with_valid_urls(shipped):
    _, facts = shipped
    resources = facts["resources"]
    assert len(resources) >= 120
    with_url = [r for r in resources if r["url"]]
    assert len(with_url) >= 0.9 * len(resources)
    slugs = {r["slug"] for r in resources}
    for expected in ("mml-book", "islp"):
        assert any(expected in slug for slug in slugs), expected
    assert sum(r["kind"] == "case-study" for r in resources) >= 9


def test_every_topic_has_a_resource_and_honest_hours(shipped):
    graph, facts = shipped
    assert facts["topics_without_resources"] == []
    hours = [data["hours"] for _, data in graph.nodes(data=True)]
    assert all(1 <= h <= 120 for h in hours)
    assert len(set(hours)) > 5, "hours look copy-pasted rather than estimated per topic"


def test_mlops_is_never_a_prerequisite_of_deep_learning(shipped):
    graph, _ = shipped
    for node, data in graph.nodes(data=True):
        if data["track"] == "deep-learning":
            assert not any(graph.nodes[a]["track"] == "mlops" for a in nx.ancestors(graph, node)), node


def test_every_topic_has_at_least_two_well_formed_questions(shipped):
    graph, facts = shipped
    per_topic = {}
    for question in facts["questions"]:
        per_topic[question["topic__slug"]] = per_topic.get(question["topic__slug"], 0) + 1
        if question["kind"] == "multiple-choice":
            assert len(question["choices"]) >= 2
            assert question["correct_choices"]
            assert all(0 <= i < len(question["choices"]) for i in question["correct_choices"])
    missing = sorted(slug for slug in graph if per_topic.get(slug, 0) < 2)
    assert missing == []
