"""The OpenAPI schema is the contract: it generates cleanly, matches the committed snapshot,
and documents every operation to the same standard (``api/schema/``).

The checks below walk every operation, so an operation added later fails them until it is
documented like the others: a description, one described tag, a readable id, each status
it can answer with the error body, and the headers it takes and sends.
"""

import difflib
import re
from datetime import date

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.management.commands.spectacular import SchemaGenerationError

from progress.assignments import assignment_create
from tests.factories import QuestionFactory
from tests.locations import ROOT

SNAPSHOT = ROOT / "api" / "openapi-v1.yaml"
WRITES = {"post", "put", "patch", "delete"}
NO_IDEMPOTENCY = {
    ("/api/v1/auth/token/", "post"),
    ("/api/v1/auth/token/", "delete"),
    ("/api/v1/auth/signup/", "post"),
    # Computes a path and writes nothing: there is nothing to replay.
    ("/api/v1/paths/", "post"),
}
ROADMAP_READS = {
    "/api/v1/tracks/",
    "/api/v1/topics/",
    "/api/v1/topics/{slug}/",
    "/api/v1/prerequisites/",
    "/api/v1/prerequisites/{id}/",
    "/api/v1/resources/",
    "/api/v1/resources/{id}/",
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}


def test_the_schema_generates_and_validates_with_no_warnings_or_errors(tmp_path, capsys):
    try:
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    except SchemaGenerationError:
        pytest.fail(f"drf-spectacular reported problems:\n{capsys.readouterr().err}")

    assert "Warning" not in capsys.readouterr().err


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_is_the_committed_snapshot(schema):
    """An unintended change to the contract fails here. To change it on purpose, run
    ``make schema`` and commit ``api/openapi-v1.yaml`` with the change (see the README's
    rules for what may change within /api/v1/)."""
    from drf_spectacular.renderers import OpenApiYamlRenderer

    generated = OpenApiYamlRenderer().render(schema, renderer_context={}).decode()
    committed = SNAPSHOT.read_text()
    if yaml.safe_load(generated) != yaml.safe_load(committed):
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(True), generated.splitlines(True), "api/openapi-v1.yaml", "generated", n=2
            )
        )
        pytest.fail(f"The API schema differs from api/openapi-v1.yaml (run `make schema` if intended):\n{diff}")


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def header_names(operation):
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}


def query_names(operation):
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}


def security_schemes(operation):
    return {name for requirement in operation.get("security", []) for name in requirement}


def test_every_operation_has_a_summary_a_description_a_described_tag_and_a_readable_id(schema):
    tags = {tag["name"]: tag.get("description") for tag in schema["tags"]}
    assert all(tags.values()), tags
    ids = set()
    for path, method, operation in operations(schema):
        where = f"{method.upper()} {path}"
        assert operation.get("summary"), f"{where} has no summary"
        assert operation.get("description"), f"{where} has no description"
        assert len(operation["tags"]) == 1 and operation["tags"][0] in tags, where
        operation_id = operation["operationId"]
        assert re.fullmatch(r"[a-z]+(_[a-z]+)+", operation_id), operation_id
        assert not operation_id.endswith(("_retrieve", "_partial_update", "_destroy")), operation_id
        ids.add(operation_id)
    assert {"auth_login", "auth_logout", "auth_signup", "paths_compute", "topics_get"} <= ids


def test_every_error_is_documented_with_the_error_body_and_no_status_range(schema):
    assert schema["components"]["schemas"]["Error"]["properties"] == {"detail": {"type": "string"}}
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        assert "4XX" not in responses and "default" not in responses, f"{method.upper()} {path}"
        for code, response in responses.items():
            assert response.get("description"), f"{method.upper()} {path} {code}"
            if code.startswith("4"):
                assert response["content"]["application/json"]["schema"] == ERROR_REF, f"{method.upper()} {path}"


def test_each_operation_documents_the_statuses_its_inputs_and_credentials_can_cause(schema):
    for path, method, operation in operations(schema):
        where = f"{method.upper()} {path}"
        codes = set(operation["responses"])
        if "tokenAuth" in security_schemes(operation):
            assert "401" in codes, where
        if "cookieAuth" in security_schemes(operation) and method in WRITES:
            assert "403" in codes, f"{where}: a cookie session without its CSRF token"
        if "requestBody" in operation:
            assert {"400", "413", "415"} <= codes, where
        if query_names(operation):
            assert "400" in codes, where
        if "{" in path or "page" in query_names(operation):
            assert "404" in codes, where
        if "429" in codes:
            assert "Retry-After" in operation["responses"]["429"]["headers"], where


