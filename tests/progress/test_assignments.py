"""Assignments (who may set them, who sees them, how far each learner is) and the mentor's
view of a cohort.

    math: linear-algebra ─▶ calculus ─┐
          probability ────────────────┴─▶ ml-basics ─▶ deep-learning   (ml)
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from progress.assignments import (
    assignment_create,
    assignment_delete,
    assignments_for_learner,
    assignments_for_mentor,
    learner_deadlines,
    with_progress,
)
from progress.mentoring import cohort_progress
from progress.models import Assignment, Cohort, LearnerProfile, Role
from progress.selectors import local_today
from roadmap import editing
from roadmap.models import Topic
from roadmap.selectors import graph_version
from tests.factories import (
    PrerequisiteFactory,
    TopicFactory,
    TopicProgressFactory,
    TrackFactory,
    UserFactory,
    study,
)

TODAY = date(2026, 3, 2)
IN_A_MONTH = TODAY + timedelta(days=30)


@pytest.fixture
def roadmap(db):
    math = TrackFactory(slug="math", title="Mathematics", position=1)
    ml = TrackFactory(slug="ml", title="Machine learning", position=2)
    hours = {
        "linear-algebra": 10,
        "calculus": 10,
        "probability": 10,
        "ml-basics": 20,
        "deep-learning": 40,
    }
    in_math = {"linear-algebra", "calculus", "probability"}
    made = {
        slug: TopicFactory(slug=slug, track=math if slug in in_math else ml, hours=spent)
        for slug, spent in hours.items()
    }
    for before, after in [
        ("linear-algebra", "calculus"), ("calculus", "ml-basics"), ("probability", "ml-basics"),
        ("ml-basics", "deep-learning"),
    ]:  # fmt: skip
        PrerequisiteFactory(from_topic=made[before], to_topic=made[after])
    return made


@pytest.fixture
def cohort(mentor):
    return Cohort.objects.get(name="Alice's cohort")


def know(learner, *slugs):
    for slug in slugs:
        TopicProgressFactory(learner=learner, topic=Topic.objects.get(slug=slug), status="done")


def weekly_hours(learner, hours):
    LearnerProfile.objects.filter(user=learner).update(hours_per_week=hours)


def assign(by, goals=("deep-learning",), due=IN_A_MONTH, **whom):
    return assignment_create(created_by=by, goals=list(goals), due_date=due, today=TODAY, **whom)


# --- Setting and removing assignments -------------------------------------------------------------


def test_a_mentor_assigns_goals_to_a_learner_of_their_cohort(roadmap, mentor, alice):
    assignment = assign(
        mentor, ["ml-basics", "deep-learning"], learner=alice, note="Before the project starts."
    )
    assert {t.slug for t in assignment.goals.all()} == {"ml-basics", "deep-learning"}
    assert (assignment.learner, assignment.cohort, assignment.created_by) == (alice, None, mentor)
    assert assignment.graph_version == graph_version()


def test_a_mentor_assigns_goals_to_a_whole_cohort_they_mentor(roadmap, mentor, cohort):
    assignment = assign(mentor, cohort=cohort)
    assert assignment.cohort == cohort and assignment.learner is None


def test_a_track_goal_is_stored_as_the_tracks_terminal_topics(roadmap, mentor, alice):
    assignment = assign(mentor, ["math"], learner=alice)
    assert sorted(t.slug for t in assignment.goals.all()) == ["calculus", "probability"]


def test_an_admin_may_assign_to_anyone(roadmap, bob):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)

    assert assign(admin, learner=bob).learner == bob


@pytest.mark.parametrize("who", ["other_mentor", "alice", "carol"])
def test_nobody_else_may_assign_to_alice(roadmap, mentor, alice, request, who):
    with pytest.raises(PermissionDenied):
        assign(request.getfixturevalue(who), learner=alice)
    assert not Assignment.objects.exists()


def test_a_mentor_may_not_assign_to_a_cohort_they_do_not_mentor(roadmap, mentor, other_mentor):
    with pytest.raises(PermissionDenied):
        assign(mentor, cohort=Cohort.objects.get(name="Bob's cohort"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"due": TODAY - timedelta(days=1)}, "is in the past"),
        ({"goals": ["deep-learning", "astrology"]}, "unknown topic(s) or track(s): 'astrology'"),
        ({"goals": []}, "name at least one topic or track"),
    ],
    ids=["past due date", "unknown goal", "no goals"],
)
def test_a_refused_assignment_names_the_problem_and_writes_nothing(
    roadmap, mentor, alice, changes, message
):
    with pytest.raises(ValidationError) as refused:
        assign(mentor, learner=alice, **changes)
    assert message in str(refused.value)
    assert not Assignment.objects.exists()


def test_an_assignment_goes_to_a_learner_or_a_cohort_not_both(roadmap, mentor, alice, cohort):
    with pytest.raises(ValidationError, match="not both or neither"):
        assign(mentor, learner=alice, cohort=cohort)


def test_due_today_is_fine(roadmap, mentor, alice):
    assert assign(mentor, learner=alice, due=TODAY).due_date == TODAY


def test_the_mentor_who_set_it_removes_an_assignment_and_others_cannot(
    roadmap, mentor, other_mentor, alice
):
    assignment = assign(mentor, learner=alice)
    for outsider in (other_mentor, alice):
        with pytest.raises(PermissionDenied):
            assignment_delete(assignment=assignment, deleted_by=outsider)
    assignment_delete(assignment=assignment, deleted_by=mentor)
    assert not Assignment.objects.exists()


# --- Who sees what --------------------------------------------------------------------------------


def test_a_learner_sees_their_own_and_their_cohorts_assignments(
    roadmap, mentor, other_mentor, alice, bob, cohort
):
    own = assign(mentor, learner=alice)
    cohorts = assign(mentor, ["calculus"], cohort=cohort, due=IN_A_MONTH + timedelta(days=1))
    assign(other_mentor, learner=bob)
    assert list(assignments_for_learner(learner=alice)) == [own, cohorts]
    assert len(assignments_for_learner(learner=bob)) == 1


def test_a_mentor_sees_what_they_set_and_what_concerns_their_cohorts(
    roadmap, mentor, other_mentor, alice, bob
):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    by_admin_for_alice = assign(admin, learner=alice)
    by_admin_for_bob = assign(admin, learner=bob)
    assert list(assignments_for_mentor(mentor=mentor)) == [by_admin_for_alice]
    assert list(assignments_for_mentor(mentor=admin)) == [by_admin_for_alice, by_admin_for_bob]
    assert list(assignments_for_mentor(mentor=other_mentor)) == [by_admin_for_bob]


# --- How far a learner is -------------------------------------------------------------------------


def test_a_learners_remaining_path_comes_from_their_current_progress(roadmap, mentor, alice):
    today = local_today(learner=alice)  # with_progress projects from the learner's real today
    assignment_create(
        created_by=mentor,
        goals=["deep-learning"],
        learner=alice,
        due_date=today + timedelta(days=30),
    )
    weekly_hours(alice, 35)
    know(alice, "linear-algebra", "calculus", "probability")
    [shown] = with_progress(assignments=assignments_for_learner(learner=alice), viewer=alice)
    progress = shown.progress
    assert progress["learner"] == "alice"
    assert (progress["remaining_hours"], progress["remaining_topics"]) == (60, 2)
    assert progress["ready_now"] == ("ml-basics",)
    assert progress["outlook"] == "on_track"
    assert shown.roadmap_changed is False


def test_a_learner_too_slow_for_the_due_date_is_behind(roadmap, mentor, alice):
    assign(mentor, learner=alice)
    weekly_hours(alice, 2)  # 90 hours at 2 a week: most of a year
    progress = learner_deadlines(learners=[alice], today=TODAY)[alice.pk]
    [only] = progress.values()
    assert only.outlook == "behind"
    assert only.finish_date > IN_A_MONTH


def test_a_learner_who_knows_every_goal_is_done(roadmap, mentor, alice):
    assignment = assign(mentor, ["calculus"], learner=alice)
    know(alice, "linear-algebra", "calculus")
    progress = learner_deadlines(learners=[alice], today=TODAY)[alice.pk][assignment.pk]
    assert (progress.outlook, progress.remaining_hours, progress.finish_date) == ("done", 0, None)


def test_work_due_earlier_counts_against_a_later_due_date(roadmap, mentor, alice):
    weekly_hours(alice, 7)  # an hour a day
    first = assign(mentor, ["probability"], learner=alice, due=TODAY + timedelta(days=10))
    second = assign(mentor, ["calculus"], learner=alice, due=TODAY + timedelta(days=25))
    progress = learner_deadlines(learners=[alice], today=TODAY)[alice.pk]
    # Alone, calculus (20 hours with linear algebra) would be done in 20 days; after
    # probability's 10 it takes until day 30.
    assert progress[first.pk].outlook == "on_track"
    assert progress[second.pk].remaining_hours == 20
    assert progress[second.pk].finish_date == TODAY + timedelta(days=29)
    assert progress[second.pk].outlook == "behind"


def test_an_assignment_is_marked_updated_once_the_roadmap_changes(roadmap, mentor, alice):
    assign(mentor, learner=alice)
    editing.topic_update(topic=roadmap["ml-basics"], hours=30)
    [shown] = with_progress(assignments=assignments_for_learner(learner=alice), viewer=alice)
    assert shown.roadmap_changed is True
    assert shown.progress["remaining_hours"] == 100  # the new hours, not those at assignment time


def test_a_mentor_reading_a_cohort_assignment_gets_no_single_learners_progress(
    roadmap, mentor, cohort
):
    assign(mentor, cohort=cohort)
    [shown] = with_progress(assignments=assignments_for_mentor(mentor=mentor), viewer=mentor)
    assert shown.progress is None


# --- The mentor's view of a cohort ----------------------------------------------------------------


@pytest.fixture
def classroom(roadmap, mentor, alice, bob, cohort):
    """Alice's cohort with four learners, all assigned deep learning in a month."""
    carl = UserFactory(username="carl", role=Role.LEARNER)
    dana = UserFactory(username="dana", role=Role.LEARNER)
    cohort.learners.add(bob, carl, dana)
    assign(mentor, cohort=cohort)
    know(alice, "linear-algebra", "calculus")
    know(bob, "linear-algebra")
    know(dana, *roadmap)
    weekly_hours(alice, 40)
    weekly_hours(bob, 2)
    return cohort


