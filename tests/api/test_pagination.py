"""Pages: page_size from 1 to 200 or a 400 naming it, and next/previous links that name the
host a client reached, directly or through a proxy that rewrites Host."""

import pytest

from tests.factories import TopicFactory, TopicProgressFactory, TrackFactory


@pytest.fixture
def five_tracks(db):
    return TrackFactory.create_batch(5)


@pytest.mark.parametrize("size", ["0", "-3", "abc", "201", "1.5", "²"])
def test_a_page_size_outside_1_to_200_is_a_400_naming_it(anonymous, five_tracks, size):
    response = anonymous.get("/api/v1/tracks/", {"page_size": size})

    assert response.status_code == 400
    assert response.json() == {"page_size": [f"page_size must be a whole number from 1 to 200, got {size!r}."]}


@pytest.mark.parametrize("page", ["0", "-1", "two"])
def test_a_page_that_is_not_a_number_from_1_is_a_400_naming_it(anonymous, five_tracks, page):
    response = anonymous.get("/api/v1/tracks/", {"page": page})

    assert response.status_code == 400
    assert list(response.json()) == ["page"]


def test_a_page_past_the_last_is_a_404(anonymous, five_tracks):
    response = anonymous.get("/api/v1/tracks/", {"page": 4, "page_size": 2})

    assert response.status_code == 404
    assert response.json() == {"detail": "There is no page 4: That page contains no results."}


@pytest.mark.parametrize(("size", "count"), [("1", 1), ("200", 5), ("", 5)])
def test_the_bounds_themselves_are_accepted(anonymous, five_tracks, size, count):
    response = anonymous.get("/api/v1/tracks/", {"page_size": size})

    assert response.status_code == 200
    assert len(response.json()["results"]) == count


def test_the_due_cards_page_has_the_same_bounds(as_alice):
    assert as_alice.get("/api/v1/me/reviews/due/?page_size=0").status_code == 400
    assert as_alice.get("/api/v1/me/reviews/due/?page_size=200").status_code == 200


def test_next_and_previous_name_the_host_the_client_asked(anonymous, five_tracks, settings):
    settings.ALLOWED_HOSTS = ["pathwise.example.org", "internal:8000"]

    page = anonymous.get(
        "/api/v1/tracks/?page=2&page_size=2",
        HTTP_HOST="pathwise.example.org",
        HTTP_X_FORWARDED_HOST="evil.example",  # not trusted unless configured
    ).json()

    assert page["next"] == "http://pathwise.example.org/api/v1/tracks/?page=3&page_size=2"
    assert page["previous"] == "http://pathwise.example.org/api/v1/tracks/?page_size=2"


def test_behind_a_proxy_that_rewrites_host_the_links_name_the_public_host(anonymous, five_tracks, settings):
    settings.USE_X_FORWARDED_HOST = True
    settings.ALLOWED_HOSTS = ["learn.example.org"]
    proxied = {"HTTP_HOST": "internal:8000", "HTTP_X_FORWARDED_HOST": "learn.example.org"}

    page = anonymous.get("/api/v1/tracks/?page=2&page_size=2", **proxied).json()
    TopicFactory(track=five_tracks[0])
    topics = anonymous.get("/api/v1/topics/?page_size=1", **proxied).json()

    assert page["next"] == "http://learn.example.org/api/v1/tracks/?page=3&page_size=2"
    assert page["previous"] == "http://learn.example.org/api/v1/tracks/?page_size=2"
    assert topics["next"] is None and topics["count"] == 1


def test_a_forwarded_host_that_is_not_allowed_is_refused_with_json(anonymous, five_tracks, settings):
    settings.USE_X_FORWARDED_HOST = True
    settings.ALLOWED_HOSTS = ["learn.example.org"]

    response = anonymous.get(
        "/api/v1/tracks/", HTTP_HOST="learn.example.org", HTTP_X_FORWARDED_HOST="evil.example"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "This server does not answer for the host 'evil.example'."}


@pytest.mark.parametrize(
    ("rows", "size", "count", "next_page"),
    [(0, 50, 0, None), (3, 50, 3, None), (3, 3, 3, None), (5, 3, 5, 2)],
)
def test_a_first_page_says_how_many_there_are_counting_only_when_it_is_full(
    as_alice, alice, rows, size, count, next_page, django_assert_num_queries
):
    for topic in TopicFactory.create_batch(rows):
        TopicProgressFactory(learner=alice, topic=topic)
    as_alice.get("/api/v1/me/progress/")  # the token's first use is written down once

    full = rows >= size
    with django_assert_num_queries(2 + full):  # the token, the rows (and the count)
        page = as_alice.get("/api/v1/me/progress/", {"page_size": size}).json()

    assert (page["count"], len(page["results"])) == (count, min(rows, size))
    if next_page is None:
        assert page["next"] is None
    else:
        assert page["next"].endswith(f"page={next_page}&page_size={size}")
        second = as_alice.get("/api/v1/me/progress/", {"page": 2, "page_size": size}).json()
        assert (second["count"], len(second["results"]), second["next"]) == (5, 2, None)