def test_idempotency_key_is_documented_exactly_where_it_is_honoured(schema):
    for path, method, operation in operations(schema):
        takes_key = "Idempotency-Key" in header_names(operation)
        assert takes_key == (method in WRITES and (path, method) not in NO_IDEMPOTENCY), f"{method} {path}"
        if takes_key:
            responses = operation["responses"]
            assert {"409", "422"} <= set(responses), f"{method} {path}"
            for code in (code for code in responses if code.startswith("2")):
                assert "Idempotent-Replayed" in responses[code]["headers"], f"{method} {path} {code}"


def test_roadmap_reads_document_if_none_match_the_304_and_the_etag(schema):
    for path in ROADMAP_READS:
        operation = schema["paths"][path]["get"]
        assert "If-None-Match" in header_names(operation), path
        for code in ("200", "304"):
            assert "ETag" in operation["responses"][code]["headers"], path
    etag_paths = {path for path, method, op in operations(schema) if "If-None-Match" in header_names(op)}
    assert etag_paths == ROADMAP_READS


def test_creates_say_where_the_new_object_is(schema):
    for path, method, operation in operations(schema):
        detail = schema["paths"].get(path + "{id}/") or schema["paths"].get(path + "{slug}/")
        if method == "post" and detail and "get" in detail:
            assert "Location" in operation["responses"]["201"]["headers"], path


def test_page_size_is_documented_from_1_to_200(schema):
    paginated = 0
    for _, _, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "page_size":
                paginated += 1
                assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}
            if parameter["name"] == "page":
                assert parameter["schema"] == {"type": "integer", "minimum": 1}
    assert paginated >= 10


def test_every_page_parameter_says_an_empty_value_means_none_given(schema):
    # The pagination reads ?page= and ?page_size= as not given: a client may send them empty.
    pages = {
        (path, parameter["name"]): parameter.get("allowEmptyValue", False)
        for path, _, operation in operations(schema)
        for parameter in operation.get("parameters", [])
        if parameter["name"] in ("page", "page_size")
    }
    assert pages[("/api/v1/me/reviews/due/", "page")]  # a view that declares them itself
    assert [where for where, allowed in pages.items() if not allowed] == []


def _nodes(node, where="#"):
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from _nodes(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _nodes(item, f"{where}/{index}")


def test_nullable_means_what_strict_openapi_3_0_3_says(schema):
    """``nullable`` only widens a ``type`` beside it, so a reference that may be null is a
    ``oneOf`` with a branch only null matches; and no enum lists null on its own."""
    assert schema["openapi"] == "3.0.3"
    assert "NullEnum" not in schema["components"]["schemas"]
    for where, node in _nodes(schema):
        if node.get("nullable"):
            assert "type" in node, f"{where}: nullable without a type"
        if "enum" in node and None in node["enum"]:
            assert node == {"type": "object", "nullable": True, "enum": [None]}, where


def test_enums_are_named_once_and_reused_by_filters(schema):
    """Every enum lives in components; fields and query parameters refer to it."""
    components = schema["components"]["schemas"]
    for where, node in _nodes(schema["paths"], "#/paths"):
        assert "enum" not in node or node["enum"] == [None], f"{where}: an inline enum"
    for name, component in components.items():
        for where, node in _nodes(component.get("properties", {}), f"#/components/schemas/{name}"):
            assert "enum" not in node or node["enum"] == [None], f"{where}: an inline enum"
    level = schema["paths"]["/api/v1/topics/"]["get"]["parameters"]
    assert {"$ref": "#/components/schemas/LevelEnum"} in [p["schema"] for p in level]
    assert components["DueCard"]["properties"]["state"] == {"$ref": "#/components/schemas/CardStateEnum"}
    assert components["ReadyTopic"]["properties"]["level"] == {"$ref": "#/components/schemas/LevelEnum"}


def strictly_valid(schema, component: str, instance) -> list[str]:
    """What a strict OpenAPI 3.0.3 validator finds wrong with ``instance`` as ``component``."""
    from openapi_schema_validator import OAS30ReadValidator

    root = {"$ref": f"#/components/schemas/{component}", "components": schema["components"]}
    errors = OAS30ReadValidator(root).iter_errors(instance)
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in errors]


