"""Learning paths from the database: the cached graph, the path service, and the shipped
curriculum.

    math:        linear-algebra ─▶ calculus ─┐
    programming: python ─▶ numpy ────────────┼─▶ ml-basics ─▶ deep-learning   (ml)
    math:        probability ────────────────┘        ▲
                 statistics ─ ─ recommended ─ ─ ─ ─ ─ ┘
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from progress.models import LearnerProfile
from progress.planning import (
    MAX_GOALS,
    path_for,
    ready_for,
    resolve_goals,
    track_terminal_topics,
)
from roadmap import editing, services
from roadmap.models import Prerequisite, Topic
from roadmap.selectors import build_roadmap_graph, forget_cached_graph, graph_version, roadmap_graph
from tests.factories import (
    PrerequisiteFactory,
    ResourceFactory,
    TopicFactory,
    TopicProgressFactory,
    TopicResourceFactory,
    TrackFactory,
)
from tests.locations import SHIPPED_CURRICULUM as SHIPPED

MONDAY = date(2026, 3, 2)


@pytest.fixture
def roadmap(db):
    math = TrackFactory(slug="math", title="Mathematics", position=1)
    code = TrackFactory(slug="programming", title="Programming", position=2)
    ml = TrackFactory(slug="ml", title="Machine learning", position=3)
    topics = {
        "linear-algebra": (math, 10), "calculus": (math, 10), "probability": (math, 10),
        "statistics": (math, 5), "python": (code, 5), "numpy": (code, 5),
        "ml-basics": (ml, 20), "deep-learning": (ml, 40),
    }  # fmt: skip
    made = {
        slug: TopicFactory(
            slug=slug, title=slug.replace("-", " ").capitalize(), track=track, hours=hours
        )
        for slug, (track, hours) in topics.items()
    }
    for before, after in [
        ("linear-algebra", "calculus"), ("python", "numpy"), ("calculus", "ml-basics"),
        ("numpy", "ml-basics"), ("probability", "ml-basics"), ("ml-basics", "deep-learning"),
    ]:  # fmt: skip
        PrerequisiteFactory(from_topic=made[before], to_topic=made[after])
    PrerequisiteFactory(
        from_topic=made["statistics"], to_topic=made["ml-basics"], kind="recommended"
    )
    book = ResourceFactory(slug="dl-book", title="The deep learning book", kind="book", health="ok")
    TopicResourceFactory(topic=made["deep-learning"], resource=book, locator="ch. 6")
    return made


def know(learner, *slugs, status="done", **fields):
    for slug in slugs:
        TopicProgressFactory(
            learner=learner, topic=Topic.objects.get(slug=slug), status=status, **fields
        )


def bigger_roadmap(topics: int):
    """A chain of `topics` topics, each with a resource: a long path."""
    track = TrackFactory(slug="long", title="Long", position=50)
    previous = None
    for n in range(topics):
        topic = TopicFactory(slug=f"step-{n:03d}", track=track, hours=2)
        TopicResourceFactory(topic=topic)
        if previous is not None:
            PrerequisiteFactory(from_topic=previous, to_topic=topic)
        previous = topic


# --- The graph cache ----------------------------------------------------------------------------


def test_building_the_graph_takes_three_queries_for_a_small_roadmap(
    roadmap, django_assert_num_queries
):
    with django_assert_num_queries(3):
        graph = build_roadmap_graph()
    assert graph.number_of_nodes() == 8
    assert graph.nodes["deep-learning"]["resources"][0]["slug"] == "dl-book"


def test_building_the_graph_takes_three_queries_for_a_large_roadmap(
    roadmap, django_assert_num_queries
):
    bigger_roadmap(120)
    with django_assert_num_queries(3):
        graph = build_roadmap_graph()
    assert graph.number_of_nodes() == 128
    assert graph.graph["tracks"]["long"]["topics"][:2] == ["step-000", "step-001"]


def test_the_graph_lists_each_tracks_topics_in_roadmap_order(roadmap):
    tracks = build_roadmap_graph().graph["tracks"]
    assert list(tracks) == ["math", "programming", "ml"]
    assert tracks["math"] == {
        "title": "Mathematics", "topics": ["calculus", "linear-algebra", "probability", "statistics"],
    }  # fmt: skip


def test_a_second_call_costs_only_the_version_check(roadmap, django_assert_num_queries):
    with django_assert_num_queries(4):  # the version, then the three queries of the build
        graph, version = roadmap_graph()
    with django_assert_num_queries(1):
        again, same_version = roadmap_graph()
    assert again is graph and same_version == version


def test_another_process_reuses_the_shared_cache_without_rebuilding(
    roadmap, django_assert_num_queries
):
    graph, version = roadmap_graph()
    forget_cached_graph()  # what a second web worker or the Celery worker starts with
    with django_assert_num_queries(1):
        theirs, their_version = roadmap_graph()
    assert their_version == version
    assert theirs is not graph  # unpickled from the cache, not this process's memo
    assert set(theirs.edges) == set(graph.edges)


def test_adding_an_edge_moves_the_version_and_the_next_call_sees_it(roadmap):
    graph, version = roadmap_graph()
    assert not graph.has_edge("linear-algebra", "ml-basics")
    services.prerequisite_create(
        from_topic=roadmap["linear-algebra"],
        to_topic=roadmap["ml-basics"],
        reason="Models are matrices.",
    )
    graph, new_version = roadmap_graph()
    assert new_version > version
    assert graph.edges["linear-algebra", "ml-basics"]["kind"] == "required"


def test_removing_an_edge_moves_the_version_and_the_next_call_sees_it(roadmap):
    graph, version = roadmap_graph()
    edge = Prerequisite.objects.get(from_topic__slug="python", to_topic__slug="numpy")
    services.prerequisite_delete(prerequisite=edge)
    forget_cached_graph()  # the edit may come from another process: the version decides
    graph, new_version = roadmap_graph()
    assert new_version > version
    assert not graph.has_edge("python", "numpy")


def test_changing_a_topics_hours_moves_the_version_and_the_next_call_sees_it(roadmap):
    _, version = roadmap_graph()
    editing.topic_update(topic=roadmap["calculus"], hours=12)
    graph, new_version = roadmap_graph()
    assert new_version == graph_version() > version
    assert graph.nodes["calculus"]["hours"] == 12


# --- Goals: topics and tracks -------------------------------------------------------------------


def test_a_track_goal_stands_for_the_topics_nothing_else_in_the_track_builds_on(roadmap):
    graph = build_roadmap_graph()
    # calculus builds on linear-algebra, and probability and statistics lead out of the track.
    assert track_terminal_topics(graph, "math") == ["calculus", "probability", "statistics"]
    assert resolve_goals(graph, ["math"], {"statistics"}) == ["calculus", "probability"]


def test_a_track_goal_covers_every_topic_of_the_track_not_known_yet(roadmap, alice):
    know(alice, "probability")
    path = path_for(goals=["math"], learner=alice)
    assert {step["topic"] for step in path["steps"]} == {"linear-algebra", "calculus", "statistics"}


def test_a_slug_naming_a_topic_and_a_track_means_the_topic_unless_prefixed(roadmap):
    TopicFactory(slug="ml", track=roadmap["linear-algebra"].track, hours=3)
    graph = build_roadmap_graph()
    assert resolve_goals(graph, ["ml"]) == ["ml"]
    assert resolve_goals(graph, ["track:ml"]) == ["deep-learning"]


def test_a_track_already_known_is_refused_as_a_goal(roadmap):
    with pytest.raises(ValidationError, match="already known: 'track:programming'"):
        path_for(goals=["programming"], known=["python", "numpy"])


# --- The path service ----------------------------------------------------------------------------


def test_a_learners_path_starts_from_their_progress(roadmap, alice):
    know(alice, "linear-algebra", "calculus", "python")
    know(alice, "numpy", status="skipped")
    know(alice, "probability", status="in_progress")
    path = path_for(goals=["deep-learning"], learner=alice, start_date=MONDAY)
    assert [step["topic"] for step in path["steps"]] == [
        "probability",
        "ml-basics",
        "deep-learning",
    ]
    assert path["ready_now"] == ["probability"]
    assert path["total_hours"] == 70


def test_each_step_says_why_it_is_there(roadmap):
    path = path_for(goals=["deep-learning"], known=[], start_date=MONDAY)
    why = {step["topic"]: step["why"] for step in path["steps"]}
    assert why["linear-algebra"] == "Needed for Deep learning via Calculus"
    assert why["ml-basics"] == "Needed for Deep learning"
    assert why["deep-learning"] == "Your goal"


def test_the_path_is_dated_at_the_learners_weekly_hours_from_their_local_today(roadmap, alice):
    LearnerProfile.objects.filter(user=alice).update(
        hours_per_week=14, time_zone="Pacific/Kiritimati"
    )
    know(alice, "linear-algebra", "calculus", "python", "numpy", "probability")
    path = path_for(goals=["ml-basics"], learner=alice)
    from progress.selectors import local_today

    today = local_today(learner=alice)
    assert path["hours_per_week"] == 14
    assert path["start_date"] == today.isoformat()
    # 20 hours at 14 a week: ten days, the last one included.
    assert path["finish_date"] == date.fromordinal(today.toordinal() + 9).isoformat()


def test_explicit_hours_and_start_date_win_over_the_profile(roadmap, alice):
    path = path_for(goals=["calculus"], learner=alice, hours_per_week=7, start_date=MONDAY)
    assert [(s["topic"], s["start"], s["end"]) for s in path["steps"]] == [
        ("linear-algebra", "2026-03-02", "2026-03-11"),
        ("calculus", "2026-03-12", "2026-03-21"),
    ]
    assert path["finish_date"] == "2026-03-21"


def test_topics_flagged_for_review_can_count_as_not_known(roadmap, alice):
    know(alice, "linear-algebra")
    know(alice, "calculus", needs_review=True)
    with pytest.raises(ValidationError, match="already known: 'calculus'"):
        path_for(goals=["calculus"], learner=alice)
    path = path_for(goals=["calculus"], learner=alice, needs_review_as_unknown=True)
    assert [step["topic"] for step in path["steps"]] == ["calculus"]


def test_recommended_prerequisites_join_the_path_only_when_asked(roadmap):
    known = ["linear-algebra", "calculus", "python", "numpy", "probability"]
    plain = path_for(goals=["ml-basics"], known=known, start_date=MONDAY)
    fuller = path_for(goals=["ml-basics"], known=known, start_date=MONDAY, include_recommended=True)
    assert [s["topic"] for s in plain["steps"]] == ["ml-basics"]
    assert [s["topic"] for s in fuller["steps"]] == ["statistics", "ml-basics"]


def test_the_start_resource_follows_the_preferences(roadmap):
    video = ResourceFactory(slug="dl-videos", kind="video", health="ok")
    TopicResourceFactory(topic=roadmap["deep-learning"], resource=video, position=1)
    known = ["linear-algebra", "calculus", "python", "numpy", "probability", "ml-basics"]
    plain = path_for(goals=["deep-learning"], known=known)
    watching = path_for(goals=["deep-learning"], known=known, preferred_kinds=["video"])
    assert plain["steps"][0]["resource"]["slug"] == "dl-book"
    assert watching["steps"][0]["resource"]["slug"] == "dl-videos"


def test_the_path_carries_the_graph_version_it_was_computed_on(roadmap):
    assert path_for(goals=["calculus"], known=[])["graph_version"] == graph_version()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"goals": ["quantum-computing"], "known": []},
            "unknown topic(s) or track(s): 'quantum-computing'",
        ),
        ({"goals": ["calculus"], "known": ["astrology"]}, "unknown topic(s): 'astrology'"),
        ({"goals": ["calculus"], "known": ["calculus"]}, "goal(s) already known: 'calculus'"),
        (
            {"goals": ["calculus"], "known": [], "hours_per_week": 0},
            "hours_per_week must be greater than 0",
        ),
        ({"goals": [], "known": []}, "name at least one topic or track"),
        ({"goals": ["calculus"] * (MAX_GOALS + 1), "known": []}, f"at most {MAX_GOALS} goals"),
        ({"goals": ["calculus"]}, "list the topics you already know"),
    ],
    ids=[
        "unknown goal",
        "unknown known",
        "goal known",
        "no hours",
        "no goals",
        "too many goals",
        "no learner",
    ],
)
def test_impossible_requests_are_refused_with_a_message_naming_the_problem(
    roadmap, arguments, message
):
    with pytest.raises(ValidationError) as refused:
        path_for(**arguments)
    assert message in " ".join(refused.value.messages)


def test_the_path_costs_the_same_few_queries_however_long_it_is(
    roadmap, alice, django_assert_num_queries
):
    bigger_roadmap(60)
    roadmap_graph()  # warm, as it is after the first request of a version
    alice = type(alice).objects.get(pk=alice.pk)  # no profile cached on the instance
    with django_assert_num_queries(3):  # the version, alice's progress, alice's profile
        short = path_for(goals=["step-001"], learner=alice)
    alice = type(alice).objects.get(pk=alice.pk)
    with django_assert_num_queries(3):
        long = path_for(goals=["step-059"], learner=alice)
    assert (len(short["steps"]), len(long["steps"])) == (2, 60)


def test_ready_for_lists_the_outer_fringe_in_roadmap_order(roadmap, alice):
    know(alice, "linear-algebra", "python")
    ready = ready_for(learner=alice)
    assert [t["topic"] for t in ready] == ["calculus", "probability", "statistics", "numpy"]
    assert ready[0] == {
        "topic": "calculus",
        "title": "Calculus",
        "track": "math",
        "level": "beginner",
        "hours": 10,
    }


# --- The shipped curriculum ----------------------------------------------------------------------


@pytest.fixture
def shipped(db):
    call_command("import_roadmap", str(SHIPPED))
    return {topic.slug: topic.track.slug for topic in Topic.objects.select_related("track")}


def test_a_python_and_linear_algebra_learner_gets_the_missing_math_before_transformers(
    shipped, alice
):
    know(alice, "python", "linear-algebra")
    path = path_for(goals=["transformers"], learner=alice)
    steps = [step["topic"] for step in path["steps"]]
    assert steps[-1] == "transformers"
    assert steps[0] in {"calculus", "probability-and-statistics"}
    # Each missing math topic comes before every step that requires it.
    for source, target in Prerequisite.objects.filter(kind="required").values_list(
        "from_topic__slug", "to_topic__slug"
    ):
        if source in steps and target in steps and shipped[source] == "math":
            assert steps.index(source) < steps.index(target), (source, target)
    assert {"calculus", "probability-and-statistics"} <= set(steps)
    assert "python" not in steps and "linear-algebra" not in steps
    assert not [topic for topic in steps if shipped[topic] == "mlops"]
    assert set(path["ready_now"]) <= {"calculus", "probability-and-statistics"} | set(steps)


def test_a_track_goal_on_the_shipped_curriculum_covers_the_whole_track(shipped):
    path = path_for(goals=["math"], known=[])
    math = {slug for slug, track in shipped.items() if track == "math"}
    assert {step["topic"] for step in path["steps"]} == math
