"""One error shape for every 4xx: ``{"detail": "..."}`` or field errors.

* Problems that belong to no single field are always a string under ``detail`` (DRF's
  ``non_field_errors`` and Django's ``__all__`` are folded into it).
* Field problems are ``{"field": ["message", ...]}``.

Django's ``ValidationError`` raised by a service (a cycle, a bad transition) becomes a
400 with its message instead of a 500; a body over the upload limit is a 413; a
locked-out login is a 429 with ``Retry-After``.

Errors raised outside DRF's views (an unknown host, a path outside /api/v1/) are made JSON
in the same shape by ``api.middleware``.
"""

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from api.parsers import RequestTooLarge
from progress.lockout import LoginLocked


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors = exc.message_dict
            if NON_FIELD_ERRORS in errors:
                errors["detail"] = " ".join(errors.pop(NON_FIELD_ERRORS))
            exc = exceptions.ValidationError(errors)
        else:
            exc = exceptions.ValidationError({"detail": " ".join(exc.messages)})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, LoginLocked):
        wait, exc = exc.retry_after, exceptions.Throttled(detail=str(exc))
        exc.wait = wait  # DRF sends it as Retry-After
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = _one_shape(response.data)
    return response


def _one_shape(data):
    if isinstance(data, list):
        return {"detail": " ".join(str(message) for message in data)}
    if isinstance(data, dict) and "non_field_errors" in data:
        data = dict(data)
        messages = data.pop("non_field_errors")
        data["detail"] = " ".join(str(message) for message in messages)
    return data
