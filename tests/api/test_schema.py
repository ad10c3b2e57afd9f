"""The OpenAPI schema generates cleanly and documents what every client needs to know."""

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.management.commands.spectacular import SchemaGenerationError

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


def test_the_schema_generates_and_validates_with_no_warnings_or_errors(tmp_path, capsys):
    try:
        call_command(
            "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
        )
    except SchemaGenerationError:
        pytest.fail(f"drf-spectacular reported problems:\n{capsys.readouterr().err}")

    assert "Warning" not in capsys.readouterr().err


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def header_names(operation):
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}


def test_every_write_documents_the_optional_idempotency_key(schema):
    for path, method, operation in operations(schema):
        if method in WRITES and (path, method) not in NO_IDEMPOTENCY:
            assert "Idempotency-Key" in header_names(operation), f"{method.upper()} {path}"
    for path, method in NO_IDEMPOTENCY:
        assert "Idempotency-Key" not in header_names(schema["paths"][path][method])


def test_roadmap_reads_document_if_none_match_and_the_304(schema):
    for path in ROADMAP_READS:
        operation = schema["paths"][path]["get"]
        assert "If-None-Match" in header_names(operation), path
        assert "304" in operation["responses"], path


def test_every_operation_documents_the_error_shape_and_a_summary(schema):
    assert schema["components"]["schemas"]["Error"]["properties"] == {"detail": {"type": "string"}}
    for path, method, operation in operations(schema):
        assert operation["responses"]["4XX"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }, f"{method.upper()} {path}"
        assert operation.get("summary"), f"{method.upper()} {path} has no summary"


def test_public_reads_say_credentials_are_optional_and_me_says_they_are_required(schema):
    assert {} in schema["paths"]["/api/v1/topics/"]["get"]["security"]
    assert {} not in schema["paths"]["/api/v1/topics/"]["post"]["security"]
    assert {} not in schema["paths"]["/api/v1/me/"]["get"]["security"]


def test_every_list_is_paginated(schema):
    for path, method, operation in operations(schema):
        if method == "get" and operation["operationId"].endswith("_list"):
            reference = operation["responses"]["200"]["content"]["application/json"]["schema"][
                "$ref"
            ]
            assert reference.split("/")[-1].startswith("Paginated"), path


def test_the_schema_and_docs_are_served(anonymous):
    schema = yaml.safe_load(anonymous.get("/api/v1/schema/").content)
    docs = anonymous.get("/api/v1/docs/")

    assert schema["info"]["title"] == "Pathwise API"
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