def test_the_blocking_prerequisite_shared_by_most_learners_ranks_first(classroom, mentor):
    report = cohort_progress(cohort=classroom, mentor=mentor, today=TODAY)
    ranked = [(b["topic"], b["learner_count"], b["learners"]) for b in report["blocking"]]
    assert ranked == [
        ("probability", 3, ["alice", "bob", "carl"]),
        ("calculus", 1, ["bob"]),
        ("linear-algebra", 1, ["carl"]),
    ]


def test_each_learner_is_on_track_behind_or_done_at_their_own_pace(classroom, mentor):
    report = cohort_progress(cohort=classroom, mentor=mentor, today=TODAY)
    learners = {row["learner"]: row for row in report["learners"]}
    assert {name: row["outlook"] for name, row in learners.items()} == {
        "alice": "on_track", "bob": "behind", "carl": "behind", "dana": "done",
    }  # fmt: skip
    assert learners["alice"]["remaining_hours"] == 70
    assert learners["alice"]["finish_date"] == TODAY + timedelta(days=12)  # 70 h at 40 a week
    assert learners["bob"]["blocked_by"] == ["calculus", "probability"]
    assert learners["dana"]["blocked_by"] == [] and learners["dana"]["finish_date"] is None
    assert [a["outlook"] for a in learners["carl"]["assignments"]] == ["behind"]


