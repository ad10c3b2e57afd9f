"""Review steps in a path (roadmap.paths.review), on small curricula and random ones.

Pure tests: no database and no Django.
"""

from datetime import date

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap.paths import PathError, PathOptions, learning_path, with_review_steps

MONDAY = date(2025, 1, 6)
OPTIONS = PathOptions(hours_per_week=7, start_date=MONDAY)


def curriculum():
    """linear-algebra ─▶ attention ─▶ transformers ─▶ llms, and python ─▶ llms."""
    graph = nx.DiGraph()
    for topic, hours in [
        ("linear-algebra", 30), ("attention", 10), ("transformers", 15), ("llms", 12), ("python", 8),
    ]:  # fmt: skip
        graph.add_node(topic, hours=hours, title=topic.replace("-", " ").title(), resources=[])
    graph.add_edges_from(
        [("linear-algebra", "attention"), ("attention", "transformers"), ("transformers", "llms"),
         ("python", "llms")],
        kind="required",
    )  # fmt: skip
    graph.nodes["attention"]["resources"] = [{"slug": "paper", "role": "core", "health": "ok"}]
    return graph


def plan(graph, goals, known, reviews, options=OPTIONS):
    return with_review_steps(graph, learning_path(graph, goals, known, options), reviews, options)


def test_a_faded_topic_behind_a_known_one_is_reviewed_before_what_builds_on_it():
    known = {"linear-algebra", "attention", "transformers", "python"}

    path = plan(curriculum(), ["llms"], known, {"attention": 0.2})

    assert [(s.kind, s.topic, s.hours) for s in path.steps] == [
        ("review", "attention", 0.2),
        ("study", "llms", 12),
    ]
    review = path.steps[0]
    assert review.chain == ["attention", "transformers", "llms"]
    assert review.needed_for == ["llms"]
    assert review.resource == {"slug": "paper", "role": "core", "health": "ok"}
    assert (review.start, review.end) == (MONDAY, MONDAY)
    assert path.total_hours == pytest.approx(12.2)


def test_reviews_come_prerequisites_first_and_the_path_is_dated_again():
    known = {"linear-algebra", "attention", "python"}

    path = plan(curriculum(), ["llms"], known, {"attention": 7, "linear-algebra": 7})

    assert [(s.kind, s.topic, s.week) for s in path.steps] == [
        ("review", "linear-algebra", 1),
        ("review", "attention", 2),
        ("study", "transformers", 3),
        ("study", "llms", 5),
    ]
    assert path.finish_date == date(2025, 2, 15)  # 41 hours at an hour a day
    assert path.ready_now == ["linear-algebra", "attention", "transformers"]


def test_a_review_topic_nothing_builds_on_or_already_on_the_path_is_left_out():
    known = {"linear-algebra", "attention", "python"}

    path = plan(curriculum(), ["transformers"], known, {"python": 1, "transformers": 1})

    assert [(s.kind, s.topic) for s in path.steps] == [("study", "transformers")]


def test_without_reviews_the_path_is_unchanged():
    graph = curriculum()
    path = learning_path(graph, ["llms"], {"python"}, OPTIONS)
    assert with_review_steps(graph, path, {}, OPTIONS) is path


@pytest.mark.parametrize(
    ("reviews", "message"),
    [({"astrology": 1}, r"unknown review topic\(s\): 'astrology'"), ({"python": 0}, "positive")],
)
def test_impossible_reviews_are_refused(reviews, message):
    graph = curriculum()
    path = learning_path(graph, ["llms"], {"python", "transformers"}, OPTIONS)
    with pytest.raises(PathError, match=message):
        with_review_steps(graph, path, reviews, OPTIONS)


NAMES = [f"t{n:02d}" for n in range(12)]


@st.composite
def requests(draw):
    """A random curriculum (edges from earlier to later topics), goals, known topics, reviews."""
    size = draw(st.integers(2, len(NAMES)))
    names = NAMES[:size]
    graph = nx.DiGraph()
    for name in names:
        graph.add_node(name, hours=draw(st.integers(1, 20)), title=name)
    pairs = [(u, v) for i, u in enumerate(names) for v in names[i + 1 :]]
    for u, v in draw(st.lists(st.sampled_from(pairs), max_size=3 * size, unique=True)):
        graph.add_edge(u, v, kind=draw(st.sampled_from(["required", "recommended"])))
    goals = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    known = set(draw(st.lists(st.sampled_from(names), max_size=size))) - set(goals)
    reviews = {t: draw(st.floats(0.01, 3)) for t in draw(st.lists(st.sampled_from(sorted(known) or names)))}
    reviews = {t: h for t, h in reviews.items() if t in known}
    return graph, goals, known, reviews


@settings(max_examples=200, deadline=None)
@given(requests(), st.booleans(), st.booleans())
def test_every_review_comes_before_all_that_build_on_it_and_only_then(request, recommended, assume):
    graph, goals, known, reviews = request
    options = PathOptions(
        include_recommended=recommended, assume_known_prerequisites=assume,
        hours_per_week=10, start_date=MONDAY,
    )  # fmt: skip
    plain = learning_path(graph, goals, known, options)
    path = with_review_steps(graph, plain, reviews, options)

    followed = nx.DiGraph(
        (u, v) for u, v, kind in graph.edges(data="kind") if recommended or kind != "recommended"
    )
    followed.add_nodes_from(graph)
    studied = [s.topic for s in path.steps if s.kind == "study"]
    reviewed = [s.topic for s in path.steps if s.kind == "review"]
    assert studied == [s.topic for s in plain.steps]  # the study steps keep their order
    position = {s.topic: i for i, s in enumerate(path.steps)}
    for topic in reviews:
        builds_on_it = [t for t in studied if t in nx.descendants(followed, topic)]
        assert (topic in reviewed) == bool(builds_on_it)
        for later in builds_on_it:
            assert position[topic] < position[later]
    for a in reviewed:  # reviews of prerequisites come first
        for b in reviewed:
            if b in nx.descendants(followed, a):
                assert position[a] < position[b]
    assert path.total_hours == pytest.approx(plain.total_hours + sum(reviews[t] for t in reviewed))
    for step in path.steps:
        assert step.chain[0] == step.topic and step.chain[-1] in goals
        assert all(followed.has_edge(u, v) for u, v in zip(step.chain, step.chain[1:], strict=False))
