"""Which statuses an operation can answer, and the headers that come with them.

Worked out from the operation as documented so far (its parameters, body and security)
and from the view (its permissions, throttles, ETags), so a new view is documented
correctly without listing its errors by hand. A view adds what cannot be seen this way
with ``@extend_schema(responses={409: OpenApiResponse(description=...)})``; such a
response gets the ``Error`` body and the headers like any other.

Not documented per operation: 405 (a method the path does not have is not an operation),
and 400 for a ``Host`` the server does not serve (it concerns the deployment, not the
operation). Both answer with the same ``Error`` body.
"""

from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import AllowAny, IsAuthenticated

from api.etag import SAFE_READS, RoadmapETagMixin
from api.idempotency import HEADER as IDEMPOTENCY_HEADER
from api.idempotency import REPLAYED_HEADER

ERROR = ResolvedComponent(
    name="Error",
    type=ResolvedComponent.SCHEMA,
    object="Error",
    schema={
        "type": "object",
        "description": (
            "Every error body. `detail` says what went wrong; a request with invalid fields "
            'instead names each field with a list of messages (`{"hours": ["Ensure this value '
            'is greater than or equal to 1."]}`; items of a list are keyed by their index).'
        ),
        "properties": {"detail": {"type": "string"}},
        "additionalProperties": {},
    },
)

ERROR_DESCRIPTIONS = {
    400: "Invalid input: each invalid field is named with its messages, or `detail` says what is wrong.",
    401: "No credentials, or a token that is not valid (or was revoked).",
    403: "Signed in but not allowed: your role does not permit it, or a cookie session sent no CSRF token.",
    404: "Not found: no such object, one you may not see, or a page past the last.",
    409: "A request with this `Idempotency-Key` is still being processed; retry in a moment.",
    413: "The request body is larger than the server accepts (1 MiB unless configured otherwise).",
    415: "The body is not JSON: send `Content-Type: application/json`.",
    422: "This `Idempotency-Key` was already used for a different request; send a new key.",
    429: "Too many requests: wait `Retry-After` seconds before trying again.",
}

SUCCESS_DESCRIPTIONS = {"200": "OK.", "201": "Created.", "204": "Done; no body."}


def _header(name: str, description: str, schema: dict) -> ResolvedComponent:
    return ResolvedComponent(
        name=name,
        type=ResolvedComponent.HEADER,
        object=name,
        schema={"description": description, "schema": schema},
    )


ETAG = _header(
    "ETag",
    "A tag of this answer (per roadmap version, query and, for topics, your progress); "
    "send it back as `If-None-Match` to get 304 while nothing changed.",
    {"type": "string"},
)
REPLAYED = _header(
    REPLAYED_HEADER,
    f"`true` when this is the stored answer to an earlier request with the same `{IDEMPOTENCY_HEADER}` "
    "(nothing was changed this time); absent otherwise.",
    {"type": "string", "enum": ["true"]},
)
RETRY_AFTER = _header(
    "Retry-After", "Seconds to wait before trying again.", {"type": "integer", "minimum": 0}
)
LOCATION = _header("Location", "The URL of what was created.", {"type": "string", "format": "uri"})

#: Statuses that never come from a stored idempotent response (they are decided before it).
_NEVER_REPLAYED = {"304", "401", "403", "413", "422", "429"}


def document_responses(operation: dict, *, schema) -> None:
    """Add every status ``operation`` can answer, error bodies and response headers."""
    view, method, registry = schema.view, schema.method, schema.registry
    responses = operation["responses"]
    parameters = operation.get("parameters", [])
    headers = {p["name"] for p in parameters if p["in"] == "header"}
    etag_read = method in SAFE_READS and isinstance(view, RoadmapETagMixin)
    idempotent = IDEMPOTENCY_HEADER in headers

    if etag_read:
        responses.setdefault("304", {"description": "Not modified since the `If-None-Match` ETag."})
    for status in error_statuses(operation, view=view, method=method):
        responses.setdefault(str(status), {"description": ERROR_DESCRIPTIONS[status]})

    registry.register_on_missing(ERROR)
    for code, response in responses.items():
        if not response.get("description"):
            response["description"] = SUCCESS_DESCRIPTIONS.get(code, "")
        if code.startswith("4"):
            response.setdefault("description", ERROR_DESCRIPTIONS.get(int(code), "Client error."))
            response.setdefault("content", {"application/json": {"schema": ERROR.ref}})
        extra = []
        if etag_read and code in ("200", "304"):
            extra.append(ETAG)
        if idempotent and code not in _NEVER_REPLAYED:
            extra.append(REPLAYED)
        if code == "429":
            extra.append(RETRY_AFTER)
        if code == "201" and getattr(view, "location_route", None):
            extra.append(LOCATION)
        for header in extra:
            registry.register_on_missing(header)
            response.setdefault("headers", {})[header.name] = header.ref
    operation["responses"] = dict(sorted(responses.items()))


def error_statuses(operation: dict, *, view, method: str) -> set[int]:
    """The 4xx statuses ``operation`` can answer (see the module docstring)."""
    parameters = operation.get("parameters", [])
    query = {p["name"] for p in parameters if p["in"] == "query"}
    in_path = any(p["in"] == "path" for p in parameters)
    idempotent = any(p["in"] == "header" and p["name"] == IDEMPOTENCY_HEADER for p in parameters)
    body = "requestBody" in operation
    schemes = {name for requirement in operation.get("security", []) for name in requirement}

    statuses = set()
    if body or query or idempotent:
        statuses.add(400)  # a bad field, a bad filter or page, or a malformed Idempotency-Key
    if "tokenAuth" in schemes:
        statuses.add(401)  # a token that is wrong or revoked is refused even where none is needed
    if ("cookieAuth" in schemes and method not in SAFE_READS) or _may_forbid(view, method):
        statuses.add(403)
    if in_path or "page" in query:
        statuses.add(404)
    if idempotent:
        statuses.update({409, 422})
    if body or idempotent:
        statuses.add(413)  # an idempotent write reads the body to fingerprint it
    if body:
        statuses.add(415)
    if view.get_throttles():
        statuses.add(429)
    return statuses


def _may_forbid(view, method: str) -> bool:
    """Whether a permission of ``view`` can refuse a signed-in caller (403) for ``method``.

    A permission says it never refuses reads with ``anonymous_reads`` (public reads) or
    ``forbids_reads = False`` (only some writes need a role).
    """
    for permission in view.get_permissions():
        if isinstance(permission, (AllowAny, IsAuthenticated)):  # noqa: UP038 (| composes permissions)
            continue
        if method in SAFE_READS and (
            getattr(permission, "anonymous_reads", False) or not getattr(permission, "forbids_reads", True)
        ):
            continue
        return True
    return False
