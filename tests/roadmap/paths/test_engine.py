"""The path engine, on a small machine-learning roadmap and on random curricula.

Pure tests: no database and no Django.
"""

import copy
import json
import math
import pickle
import random
from datetime import date

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap.paths import (
    GoalAlreadyKnownError,
    InvalidOptionError,
    LearningPath,
    PathError,
    PathOptions,
    PathStep,
    PrerequisiteCycleError,
    StudySlot,
    UnknownTopicError,
    explain,
    learning_path,
    needed_topics,
    order_topics,
    pick_start_resource,
    ready_now,
    schedule,
)

MONDAY = date(2025, 1, 6)

ML_BOOK = {"slug": "ml-book", "role": "core", "kind": "book", "access": "paid", "health": "ok"}
ML_VIDEOS = {
    "slug": "ml-videos", "role": "core", "kind": "video", "access": "free", "health": "redirected",
}  # fmt: skip
ML_OLD_COURSE = {
    "slug": "ml-old-course", "role": "core", "kind": "course", "access": "free", "health": "broken",
}  # fmt: skip
ML_NOTES = {
    "slug": "ml-notes", "role": "supplemental", "kind": "article", "access": "free", "health": "ok",
}  # fmt: skip


def ml_roadmap() -> nx.DiGraph:
    """Eleven topics from algebra and Python to deep learning."""
    graph = nx.DiGraph()
    hours = {
        "algebra": 8, "calculus": 10, "linear-algebra": 12, "python": 6, "numpy": 4,
        "pandas": 4, "plotting": 3, "probability": 8, "statistics": 8,
        "machine-learning": 20, "deep-learning": 25,
    }  # fmt: skip
    for slug, spent in hours.items():
        graph.add_node(slug, hours=spent, title=slug.replace("-", " ").capitalize())
    graph.nodes["machine-learning"]["resources"] = [ML_NOTES, ML_OLD_COURSE, ML_BOOK, ML_VIDEOS]
    graph.add_edges_from(
        [
            ("algebra", "calculus"), ("algebra", "linear-algebra"), ("python", "numpy"),
            ("numpy", "pandas"), ("numpy", "machine-learning"),
            ("linear-algebra", "machine-learning"), ("calculus", "machine-learning"),
            ("probability", "statistics"), ("statistics", "machine-learning"),
            ("machine-learning", "deep-learning"), ("calculus", "deep-learning"),
        ],
        kind="required",
    )  # fmt: skip
    graph.add_edges_from(
        [("pandas", "machine-learning"), ("plotting", "statistics"), ("calculus", "probability")],
        kind="recommended",
    )
    return graph


def topics(path) -> list[str]:
    return [step.topic for step in path.steps]


def step(path, topic):
    return next(s for s in path.steps if s.topic == topic)


# Ordering


def test_it_orders_prerequisites_first():
    path = learning_path(ml_roadmap(), ["deep-learning"], set())

    assert topics(path) == [
        "algebra", "calculus", "linear-algebra", "python", "numpy",
        "probability", "statistics", "machine-learning", "deep-learning",
    ]  # fmt: skip


def test_it_ignores_recommended_prerequisites_unless_asked():
    graph = ml_roadmap()

    plain = learning_path(graph, ["machine-learning"], set())
    thorough = learning_path(
        graph, ["machine-learning"], set(), PathOptions(include_recommended=True)
    )

    assert "pandas" not in topics(plain)
    assert topics(thorough) == [
        "algebra", "calculus", "linear-algebra", "python", "numpy", "pandas",
        "plotting", "probability", "statistics", "machine-learning",
    ]  # fmt: skip


def test_it_keeps_goals_in_the_order_given():
    path = learning_path(ml_roadmap(), ["statistics", "python"], set())

    assert topics(path) == ["probability", "statistics", "python"]


def test_it_accepts_a_single_slug_as_goal():
    assert topics(learning_path(ml_roadmap(), "numpy", set())) == ["python", "numpy"]


