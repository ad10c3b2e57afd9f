"""/api/v1/assignments/ and /api/v1/cohorts/{id}/progress/, on the small roadmap of ``conftest``:

    linear-algebra (5 h) ──▶ calculus (5 h) ──▶ deep-learning (40 h)

alice is in "Alice's cohort" (mentored by mentor), bob in "Bob's cohort" (other_mentor).
"""

import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from progress.assignments import assignment_create
from progress.models import Assignment, Cohort, LearnerProfile, Role
from progress.selectors import local_today
from roadmap import editing
from tests.api.conftest import client_for
from tests.factories import TopicProgressFactory, UserFactory

URL = "/api/v1/assignments/"
PERSONAS = ("anonymous", "alice", "bob", "mentor", "other_mentor", "carol")


def statuses(*codes):
    return dict(zip(PERSONAS, codes, strict=True))


@pytest.fixture
def due(alice):
    return local_today(learner=alice) + timedelta(days=30)


@pytest.fixture
def world(roadmap, alice, bob, mentor, other_mentor, carol, due):
    alice_cohort = Cohort.objects.get(name="Alice's cohort")
    for_alice = assignment_create(
        created_by=mentor, goals=["deep-learning"], learner=alice, due_date=due
    )
    for_cohort = assignment_create(
        created_by=mentor, goals=["calculus"], cohort=alice_cohort, due_date=due
    )
    users = {
        "alice": alice,
        "bob": bob,
        "mentor": mentor,
        "other_mentor": other_mentor,
        "carol": carol,
    }
    clients = {name: client_for(user) for name, user in users.items()}
    clients["anonymous"] = client_for(None)
    ids = {
        "for_alice": for_alice.pk,
        "for_cohort": for_cohort.pk,
        "alice_cohort": alice_cohort.pk,
        "bob_cohort": Cohort.objects.get(name="Bob's cohort").pk,
    }
    return SimpleNamespace(clients=clients, ids=ids, due=due.isoformat())


