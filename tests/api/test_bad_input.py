"""Whatever a client sends, the answer is a 4xx with a message in the one error shape, never 500."""

import json

import pytest

from progress.models import TopicProgress
from roadmap.models import Topic

MIB = 1024 * 1024


def send(client, method, path, body, content_type="application/json", **headers):
    return client.generic(method, path, body, content_type=content_type, **headers)


def test_an_unknown_api_path_is_a_json_404(anonymous):
    response = anonymous.get("/api/v1/lessons/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "No API endpoint at /api/v1/lessons/."}


def test_a_missing_trailing_slash_is_a_404_that_says_so_not_a_redirect_that_drops_the_body(
    as_carol, roadmap
):
    response = as_carol.post("/api/v1/topics", {"slug": "x"})

    assert response.status_code == 404
    assert response.json() == {
        "detail": "No API endpoint at /api/v1/topics. "
        "Did you mean /api/v1/topics/ (with the trailing slash)?"
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/api/v1/tracks/"),
        ("DELETE", "/api/v1/me/stats/"),
        ("POST", "/api/v1/me/progress/calculus/"),
        ("PUT", "/api/v1/topics/calculus/"),
    ],
)
def test_an_unsupported_method_is_a_405_naming_it(as_carol, roadmap, method, path):
    response = send(as_carol, method, path, "{}")

    assert response.status_code == 405
    assert response.json() == {"detail": f'Method "{method}" not allowed.'}


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
def test_only_json_bodies_are_accepted(as_carol, roadmap, content_type):
    response = send(
        as_carol, "POST", "/api/v1/topics/", "slug=probability", content_type=content_type
    )

    assert response.status_code == 415
    assert response.json()["detail"].startswith("Unsupported media type")


@pytest.mark.parametrize("headers", [{}, {"HTTP_IDEMPOTENCY_KEY": "big-1"}])
def test_a_body_over_one_mebibyte_is_a_413(as_carol, roadmap, headers):
    body = json.dumps(
        {"slug": "big", "title": "Big", "track": "math", "hours": 1, "summary": "x" * MIB}
    )

    response = send(as_carol, "POST", "/api/v1/topics/", body, **headers)

    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body is larger than the 1 MiB this API accepts."
    }
    assert not Topic.objects.filter(slug="big").exists()


def test_a_body_just_under_the_limit_is_judged_on_its_content(as_alice, roadmap):
    body = json.dumps({"status": "done", "notes": "x" * (MIB - 100)})

    response = send(as_alice, "PUT", "/api/v1/me/progress/calculus/", body)

    assert response.status_code == 400
    assert response.json() == {"notes": ["Ensure this field has no more than 20000 characters."]}