def test_it_gives_the_same_path_whatever_order_the_graph_was_built_in():
    graph = ml_roadmap()
    shuffled = nx.DiGraph()
    nodes, edges = list(graph.nodes(data=True)), list(graph.edges(data=True))
    random.Random(7).shuffle(nodes)
    random.Random(7).shuffle(edges)
    shuffled.add_nodes_from(nodes)
    shuffled.add_edges_from(edges)

    for goals in (["deep-learning"], ["statistics", "numpy"]):
        options = PathOptions(start_date=MONDAY, include_recommended=True)
        assert (
            learning_path(graph, goals, {"python"}, options).to_dict()
            == learning_path(shuffled, goals, {"python"}, options).to_dict()
        )


# What the learner knows


def test_it_leaves_out_known_topics():
    path = learning_path(ml_roadmap(), ["machine-learning"], {"python", "numpy"})

    assert "python" not in topics(path)
    assert "numpy" not in topics(path)


def test_it_treats_what_lies_behind_known_topics_as_known():
    known = {"calculus", "linear-algebra"}

    path = learning_path(ml_roadmap(), ["deep-learning"], known)

    assert "algebra" not in topics(path)


def test_it_can_bring_back_prerequisites_of_known_topics():
    known = {"calculus", "linear-algebra"}
    options = PathOptions(assume_known_prerequisites=False)

    path = learning_path(ml_roadmap(), ["deep-learning"], known, options)

    assert topics(path)[0] == "algebra"
    assert step(path, "algebra").chain == ["algebra", "calculus", "deep-learning"]


def test_it_lists_the_steps_a_learner_can_start_today():
    path = learning_path(ml_roadmap(), ["machine-learning"], {"algebra"})

    assert path.ready_now == ["calculus", "linear-algebra", "python", "probability"]


# Explanations


def test_it_ends_each_goals_chain_at_itself():
    path = learning_path(ml_roadmap(), ["statistics", "deep-learning"], set())

    assert step(path, "statistics").chain == ["statistics"]
    assert step(path, "deep-learning").chain == ["deep-learning"]


def test_it_explains_each_step_with_a_shortest_chain_to_a_goal():
    path = learning_path(ml_roadmap(), ["deep-learning"], set())

    assert step(path, "algebra").chain == ["algebra", "calculus", "deep-learning"]
    assert step(path, "python").chain == ["python", "numpy", "machine-learning", "deep-learning"]


def test_it_breaks_ties_between_chains_by_slug():
    graph = nx.DiGraph([("sets", "proofs"), ("sets", "logic"), ("proofs", "analysis")])
    graph.add_edge("logic", "analysis")
    nx.set_node_attributes(graph, 1, "hours")

    path = learning_path(graph, ["analysis"], set())

    assert step(path, "sets").chain == ["sets", "logic", "analysis"]


def test_it_names_every_goal_a_step_serves_in_the_order_given():
    path = learning_path(ml_roadmap(), ["deep-learning", "statistics"], set())

    assert step(path, "probability").needed_for == ["deep-learning", "statistics"]
    assert step(path, "probability").chain == ["probability", "statistics"]
    assert step(path, "python").needed_for == ["deep-learning"]


def test_explain_refuses_a_step_that_leads_to_no_goal():
    with pytest.raises(PathError, match="python"):
        explain(ml_roadmap(), ["python", "calculus"], ["calculus"])


# The public pieces agree with the whole


def test_the_pieces_give_the_same_answer_as_the_whole_path():
    graph, goals, known = ml_roadmap(), ["deep-learning", "pandas"], {"algebra"}

    needed = needed_topics(graph, goals, known)
    order = order_topics(graph, needed, goals)
    reasons = explain(graph, order, goals)
    path = learning_path(graph, goals, known)

    assert order == topics(path)
    assert [reasons[s.topic] for s in path.steps] == [(s.needed_for, s.chain) for s in path.steps]
    assert path.ready_now == [t for t in order if t in ready_now(graph, known, within=needed)]


def test_order_topics_puts_topics_no_goal_reaches_last():
    order = order_topics(ml_roadmap(), {"algebra", "python", "numpy"}, ["numpy"])

    assert order == ["python", "numpy", "algebra"]


def test_order_topics_can_walk_through_topics_it_does_not_list():
    needed = {"algebra", "deep-learning"}

    order = order_topics(ml_roadmap(), needed, ["deep-learning"], through={"calculus"})

    assert order == ["algebra", "deep-learning"]


