"""Every answer under ``/api/`` is JSON, errors included, whatever part of the stack gives it.

DRF's views already answer their errors in the one shape (``api.exceptions``), but some
errors happen before a view runs or outside DRF: a ``Host`` header the server does not
serve (Django answers with an HTML page, which a generated client cannot parse), a path
outside ``/api/v1/``, or an error page Django renders for a failure in a middleware. This
middleware, first in ``MIDDLEWARE``, checks the host itself and turns any other non-JSON
error under ``/api/`` into ``{"detail": "..."}`` with the same status. Server errors keep
Django's debug page while ``DEBUG`` is on.
"""

import logging
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import JsonResponse

API_PREFIX = "/api/"
security_logger = logging.getLogger("django.security.DisallowedHost")


def error_response(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


class JSONErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        try:
            request.get_host()
        except DisallowedHost as error:
            security_logger.error(str(error))
            host = request.META.get("HTTP_X_FORWARDED_HOST" if settings.USE_X_FORWARDED_HOST else "HTTP_HOST", "")
            return error_response(400, f"This server does not answer for the host {host!r}.")
        response = self.get_response(request)
        if response.status_code >= 400 and not _is_json(response):
            if response.status_code >= 500 and settings.DEBUG:
                return response
            return error_response(response.status_code, _message(response.status_code))
        return response


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def _message(status: int) -> str:
    try:
        return f"{HTTPStatus(status).phrase}."
    except ValueError:
        return "The request failed."
