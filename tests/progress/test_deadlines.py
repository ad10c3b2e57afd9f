"""progress.deadlines: projections of goals with due dates, review steps included."""

from datetime import date

import networkx as nx

from progress.deadlines import BEHIND, ON_TRACK, deadline_progress

MONDAY = date(2025, 1, 6)


def chain_graph():
    """attention ─▶ transformers ─▶ llms, 7 hours each."""
    graph = nx.DiGraph([("attention", "transformers"), ("transformers", "llms")])
    nx.set_node_attributes(graph, 7, "hours")
    return graph


def test_a_review_on_the_way_moves_the_finish_and_can_make_a_learner_late():
    graph, known = chain_graph(), {"attention", "transformers"}
    deadline = [("llms", ["llms"], date(2025, 1, 12))]

    fresh = deadline_progress(graph, known, deadline, hours_per_week=7, today=MONDAY)["llms"]
    faded = deadline_progress(
        graph, known, deadline, hours_per_week=7, today=MONDAY, reviews={"attention": 1.0}
    )["llms"]

    assert (fresh.remaining_hours, fresh.finish_date, fresh.outlook) == (7, date(2025, 1, 12), ON_TRACK)
    assert (faded.remaining_hours, faded.finish_date, faded.outlook) == (8, date(2025, 1, 13), BEHIND)
    assert faded.reviews == ("attention",) and faded.remaining_topics == 1


def test_a_review_nothing_builds_on_does_not_count():
    graph = chain_graph()
    graph.add_node("unrelated", hours=3)
    progress = deadline_progress(
        graph, {"attention", "transformers", "unrelated"}, [("llms", ["llms"], None)],
        hours_per_week=7, today=MONDAY, reviews={"unrelated": 1.0},
    )["llms"]  # fmt: skip
    assert (progress.remaining_hours, progress.reviews) == (7, ())