# Schedule


def test_it_schedules_steps_week_by_week_from_the_start_date():
    options = PathOptions(hours_per_week=14, start_date=MONDAY)

    path = learning_path(ml_roadmap(), ["numpy"], set(), options)

    python, numpy = path.steps
    assert (python.week, python.start, python.end) == (1, MONDAY, date(2025, 1, 8))
    assert (numpy.week, numpy.start, numpy.end) == (1, date(2025, 1, 9), date(2025, 1, 10))
    assert path.finish_date == date(2025, 1, 10)
    assert path.total_hours == 10


def test_a_long_topic_spans_weeks():
    options = PathOptions(hours_per_week=5, start_date=MONDAY)

    path = learning_path(ml_roadmap(), ["deep-learning"], set(), options)

    assert step(path, "algebra").start == MONDAY
    assert step(path, "algebra").end == date(2025, 1, 17)
    assert step(path, "calculus").week == 2
    assert path.finish_date == MONDAY.fromordinal(MONDAY.toordinal() + math.ceil(101 / 5 * 7) - 1)


def test_it_gives_weeks_but_no_dates_without_a_start_date():
    path = learning_path(ml_roadmap(), ["numpy"], set(), PathOptions(hours_per_week=3))

    assert [(s.week, s.start, s.end) for s in path.steps] == [(1, None, None), (3, None, None)]
    assert path.finish_date is None


def test_schedule_starts_the_next_step_the_day_after_hours_run_out_at_midnight():
    slots, finish = schedule([7, 7], 7, MONDAY)

    assert [(s.start, s.end) for s in slots] == [
        (MONDAY, date(2025, 1, 12)),
        (date(2025, 1, 13), date(2025, 1, 19)),
    ]
    assert slots[1].week == 2
    assert finish == date(2025, 1, 19)


def test_schedule_of_nothing_finishes_nowhere():
    assert schedule([], 5, MONDAY) == ([], None)


def test_schedule_gives_study_slots_and_takes_any_iterable():
    slots, finish = schedule((hours for hours in [3, 4]), 7)

    assert slots == [StudySlot(1, None, None), StudySlot(1, None, None)]
    assert slots[1].week == 1
    assert finish is None


# Resources


def test_it_starts_with_a_working_core_resource_and_lists_core_ones_first():
    path = learning_path(ml_roadmap(), ["machine-learning"], {"algebra", "python", "numpy"})

    ml = step(path, "machine-learning")
    assert ml.resource == ML_BOOK
    assert ml.resources == [ML_OLD_COURSE, ML_BOOK, ML_VIDEOS, ML_NOTES]


def test_it_follows_the_learners_preferred_access():
    options = PathOptions(preferred_access=("free",))

    path = learning_path(ml_roadmap(), ["machine-learning"], {"algebra", "python"}, options)

    assert step(path, "machine-learning").resource == ML_VIDEOS


def test_it_never_prefers_a_broken_link_to_a_working_one():
    picked = pick_start_resource([ML_OLD_COURSE, ML_BOOK], preferred_kinds=("course",))

    assert picked == ML_BOOK


def test_it_falls_back_to_a_broken_link_when_nothing_else_is_there():
    assert pick_start_resource([ML_NOTES, ML_OLD_COURSE]) == ML_OLD_COURSE


def test_it_treats_an_unchecked_link_as_healthy():
    unchecked = {"slug": "unchecked", "role": "core"}

    assert pick_start_resource([ML_OLD_COURSE, unchecked]) == unchecked


def test_a_topic_without_resources_has_no_start_resource():
    path = learning_path(ml_roadmap(), ["python"], set())

    assert path.steps[0].resource is None
    assert path.steps[0].resources == []


# Ready now


def test_ready_now_lists_the_topics_whose_prerequisites_are_known():
    assert ready_now(ml_roadmap(), {"algebra", "python"}) == [
        "calculus", "linear-algebra", "numpy", "plotting", "probability",
    ]  # fmt: skip


def test_ready_now_can_count_recommended_prerequisites():
    ready = ready_now(ml_roadmap(), {"algebra"}, include_recommended=True)

    assert "probability" not in ready
    assert "calculus" in ready


