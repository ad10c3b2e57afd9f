"""Fuzz every operation of the OpenAPI schema, signed in as a curator so writes run too.

Schemathesis generates valid and invalid requests from the schema; whatever it sends,
no answer may be a 5xx. Each operation is its own test with a fresh database holding
the small roadmap of ``tests/api/conftest.py``. Random slugs and ids almost never name
a real topic, so two hooks swap in existing ones about half the time: that way the happy
paths (a 201 create, a 200 update) are fuzzed as well as the 404s.

``make schemathesis`` runs only this file.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from api.auth.services import token_issue
from config.wsgi import application
from progress.models import Cohort, User
from roadmap.models import Prerequisite, Resource, Topic, Track

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)

# What exists when a test starts, read once: the strategies must not change while
# Hypothesis generates (a generated DELETE would otherwise change them mid-test).
_EXISTING: dict[str, list] = {}
_SLUG_FIELDS = {"track": "tracks", "from_topic": "topics", "to_topic": "topics", "topic": "topics"}


@pytest.fixture
def existing_objects(roadmap, carol):
    _EXISTING.clear()
    _EXISTING.update(
        topics=list(Topic.objects.order_by("slug").values_list("slug", flat=True)),
        tracks=list(Track.objects.order_by("slug").values_list("slug", flat=True)),
        prerequisites=list(Prerequisite.objects.order_by("pk").values_list("pk", flat=True)),
        resources=list(Resource.objects.order_by("pk").values_list("pk", flat=True)),
        cohorts=list(Cohort.objects.order_by("pk").values_list("pk", flat=True)),
        usernames=list(User.objects.order_by("username").values_list("username", flat=True)),
    )
    yield
    _EXISTING.clear()


def _existing_path_values(path: str, name: str) -> list:
    if name in {"slug", "topic_slug"}:
        return _EXISTING.get("topics", [])
    if name == "id":
        return _EXISTING.get("prerequisites" if "/prerequisites/" in path else "resources", [])
    if name == "cohort_id":
        return _EXISTING.get("cohorts", [])
    if name == "username":
        return _EXISTING.get("usernames", [])
    return []


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    if not path_parameters:
        return st.just(path_parameters)
    existing = {
        name: st.sampled_from(values)
        if (values := _existing_path_values(context.operation.path, name))
        else st.just(value)
        for name, value in path_parameters.items()
    }
    return st.one_of(st.just(path_parameters), st.fixed_dictionaries(existing))


def _with_existing_slugs(body):
    """Strategies for ``body`` with every slug reference pointing at an existing object."""
    if isinstance(body, list):
        return st.tuples(*(_with_existing_slugs(item) for item in body)).map(list)
    if not isinstance(body, dict):
        return st.just(body)
    fields = {}
    for key, value in body.items():
        slugs = _EXISTING.get(_SLUG_FIELDS.get(key, ""), []) if isinstance(value, str) else []
        fields[key] = st.sampled_from(slugs) if slugs else _with_existing_slugs(value)
    return st.fixed_dictionaries(fields)


@schema.hook
def flatmap_body(context, body):
    return st.one_of(st.just(body), _with_existing_slugs(body))


@pytest.fixture
def inside_the_test_transaction():
    """Keep the test's database connection open across requests.

    Schemathesis calls the WSGI app directly, and Django closes "old" connections when
    each request starts and finishes, which on PostgreSQL ends the test's transaction.
    Django's own test client disconnects these handlers in the same way.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def curator_headers(carol, existing_objects, inside_the_test_transaction):
    def headers():
        # A generated DELETE /auth/token/ revokes the token: fetch (or make) it each time.
        token = token_issue(user=carol, device="schemathesis")
        return {"Authorization": f"Token {token.key}"}

    return headers


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_request_gets_a_server_error(case, curator_headers):
    case.call_and_validate(headers=curator_headers())