# Every endpoint of this area, every persona, the exact status. Rows for the project-wide
# tests/api/test_authorization_matrix.py have the same shape.
MATRIX = [
    ("POST", "/api/v1/paths/", {"goals": ["deep-learning"], "known": []}, statuses(200, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/paths/", {"goals": ["deep-learning"]}, statuses(400, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/me/ready/", None, statuses(401, 200, 200, 200, 200, 200)),
    ("GET", URL, None, statuses(401, 200, 200, 200, 200, 200)),
    # Mentors for learners of their cohorts only; curating gives no mentoring relation, so a
    # curator gets the same 400 as for a username that does not exist.
    ("POST", URL, {"learner": "alice", "goals": ["calculus"], "due_date": "{due}"},
     statuses(401, 403, 403, 201, 400, 400)),
    ("POST", URL, {"cohort": "{alice_cohort}", "goals": ["calculus"], "due_date": "{due}"},
     statuses(401, 403, 403, 201, 400, 400)),
    # Seen by its learner and the mentors concerned; 404 for everyone else.
    ("GET", URL + "{for_alice}/", None, statuses(401, 200, 404, 200, 404, 404)),
    ("GET", URL + "{for_cohort}/", None, statuses(401, 200, 404, 200, 404, 404)),
    ("DELETE", URL + "{for_alice}/", None, statuses(401, 403, 404, 204, 404, 404)),
    ("DELETE", URL + "{for_cohort}/", None, statuses(401, 403, 404, 204, 404, 404)),
    ("GET", "/api/v1/cohorts/{alice_cohort}/progress/", None, statuses(401, 403, 403, 200, 404, 403)),
    ("GET", "/api/v1/cohorts/{bob_cohort}/progress/", None, statuses(401, 403, 403, 404, 200, 403)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "url", "body", "expect", "persona"),
    [(*row, persona) for row in MATRIX for persona in PERSONAS],
    ids=[f"{row[0]} {row[1]} as {persona}" for row in MATRIX for persona in PERSONAS],
)
def test_each_persona_gets_exactly_the_expected_status(world, method, url, body, expect, persona):
    fill = {**world.ids, "due": world.due}
    payload = (
        json.dumps(body).replace('"{alice_cohort}"', str(fill["alice_cohort"])) if body else ""
    )
    payload = payload.replace("{due}", fill["due"])
    response = world.clients[persona].generic(
        method, url.format(**fill), payload, content_type="application/json"
    )
    assert response.status_code == expect[persona], response.content[:500]


# --- Behaviour ------------------------------------------------------------------------------------


def test_a_mentor_assigns_goals_and_sees_the_learners_remaining_path(
    as_mentor, alice, roadmap, due
):
    TopicProgressFactory(learner=alice, topic=roadmap.linear_algebra, status="done")
    LearnerProfile.objects.filter(user=alice).update(hours_per_week=15)
    response = as_mentor.post(
        URL,
        {
            "learner": "alice",
            "goals": ["deep-learning"],
            "due_date": due.isoformat(),
            "note": "For the project.",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert response["Location"] == f"http://testserver/api/v1/assignments/{body['id']}/"
    assert body["learner"] == "alice" and body["cohort"] is None and body["created_by"] == "mentor"
    assert body["goals"] == [{"topic": "deep-learning", "title": "Deep learning", "track": "ml"}]
    assert (body["due_date"], body["note"], body["updated"]) == (
        due.isoformat(),
        "For the project.",
        False,
    )
    progress = body["progress"]
    assert progress["learner"] == "alice"
    assert (progress["remaining_hours"], progress["remaining_topics"]) == (45, 2)
    assert progress["remaining_goals"] == ["deep-learning"]
    assert progress["ready_now"] == ["calculus"]
    assert progress["outlook"] == "on_track"  # 45 hours at 15 a week: three weeks
    assert Assignment.objects.get().graph_version == body["graph_version"]


def test_a_learner_lists_their_own_and_their_cohorts_assignments_with_their_progress(
    world, as_alice
):
    body = as_alice.get(URL).json()
    assert body["count"] == 2
    listed = {item["id"]: item for item in body["results"]}
    assert set(listed) == {world.ids["for_alice"], world.ids["for_cohort"]}
    cohorts = listed[world.ids["for_cohort"]]
    assert cohorts["cohort"]["name"] == "Alice's cohort"
    assert cohorts["progress"]["learner"] == "alice"
    assert cohorts["progress"]["remaining_hours"] == 10


def test_a_learner_far_too_slow_for_the_due_date_is_behind(world, as_alice, alice):
    LearnerProfile.objects.filter(user=alice).update(hours_per_week=1)
    body = as_alice.get(URL + f"{world.ids['for_alice']}/").json()
    assert body["progress"]["outlook"] == "behind"


def test_a_finished_assignment_is_done(world, as_alice, alice, roadmap):
    for topic in (roadmap.linear_algebra, roadmap.calculus):
        TopicProgressFactory(learner=alice, topic=topic, status="done")
    body = as_alice.get(URL + f"{world.ids['for_cohort']}/").json()
    assert body["progress"] == {
        "learner": "alice", "remaining_goals": [], "remaining_hours": 0, "remaining_topics": 0,
        "reviews": [], "finish_date": None, "outlook": "done", "ready_now": [],
    }  # fmt: skip


def test_an_assignment_says_when_the_roadmap_changed_since_it_was_set(world, as_alice, roadmap):
    editing.topic_update(topic=roadmap.deep_learning, hours=60)
    body = as_alice.get(URL + f"{world.ids['for_alice']}/").json()
    assert body["updated"] is True
    assert body["progress"]["remaining_hours"] == 70  # computed on today's roadmap


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"learner": "alice", "goals": ["astrology"]},
            "goals",
            "unknown topic(s) or track(s): 'astrology'",
        ),
        (
            {"learner": "alice", "goals": ["calculus"], "due_date": "2000-01-01"},
            "due_date",
            "is in the past",
        ),
        (
            {"learner": "nobody", "goals": ["calculus"]},
            "learner",
            "No learner 'nobody' in the cohorts you mentor.",
        ),
        ({"cohort": 999999, "goals": ["calculus"]}, "cohort", "No cohort 999999 that you mentor."),
        ({"goals": ["calculus"]}, "detail", "Give either `learner` or `cohort`"),
        ({"learner": "alice", "goals": []}, "goals", "This list may not be empty."),
    ],
    ids=[
        "unknown goal",
        "past due date",
        "unknown learner",
        "unknown cohort",
        "nobody",
        "no goals",
    ],
)
def test_a_refused_assignment_is_a_400_naming_the_problem(
    as_mentor, roadmap, due, body, field, message
):
    body = {"due_date": due.isoformat(), **body}
    response = as_mentor.post(URL, body)
    assert response.status_code == 400
    errors = response.json()[field]
    assert message in (errors if isinstance(errors, str) else " ".join(errors))
    assert not Assignment.objects.exists()


