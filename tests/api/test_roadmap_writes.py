"""Curators edit the roadmap through the API; every edit is validated and moves the version."""

import pytest
from django.utils import timezone

from progress.models import TopicProgress
from quizzes.services import enroll_topic_cards
from roadmap.models import LinkHealth, Prerequisite, Resource, Topic, TopicResource
from roadmap.selectors import graph_version
from tests.factories import QuestionFactory, TopicProgressFactory


def test_a_curator_adds_a_topic(as_carol, roadmap):
    response = as_carol.post(
        "/api/v1/topics/",
        {
            "slug": "probability",
            "title": "Probability",
            "track": "math",
            "hours": 20,
            "level": "intermediate",
            "summary": "Chance, *formally*.",
        },
    )

    assert response.status_code == 201
    assert response.json()["track"] == {"slug": "math", "title": "Math"}
    topic = Topic.objects.get(slug="probability")
    assert (topic.title, topic.track, topic.hours, topic.level) == (
        "Probability",
        roadmap.math,
        20,
        "intermediate",
    )


def test_a_topic_needs_a_unique_slug_a_known_track_and_sensible_hours(as_carol, roadmap):
    response = as_carol.post(
        "/api/v1/topics/", {"slug": "calculus", "title": "Again", "track": "physics", "hours": 0}
    )

    assert response.status_code == 400
    errors = response.json()
    assert errors["track"] == ["Object with slug=physics does not exist."]
    assert errors["hours"] == ["Ensure this value is greater than or equal to 1."]

    duplicate = as_carol.post(
        "/api/v1/topics/", {"slug": "calculus", "title": "Again", "track": "math", "hours": 3}
    )
    assert duplicate.status_code == 400
    assert duplicate.json() == {"slug": ["Topic with this Slug already exists."]}


def test_a_curator_changes_a_topic_and_the_roadmap_version_moves(as_carol, roadmap):
    before = graph_version()

    response = as_carol.patch("/api/v1/topics/calculus/", {"title": "Calculus I", "hours": 30})

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["hours"]) == ("Calculus I", 30)
    assert graph_version() > before


def test_renaming_a_topics_slug_keeps_its_edges(as_carol, roadmap):
    response = as_carol.patch("/api/v1/topics/calculus/", {"slug": "calculus-1"})

    assert response.status_code == 200
    assert [p["topic"] for p in response.json()["prerequisites"]] == ["linear-algebra"]
    assert as_carol.get("/api/v1/topics/calculus/").status_code == 404


def test_deleting_a_topic_nobody_studied_removes_it_with_its_edges_and_links(as_carol, roadmap):
    assert as_carol.delete("/api/v1/topics/calculus/").status_code == 204

    assert not Topic.objects.filter(slug="calculus").exists()
    assert not Prerequisite.objects.filter(pk__in=[roadmap.la_calc.pk, roadmap.calc_dl.pk]).exists()
    assert not TopicResource.objects.filter(resource=roadmap.video).exists()


def test_a_topic_with_learners_data_is_not_deleted_and_the_409_says_how_many(as_carol, alice, bob, roadmap):
    TopicProgressFactory(learner=alice, topic=roadmap.calculus, status="done")
    TopicProgressFactory(learner=bob, topic=roadmap.calculus, status="in_progress", notes="Chain rule!")
    QuestionFactory(topic=roadmap.calculus)
    enroll_topic_cards(learner=alice, topic=roadmap.calculus, now=timezone.now())

    response = as_carol.delete("/api/v1/topics/calculus/")

    assert response.status_code == 409
    detail = response.json()["detail"]
    assert detail.startswith(
        "2 learners have progress, notes or cards on calculus (2 with progress, 1 with notes, 1 with cards)."
    )
    assert '{"retired": true}' in detail
    assert TopicProgress.objects.filter(topic=roadmap.calculus).count() == 2
    assert Prerequisite.objects.filter(pk=roadmap.la_calc.pk).exists()


def test_a_curator_retires_a_topic_and_puts_it_back(as_carol, alice, roadmap):
    TopicProgressFactory(learner=alice, topic=roadmap.calculus, status="done", notes="Mine.")
    version = graph_version()

    retired = as_carol.patch("/api/v1/topics/calculus/", {"retired": True})

    assert retired.status_code == 200
    assert retired.json()["retired_at"] is not None
    assert graph_version() > version
    assert "calculus" not in [t["slug"] for t in as_carol.get("/api/v1/topics/").json()["results"]]
    assert TopicProgress.objects.get(learner=alice, topic=roadmap.calculus).notes == "Mine."

    restored = as_carol.patch("/api/v1/topics/calculus/", {"retired": False})

    assert restored.json()["retired_at"] is None
    assert "calculus" in [t["slug"] for t in as_carol.get("/api/v1/topics/").json()["results"]]


