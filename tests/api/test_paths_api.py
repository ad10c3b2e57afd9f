"""POST /api/v1/paths/ and GET /api/v1/me/ready/, on the small roadmap of ``conftest``:

linear-algebra ──▶ calculus ──▶ deep-learning
"""

import json
from datetime import date, timedelta

import pytest
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from api.paths.serializers import PathSerializer, path_body
from progress.models import LearnerProfile
from progress.planning import MAX_GOALS, MAX_KNOWN, path_for
from progress.selectors import local_today
from roadmap.selectors import graph_version
from tests.api.conftest import client_for
from tests.factories import (
    PrerequisiteFactory,
    QuestionFactory,
    TopicFactory,
    TopicProgressFactory,
    TopicResourceFactory,
)

URL = "/api/v1/paths/"
READY = "/api/v1/me/ready/"
MONDAY = "2026-03-02"


def test_anyone_gets_a_path_by_listing_what_they_know(anonymous, roadmap):
    response = anonymous.post(
        URL, {"goals": ["deep-learning"], "known": [], "hours_per_week": 10, "start_date": MONDAY}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [step["topic"] for step in body["steps"]] == [
        "linear-algebra",
        "calculus",
        "deep-learning",
    ]
    first = body["steps"][0]
    assert first == {
        "topic": "linear-algebra",
        "kind": "study",
        "review": None,
        "minutes": 300,
        "title": "Linear algebra",
        "hours": 5,
        "why": "Needed for Deep learning via Calculus",
        "needed_for": ["deep-learning"],
        "chain": ["linear-algebra", "calculus", "deep-learning"],
        "resource": first["resources"][0],
        "resources": [
            {
                "id": roadmap.book.pk, "slug": "ladr", "title": "Linear Algebra Done Right", "kind": "book",
                "access": "free", "url": roadmap.book.url, "health": "ok", "role": "core", "locator": "ch. 1-3",
            }
        ],
        "week": 1,
        "start": "2026-03-02",
        "end": "2026-03-05",
    }  # fmt: skip
    assert body["total_hours"] == 50
    assert body["finish_date"] == "2026-04-05"  # 50 hours at 10 a week: 35 days
    assert body["ready_now"] == ["linear-algebra"]
    assert body["graph_version"] == graph_version()
    assert body["goals"] == ["deep-learning"]


def test_anonymous_callers_must_say_what_they_know(anonymous, roadmap):
    response = anonymous.post(URL, {"goals": ["deep-learning"]})
    assert response.status_code == 400
    assert "list the topics you already know in `known`" in response.json()["known"][0]


def test_a_signed_in_learners_progress_and_settings_fill_in_the_rest(as_alice, alice, roadmap):
    TopicProgressFactory(learner=alice, topic=roadmap.linear_algebra, status="done")
    LearnerProfile.objects.filter(user=alice).update(hours_per_week=45)
    body = as_alice.post(URL, {"goals": ["deep-learning"]}).json()
    assert [step["topic"] for step in body["steps"]] == ["calculus", "deep-learning"]
    assert body["hours_per_week"] == 45
    assert body["start_date"] == local_today(learner=alice).isoformat()


def test_an_explicit_known_list_overrides_the_learners_progress(as_alice, alice, roadmap):
    TopicProgressFactory(learner=alice, topic=roadmap.linear_algebra, status="done")
    body = as_alice.post(URL, {"goals": ["calculus"], "known": []}).json()
    assert [step["topic"] for step in body["steps"]] == ["linear-algebra", "calculus"]


def test_a_track_is_a_goal_too(anonymous, roadmap):
    body = anonymous.post(URL, {"goals": ["math"], "known": []}).json()
    assert [step["topic"] for step in body["steps"]] == ["linear-algebra", "calculus"]
    assert body["goals"] == ["calculus"]


def study_now(client, topic, slug, cards=3):
    """Finish `slug` through the API and answer each of its (free-recall) cards Good."""
    for n in range(cards):
        QuestionFactory(topic=topic, key=f"{slug}-{n}")
    assert client.put(f"/api/v1/me/progress/{slug}/", {"status": "done"}).status_code == 200
    for card in client.get("/api/v1/me/reviews/due/").json()["results"]:
        assert client.post("/api/v1/me/reviews/", {"card": card["id"], "rating": 3}).status_code == 201


def test_a_faded_topic_behind_one_you_know_comes_back_as_a_review_step(
    as_alice, alice, roadmap, monkeypatch
):
    study_now(as_alice, roadmap.linear_algebra, "linear-algebra")
    as_alice.put("/api/v1/me/progress/calculus/", {"status": "done"})
    fresh = as_alice.post(URL, {"goals": ["deep-learning"]}).json()

    later = timezone.now() + timedelta(days=60)
    monkeypatch.setattr(timezone, "now", lambda: later)
    as_alice = client_for(alice)  # two idle months expire a token: the phone signs in again
    faded = as_alice.post(URL, {"goals": ["deep-learning"]}).json()
    relearn = as_alice.post(URL, {"goals": ["deep-learning"], "needs_review_as_unknown": True})

    assert [(s["kind"], s["topic"]) for s in fresh["steps"]] == [("study", "deep-learning")]
    assert [(s["kind"], s["topic"]) for s in faded["steps"]] == [
        ("review", "linear-algebra"),
        ("study", "deep-learning"),
    ]
    review = faded["steps"][0]
    assert review["why"].startswith("Linear algebra has faded to ")
    assert review["why"].endswith(" %; Calculus builds on it")
    assert review["review"]["due_cards"] == 3 and review["review"]["retention"] < 0.9
    assert (review["hours"], review["minutes"]) == (0, 3)  # its due cards, not its 5 study hours
    assert faded["total_hours"] == 40 and faded["steps"][1]["minutes"] == 40 * 60
    # Studied again in full, it is a step only where the path does not assume it known.
    assert [s["kind"] for s in relearn.json()["steps"]] == ["study"]


def test_a_faded_direct_prerequisite_can_be_relearnt_in_full(as_alice, alice, roadmap, monkeypatch):
    study_now(as_alice, roadmap.linear_algebra, "linear-algebra")
    later = timezone.now() + timedelta(days=60)
    monkeypatch.setattr(timezone, "now", lambda: later)
    as_alice = client_for(alice)  # two idle months expire a token: the phone signs in again

    reviewing = as_alice.post(URL, {"goals": ["calculus"]}).json()
    careful = as_alice.post(URL, {"goals": ["calculus"], "needs_review_as_unknown": True}).json()

    assert [(s["kind"], s["topic"]) for s in reviewing["steps"]] == [
        ("review", "linear-algebra"),
        ("study", "calculus"),
    ]
    assert [(s["kind"], s["topic"], s["hours"]) for s in careful["steps"]] == [
        ("study", "linear-algebra", 5),
        ("study", "calculus", 5),
    ]


def test_the_path_is_sent_exactly_as_its_documented_serializer_writes_it(
    as_alice, alice, roadmap, monkeypatch
):
    """The view sends ``path_body`` (no serializer run per field): same keys, order and values."""
    study_now(as_alice, roadmap.linear_algebra, "linear-algebra")
    later = timezone.now() + timedelta(days=60)
    monkeypatch.setattr(timezone, "now", lambda: later)
    paths = [
        path_for(learner=alice, goals=["deep-learning"]),  # a review step, then study steps
        path_for(goals=["ml"], known=[], hours_per_week=3.5, preferred_kinds=["course"]),
        path_for(goals=["calculus"], known=["linear-algebra"], start_date=date(2026, 3, 2)),
    ]
    assert [step["kind"] for step in paths[0]["steps"]][0] == "review"
    for planned in paths:
        assert json.dumps(path_body(planned)) == json.dumps(PathSerializer(planned).data)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"goals": ["astrology"], "known": []}, "detail", "unknown topic(s) or track(s): 'astrology'"),
        ({"goals": ["calculus"], "known": ["alchemy"]}, "detail", "unknown topic(s): 'alchemy'"),
        ({"goals": ["calculus"], "known": ["calculus"]}, "detail", "goal(s) already known: 'calculus'"),
        ({"goals": ["calculus"], "known": [], "hours_per_week": 0}, "hours_per_week", "greater than or equal to 0.5"),
        ({"goals": ["calculus"], "known": [], "hours_per_week": -3}, "hours_per_week", "greater than or equal to 0.5"),
        ({"goals": [], "known": []}, "goals", "This list may not be empty."),
        ({"goals": ["calculus"] * (MAX_GOALS + 1), "known": []}, "goals", f"no more than {MAX_GOALS}"),
        ({"goals": ["calculus"], "known": ["x"] * (MAX_KNOWN + 1)}, "known", f"no more than {MAX_KNOWN}"),
        ({"goals": "calculus", "known": []}, "goals", "Expected a list"),
        ({"goals": ["calculus"], "known": [], "preferred_kinds": ["hologram"]}, "preferred_kinds", "'hologram'"),
        ({"goals": ["calculus"], "known": [], "start_date": "soon"}, "start_date", "Date has wrong format"),
    ],
    ids=[
        "unknown goal", "unknown known topic", "goal already known", "no hours", "negative hours",
        "no goals", "too many goals", "too many known", "goals not a list", "unknown kind", "bad date",
    ],
)  # fmt: skip
def test_a_bad_request_is_a_400_naming_the_problem(anonymous, roadmap, body, field, message):
    response = anonymous.post(URL, body)
    assert response.status_code == 400
    errors = response.json()[field]
    assert message in (errors if isinstance(errors, str) else " ".join(map(str, errors)))


