"""Safe retries for offline clients: the optional ``Idempotency-Key`` header on writes.

A phone that syncs a queue of writes cannot tell "the server never got it" from "the
answer got lost", so it resends. With a key, the first response (status and body) is
stored next to the write, in the same transaction; a resend with the same key gets that
response back (marked ``Idempotent-Replayed: true``) and changes nothing. The same key
on a different request (method, path or body) is a client bug and gets 422.

Concurrent duplicates cannot both apply: the ``(user, key)`` row is inserted first, inside
the transaction that does the write, and the database's unique constraint makes the
second insert wait for the first transaction and then fail, so the second request
replays the first one's response.

Keys are per user; anonymous requests ignore the header (their only writes, sign-up and
log-in, are not replayable: a stored response would hold a token). Server errors are not
stored, so a retry after a 5xx runs again.

Why our own code: no maintained Django/DRF package does this with a database constraint
(the ones that exist key on a cache, which two workers can both miss).
"""

import hashlib
import json
import re
from datetime import datetime, timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from rest_framework import exceptions
from rest_framework.response import Response

from api.handlers import wrap_handler
from api.models import IdempotentRequest
from api.renderers import replace_in_strings

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: How long a key is remembered; a phone offline longer than this resends as new.
KEY_LIFETIME = timedelta(days=7)
_MAX_KEY_LENGTH = IdempotentRequest._meta.get_field("key").max_length
_MAX_PATH_LENGTH = IdempotentRequest._meta.get_field("path").max_length
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


class IdempotencyKeyReused(exceptions.APIException):
    status_code = 422
    default_code = "idempotency_key_reused"


class IdempotentRequestInProgress(exceptions.APIException):
    status_code = 409
    default_code = "idempotent_request_in_progress"
    default_detail = f"A request with this {HEADER} is still being processed; retry in a moment."


class InvalidIdempotencyKey(exceptions.ValidationError):
    pass


def request_fingerprint(*, method: str, path: str, body: bytes) -> str:
    """A hash of what makes two requests "the same request".

    A JSON body is compared by content, so a client that re-serialises it with other
    key order or spacing still matches.
    """
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), canonical):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _validate_key(key: str) -> None:
    if not 1 <= len(key) <= _MAX_KEY_LENGTH or not all(" " < char <= "~" for char in key):
        rule = f"1 to {_MAX_KEY_LENGTH} printable ASCII characters without spaces"
        raise InvalidIdempotencyKey({"detail": f"{HEADER} must be {rule}."})


def _jsonable(data):
    """``data`` as plain JSON that PostgreSQL's jsonb accepts: an error message may echo a
    NUL or a lone surrogate from the request, which jsonb refuses, so those become U+FFFD."""
    if data is None:
        return None
    return replace_in_strings(json.loads(json.dumps(data, cls=DjangoJSONEncoder)), _UNSTORABLE)


def idempotent(view, handler, request, *args, **kwargs):
    """Run ``handler`` at most once per (user, Idempotency-Key)."""
    key = request.headers.get(HEADER)
    if key is None or not request.user.is_authenticated:
        return handler(request, *args, **kwargs)
    _validate_key(key)
    path = request.get_full_path()
    fingerprint = request_fingerprint(method=request.method, path=path, body=request.body)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    user=request.user,
                    key=key,
                    method=request.method,
                    path=path[:_MAX_PATH_LENGTH],
                    request_fingerprint=fingerprint,
                )
        except IntegrityError:
            return _replay(IdempotentRequest.objects.get(user=request.user, key=key), fingerprint)
        try:
            with transaction.atomic():
                response = handler(request, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001  (4xx become the stored answer; others re-raise)
            response = view.handle_exception(exc)
        if response.status_code >= 500:
            transaction.set_rollback(True)
            return response
        record.status_code = response.status_code
        record.response_body = _jsonable(response.data)
        record.save(update_fields=["status_code", "response_body"])
        return response


def _replay(record: IdempotentRequest, fingerprint: str) -> Response:
    if record.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            f"This {HEADER} was already used for a different request "
            f"({record.method} {record.path}). "
            "Send a new key for a new request."
        )
    if record.status_code is None:  # only seen if the first request's transaction is still open
        raise IdempotentRequestInProgress()
    return Response(
        record.response_body, status=record.status_code, headers={REPLAYED_HEADER: "true"}
    )


class IdempotencyMixin:
    """Makes every write of an API view honour ``Idempotency-Key`` (see module docstring).

    Set ``idempotent_writes = False`` on views whose responses must not be stored (tokens).
    """

    idempotent_writes = True

    def dispatch(self, request, *args, **kwargs):
        if self.idempotent_writes and request.method in WRITE_METHODS:
            wrap_handler(self, request.method, idempotent)
        return super().dispatch(request, *args, **kwargs)


@transaction.atomic
def forget_old_requests(*, before: datetime) -> int:
    """Delete remembered responses older than ``before``; returns how many went."""
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=before).delete()
    return deleted