def test_ready_now_can_be_restricted_to_some_topics():
    assert ready_now(ml_roadmap(), {"algebra"}, within={"calculus", "numpy"}) == ["calculus"]


# Errors


def test_it_rejects_an_unknown_goal():
    with pytest.raises(UnknownTopicError, match="quantum-computing") as caught:
        learning_path(ml_roadmap(), ["deep-learning", "quantum-computing"], set())

    assert caught.value.slugs == ["quantum-computing"]


def test_it_rejects_an_unknown_known_topic():
    with pytest.raises(UnknownTopicError, match="'cooking'"):
        learning_path(ml_roadmap(), ["deep-learning"], {"python", "cooking"})


def test_it_rejects_a_goal_already_known():
    with pytest.raises(GoalAlreadyKnownError, match="'numpy'"):
        learning_path(ml_roadmap(), ["numpy", "pandas"], {"python", "numpy"})


def test_it_rejects_no_goals():
    with pytest.raises(InvalidOptionError, match="goals"):
        learning_path(ml_roadmap(), [], set())


@pytest.mark.parametrize("hours_per_week", [0, -3, math.inf, math.nan])
def test_it_rejects_hours_per_week_that_are_not_positive(hours_per_week):
    with pytest.raises(InvalidOptionError, match="hours_per_week must be greater than 0"):
        PathOptions(hours_per_week=hours_per_week)
    with pytest.raises(InvalidOptionError, match="hours_per_week must be greater than 0"):
        schedule([1], hours_per_week)


def test_it_rejects_a_topic_without_hours():
    graph = ml_roadmap()
    del graph.nodes["python"]["hours"]

    with pytest.raises(PathError, match="'python' has no valid hours"):
        learning_path(graph, ["numpy"], set())


def test_it_names_the_cycle_it_finds():
    graph = ml_roadmap()
    graph.add_edge("machine-learning", "algebra", kind="required")

    with pytest.raises(PrerequisiteCycleError, match="the prerequisites form the cycle") as caught:
        learning_path(graph, ["deep-learning"], set())

    assert "calculus → machine-learning → algebra → calculus" in str(caught.value)


def test_its_errors_survive_pickling_for_background_tasks():
    for error in (UnknownTopicError(["x", "a"]), GoalAlreadyKnownError(["numpy"])):
        assert str(pickle.loads(pickle.dumps(error))) == str(error)


# Plain data, and a graph left alone


def test_it_gives_json_ready_data():
    options = PathOptions(start_date=MONDAY)
    path = learning_path(ml_roadmap(), ["machine-learning"], {"python"}, options)

    data = json.loads(json.dumps(path.to_dict()))

    assert data["goals"] == ["machine-learning"]
    assert data["finish_date"] == path.finish_date.isoformat()
    assert data["steps"][-1]["resource"]["slug"] == "ml-book"
    assert data["steps"][0]["start"] == "2025-01-06"


def test_it_does_not_change_the_curriculum():
    graph = ml_roadmap()
    before = copy.deepcopy((dict(graph.nodes(data=True)), list(graph.edges(data=True))))

    learning_path(graph, ["deep-learning"], {"python"}, PathOptions(start_date=MONDAY))

    assert (dict(graph.nodes(data=True)), list(graph.edges(data=True))) == before


def test_it_leaves_the_curriculum_alone_path_after_path():
    graph = ml_roadmap()
    before = copy.deepcopy((dict(graph.nodes(data=True)), list(graph.edges(data=True))))

    for options in (PathOptions(), PathOptions(preferred_access=("free",), start_date=MONDAY)):
        learning_path(graph, ["deep-learning"], {"python"}, options)
        learning_path(graph, ["machine-learning", "pandas"], set(), options)

    assert (dict(graph.nodes(data=True)), list(graph.edges(data=True))) == before


def test_its_steps_cannot_be_changed():
    path = learning_path(ml_roadmap(), ["numpy"], set())

    with pytest.raises(AttributeError):
        path.steps[0].topic = "pandas"
    with pytest.raises(AttributeError):
        path.total_hours = 0