def test_a_long_path_costs_no_more_queries_than_a_short_one(
    as_alice, alice, roadmap, django_assert_max_num_queries
):
    previous = roadmap.deep_learning
    for n in range(60):
        topic = TopicFactory(slug=f"after-{n:02d}", track=roadmap.ml, hours=3)
        TopicResourceFactory(topic=topic)
        PrerequisiteFactory(from_topic=previous, to_topic=topic)
        previous = topic
    as_alice.post(URL, {"goals": ["calculus"]})  # the first request of a version builds the graph
    with django_assert_max_num_queries(6):
        short = as_alice.post(URL, {"goals": ["calculus"]})
    with django_assert_max_num_queries(6):
        long = as_alice.post(URL, {"goals": ["after-59"]})
    assert (len(short.json()["steps"]), len(long.json()["steps"])) == (2, 63)


def test_ready_lists_what_the_learner_can_start_today(as_alice, alice, roadmap):
    TopicProgressFactory(learner=alice, topic=roadmap.linear_algebra, status="done")
    response = as_alice.get(READY)
    assert response.status_code == 200
    assert response.json()["results"] == [
        {"topic": "calculus", "title": "Calculus", "track": "math", "level": "beginner", "hours": 5}
    ]
    assert response.json()["count"] == 1


def test_ready_needs_a_signed_in_learner(anonymous, roadmap):
    assert anonymous.get(READY).status_code == 401


