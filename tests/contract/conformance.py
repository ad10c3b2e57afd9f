"""Checks one real HTTP answer against the OpenAPI schema, as a strict client would read it.

For the operation the request matched (method and path template), the answer's status
must be documented; a JSON body must validate against the documented schema under a
strict OpenAPI 3.0.3 validator with formats checked (``date-time``, ``uri``, ...); and each
of the API's own headers the answer carries must be documented for that status.
"""

import re

import httpx
from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker

#: The headers the API adds itself; each must be documented where it appears.
API_HEADERS = ("ETag", "Idempotent-Replayed", "Retry-After", "Location")


class Conformance:
    def __init__(self, schema: dict):
        self.schema = schema
        self.mismatches: list[str] = []
        self.checked = 0
        templated = []
        for path in schema["paths"]:
            pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path))
            templated.append((path.count("{"), re.compile(f"^{pattern}$"), path))
        self._paths = sorted(templated, key=lambda item: (item[0], item[2]))  # literal paths first

    def operation_for(self, method: str, path: str) -> tuple[str, dict] | None:
        for _, pattern, template in self._paths:
            if pattern.match(path):
                operation = self.schema["paths"][template].get(method.lower())
                return (template, operation) if operation else None
        return None

    def check(self, response: httpx.Response) -> list[str]:
        """The ways ``response`` differs from the schema (also kept in ``mismatches``)."""
        request = response.request
        where = f"{request.method} {request.url.path} → {response.status_code}"
        found = self.operation_for(request.method, request.url.path)
        problems = []
        if found is None:
            problems.append(f"{where}: no such operation in the schema")
        else:
            problems.extend(self._check_response(found[1], response, where))
        self.checked += 1
        self.mismatches.extend(problems)
        return problems

    def _check_response(self, operation: dict, response: httpx.Response, where: str) -> list[str]:
        documented = operation["responses"].get(str(response.status_code))
        if documented is None:
            return [f"{where}: status not documented (has {sorted(operation['responses'])})"]
        problems = []
        headers = documented.get("headers", {})
        for name in API_HEADERS:
            if name in response.headers and name not in headers:
                problems.append(f"{where}: undocumented header {name}")
        content = documented.get("content", {}).get("application/json")
        if content is None:
            if response.content:
                problems.append(f"{where}: a body where the schema documents none")
            return problems
        if not response.headers.get("Content-Type", "").startswith("application/json"):
            return [*problems, f"{where}: Content-Type {response.headers.get('Content-Type')!r}, not JSON"]
        root = {**content["schema"], "components": self.schema["components"]}
        validator = OAS30ReadValidator(root, format_checker=oas30_format_checker)
        for error in validator.iter_errors(response.json()):
            path = "/".join(map(str, error.absolute_path))
            problems.append(f"{where}: body at {path or '(root)'}: {error.message[:300]}")
        return problems