def test_it_gives_data_of_the_same_shape():
    options = PathOptions(start_date=MONDAY)
    path = learning_path(ml_roadmap(), ["machine-learning"], {"python"}, options)

    data = path.to_dict()

    assert isinstance(path, LearningPath)
    assert all(isinstance(s, PathStep) for s in path.steps)
    assert list(data) == ["goals", "total_hours", "finish_date", "ready_now", "steps"]
    assert [list(s) for s in data["steps"]] == [
        ["topic", "kind", "title", "hours", "needed_for", "chain", "resource", "resources",
         "week", "start", "end"]
    ] * len(path.steps)  # fmt: skip
    assert data["steps"][-1] == {
        "topic": "machine-learning",
        "kind": "study",
        "title": "Machine learning",
        "hours": 20,
        "needed_for": ["machine-learning"],
        "chain": ["machine-learning"],
        "resource": ML_BOOK,
        "resources": [ML_OLD_COURSE, ML_BOOK, ML_VIDEOS, ML_NOTES],
        "week": 11,
        "start": "2025-03-17",
        "end": "2025-04-13",
    }


def test_each_step_has_lists_of_its_own():
    graph = ml_roadmap()
    first = learning_path(graph, ["machine-learning"], set())

    step(first, "machine-learning").resources.clear()
    step(first, "machine-learning").needed_for.append("cooking")
    step(first, "algebra").chain.append("cooking")
    again = learning_path(graph, ["machine-learning"], set())

    assert step(again, "machine-learning").resources == [
        ML_OLD_COURSE, ML_BOOK, ML_VIDEOS, ML_NOTES,
    ]  # fmt: skip
    assert step(again, "machine-learning").needed_for == ["machine-learning"]
    assert step(again, "algebra").chain == ["algebra", "calculus", "machine-learning"]


def test_it_follows_each_learners_preferences_on_a_shared_curriculum():
    graph = ml_roadmap()
    known = {"algebra", "python", "numpy"}

    plain = learning_path(graph, ["machine-learning"], known)
    free = learning_path(
        graph, ["machine-learning"], known, PathOptions(preferred_access=("free",))
    )
    plain_again = learning_path(graph, ["machine-learning"], known)

    assert step(plain, "machine-learning").resource == ML_BOOK
    assert step(free, "machine-learning").resource == ML_VIDEOS
    assert step(plain_again, "machine-learning").resource == ML_BOOK


def test_it_sees_prerequisites_changed_through_the_graph_after_a_first_path():
    graph = ml_roadmap()
    assert "plotting" not in topics(learning_path(graph, ["statistics"], set()))

    graph.add_edge("plotting", "statistics", kind="required")
    graph.add_edge("plotting", "probability", kind="required")

    assert topics(learning_path(graph, ["statistics"], set())) == [
        "plotting", "probability", "statistics",
    ]  # fmt: skip
    graph.remove_node("plotting")
    assert topics(learning_path(graph, ["statistics"], set())) == ["probability", "statistics"]


def test_it_picks_again_when_a_topics_resources_are_replaced():
    graph = ml_roadmap()
    known = {"algebra", "python", "numpy"}
    assert step(learning_path(graph, ["machine-learning"], known), "machine-learning").resource == (
        ML_BOOK
    )

    graph.nodes["machine-learning"]["resources"] = [ML_NOTES, ML_VIDEOS]

    ml = step(learning_path(graph, ["machine-learning"], known), "machine-learning")
    assert ml.resource == ML_VIDEOS
    assert ml.resources == [ML_VIDEOS, ML_NOTES]


def test_it_gives_the_same_path_on_a_view_of_the_curriculum():
    graph = ml_roadmap()
    view = graph.subgraph(t for t in graph if t != "plotting")
    options = PathOptions(start_date=MONDAY, include_recommended=True)

    assert (
        learning_path(view, ["machine-learning"], {"python"}, options).to_dict()
        == learning_path(
            graph.subgraph(view).copy(), ["machine-learning"], {"python"}, options
        ).to_dict()
    )


class ReadRecorder(dict):
    """A dict that remembers which keys were read."""

    def __init__(self, data):
        super().__init__(data)
        self.read = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)