def test_the_endpoints_are_documented_without_warnings():
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(
        patterns=[
            path("api/v1/", include("api.paths.urls")),
            path("api/v1/", include("api.assignments.urls")),
        ]
    )
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, "drf-spectacular warned about the paths or assignments API"
    operations = schema["paths"]
    assert set(operations) == {
        "/api/v1/paths/", "/api/v1/me/ready/", "/api/v1/assignments/", "/api/v1/assignments/{id}/",
        "/api/v1/cohorts/{cohort_id}/progress/",
    }  # fmt: skip
    assert operations["/api/v1/paths/"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ] == {"$ref": "#/components/schemas/PathRequestRequest"}
    assert {} in operations["/api/v1/paths/"]["post"]["security"]  # anonymous callers welcome
    for methods in operations.values():
        for operation in methods.values():
            assert operation["summary"]
            assert (
                "200" in operation["responses"]
                or "201" in operation["responses"]
                or "204" in operation["responses"]
            )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start_date": "9999-12-01"}, "start_date"),
        ({"start_date": "1066-10-14"}, "start_date"),
        ({"hours_per_week": 1e-9}, "hours_per_week"),
        ({"hours_per_week": 0.25}, "hours_per_week"),
        ({"hours_per_week": 169}, "hours_per_week"),
        ({"hours_per_week": True}, "hours_per_week"),
        ({"hours_per_week": "5"}, "hours_per_week"),
    ],
)
def test_out_of_range_path_requests_are_a_400_naming_the_field(anonymous, roadmap, change, field):
    response = anonymous.post("/api/v1/paths/", {"goals": ["deep-learning"], "known": [], **change})

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_the_edges_of_the_documented_ranges_are_accepted(anonymous, roadmap):
    body = {"goals": ["deep-learning"], "known": [], "start_date": "2999-12-31", "hours_per_week": 0.5}

    assert anonymous.post("/api/v1/paths/", body).status_code == 200
