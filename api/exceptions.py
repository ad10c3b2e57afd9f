"""One error shape for every 4xx: ``{"detail": ...}`` or field errors.

Django's ``ValidationError`` raised by a service (a cycle, a bad transition) becomes a
400 with its message instead of a 500.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"detail": " ".join(exc.messages)})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    return drf_exception_handler(exc, context)