def test_it_reads_only_the_topics_behind_the_goals():
    graph = ml_roadmap()
    nx.add_path(graph, [f"unrelated-{i}" for i in range(2000)], kind="required")
    graph.add_edge("deep-learning", "unrelated-0", kind="required")
    graph._node = ReadRecorder(graph._node)
    graph._pred = ReadRecorder(graph._pred)

    path = learning_path(graph, ["deep-learning"], {"numpy"}, PathOptions(start_date=MONDAY))

    assert graph._pred.read | graph._node.read <= set(topics(path))


# Properties on random curricula

NAMES = [f"topic-{letter}" for letter in "abcdefghijklmnop"]


@st.composite
def requests(draw):
    """A random curriculum (edges go from earlier to later topics), goals and known topics."""
    size = draw(st.integers(1, len(NAMES)))
    names = draw(st.permutations(NAMES))[:size]
    graph = nx.DiGraph()
    for name in names:
        hours = draw(st.one_of(st.integers(1, 40), st.floats(0.25, 40)))
        graph.add_node(name, hours=hours, title=name)
    pairs = [(u, v) for i, u in enumerate(names) for v in names[i + 1 :]]
    if pairs:
        for u, v in draw(st.lists(st.sampled_from(pairs), max_size=3 * size, unique=True)):
            graph.add_edge(u, v, kind=draw(st.sampled_from(["required", "recommended"])))
    goals = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    known = set(draw(st.lists(st.sampled_from(names), max_size=size))) - set(goals)
    return graph, goals, known


options_strategy = st.builds(
    PathOptions,
    include_recommended=st.booleans(),
    assume_known_prerequisites=st.booleans(),
    hours_per_week=st.floats(0.5, 60),
    start_date=st.dates(date(2020, 1, 1), date(2030, 1, 1)),
)


def followed(graph, options):
    """The curriculum with only the edges the path follows."""
    kept = nx.DiGraph()
    kept.add_nodes_from(graph)
    kept.add_edges_from(
        (u, v)
        for u, v, kind in graph.edges(data="kind")
        if options.include_recommended or kind != "recommended"
    )
    return kept


def walked_graph(graph, goals, known, options):
    """What the path may walk through: unknown topics, or all when prerequisites are checked."""
    kept = followed(graph, options)
    if options.assume_known_prerequisites:
        kept = kept.subgraph(t for t in kept if t not in known)
    behind = set(goals).union(*(nx.ancestors(kept, g) for g in goals))
    return kept.subgraph(behind)


@settings(deadline=None, max_examples=200)
@given(requests(), options_strategy)
def test_every_prerequisite_comes_earlier_or_is_known(request, options):
    graph, goals, known = request
    path = learning_path(graph, goals, known, options)

    seen = set(known)
    for s in path.steps:
        assert set(followed(graph, options).predecessors(s.topic)) <= seen
        seen.add(s.topic)


@settings(deadline=None, max_examples=200)
@given(requests(), options_strategy)
def test_the_path_holds_exactly_the_unknown_topics_behind_the_goals(request, options):
    graph, goals, known = request
    path = learning_path(graph, goals, known, options)

    assert not known & set(topics(path))
    assert len(set(topics(path))) == len(path.steps)
    assert set(topics(path)) == set(walked_graph(graph, goals, known, options)) - known


@settings(deadline=None, max_examples=200)
@given(requests(), options_strategy)
def test_every_chain_is_a_shortest_walk_to_a_goal_it_serves(request, options):
    graph, goals, known = request
    path = learning_path(graph, goals, known, options)
    walked = walked_graph(graph, goals, known, options)
    distance = nx.multi_source_dijkstra_path_length(walked.reverse(), set(goals))

    for s in path.steps:
        assert s.chain[0] == s.topic
        assert s.chain[-1] in goals
        assert s.chain[-1] in s.needed_for
        assert nx.is_path(walked, s.chain)
        assert len(s.chain) - 1 == distance[s.topic]
        assert s.needed_for == [g for g in goals if nx.has_path(walked, s.topic, g)]
    for goal in goals:
        assert step(path, goal).chain == [goal]


