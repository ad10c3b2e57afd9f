"""Saved goals and marking topics known."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from progress.goals import plan_for, plan_save, topic_mark_known, topic_unmark_known
from progress.models import TopicProgress
from progress.states import topic_states
from roadmap.selectors import forget_cached_graph
from tests.factories import PrerequisiteFactory, TopicFactory, TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    """a → b → c required, x ⇢ c recommended."""
    math = TrackFactory(slug="math")
    a, b, c, x = (TopicFactory(track=math, slug=s) for s in "abcx")
    PrerequisiteFactory(from_topic=a, to_topic=b)
    PrerequisiteFactory(from_topic=b, to_topic=c)
    PrerequisiteFactory(from_topic=x, to_topic=c, kind="recommended")
    return math


def test_goals_are_saved_once_per_learner_with_the_roadmap_version(alice, chain):
    plan_save(learner=alice, goals=["c", "c", "track:math"])
    plan = plan_save(learner=alice, goals=["b"], include_recommended=True)

    assert plan_for(learner=alice) == plan
    assert (plan.goals, plan.include_recommended, plan.graph_version >= 0) == (["b"], True, True)


@pytest.mark.parametrize(("goals", "message"), [([], "name at least one"), (["astrology"], "astrology")])
def test_bad_goals_are_refused_and_nothing_is_saved(alice, chain, goals, message):
    with pytest.raises(ValidationError, match=message):
        plan_save(learner=alice, goals=goals)
    assert plan_for(learner=alice) is None


def test_marking_a_topic_known_can_mark_what_it_requires_but_not_what_it_recommends(alice, chain):
    marked = topic_mark_known(learner=alice, topic="c", with_prerequisites=True)

    assert marked == ["a", "b", "c"]
    assert topic_states(learner=alice) == {"a": "done", "b": "done", "c": "done", "x": "ready"}
    assert set(TopicProgress.objects.values_list("status", flat=True)) == {"skipped"}


def test_a_topic_done_stays_done_and_unmarking_leaves_prerequisites_known(alice, chain):
    topic_mark_known(learner=alice, topic="a")
    TopicProgress.objects.filter(topic__slug="a").update(status="done")

    assert topic_mark_known(learner=alice, topic="b", with_prerequisites=True) == ["b"]
    topic_unmark_known(learner=alice, topic="b")
    assert topic_states(learner=alice) == {"a": "done", "b": "ready", "c": "locked", "x": "ready"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from("abcx"), min_size=1, max_size=4))
def test_after_marking_anything_known_every_required_prerequisite_of_a_known_topic_is_known(chain, alice, picks):
    TopicProgress.objects.filter(learner=alice).delete()
    forget_cached_graph()
    for topic in picks:
        topic_mark_known(learner=alice, topic=topic, with_prerequisites=True)

    states = topic_states(learner=alice)
    required = {"b": {"a"}, "c": {"a", "b"}}
    for topic, state in states.items():
        if state == "done":
            assert all(states[p] == "done" for p in required.get(topic, ()))
        if state == "locked":
            assert any(states[p] != "done" for p in required[topic])
