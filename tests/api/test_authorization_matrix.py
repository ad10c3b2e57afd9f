"""Who may call what: every endpoint × every persona, with the exact status expected.

Every answer must also be a status the OpenAPI schema documents for that operation, and
JSON (``api/schema/responses.py`` works out what each operation documents).

Adding an endpoint? Give each of its methods a ``Row`` in the section of its area (or a
new section added to ``MATRIX``), with any objects it needs in ``world``. The meta-test
at the bottom walks the URL resolver and fails for any API route and method without a
row, so a new endpoint cannot ship without its permissions being written down here.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from api.models import DeviceToken
from progress.assignments import assignment_create
from progress.models import Cohort
from quizzes.models import Card
from quizzes.services import enroll_topic_cards
from tests.api.conftest import client_for
from tests.factories import QuestionFactory

PERSONAS = ("anonymous", "alice", "bob", "mentor", "other_mentor", "carol")


def statuses(anonymous, alice, bob, mentor, other_mentor, carol) -> dict[str, int]:
    return dict(zip(PERSONAS, (anonymous, alice, bob, mentor, other_mentor, carol), strict=True))


EVERYONE_200 = statuses(200, 200, 200, 200, 200, 200)
SIGNED_IN_200 = statuses(401, 200, 200, 200, 200, 200)
SIGNED_IN_204 = statuses(401, 204, 204, 204, 204, 204)
CURATOR_200 = statuses(401, 403, 403, 403, 403, 200)
CURATOR_201 = statuses(401, 403, 403, 403, 403, 201)
CURATOR_204 = statuses(401, 403, 403, 403, 403, 204)


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # "{name}" placeholders are filled from world.ids
    expect: dict[str, int]
    body: dict | list | None = field(default=None)

    def __str__(self):
        return f"{self.method} {self.path}"


AUTH = [
    Row(
        "POST",
        "/api/v1/auth/token/",
        EVERYONE_200,
        {"username": "alice", "password": "correct horse battery staple"},
    ),
    Row("DELETE", "/api/v1/auth/token/", SIGNED_IN_204),
    Row("GET", "/api/v1/auth/tokens/", SIGNED_IN_200),
    Row("DELETE", "/api/v1/auth/tokens/{alice_token}/", statuses(401, 204, 404, 404, 404, 404)),
    Row(
        "POST",
        "/api/v1/auth/signup/",
        statuses(201, 201, 201, 201, 201, 201),
        {"username": "newbie", "password": "an unusual passphrase", "email": "newbie@example.org"},
    ),
]

ROADMAP = [
    Row("GET", "/api/v1/tracks/", EVERYONE_200),
    Row("GET", "/api/v1/topics/", EVERYONE_200),
    Row(
        "POST",
        "/api/v1/topics/",
        CURATOR_201,
        {"slug": "probability", "title": "Probability", "track": "math", "hours": 20},
    ),
    Row("GET", "/api/v1/topics/{topic}/", EVERYONE_200),
    Row("PATCH", "/api/v1/topics/{topic}/", CURATOR_200, {"title": "Calculus I"}),
    Row("DELETE", "/api/v1/topics/{unstudied_topic}/", CURATOR_204),
    # Alice has a card on it: not even a curator deletes it (retire it instead).
    Row("DELETE", "/api/v1/topics/{topic}/", statuses(401, 403, 403, 403, 403, 409)),
    Row("GET", "/api/v1/prerequisites/", EVERYONE_200),
    Row(
        "POST",
        "/api/v1/prerequisites/",
        CURATOR_201,
        {
            "from_topic": "linear-algebra",
            "to_topic": "deep-learning",
            "reason": "Tensors are matrices.",
        },
    ),
    Row("GET", "/api/v1/prerequisites/{prerequisite}/", EVERYONE_200),
    Row("PATCH", "/api/v1/prerequisites/{prerequisite}/", CURATOR_200, {"kind": "recommended"}),
    Row("DELETE", "/api/v1/prerequisites/{prerequisite}/", CURATOR_204),
    Row("GET", "/api/v1/resources/", EVERYONE_200),
    Row(
        "POST",
        "/api/v1/resources/",
        CURATOR_201,
        {
            "slug": "deep-learning-book",
            "title": "Deep Learning",
            "kind": "book",
            "topics": [{"topic": "deep-learning", "role": "core", "locator": "ch. 6"}],
        },
    ),
    Row("GET", "/api/v1/resources/{resource}/", EVERYONE_200),
    Row("PATCH", "/api/v1/resources/{resource}/", CURATOR_200, {"access": "paid"}),
    Row("DELETE", "/api/v1/resources/{resource}/", CURATOR_204),
]

ME = [
    Row("GET", "/api/v1/me/", SIGNED_IN_200),
    Row("PATCH", "/api/v1/me/", SIGNED_IN_200, {"hours_per_week": 8}),
    Row("GET", "/api/v1/me/progress/", SIGNED_IN_200),
    Row("GET", "/api/v1/me/progress/{topic}/", SIGNED_IN_200),
    Row("PUT", "/api/v1/me/progress/{topic}/", SIGNED_IN_200, {"status": "in_progress"}),
    Row("GET", "/api/v1/me/resources/", SIGNED_IN_200),
    Row("POST", "/api/v1/me/resources/{resource}/done/", SIGNED_IN_200),
    Row("DELETE", "/api/v1/me/resources/{resource}/done/", SIGNED_IN_204),
    Row("GET", "/api/v1/me/activity/", SIGNED_IN_200),
    Row("GET", "/api/v1/me/stats/", SIGNED_IN_200),
]

COHORTS = [
    Row("GET", "/api/v1/cohorts/", SIGNED_IN_200),
    # Mentors only (403 for the rest); a cohort you do not mentor is 404, not 403.
    Row("GET", "/api/v1/cohorts/{alice_cohort}/members/", statuses(401, 403, 403, 200, 404, 403)),
    Row("GET", "/api/v1/cohorts/{bob_cohort}/members/", statuses(401, 403, 403, 404, 200, 403)),
    Row(
        "GET",
        "/api/v1/cohorts/{alice_cohort}/members/alice/progress/",
        statuses(401, 403, 403, 200, 404, 403),
    ),
    Row(
        "GET",
        "/api/v1/cohorts/{bob_cohort}/members/bob/progress/",
        statuses(401, 403, 403, 404, 200, 403),
    ),
    # bob is not in alice's cohort, so even its mentor finds no such member.
    Row(
        "GET",
        "/api/v1/cohorts/{alice_cohort}/members/bob/progress/",
        statuses(401, 403, 403, 404, 404, 403),
    ),
]

DOCS = [
    Row("GET", "/api/v1/schema/", EVERYONE_200),
    Row("GET", "/api/v1/docs/", EVERYONE_200),
    Row("GET", "/api/v1/redoc/", EVERYONE_200),
    Row("GET", "/api/v1/no-such-endpoint/", statuses(404, 404, 404, 404, 404, 404)),
]

PATHS = [
    Row("POST", "/api/v1/paths/", EVERYONE_200, {"goals": ["deep-learning"], "known": []}),
    # Without an explicit "known", the caller's own progress is used: anonymous has none.
    Row("POST", "/api/v1/paths/", statuses(400, 200, 200, 200, 200, 200), {"goals": ["deep-learning"]}),
    Row("GET", "/api/v1/me/ready/", SIGNED_IN_200),
]

ASSIGNMENTS = [
    Row("GET", "/api/v1/assignments/", SIGNED_IN_200),
    Row(
        "POST",
        "/api/v1/assignments/",
        statuses(401, 403, 403, 201, 400, 400),  # curating is no mentoring relation
        {"learner": "alice", "goals": ["calculus"], "due_date": "2999-12-31"},
    ),
    Row("GET", "/api/v1/assignments/{alice_assignment}/", statuses(401, 200, 404, 200, 404, 404)),
    Row("DELETE", "/api/v1/assignments/{alice_assignment}/", statuses(401, 403, 404, 204, 404, 404)),
    Row("GET", "/api/v1/cohorts/{alice_cohort}/progress/", statuses(401, 403, 403, 200, 404, 403)),
    Row("GET", "/api/v1/cohorts/{bob_cohort}/progress/", statuses(401, 403, 403, 404, 200, 403)),
]

QUIZZES = [
    Row("GET", "/api/v1/me/reviews/due/", SIGNED_IN_200),
    Row("GET", "/api/v1/me/reviews/forecast/", SIGNED_IN_200),
    # Reviewing someone else's card reads as "no such card".
    Row("POST", "/api/v1/me/reviews/", statuses(401, 201, 404, 404, 404, 404), {"card": "{alice_card}", "rating": 3}),
    # Each item of a batch is accepted or rejected on its own: someone else's card is a rejected item.
    Row(
        "POST",
        "/api/v1/me/reviews/batch/",
        SIGNED_IN_200,
        [{"card": "{alice_card}", "rating": 3, "reviewed_at": "2999-01-01T00:00:00Z", "client_id": "c1"}],
    ),
    Row("GET", "/api/v1/topics/{topic}/mastery/", SIGNED_IN_200),
    Row("GET", "/api/v1/topics/{topic}/check/", SIGNED_IN_200),
    # Everyone checks only their own skipped topics; nobody here skipped calculus.
    Row("POST", "/api/v1/topics/{topic}/check/", statuses(401, 400, 400, 400, 400, 400),
        {"answers": [{"question": 1, "rating": 3}]}),
    Row("GET", "/api/v1/questions/", CURATOR_200),
    Row(
        "POST",
        "/api/v1/questions/",
        CURATOR_201,
        {"key": "calculus-new", "topic": "calculus", "kind": "free-recall", "prompt": "What is a derivative?",
         "answer": "The instantaneous rate of change."},
    ),
    Row("GET", "/api/v1/questions/{question}/", CURATOR_200),
    Row("PATCH", "/api/v1/questions/{question}/", CURATOR_200, {"prompt": "What does a derivative measure?"}),
    Row("DELETE", "/api/v1/questions/{question}/", CURATOR_204),
]

MATRIX = AUTH + ROADMAP + ME + COHORTS + PATHS + ASSIGNMENTS + QUIZZES + DOCS


@pytest.fixture
def world(roadmap, alice, bob, mentor, other_mentor, carol):
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
        "topic": roadmap.calculus.slug,
        "unstudied_topic": roadmap.linear_algebra.slug,
        "prerequisite": roadmap.la_calc.pk,
        "resource": roadmap.book.pk,
        "alice_cohort": Cohort.objects.get(learners=alice).pk,
        "bob_cohort": Cohort.objects.get(learners=bob).pk,
        "alice_assignment": assignment_create(
            created_by=mentor, goals=["deep-learning"], learner=alice, due_date=date(2999, 12, 31)
        ).pk,
    }
    question = QuestionFactory(topic=roadmap.calculus)
    enroll_topic_cards(learner=alice, topic=roadmap.calculus, now=timezone.now() - timedelta(minutes=1))
    ids["question"] = question.pk
    ids["alice_token"] = DeviceToken.objects.get(user=alice).pk
    ids["alice_card"] = Card.objects.get(learner=alice, question=question).pk
    return SimpleNamespace(clients=clients, ids=ids)


@pytest.mark.parametrize(
    ("row", "persona"),
    [(row, persona) for row in MATRIX for persona in PERSONAS],
    ids=[f"{row} as {persona}" for row in MATRIX for persona in PERSONAS],
)
def test_each_persona_gets_exactly_the_expected_status(world, documented, row, persona):
    body = json.dumps(row.body).replace('"{alice_card}"', str(world.ids["alice_card"])) if row.body else ""
    response = world.clients[persona].generic(
        row.method, row.path.format(**world.ids), body, content_type="application/json"
    )
    assert response.status_code == row.expect[persona], response.content[:500]
    assert response.status_code == 204 or row in DOCS or response["Content-Type"].startswith("application/json")
    operation = (_schema_path(row), row.method.lower())
    if row not in DOCS:  # the schema, the docs page and the catch-all are not operations
        assert str(response.status_code) in documented[operation], f"{row}: {response.status_code} not in the schema"


@pytest.fixture(scope="module")
def documented(django_db_blocker):
    """The statuses the OpenAPI schema documents for each (path, method)."""
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (path, method): set(operation["responses"])
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }


def _schema_path(row: Row) -> str:
    """The row's path as the schema spells it: ``/api/v1/topics/{slug}/`` (``pk`` is ``id``)."""
    route = resolve(row.path.format(**_SAMPLE_IDS)).route
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{" + ("id" if m[1] == "pk" else m[1]) + "}", route)