def test_a_learners_own_assignment_shows_in_the_cohort_view(classroom, mentor, alice):
    assign(mentor, ["calculus"], learner=alice, due=TODAY + timedelta(days=3))
    report = cohort_progress(cohort=classroom, mentor=mentor, today=TODAY)
    alices = next(row for row in report["learners"] if row["learner"] == "alice")
    assert [a["outlook"] for a in alices["assignments"]] == ["done", "on_track"]
    assert len(report["assignments"]) == 1  # only the cohort's own are listed at the top


def test_a_learner_without_assignments_has_no_outlook(roadmap, mentor, cohort):
    report = cohort_progress(cohort=cohort, mentor=mentor, today=TODAY)
    assert [(row["learner"], row["outlook"]) for row in report["learners"]] == [("alice", None)]
    assert report["blocking"] == []


def test_only_the_cohorts_mentors_read_its_progress(classroom, other_mentor):
    with pytest.raises(PermissionDenied):
        cohort_progress(cohort=classroom, mentor=other_mentor, today=TODAY)


def test_the_cohort_outlook_counts_the_review_of_a_faded_topic(roadmap, mentor, cohort, alice):
    know(alice, "calculus", "probability", "ml-basics")
    study(alice, roadmap["linear-algebra"], at=timezone.now() - timedelta(days=60), cards=4)
    assign(mentor, ["deep-learning"], cohort=cohort)

    report = cohort_progress(cohort=cohort, mentor=mentor, today=TODAY)

    (row,) = report["learners"]
    assert row["reviews"] == ["linear-algebra"]
    assert row["remaining_topics"] == 1  # deep learning: the review is not a topic to study
    assert row["remaining_hours"] == pytest.approx(40 + 4 / 60)
    assert row["blocked_by"] == []  # a review blocks nothing


def test_the_cohort_view_costs_the_same_queries_for_four_learners_or_forty(
    classroom, mentor, roadmap
):
    with CaptureQueriesContext(connection) as few:
        cohort_progress(cohort=classroom, mentor=mentor, today=TODAY)
    for n in range(36):
        learner = UserFactory(username=f"learner{n}", role=Role.LEARNER)
        classroom.learners.add(learner)
        know(learner, "linear-algebra")
        assign(mentor, ["calculus"], learner=learner)
    with CaptureQueriesContext(connection) as many:
        report = cohort_progress(cohort=classroom, mentor=mentor, today=TODAY)
    assert len(report["learners"]) == 40
    assert len(many) == len(few) <= 10