@pytest.mark.parametrize(
    "body",
    [
        '{"status": "done"',
        "{'status': 'done'}",
        '{"status": NaN}',
        "[" * 50_000 + "]" * 50_000,
        "\udcff",
    ],
    ids=["truncated", "single-quotes", "nan", "deeply-nested", "not-utf8"],
)
def test_malformed_json_is_a_400(as_alice, roadmap, body):
    response = send(
        as_alice, "PUT", "/api/v1/me/progress/calculus/", body.encode("utf-8", "surrogateescape")
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")
    assert not TopicProgress.objects.exists()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ([1, 2], {"detail": "Invalid data. Expected a dictionary, but got list."}),
        ("done", {"detail": "Invalid data. Expected a dictionary, but got str."}),
        (None, {"detail": "No data provided"}),
        ({"status": 3}, {"status": ['"3" is not a valid choice.']}),
        ({"status": ["done"]}, {"status": ["\"['done']\" is not a valid choice."]}),
        ({"status": "done", "notes": {"a": 1}}, {"notes": ["Not a valid string."]}),
        ({}, {"status": ["This field is required."]}),
    ],
)
def test_wrong_shapes_and_types_name_the_field(as_alice, roadmap, body, expected):
    response = send(as_alice, "PUT", "/api/v1/me/progress/calculus/", json.dumps(body))

    assert response.status_code == 400
    assert response.json() == expected


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": "t" * 201}, "title", "Ensure this field has no more than 200 characters."),
        ({"slug": "s" * 81}, "slug", "Ensure this field has no more than 80 characters."),
        ({"slug": "Not a slug!"}, "slug", 'Enter a valid "slug"'),
        ({"title": "bad\x00title"}, "title", "Null characters are not allowed."),
        ({"hours": "lots"}, "hours", "A valid integer is required."),
        ({"hours": 10**30}, "hours", "Ensure this value is less than or equal to 1000."),
        ({"hours": True}, "hours", "A valid integer is required."),
        ({"track": ["math"]}, "track", "Object with slug=['math'] does not exist."),
        (
            {"track": "ma\x00th"},
            "track",
            "Null characters are not allowed.",
        ),  # PostgreSQL: a DataError
        ({"level": "guru"}, "level", '"guru" is not a valid choice.'),
    ],
)
def test_bad_topic_fields_are_refused_with_a_message(as_carol, roadmap, change, field, message):
    body = {"slug": "probability", "title": "Probability", "track": "math", "hours": 5, **change}

    response = as_carol.post("/api/v1/topics/", body)

    assert response.status_code == 400
    assert message in response.json()[field][0]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"track": "\\ud800"}', "track"),
        ('{"level": "\\udc80"}', "level"),
        ('{"title": "a\\udfffb"}', "title"),
    ],
)
def test_lone_surrogates_are_refused_and_the_echo_is_still_valid_utf8(
    as_carol, roadmap, body, field
):
    response = send(as_carol, "POST", "/api/v1/topics/", body)

    assert response.status_code == 400
    response.content.decode("utf-8")
    assert field in response.json()


@pytest.mark.parametrize(
    "topics",
    [
        "calculus",
        [{"topic": "alchemy"}],
        [{"topic": "calculus", "role": "main"}],
        [{"topic": "calculus", "position": -1}],
        [{"topic": "calculus", "locator": "p" * 201}],
        [None],
    ],
)
def test_bad_resource_links_are_refused(as_carol, roadmap, topics):
    response = as_carol.post(
        "/api/v1/resources/", {"slug": "r", "title": "R", "kind": "book", "topics": topics}
    )

    assert response.status_code == 400
    assert "topics" in response.json()


@pytest.mark.parametrize(
    ("query", "status", "key"),
    [
        ("search=" + "q" * 201, 400, "search"),
        ("search=%00", 400, "search"),
        ("track=%00", 400, "track"),
        ("page=0", 400, "page"),
        ("page=abc", 400, "page"),
        ("page=99", 404, "detail"),
        ("page_size=-5&page=2", 400, "page_size"),
        ("page_size=null", 400, "page_size"),
        ("page_size=201", 400, "page_size"),
        ("level=", 200, "results"),  # an empty filter is no filter
    ],
)
def test_odd_query_strings_get_a_clear_answer(anonymous, roadmap, query, status, key):
    response = anonymous.get(f"/api/v1/topics/?{query}")

    assert response.status_code == status
    assert key in response.json()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/resources/99999999999999999999999/",
        "/api/v1/prerequisites/0/",
        "/api/v1/topics/%00/",
        "/api/v1/me/resources/99999999999999999999999/done/",
        "/api/v1/cohorts/99999999999999999999999/members/",
    ],
)
def test_absurd_ids_are_404s(as_mentor, path):
    response = as_mentor.get(path) if "done" not in path else as_mentor.post(path)

    assert response.status_code == 404
    assert "detail" in response.json()


def test_a_huge_idempotency_key_or_odd_header_is_a_400_not_a_crash(as_alice, roadmap):
    response = as_alice.put(
        "/api/v1/me/progress/calculus/", {"status": "done"}, HTTP_IDEMPOTENCY_KEY="k" * 10_000
    )

    assert response.status_code == 400
