"""Cohorts: members see their cohorts; mentors see their learners' progress, nobody else's."""

from progress import services
from progress.models import Cohort
from tests.api.conftest import client_for
from tests.factories import CohortFactory, UserFactory


def cohort_of(learner) -> Cohort:
    return Cohort.objects.get(learners=learner)


def test_a_mentor_lists_the_cohorts_they_mentor(mentor, alice, other_mentor):
    results = client_for(mentor).get("/api/v1/cohorts/").json()["results"]

    assert results == [
        {
            "id": cohort_of(alice).pk,
            "name": "Alice's cohort",
            "role": "mentor",
            "mentors": ["mentor"],
            "learner_count": 1,
            "created_at": results[0]["created_at"],
        }
    ]


def test_a_learner_lists_the_cohorts_they_are_in_with_their_mentors(
    mentor, alice, bob, other_mentor
):
    results = client_for(alice).get("/api/v1/cohorts/").json()["results"]

    assert [(c["name"], c["role"], c["mentors"]) for c in results] == [
        ("Alice's cohort", "learner", ["mentor"])
    ]


def test_a_curator_sees_only_cohorts_they_belong_to(carol, mentor, other_mentor):
    assert client_for(carol).get("/api/v1/cohorts/").json()["count"] == 0

    CohortFactory(name="Curators' circle", mentors=[carol])

    assert [c["name"] for c in client_for(carol).get("/api/v1/cohorts/").json()["results"]] == [
        "Curators' circle"
    ]


def test_someone_who_mentors_one_cohort_and_learns_in_another_sees_both_once(alice, mentor):
    CohortFactory(name="Study group", mentors=[alice], learners=[mentor, UserFactory()])

    results = client_for(alice).get("/api/v1/cohorts/").json()["results"]

    assert [(c["name"], c["role"], c["learner_count"]) for c in results] == [
        ("Alice's cohort", "learner", 1),
        ("Study group", "mentor", 2),
    ]


def test_a_mentor_sees_each_member_with_a_progress_summary(mentor, alice, roadmap):
    newcomer = UserFactory(username="zoe")
    cohort_of(alice).learners.add(newcomer)
    services.topic_status_set(learner=alice, topic=roadmap.linear_algebra, status="done")
    services.topic_status_set(learner=alice, topic=roadmap.calculus, status="in_progress")

    results = (
        client_for(mentor).get(f"/api/v1/cohorts/{cohort_of(alice).pk}/members/").json()["results"]
    )

    assert [(m["username"], m["topics_done"], m["topics_in_progress"]) for m in results] == [
        ("alice", 1, 1),
        ("zoe", 0, 0),
    ]
    assert results[0]["last_active_at"] is not None
    assert results[1]["last_active_at"] is None


def test_a_mentor_reads_a_members_progress_without_their_private_notes(mentor, alice, roadmap):
    services.topic_status_set(
        learner=alice, topic=roadmap.calculus, status="done", notes="I cried."
    )

    response = client_for(mentor).get(
        f"/api/v1/cohorts/{cohort_of(alice).pk}/members/alice/progress/"
    )

    assert response.status_code == 200
    [progress] = response.json()["results"]
    assert (progress["topic"], progress["status"]) == ("calculus", "done")
    assert "notes" not in progress


def test_a_cohort_someone_else_mentors_looks_like_it_does_not_exist(
    mentor, other_mentor, alice, bob
):
    theirs = client_for(mentor).get(f"/api/v1/cohorts/{cohort_of(bob).pk}/members/")
    missing = client_for(mentor).get("/api/v1/cohorts/987654/members/")

    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == {"detail": f"No cohort {cohort_of(bob).pk} that you mentor."}


def test_a_learner_outside_the_cohort_is_not_found_in_it(mentor, alice, bob, other_mentor):
    response = client_for(mentor).get(
        f"/api/v1/cohorts/{cohort_of(alice).pk}/members/bob/progress/"
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "No learner 'bob' in this cohort."}


def test_a_learner_cannot_see_their_cohorts_members(mentor, alice):
    response = client_for(alice).get(f"/api/v1/cohorts/{cohort_of(alice).pk}/members/")

    assert response.status_code == 403
    assert response.json() == {"detail": "Only mentors can see cohort members and their progress."}


def test_usernames_with_dots_and_at_signs_resolve(mentor, alice):
    member = UserFactory(username="j.doe@uni")
    cohort_of(alice).learners.add(member)

    response = client_for(mentor).get(
        f"/api/v1/cohorts/{cohort_of(alice).pk}/members/j.doe@uni/progress/"
    )

    assert response.status_code == 200
