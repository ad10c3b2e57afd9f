"""The OpenAPI description every operation shares, so no view has to repeat it.

A view writes what only it knows in ``@extend_schema`` (a summary, a description, its
success body, an unusual status). This package adds the rest from what the view *is*:

* operation ids readable as method names (``topics_get``, ``topics_delete``), and one tag
  per API area (``api.<area>``), described in the settings' ``TAGS``;
* the request headers a view honours: ``Idempotency-Key`` on the writes of views with
  ``IdempotencyMixin``, ``If-None-Match`` on the reads of views with ``RoadmapETagMixin``;
* every status the operation can answer, each error with the one ``Error`` body, and the
  response headers (``ETag``, ``Idempotent-Replayed``, ``Retry-After``, ``Location``):
  see ``api.schema.responses``;
* pagination parameters with their bounds (``api.pagination``);
* ``api.schema.hooks`` then rewrites the finished document for strict OpenAPI 3.0.3 tools
  and code generators (nullable references, named enums in query parameters).

``tests/api/test_schema.py`` holds every operation to this standard, including ones added
later: an operation without a description, or with an error that has no body, fails it.
"""

from drf_spectacular import openapi
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from api.etag import SAFE_READS, RoadmapETagMixin
from api.idempotency import HEADER as IDEMPOTENCY_HEADER
from api.idempotency import REPLAYED_HEADER, WRITE_METHODS, IdempotencyMixin
from api.schema import auth  # noqa: F401  (registers the Token scheme's description)
from api.schema.responses import document_responses

IDEMPOTENCY_KEY = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Optional client-generated key (1 to 255 printable ASCII characters, e.g. a UUID) that "
        "makes this write safe to retry: a repeat with the same key returns the first response "
        f"(with `{REPLAYED_HEADER}: true`) and changes nothing; the same key on a different "
        "request gets 422. Keys are per user and remembered for 7 days."
    ),
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="An `ETag` from an earlier response: while it holds, the answer is 304 (no body).",
)

#: The tag of each API area (the subpackage of ``api`` a view lives in).
TAG_BY_AREA = {
    "auth": "auth",
    "roadmap": "roadmap",
    "me": "progress",
    "paths": "paths",
    "quizzes": "reviews",
    "cohorts": "mentoring",
    "assignments": "mentoring",
}

#: Default operation-id endings (DRF's action names) and what generated clients call them.
READABLE_ACTIONS = {"retrieve": "get", "partial_update": "update", "destroy": "delete"}


class AutoSchema(openapi.AutoSchema):
    def get_description(self):
        # Docstrings are written for the people maintaining the code (and mixins would
        # leak theirs); API readers get the description given in @extend_schema.
        return ""

    def get_operation_id(self):
        # DRF's action names make odd method names in generated clients (``topics_destroy``).
        operation_id = super().get_operation_id()
        for action, verb in READABLE_ACTIONS.items():
            if operation_id.endswith(f"_{action}"):
                return operation_id.removesuffix(action) + verb
        return operation_id

    def get_tags(self):
        area = self.view.__module__.split(".")[1]
        return [TAG_BY_AREA.get(area, area)]

    def get_auth(self):
        auths = super().get_auth()
        anonymous_reads = any(getattr(p, "anonymous_reads", False) for p in self.view.get_permissions())
        if anonymous_reads and self.method in SAFE_READS and {} not in auths:
            auths.append({})
        return auths

    def get_request_serializer(self):
        # Views that write through services validate with a separate write serializer.
        write_serializer = getattr(self.view, "write_serializer_class", None)
        if write_serializer is not None and self.method in {"POST", "PUT", "PATCH"}:
            return write_serializer
        return super().get_request_serializer()

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        view = self.view
        if self.method in WRITE_METHODS and isinstance(view, IdempotencyMixin) and view.idempotent_writes:
            parameters.append(IDEMPOTENCY_KEY)
        if self.method in SAFE_READS and isinstance(view, RoadmapETagMixin):
            parameters.append(IF_NONE_MATCH)
        return parameters

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        max_batch = getattr(self.view, "max_batch", None)
        if max_batch and "requestBody" in operation:  # a view that takes a list says how long
            for content in operation["requestBody"]["content"].values():
                content["schema"].update(minItems=1, maxItems=max_batch)
        document_responses(operation, schema=self)
        return operation