@settings(deadline=None, max_examples=100)
@given(requests(), options_strategy, st.randoms(use_true_random=False))
def test_the_same_request_always_gives_the_same_path(request, options, rng):
    graph, goals, known = request
    rebuilt = nx.DiGraph()
    nodes, edges = list(graph.nodes(data=True)), list(graph.edges(data=True))
    rng.shuffle(nodes)
    rng.shuffle(edges)
    rebuilt.add_nodes_from(nodes)
    rebuilt.add_edges_from(edges)

    first = learning_path(graph, goals, known, options).to_dict()

    assert learning_path(graph, goals, known, options).to_dict() == first
    assert learning_path(rebuilt, goals, set(known), options).to_dict() == first


@settings(deadline=None, max_examples=200)
@given(requests(), st.booleans())
def test_assuming_known_prerequisites_never_lengthens_the_path(request, include_recommended):
    graph, goals, known = request

    def path_topics(assume):
        options = PathOptions(
            include_recommended=include_recommended, assume_known_prerequisites=assume
        )
        return set(topics(learning_path(graph, goals, known, options)))

    assert path_topics(True) <= path_topics(False)


@settings(deadline=None, max_examples=200)
@given(requests(), options_strategy)
def test_the_schedule_adds_up(request, options):
    graph, goals, known = request
    path = learning_path(graph, goals, known, options)

    hours = [graph.nodes[s.topic]["hours"] for s in path.steps]
    assert path.total_hours == pytest.approx(sum(hours))
    days = (path.finish_date - options.start_date).days + 1
    per_day = options.hours_per_week / 7
    # The last day is the first one by whose end the hours are done (to a second or so).
    assert (days - 1) * per_day < path.total_hours + 1e-5
    assert path.total_hours <= days * per_day + 1e-5
    for earlier, later in zip(path.steps, path.steps[1:], strict=False):
        assert earlier.start <= earlier.end <= later.start <= later.end
        assert later.week == (later.start - options.start_date).days // 7 + 1
    assert path.steps[0].start == options.start_date
    assert path.steps[-1].end == path.finish_date


@settings(deadline=None, max_examples=200)
@given(requests(), st.booleans())
def test_ready_now_is_exactly_the_outer_fringe(request, include_recommended):
    graph, _, known = request
    options = PathOptions(include_recommended=include_recommended)
    prerequisites = followed(graph, options)

    ready = ready_now(graph, known, include_recommended=include_recommended)

    assert ready == sorted(
        t for t in graph if t not in known and set(prerequisites.predecessors(t)) <= known
    )
    some = set(list(graph)[::2])
    assert ready_now(graph, known, include_recommended=include_recommended, within=some) == [
        t for t in ready if t in some
    ]


@settings(deadline=None, max_examples=200)
@given(requests(), options_strategy)
def test_the_paths_ready_steps_need_nothing_unknown(request, options):
    graph, goals, known = request
    path = learning_path(graph, goals, known, options)
    prerequisites = followed(graph, options)

    assert path.ready_now == [
        s.topic for s in path.steps if set(prerequisites.predecessors(s.topic)) <= known
    ]


def test_known_topics_are_checked_once_against_their_graph():
    from roadmap.paths import KnownTopics, UnknownTopicError, known_topics, learning_path

    graph = nx.DiGraph([("algebra", "calculus"), ("calculus", "ml")], kind="required")
    nx.set_node_attributes(graph, 5, "hours")

    with pytest.raises(UnknownTopicError, match="astrology"):
        known_topics(graph, ["algebra", "astrology"])
    known = known_topics(graph, ["algebra", "astrology"], drop_unknown=True)

    assert isinstance(known, KnownTopics) and known == {"algebra"}
    assert [s.topic for s in learning_path(graph, ["ml"], known).steps] == ["calculus", "ml"]


def test_known_topics_of_another_graph_are_checked_again():
    from roadmap.paths import UnknownTopicError, known_topics, learning_path

    graph = nx.DiGraph([("algebra", "calculus")], kind="required")
    other = nx.DiGraph([("geometry", "calculus")], kind="required")
    nx.set_node_attributes(graph, 5, "hours")

    with pytest.raises(UnknownTopicError, match="geometry"):
        learning_path(graph, ["calculus"], known_topics(other, ["geometry"]))
