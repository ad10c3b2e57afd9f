"""The response checker the mobile flow relies on catches what a strict client would trip on."""

import httpx
import pytest
import yaml

from tests.contract.conformance import Conformance
from tests.contract.conftest import SCHEMA_FILE


@pytest.fixture(scope="module")
def conformance():
    return Conformance(yaml.safe_load(SCHEMA_FILE.read_text()))


def answer(method, path, status, body=None, headers=None):
    request = httpx.Request(method, f"http://testserver{path}")
    return httpx.Response(status, json=body, headers=headers, request=request)


TOPIC = {
    "slug": "calculus", "title": "Calculus", "summary": "", "track": "math", "level": "beginner", "hours": 5,
    "status": None, "retired_at": None, "updated_at": "2026-11-21T10:10:28.635914Z",
}  # fmt: skip


def test_a_conforming_answer_passes(conformance):
    page = {"count": 1, "next": None, "previous": None, "results": [TOPIC]}

    assert conformance.check(answer("GET", "/api/v1/topics/", 200, page, {"ETag": 'W/"1"'})) == []


@pytest.mark.parametrize(
    ("response", "problem"),
    [
        (answer("GET", "/api/v1/topics/", 418, {"detail": "teapot"}), "status not documented"),
        (answer("GET", "/api/v1/topics/calculus/", 200, {**TOPIC, "hours": "5"}), "'5' is not of type 'integer'"),
        (answer("GET", "/api/v1/topics/calculus/", 200, {**TOPIC, "status": "finished"}), "body at status"),
        (answer("GET", "/api/v1/me/stats/", 200, {}, {"ETag": 'W/"1"'}), "undocumented header ETag"),
        (answer("GET", "/api/v1/topics/", 400, {"detail": 3}), "3 is not of type 'string'"),
        (answer("GET", "/api/v1/lessons/", 200, {}), "no such operation"),
    ],
)
def test_an_answer_the_schema_does_not_describe_is_a_mismatch(conformance, response, problem):
    problems = conformance.check(response)

    assert any(problem in found for found in problems), problems