def test_nulls_and_empty_links_the_api_sends_are_valid_under_a_strict_validator(
    schema, anonymous, as_carol, as_alice, mentor, alice, roadmap
):
    question = QuestionFactory(topic=roadmap.calculus, source=None)
    assignment_create(created_by=mentor, goals=["calculus"], learner=alice, due_date=date(2999, 1, 1))
    bare = as_carol.post("/api/v1/resources/", {"slug": "bare", "title": "No link", "kind": "book"}).json()

    answers = {
        "PaginatedTopicList": anonymous.get("/api/v1/topics/").json(),  # status: null
        "TopicDetail": anonymous.get("/api/v1/topics/calculus/").json(),
        "Question": as_carol.get(f"/api/v1/questions/{question.pk}/").json(),  # source: null
        "Resource": bare,  # url: ""
        "PaginatedAssignmentList": as_alice.get("/api/v1/assignments/").json(),  # cohort: null
    }

    for component, body in answers.items():
        assert strictly_valid(schema, component, body) == [], component


def test_the_token_scheme_tells_generators_to_send_the_token_prefix(schema):
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert "`Authorization: Token " in scheme["description"] and "Not `Bearer`" in scheme["description"]


def test_one_review_and_a_batch_of_reviews_are_two_operations(schema):
    single = schema["paths"]["/api/v1/me/reviews/"]["post"]
    batch = schema["paths"]["/api/v1/me/reviews/batch/"]["post"]
    body = lambda op: op["requestBody"]["content"]["application/json"]["schema"]  # noqa: E731

    assert body(single) == {"$ref": "#/components/schemas/ReviewInputRequest"}
    assert body(batch)["type"] == "array" and (body(batch)["minItems"], body(batch)["maxItems"]) == (1, 500)
    assert set(schema["components"]["schemas"]["OfflineReviewInputRequest"]["required"]) >= {
        "card",
        "reviewed_at",
        "client_id",
    }


def test_public_reads_say_credentials_are_optional_and_me_says_they_are_required(schema):
    assert {} in schema["paths"]["/api/v1/topics/"]["get"]["security"]
    assert {} not in schema["paths"]["/api/v1/topics/"]["post"]["security"]
    assert {} not in schema["paths"]["/api/v1/me/"]["get"]["security"]


def test_every_list_is_paginated(schema):
    for path, method, operation in operations(schema):
        if method == "get" and operation["operationId"].endswith("_list"):
            reference = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
            page = schema["components"]["schemas"][reference.split("/")[-1]]
            assert {"count", "next", "previous", "results"} <= set(page["properties"]), path
            assert {"page", "page_size"} <= query_names(operation), path


def test_the_schema_and_docs_are_served(anonymous):
    schema = yaml.safe_load(anonymous.get("/api/v1/schema/").content)
    docs = anonymous.get("/api/v1/docs/")

    assert schema["info"]["title"] == "Pathwise API"
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content


def _readme_row(readme: str, header: str) -> str:
    return next(line.strip() for line in readme.splitlines() if line.strip().startswith(f"| {header}"))


def _as_schema_path(readme_path: str) -> str:
    return "/api/v1/" + re.sub(r"<(\w+)>", lambda m: "{" + m[1] + "}", readme_path)


def test_the_readmes_api_section_matches_the_schema(schema):
    """Headers, idempotency, errors, pagination bounds and the token prefix, as the README says."""
    readme = (ROOT / "README.md").read_text()
    api = readme[readme.index("## The REST API") : readme.index("## Paths, reviews and link health")]

    etag_row = _readme_row(api, "`ETag`")
    etag_paths = {_as_schema_path(p) for p in re.findall(r"`([a-z]+/(?:<\w+>/)?)`", etag_row.split("|")[2])}
    assert etag_paths == {path for path, _, op in operations(schema) if "If-None-Match" in header_names(op)}

    key_row = _readme_row(api, "`Idempotency-Key`")
    without_key = {
        (_as_schema_path(path), method.lower()) for method, path in re.findall(r"`(POST|DELETE) ([a-z/]+)`", key_row)
    }
    writes_without_key = {
        (path, method)
        for path, method, operation in operations(schema)
        if method in WRITES and "Idempotency-Key" not in header_names(operation)
    }
    assert without_key == writes_without_key == NO_IDEMPOTENCY

    location_row = _readme_row(api, "`Location`")
    created = {_as_schema_path(p) for p in re.findall(r"`(?:POST )?([a-z]+/)`", location_row.split("|")[2])}
    assert created == {
        path for path, _, op in operations(schema) if "Location" in op["responses"].get("201", {}).get("headers", {})
    }

    errors = sorted({int(code) for _, _, op in operations(schema) for code in op["responses"] if code.startswith("4")})
    assert "which of " + ", ".join(map(str, errors[:-1])) + f" and {errors[-1]}" in " ".join(api.split())
    assert "`?page_size=` from 1 to 200 (50 when omitted)" in api
    assert "`Authorization: Token <key>`" in api and "Token" in schema["components"]["securitySchemes"]["tokenAuth"][
        "description"
    ]
