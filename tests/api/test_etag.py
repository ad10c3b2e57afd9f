"""A phone checks for roadmap updates with If-None-Match: a cheap 304 while nothing changed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.etag import etag_matches
from progress import services
from tests.api.conftest import client_for
from tests.factories import TopicFactory

ROADMAP_READS = [
    "/api/v1/tracks/",
    "/api/v1/topics/",
    "/api/v1/topics/calculus/",
    "/api/v1/prerequisites/",
    "/api/v1/resources/",
    "/api/v1/resources/?health=broken",
]


def revalidate(client, path):
    first = client.get(path)
    assert first.status_code == 200
    return first, client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])


@pytest.mark.parametrize("path", ROADMAP_READS)
def test_an_unchanged_roadmap_answers_304_with_no_body(anonymous, roadmap, path):
    first, second = revalidate(anonymous, path)

    assert second.status_code == 304
    assert second.content == b""
    assert second["ETag"] == first["ETag"]


@pytest.mark.parametrize("path", ROADMAP_READS)
def test_a_304_costs_one_query_for_anonymous_callers_and_two_with_a_token(
    anonymous, alice, roadmap, path
):
    for client, most in ((anonymous, 1), (client_for(alice), 2)):
        etag = client.get(path)["ETag"]
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert len(queries) <= most, [query["sql"] for query in queries]


def test_any_roadmap_edit_changes_the_etag(anonymous, roadmap):
    before = anonymous.get("/api/v1/tracks/")["ETag"]

    roadmap.book.title = "Linear Algebra Done Right, 4th ed."
    roadmap.book.save()

    response = anonymous.get("/api/v1/tracks/", HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert response["ETag"] != before


def test_a_curators_api_edit_changes_the_etag(anonymous, as_carol, roadmap):
    before = anonymous.get("/api/v1/topics/")["ETag"]

    as_carol.post(
        "/api/v1/topics/",
        {"slug": "statistics", "title": "Statistics", "track": "math", "hours": 9},
    )

    assert anonymous.get("/api/v1/topics/", HTTP_IF_NONE_MATCH=before).status_code == 200


def test_the_query_string_and_page_are_part_of_the_etag(anonymous, roadmap):
    TopicFactory.create_batch(3, track=roadmap.math)

    tags = {
        anonymous.get(path)["ETag"]
        for path in (
            "/api/v1/topics/",
            "/api/v1/topics/?page_size=2",
            "/api/v1/topics/?page_size=2&page=2",
            "/api/v1/topics/?track=ml",
        )
    }

    assert len(tags) == 4


def test_a_learners_own_status_change_changes_their_topic_etag(alice, roadmap):
    phone = client_for(alice)
    list_tag = phone.get("/api/v1/topics/")["ETag"]
    detail_tag = phone.get("/api/v1/topics/calculus/")["ETag"]

    services.topic_status_set(learner=alice, topic=roadmap.calculus, status="in_progress")

    fresh = phone.get("/api/v1/topics/", HTTP_IF_NONE_MATCH=list_tag)
    assert fresh.status_code == 200
    assert {t["slug"]: t["status"] for t in fresh.json()["results"]}["calculus"] == "in_progress"
    assert phone.get("/api/v1/topics/calculus/", HTTP_IF_NONE_MATCH=detail_tag).status_code == 200


def test_a_status_change_back_and_forth_still_changes_the_etag(alice, roadmap):
    services.topic_status_set(learner=alice, topic=roadmap.calculus, status="in_progress")
    phone = client_for(alice)
    tag = phone.get("/api/v1/topics/")["ETag"]

    services.topic_status_set(learner=alice, topic=roadmap.calculus, status="done")
    services.topic_status_set(learner=alice, topic=roadmap.calculus, status="in_progress")

    assert phone.get("/api/v1/topics/", HTTP_IF_NONE_MATCH=tag).status_code == 200


def test_someone_elses_progress_does_not_change_my_etag(alice, bob, roadmap):
    phone = client_for(alice)
    tag = phone.get("/api/v1/topics/")["ETag"]

    services.topic_status_set(learner=bob, topic=roadmap.calculus, status="done")

    assert phone.get("/api/v1/topics/", HTTP_IF_NONE_MATCH=tag).status_code == 304


def test_topic_etags_differ_per_caller_but_tracks_are_shared(anonymous, alice, bob, roadmap):
    as_alice, as_bob = client_for(alice), client_for(bob)

    assert len({c.get("/api/v1/topics/")["ETag"] for c in (anonymous, as_alice, as_bob)}) == 3
    assert len({c.get("/api/v1/tracks/")["ETag"] for c in (anonymous, as_alice, as_bob)}) == 1


def test_an_anonymous_etag_does_not_validate_a_signed_in_response(anonymous, alice, roadmap):
    anonymous_tag = anonymous.get("/api/v1/topics/")["ETag"]

    response = client_for(alice).get("/api/v1/topics/", HTTP_IF_NONE_MATCH=anonymous_tag)

    assert response.status_code == 200
    assert response.json()["results"][0]["status"] == "not_started"


def test_responses_tell_caches_to_revalidate_and_what_they_vary_on(anonymous, alice, roadmap):
    public = anonymous.get("/api/v1/tracks/")
    personal = client_for(alice).get("/api/v1/topics/")

    assert public["Cache-Control"] == "no-cache"
    assert personal["Cache-Control"] == "private, no-cache"
    for response in (public, personal):
        assert {"Accept", "Authorization", "Cookie"} <= {
            v.strip() for v in response["Vary"].split(",")
        }


def test_writes_and_errors_carry_no_etag(anonymous, as_carol, roadmap):
    assert "ETag" not in anonymous.get("/api/v1/topics/alchemy/")
    assert "ETag" not in as_carol.patch("/api/v1/topics/calculus/", {"title": "Calculus I"})


def test_if_none_match_compares_weakly_and_understands_lists_and_star():
    assert etag_matches('"abc"', 'W/"abc"')
    assert etag_matches('W/"x", W/"abc"', 'W/"abc"')
    assert etag_matches("*", 'W/"abc"')
    assert not etag_matches('W/"abd"', 'W/"abc"')
    assert not etag_matches("", 'W/"abc"')


def test_if_none_match_star_answers_304_only_for_a_valid_request(anonymous, roadmap):
    good = anonymous.get("/api/v1/topics/", HTTP_IF_NONE_MATCH="*")
    bad = anonymous.get("/api/v1/topics/?page_size=abc", HTTP_IF_NONE_MATCH="*")

    assert good.status_code == 304
    assert bad.status_code == 400
