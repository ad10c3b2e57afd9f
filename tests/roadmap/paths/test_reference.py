"""The optimised engine against a plain reference: the same paths, step for step.

``reference_path`` builds a learning path the slow, obvious way (a recursive depth-first
walk, a breadth-first pass per level, one loop per step, :func:`schedule` for the dates), as
the engine did before its hot loops were rewritten (issue 12): short paths are now built a
step at a time and long ones a column at a time, and both must give what this gives.

Pure tests: no database and no Django.
"""

from datetime import date

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap.paths import PathOptions, PathStep, learning_path, pick_start_resource, schedule

TOPICS = [f"t{i:02d}" for i in range(40)]
RESOURCES = [
    {"slug": f"r{i}", "kind": kind, "access": access, "role": role, "health": health}
    for i, (kind, access, role, health) in enumerate(
        [
            ("book", "paid", "core", "ok"), ("video", "free", "core", "broken"),
            ("article", "free", "supplemental", "ok"), ("course", "paid", "core", "unknown"),
            ("video", "paid", "supplemental", "timeout"), ("book", "free", "core", "redirected"),
        ]
    )
]  # fmt: skip


def reference_path(graph, goals, known, options):
    """(topic, title, hours, needed_for, chain, resource, resources, week, start, end) rows,
    the total hours, the finish date and the steps ready now."""
    drop = known if options.assume_known_prerequisites else set()

    def prerequisites(topic):
        return sorted(
            p
            for p, edge in graph.pred[topic].items()
            if p not in drop and (options.include_recommended or edge.get("kind") != "recommended")
        )

    walked = []

    def visit(topic):
        if topic not in walked:
            for p in prerequisites(topic):
                visit(p)
            walked.append(topic)

    for goal in goals:
        visit(goal)
    chains, level = {g: [g] for g in goals}, sorted(goals)
    while level:
        below = []
        for topic in level:
            for p in prerequisites(topic):
                if p not in chains:
                    chains[p] = [p, *chains[topic]]
                    below.append(p)
        level = sorted(below)
    order = [t for t in walked if t not in known]
    reach = nx.DiGraph([(p, t) for t in walked for p in prerequisites(t)])
    reach.add_nodes_from(walked)
    hours = [graph.nodes[t]["hours"] for t in order]
    slots, finish = schedule(hours, options.hours_per_week, options.start_date)
    rows = []
    for topic, spent, slot in zip(order, hours, slots, strict=True):
        resources = graph.nodes[topic].get("resources") or []
        core = [r for r in resources if r.get("role", "core") == "core"]
        ordered = core + [r for r in resources if r.get("role", "core") != "core"]
        pick = pick_start_resource(
            ordered, preferred_access=options.preferred_access, preferred_kinds=options.preferred_kinds
        )
        serves = [g for g in goals if g == topic or nx.has_path(reach, topic, g)]
        title = graph.nodes[topic].get("title", topic)
        rows.append((topic, title, spent, serves, chains[topic], pick, ordered, *slot))
    ready = [t for t in order if set(prerequisites(t)) <= known]
    return rows, (sum(hours), finish, ready)


@st.composite
def requests(draw):
    """A curriculum of up to 40 topics (paths long enough to be built a column at a time)."""
    size = draw(st.integers(1, len(TOPICS)))
    graph = nx.DiGraph()
    for topic in TOPICS[:size]:
        hours = draw(st.one_of(st.integers(1, 30), st.floats(0.1, 30)))
        resources = draw(st.lists(st.sampled_from(RESOURCES), max_size=4, unique_by=lambda r: r["slug"]))
        title = draw(st.sampled_from([None, topic.upper()]))
        graph.add_node(topic, hours=hours, **({"resources": resources} if resources else {}))
        if title is not None:
            graph.nodes[topic]["title"] = title
    for i, topic in enumerate(TOPICS[:size]):
        for p in draw(st.lists(st.sampled_from(TOPICS[:i]), max_size=3, unique=True)) if i else []:
            graph.add_edge(p, topic, kind=draw(st.sampled_from(["required", "recommended", None])))
    goals = draw(st.lists(st.sampled_from(TOPICS[:size]), min_size=1, max_size=3, unique=True))
    known = set(draw(st.lists(st.sampled_from(TOPICS[:size]), max_size=size))) - set(goals)
    return graph, goals, known


options_strategy = st.builds(
    PathOptions,
    include_recommended=st.booleans(),
    assume_known_prerequisites=st.booleans(),
    hours_per_week=st.one_of(st.floats(0.5, 60), st.integers(1, 40)),
    start_date=st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2030, 1, 1))),
    preferred_access=st.lists(st.sampled_from(["free", "paid"]), unique=True),
    preferred_kinds=st.lists(st.sampled_from(["book", "video", "article", "course"]), unique=True),
)


@settings(deadline=None, max_examples=150)
@given(requests(), options_strategy)
def test_it_gives_the_reference_path_step_for_step(request, options):
    graph, goals, known = request
    rows, (total, finish, ready) = reference_path(graph, goals, known, options)

    for _ in range(2):  # again, on what the engine remembered of the graph
        path = learning_path(graph, goals, known, options)

        assert [tuple(step[:10]) for step in path.steps] == rows
        assert all(type(step) is PathStep and step.kind == "study" for step in path.steps)
        assert (path.total_hours, path.finish_date, path.ready_now, path.goals) == (total, finish, ready, goals)
        assert type(path.total_hours) is type(total)