def test_a_curator_adds_a_prerequisite_edge(as_carol, roadmap):
    response = as_carol.post(
        "/api/v1/prerequisites/",
        {
            "from_topic": "linear-algebra",
            "to_topic": "deep-learning",
            "kind": "recommended",
            "reason": "Tensors are matrices.",
        },
    )

    assert response.status_code == 201
    edge = Prerequisite.objects.get(pk=response.json()["id"])
    assert (edge.from_topic, edge.to_topic, edge.kind) == (
        roadmap.linear_algebra,
        roadmap.deep_learning,
        "recommended",
    )


def test_an_edge_that_would_close_a_cycle_is_refused_naming_the_cycle(as_carol, roadmap):
    before = graph_version()

    response = as_carol.post(
        "/api/v1/prerequisites/",
        {"from_topic": "deep-learning", "to_topic": "linear-algebra", "reason": "Backwards."},
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "adding deep-learning → linear-algebra would create the cycle "
        "deep-learning → linear-algebra → calculus → deep-learning"
    }
    assert Prerequisite.objects.count() == 2
    assert graph_version() == before


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"from_topic": "calculus", "to_topic": "calculus", "reason": "x"},
            {"detail": "a topic cannot be its own prerequisite (calculus)"},
        ),
        (
            {"from_topic": "linear-algebra", "to_topic": "calculus", "reason": "x"},
            {"detail": "linear-algebra is already a prerequisite of calculus"},
        ),
        (
            {"from_topic": "alchemy", "to_topic": "calculus", "reason": "x"},
            {"from_topic": ["Object with slug=alchemy does not exist."]},
        ),
        (
            {"from_topic": "linear-algebra", "to_topic": "deep-learning"},
            {"reason": ["This field is required."]},
        ),
    ],
)
def test_bad_edges_are_refused_with_a_reason(as_carol, roadmap, body, expected):
    response = as_carol.post("/api/v1/prerequisites/", body)

    assert response.status_code == 400
    assert response.json() == expected


def test_moving_an_edges_end_is_checked_for_cycles(as_carol, roadmap):
    response = as_carol.patch(
        f"/api/v1/prerequisites/{roadmap.la_calc.pk}/", {"from_topic": "deep-learning"}
    )

    assert response.status_code == 400
    assert "would create the cycle" in response.json()["detail"]
    roadmap.la_calc.refresh_from_db()
    assert roadmap.la_calc.from_topic == roadmap.linear_algebra


def test_a_curator_changes_and_removes_an_edge(as_carol, roadmap):
    changed = as_carol.patch(
        f"/api/v1/prerequisites/{roadmap.la_calc.pk}/", {"kind": "recommended"}
    )
    assert changed.json()["kind"] == "recommended"

    assert as_carol.delete(f"/api/v1/prerequisites/{roadmap.la_calc.pk}/").status_code == 204
    assert as_carol.get(f"/api/v1/prerequisites/{roadmap.la_calc.pk}/").json() == {
        "detail": f"No prerequisite {roadmap.la_calc.pk}."
    }


def test_a_curator_adds_a_resource_with_its_topic_links(as_carol, roadmap):
    before = graph_version()

    response = as_carol.post(
        "/api/v1/resources/",
        {
            "slug": "mml-book",
            "title": "Mathematics for Machine Learning",
            "kind": "book",
            "authors": "Deisenroth, Faisal, Ong",
            "url": "https://mml-book.github.io/",
            "year": 2020,
            "topics": [
                {"topic": "linear-algebra", "role": "core", "locator": "ch. 2"},
                {"topic": "calculus", "role": "supplemental", "locator": "ch. 5", "position": 3},
            ],
        },
    )

    assert response.status_code == 201
    assert response.json()["topics"] == [
        {"topic": "linear-algebra", "role": "core", "locator": "ch. 2", "position": 0},
        {"topic": "calculus", "role": "supplemental", "locator": "ch. 5", "position": 3},
    ]
    assert response.json()["health"] == "unknown"
    assert graph_version() == before + 1  # one edit, one version, however many links


def test_updating_a_resources_topics_replaces_its_links(as_carol, roadmap):
    response = as_carol.patch(
        f"/api/v1/resources/{roadmap.book.pk}/",
        {"topics": [{"topic": "deep-learning", "role": "supplemental"}]},
    )

    assert response.status_code == 200
    assert response.json()["topics"] == [
        {"topic": "deep-learning", "role": "supplemental", "locator": "", "position": 0}
    ]


