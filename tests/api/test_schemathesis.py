"""Fuzz the API against its own OpenAPI schema with every Schemathesis check, as an
anonymous caller, a learner and a curator, one operation at a time and then as stateful
sequences (create, read, update, delete chained by the links Schemathesis infers).

Each run starts from a fresh database holding the small roadmap of ``tests/api/conftest.py``.
Random slugs and ids almost never name a real topic, so two hooks swap in existing ones
about half the time: that way the happy paths (a 201 create, a 200 update) are fuzzed as
well as the 404s. Examples are bounded (``EXAMPLES``, ``STEPS``) so CI stays quick.

Every check runs: no server error, and answers, status codes, content types and headers
as the schema says; schema-invalid requests refused, schema-valid ones accepted (or
refused for what no schema can say: a name that exists nowhere). ``KNOWN_GAPS`` lists the
(operation, check) pairs the schema does not describe yet, each with why; it must only
shrink. ``make schemathesis`` runs this file (CI too; ``make test`` leaves it out).
"""

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.generation.modes import GenerationMode

from api.auth.services import token_issue
from config.wsgi import application
from progress.models import Cohort, User
from roadmap.models import Prerequisite, Resource, Topic, Track

pytestmark = pytest.mark.schemathesis

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)

# What exists when a test starts, read once: the strategies must not change while
# Hypothesis generates (a generated DELETE would otherwise change them mid-test).
_EXISTING: dict[str, list] = {}
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
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
        # Only a slug that is well-formed is swapped for an existing one: a malformed one is
        # the negative case's invalid value, and swapping it would make the request valid.
        well_formed = isinstance(value, str) and _SLUG.fullmatch(value) is not None
        slugs = _EXISTING.get(_SLUG_FIELDS.get(key, ""), []) if well_formed else []
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


PERSONAS = ("anonymous", "alice", "carol")
EXAMPLES = 15
STEPS = 6

# What a schema cannot say: a request valid by the schema that names something that does
# not exist (a username, a time zone, a goal) is refused with a 4xx naming it; a generated
# If-None-Match may match (304); a generated Idempotency-Key may be reused for another
# request (422, as documented); the sign-up throttle may answer 429.
EXPECTED_FOR_VALID_REQUESTS = ["2XX", "304", "400", "401", "403", "404", "409", "422", "429"]
schema.config.checks.positive_data_acceptance.expected_statuses = EXPECTED_FOR_VALID_REQUESTS

# (METHOD path, check) pairs the schema does not describe yet: each must go.
KNOWN_GAPS: dict[tuple[str, str], str] = {
    ("GET /api/v1/me/activity/", "negative_data_rejection"): "an empty ?from= or ?to= is read as not given",
    ("GET /api/v1/questions/", "negative_data_rejection"): "django-filter reads ?is_active=null as no filter",
    ("POST /api/v1/me/reviews/batch/", "negative_data_rejection"): (
        "a batch answers 200 with each review's own result: an invalid review is refused in its item"
    ),
}


def _excluded(case) -> list:
    from schemathesis.checks import CHECKS

    operation = f"{case.method.upper()} {case.path}"
    names = {check for (where, check) in KNOWN_GAPS if where == operation}
    return [check for check in CHECKS.get_all() if getattr(check, "__name__", "") in names]


@pytest.fixture(params=PERSONAS)
def persona_headers(request, existing_objects, inside_the_test_transaction):
    name = request.param
    user = None if name == "anonymous" else request.getfixturevalue(name)

    def headers():
        if user is None:
            return {}
        # A generated DELETE /auth/token/ revokes the token: make a fresh one each time.
        return {"Authorization": f"Token {token_issue(user=user, device='schemathesis').key}"}

    return headers


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_answer_is_what_the_schema_says(case, persona_headers):
    case.call_and_validate(headers=persona_headers(), excluded_checks=_excluded(case))


def test_stateful_sequences_keep_to_the_schema(persona_headers):
    # Sequences of valid requests (invalid ones are the per-operation test's): with negative
    # data mixed in, Schemathesis' feedback makes Hypothesis see two different strategies
    # for one sequence and give up ("FlakyStrategyDefinition").
    sequences = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    sequences.config.generation.modes = [GenerationMode.POSITIVE]
    sequences.config.checks.positive_data_acceptance.expected_statuses = EXPECTED_FOR_VALID_REQUESTS
    workflow = sequences.as_state_machine()

    class Workflow(workflow):
        headers: dict = {}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response,
                headers=self.headers,
                excluded_checks=_excluded(case),
                transport_kwargs={**kwargs, "headers": self.headers},
            )

        def get_call_kwargs(self, case):
            self.headers = persona_headers()
            return {"headers": self.headers}

    Workflow.run(
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            # Schemathesis steers generation by what it has seen, which replaying a failing
            # sequence cannot repeat: report the failure as found instead of shrinking it.
            phases=[Phase.explicit, Phase.generate],
        )
    )
