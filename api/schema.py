"""What every operation's OpenAPI description shares, so no view has to repeat it.

* Writes of views with ``IdempotencyMixin`` document the optional ``Idempotency-Key``.
* Reads of views with ``RoadmapETagMixin`` document ``If-None-Match`` and the 304.
* Every operation documents the one error shape under ``4XX``.
"""

from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from api.etag import SAFE_READS, RoadmapETagMixin
from api.idempotency import HEADER as IDEMPOTENCY_HEADER
from api.idempotency import REPLAYED_HEADER, WRITE_METHODS, IdempotencyMixin

IDEMPOTENCY_KEY = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Optional client-generated key (1 to 255 printable ASCII characters, e.g. a UUID) that "
        "makes this write safe to retry: a repeat with the same key returns the first response "
        f"(with `{REPLAYED_HEADER}: true`) and changes nothing; the same key on a different "
        "request gets 422. Keys are per user."
    ),
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="An `ETag` from an earlier response: while it holds, the answer is 304 (no body).",
)

_ERROR = ResolvedComponent(
    name="Error",
    type=ResolvedComponent.SCHEMA,
    object="Error",
    schema={
        "type": "object",
        "description": (
            "Every 4xx body: `detail` says what went wrong; a request with invalid fields "
            "instead names each field with a list of messages."
        ),
        "properties": {"detail": {"type": "string"}},
        "additionalProperties": {},
    },
)


class AutoSchema(openapi.AutoSchema):
    def get_description(self):
        # Docstrings are written for the people maintaining the code (and mixins would
        # leak theirs); API readers get the summary and any description from @extend_schema.
        return ""

    def get_auth(self):
        auths = super().get_auth()
        anonymous_reads = any(
            getattr(p, "anonymous_reads", False) for p in self.view.get_permissions()
        )
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
        if (
            self.method in WRITE_METHODS
            and isinstance(view, IdempotencyMixin)
            and view.idempotent_writes
        ):
            parameters.append(IDEMPOTENCY_KEY)
        if self.method in SAFE_READS and isinstance(view, RoadmapETagMixin):
            parameters.append(IF_NONE_MATCH)
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method in SAFE_READS and isinstance(self.view, RoadmapETagMixin):
            responses.setdefault(
                "304", {"description": "Not modified since the `If-None-Match` ETag."}
            )
        self.registry.register_on_missing(_ERROR)
        responses.setdefault(
            "4XX",
            {
                "description": "Client error (see the Error schema).",
                "content": {"application/json": {"schema": _ERROR.ref}},
            },
        )
        return responses