def test_a_mentor_removes_an_assignment(world, as_mentor):
    assert as_mentor.delete(URL + f"{world.ids['for_alice']}/").status_code == 204
    assert not Assignment.objects.filter(pk=world.ids["for_alice"]).exists()


def test_the_cohort_view_ranks_the_prerequisite_blocking_most_learners_first(
    roadmap, mentor, as_mentor, alice, due
):
    cohort = Cohort.objects.get(name="Alice's cohort")
    others = [UserFactory(username=name, role=Role.LEARNER) for name in ("carl", "dana")]
    cohort.learners.add(*others)
    assignment_create(created_by=mentor, goals=["deep-learning"], cohort=cohort, due_date=due)
    TopicProgressFactory(learner=others[1], topic=roadmap.linear_algebra, status="done")
    response = as_mentor.get(f"/api/v1/cohorts/{cohort.pk}/progress/")
    assert response.status_code == 200
    body = response.json()
    assert [(b["topic"], b["learner_count"], b["learners"]) for b in body["blocking"]] == [
        ("linear-algebra", 2, ["alice", "carl"]),
        ("calculus", 1, ["dana"]),
    ]
    assert [(row["learner"], row["remaining_hours"]) for row in body["learners"]] == [
        ("alice", 50), ("carl", 50), ("dana", 45),
    ]  # fmt: skip
    assert body["assignments"][0]["goals"] == ["deep-learning"]
    assert body["cohort"] == {"id": cohort.pk, "name": "Alice's cohort"}


def test_listing_assignments_costs_the_same_queries_for_one_or_many(
    roadmap, mentor, as_mentor, due
):
    cohort = Cohort.objects.get(name="Alice's cohort")
    learners = [UserFactory(username=f"learner{n}", role=Role.LEARNER) for n in range(12)]
    cohort.learners.add(*learners)
    assignment_create(created_by=mentor, goals=["calculus"], learner=learners[0], due_date=due)
    as_mentor.get(URL)  # builds the graph once
    with CaptureQueriesContext(connection) as one:
        assert as_mentor.get(URL).json()["count"] == 1
    for learner in learners[1:]:
        assignment_create(created_by=mentor, goals=["deep-learning"], learner=learner, due_date=due)
    with CaptureQueriesContext(connection) as many:
        assert as_mentor.get(URL).json()["count"] == 12
    assert len(many) == len(one)


def test_a_curator_cannot_tell_a_real_learner_from_a_made_up_name(world):
    carol = world.clients["carol"]
    body = {"goals": ["calculus"], "due_date": world.due}

    before = Assignment.objects.count()
    real = carol.post(URL, {**body, "learner": "alice"})
    made_up = carol.post(URL, {**body, "learner": "nobody-by-this-name"})

    assert real.status_code == made_up.status_code == 400
    assert real.json()["learner"] == made_up.json()["learner"].replace("nobody-by-this-name", "alice")
    assert Assignment.objects.count() == before
