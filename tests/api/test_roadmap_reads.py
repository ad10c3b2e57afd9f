"""Reading the public roadmap: tracks, topics (filters, detail), prerequisites, resources."""

import pytest

from tests.factories import TopicProgressFactory


def slugs(response):
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def test_tracks_are_listed_in_roadmap_order_with_their_topic_counts(anonymous, roadmap):
    response = anonymous.get("/api/v1/tracks/")

    assert response.json()["results"] == [
        {"slug": "math", "title": "Math", "position": 1, "description": "", "topic_count": 2},
        {
            "slug": "ml",
            "title": "Machine learning",
            "position": 2,
            "description": "",
            "topic_count": 1,
        },
    ]


def test_anyone_can_read_topics_and_anonymous_callers_see_no_status(anonymous, roadmap):
    results = anonymous.get("/api/v1/topics/").json()["results"]

    assert [topic["slug"] for topic in results] == ["calculus", "linear-algebra", "deep-learning"]
    assert {topic["status"] for topic in results} == {None}
    assert results[2] == {
        "slug": "deep-learning",
        "title": "Deep learning",
        "summary": "A topic worth learning.",
        "track": "ml",
        "level": "advanced",
        "hours": 40,
        "status": None,
        "retired_at": None,
        "updated_at": results[2]["updated_at"],
    }


def test_a_signed_in_learner_sees_their_own_status_on_each_topic(as_alice, alice, bob, roadmap):
    TopicProgressFactory(learner=alice, topic=roadmap.linear_algebra, status="done")
    TopicProgressFactory(learner=bob, topic=roadmap.calculus, status="in_progress")

    results = as_alice.get("/api/v1/topics/").json()["results"]

    assert {topic["slug"]: topic["status"] for topic in results} == {
        "calculus": "not_started",
        "linear-algebra": "done",
        "deep-learning": "not_started",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("track=math", ["calculus", "linear-algebra"]),
        ("level=advanced", ["deep-learning"]),
        ("search=MATRICES", ["linear-algebra"]),  # summary, any case
        ("search=calc", ["calculus"]),  # slug and title
        ("search=deep learning", ["deep-learning"]),  # every word must match
        ("track=math&search=vectors", ["linear-algebra"]),
    ],
)
def test_topics_filter_by_track_level_and_search(anonymous, roadmap, query, expected):
    assert slugs(anonymous.get(f"/api/v1/topics/?{query}")) == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("done", ["linear-algebra"]),
        ("in_progress", ["calculus"]),
        ("not_started", ["deep-learning"]),
        ("skipped", []),
    ],
)
def test_a_learner_filters_topics_by_their_own_status(
    as_alice, alice, bob, roadmap, status, expected
):
    TopicProgressFactory(learner=alice, topic=roadmap.linear_algebra, status="done")
    TopicProgressFactory(learner=alice, topic=roadmap.calculus, status="in_progress")
    TopicProgressFactory(learner=bob, topic=roadmap.deep_learning, status="done")

    assert slugs(as_alice.get(f"/api/v1/topics/?status={status}")) == expected


def test_filtering_by_status_needs_a_signed_in_caller(anonymous, roadmap):
    response = anonymous.get("/api/v1/topics/?status=done")

    assert response.status_code == 400
    assert response.json() == {"status": ["Sign in to filter topics by your status."]}


@pytest.mark.parametrize(
    ("query", "field"),
    [("status=finished", "status"), ("level=expert", "level"), ("track=no-such-track", "track")],
)
def test_unknown_filter_values_are_refused_and_named(as_alice, roadmap, query, field):
    response = as_alice.get(f"/api/v1/topics/?{query}")

    assert response.status_code == 400
    assert "Select a valid choice" in response.json()[field][0]


def test_a_topic_shows_its_prerequisites_dependents_and_resources(as_alice, alice, roadmap):
    TopicProgressFactory(learner=alice, topic=roadmap.calculus, status="in_progress")

    topic = as_alice.get("/api/v1/topics/calculus/").json()

    assert topic["status"] == "in_progress"
    assert topic["track"] == {"slug": "math", "title": "Math"}
    assert topic["prerequisites"] == [
        {
            "id": roadmap.la_calc.pk,
            "topic": "linear-algebra",
            "title": "Linear algebra",
            "kind": "required",
            "reason": "Gradients are vectors.",
        }
    ]
    assert topic["dependents"] == [
        {
            "id": roadmap.calc_dl.pk,
            "topic": "deep-learning",
            "title": "Deep learning",
            "kind": "required",
            "reason": "Backpropagation is the chain rule.",
        }
    ]
    assert topic["resources"] == [
        {
            "id": roadmap.video.pk,
            "slug": "calc-videos",
            "title": "Calculus videos",
            "kind": "video",
            "access": "free",
            "url": roadmap.video.url,
            "health": "broken",
            "role": "supplemental",
            "locator": "",
            "position": 0,
        }
    ]


def test_a_topics_resources_carry_role_and_locator(anonymous, roadmap):
    resources = anonymous.get("/api/v1/topics/linear-algebra/").json()["resources"]

    assert [(r["slug"], r["role"], r["locator"], r["health"]) for r in resources] == [
        ("ladr", "core", "ch. 1-3", "ok")
    ]


def test_an_unknown_topic_is_a_404_that_names_it(anonymous, roadmap):
    response = anonymous.get("/api/v1/topics/alchemy/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No topic 'alchemy'."}


def test_prerequisites_list_the_whole_graph_and_filter_by_either_end(anonymous, roadmap):
    everything = anonymous.get("/api/v1/prerequisites/").json()["results"]
    into_calculus = anonymous.get("/api/v1/prerequisites/?to_topic=calculus").json()["results"]

    assert [(e["from_topic"], e["to_topic"]) for e in everything] == [
        ("linear-algebra", "calculus"),
        ("calculus", "deep-learning"),
    ]
    assert into_calculus == [
        {
            "id": roadmap.la_calc.pk,
            "from_topic": "linear-algebra",
            "to_topic": "calculus",
            "kind": "required",
            "reason": "Gradients are vectors.",
            "weight": None,
        }
    ]


def test_resources_list_their_topics_and_health(anonymous, roadmap):
    results = anonymous.get("/api/v1/resources/").json()["results"]

    assert [(r["slug"], r["health"], r["topics"]) for r in results] == [
        (
            "calc-videos",
            "broken",
            [{"topic": "calculus", "role": "supplemental", "locator": "", "position": 0}],
        ),
        (
            "ladr",
            "ok",
            [{"topic": "linear-algebra", "role": "core", "locator": "ch. 1-3", "position": 0}],
        ),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("health=broken", ["calc-videos"]),
        ("health=ok", ["ladr"]),
        ("health=timeout", []),
        ("kind=book", ["ladr"]),
        ("access=paid", []),
        ("topic=linear-algebra", ["ladr"]),
        ("topic=calculus&health=broken", ["calc-videos"]),
    ],
)
def test_resources_filter_by_health_kind_access_and_topic(anonymous, roadmap, query, expected):
    assert slugs(anonymous.get(f"/api/v1/resources/?{query}")) == expected


def test_every_list_is_paginated(anonymous, roadmap):
    page = anonymous.get("/api/v1/topics/?page_size=2").json()

    assert page["count"] == 3
    assert len(page["results"]) == 2
    assert page["next"].endswith("/api/v1/topics/?page=2&page_size=2")
    assert anonymous.get("/api/v1/topics/?page=9").status_code == 404