# --- The matrix covers the whole API --------------------------------------------------------

API_PREFIX = "api/v1/"
_SAMPLE_IDS = {
    "topic": "calculus",
    "unstudied_topic": "linear-algebra",
    "prerequisite": 1,
    "resource": 1,
    "alice_cohort": 1,
    "bob_cohort": 2,
    "alice_assignment": 1,
    "question": 1,
    "alice_token": 1,
}
_HANDLERS = ("get", "post", "put", "patch", "delete")


def _api_routes(patterns=None, prefix=""):
    """(route, callback) for every URL pattern, routes spelled as ``ResolverMatch.route``."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = URLResolver._join_route(prefix, str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            yield from _api_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route.startswith(API_PREFIX):
            yield route, pattern.callback


def _methods(callback) -> set[str]:
    if getattr(callback, "actions", None):  # a viewset bound to {method: action}
        return {method.upper() for method in callback.actions if method in _HANDLERS}
    view_class = callback.view_class
    if getattr(view_class, "catch_all", False):
        return {"GET"}  # one row shows the catch-all answers; every method behaves alike
    return {method.upper() for method in _HANDLERS if hasattr(view_class, method)}


def test_every_api_endpoint_and_method_has_rows_in_the_matrix():
    declared = {
        (method, route) for route, callback in _api_routes() for method in _methods(callback)
    }
    covered = {(row.method, resolve(row.path.format(**_SAMPLE_IDS)).route) for row in MATRIX}
    missing = sorted(declared - covered)
    assert not missing, f"endpoints without rows in the authorization matrix: {missing}"


def test_every_row_names_a_real_endpoint_and_every_persona():
    for row in MATRIX:
        assert set(row.expect) == set(PERSONAS), row
        match = resolve(row.path.format(**_SAMPLE_IDS))
        assert row.method in _methods(match.func), f"{row}: the endpoint has no {row.method}"