def test_each_link_in_a_patch_still_needs_its_topic(as_carol, roadmap):
    path = f"/api/v1/resources/{roadmap.book.pk}/"

    response = as_carol.patch(path, {"topics": [{"role": "core"}]})

    assert response.status_code == 400
    assert response.json() == {"topics": {"0": {"topic": ["This field is required."]}}}


def test_updating_a_resource_without_topics_keeps_its_links(as_carol, roadmap):
    response = as_carol.patch(f"/api/v1/resources/{roadmap.book.pk}/", {"access": "paid"})

    assert response.json()["access"] == "paid"
    assert [link["topic"] for link in response.json()["topics"]] == ["linear-algebra"]


def test_a_new_url_starts_its_link_health_again(as_carol, roadmap):
    response = as_carol.patch(
        f"/api/v1/resources/{roadmap.video.pk}/", {"url": "https://example.org/new"}
    )

    assert response.json()["health"] == LinkHealth.UNKNOWN
    assert Resource.objects.get(pk=roadmap.video.pk).consecutive_failures == 0


def test_link_health_cannot_be_written_through_the_api(as_carol, roadmap):
    as_carol.patch(
        f"/api/v1/resources/{roadmap.video.pk}/", {"health": "ok", "title": "Calculus videos (new)"}
    )

    roadmap.video.refresh_from_db()
    assert (roadmap.video.title, roadmap.video.health) == ("Calculus videos (new)", "broken")


def test_a_topic_listed_twice_on_a_resource_is_refused(as_carol, roadmap):
    response = as_carol.post(
        "/api/v1/resources/",
        {
            "slug": "twice",
            "title": "Twice",
            "kind": "video",
            "topics": [{"topic": "calculus"}, {"topic": "calculus", "role": "supplemental"}],
        },
    )

    assert response.status_code == 400
    assert response.json() == {"topics": ["calculus is listed more than once"]}
    assert not Resource.objects.filter(slug="twice").exists()


def test_a_curator_deletes_a_resource(as_carol, roadmap):
    assert as_carol.delete(f"/api/v1/resources/{roadmap.book.pk}/").status_code == 204
    assert not Resource.objects.filter(pk=roadmap.book.pk).exists()


@pytest.mark.parametrize("client", ["as_alice", "as_mentor"])
def test_non_curators_cannot_edit_and_are_told_why(request, roadmap, client):
    response = request.getfixturevalue(client).patch(
        "/api/v1/topics/calculus/", {"title": "Mine now"}
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "Only curators can edit the roadmap."}
    assert Topic.objects.get(slug="calculus").title == "Calculus"


@pytest.mark.parametrize(
    ("path", "body", "location"),
    [
        ("/api/v1/topics/", {"slug": "probability", "title": "Probability", "track": "math", "hours": 20},
         "/api/v1/topics/probability/"),
        ("/api/v1/prerequisites/", {"from_topic": "linear-algebra", "to_topic": "deep-learning", "reason": "Tensors."},
         "/api/v1/prerequisites/{id}/"),
        ("/api/v1/resources/", {"slug": "r", "title": "R", "kind": "book"}, "/api/v1/resources/{id}/"),
    ],
)  # fmt: skip
def test_a_create_says_where_the_new_object_is(as_carol, roadmap, path, body, location):
    response = as_carol.post(path, body)

    assert response.status_code == 201
    assert response["Location"] == "http://testserver" + location.format(id=response.json().get("id"))
    assert as_carol.get(response["Location"]).json() == response.json()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://bücher.example/", "is not an http(s) URL in ASCII"),
        ("ftp://files.example.org/book.pdf", "is not an http(s) URL in ASCII"),
        ("https://example.org/a b", "is not an http(s) URL in ASCII"),
    ],
)
def test_a_resource_link_must_be_an_ascii_http_url(as_carol, roadmap, url, message):
    response = as_carol.post("/api/v1/resources/", {"slug": "r", "title": "R", "kind": "book", "url": url})

    assert response.status_code == 400
    assert message in response.json()["url"][0]


def test_a_link_stored_with_a_unicode_host_is_shown_as_a_uri(anonymous, roadmap):
    roadmap.book.url = "https://bücher.example/straße"
    roadmap.book.save()

    body = anonymous.get(f"/api/v1/resources/{roadmap.book.pk}/").json()

    assert body["url"] == "https://xn--bcher-kva.example/stra%C3%9Fe"


def test_a_resource_without_a_link_has_an_empty_url(as_carol, roadmap):
    body = as_carol.post("/api/v1/resources/", {"slug": "r", "title": "R", "kind": "book"}).json()

    assert (body["url"], body["suggested_url"]) == ("", "")
