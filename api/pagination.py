"""Page-number pagination with bounds a client can rely on.

``page_size`` is 1 to 200 (50 when omitted) and ``page`` a number from 1; anything else is
a 400 naming the parameter, instead of DRF's silent fall-back to the default size (which
then carried ``page_size=abc`` into the ``next`` link). A page past the last is a 404.

``next`` and ``previous`` are absolute URLs built from the request's host: behind a proxy
that rewrites ``Host``, set ``USE_X_FORWARDED_HOST`` (see the README) so they name the
public host.
"""

from django.core import paginator
from drf_spectacular.utils import OpenApiParameter
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

PAGE_SCHEMA = {"type": "integer", "minimum": 1}
PAGE_SIZE_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE}
PAGE_DESCRIPTION = "A page number, from 1; past the last page is a 404."
PAGE_SIZE_DESCRIPTION = f"Results per page, 1 to {MAX_PAGE_SIZE} ({DEFAULT_PAGE_SIZE} when omitted)."

#: The same two query parameters, for views that paginate something other than a list.
PAGE_PARAMETERS = [
    OpenApiParameter("page", PAGE_SCHEMA, OpenApiParameter.QUERY, description=PAGE_DESCRIPTION),
    OpenApiParameter("page_size", PAGE_SIZE_SCHEMA, OpenApiParameter.QUERY, description=PAGE_SIZE_DESCRIPTION),
]


class Paginator(paginator.Paginator):
    """Django's paginator, without its ``COUNT`` query when the first page is the whole list.

    Most personal lists (``me/progress/``, a mentor's cohorts) fit in one page: fetching the
    first page's rows says how many there are, so counting them first is a round trip for
    nothing. A full first page, and any other page, is counted as before.
    """

    def page(self, number):
        if number not in (1, "1") or self.orphans:
            return super().page(number)
        rows = list(self.object_list[: self.per_page])
        if len(rows) < self.per_page:
            self.__dict__["count"] = len(rows)  # ``count`` is a cached_property
        return self._get_page(rows, 1, self)


class PageNumberPagination(pagination.PageNumberPagination):
    django_paginator_class = Paginator
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    invalid_page_message = "There is no page {page_number}: {message}."

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if not raw:  # like an empty filter, an empty page_size is no page_size
            return self.page_size
        return _bounded(self.page_size_query_param, raw, maximum=self.max_page_size)

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if not raw or raw in self.last_page_strings:
            return super().get_page_number(request, paginator)
        return _bounded(self.page_query_param, raw)

    def get_schema_operation_parameters(self, view):
        return [
            # An empty value is read as no value (see get_page_size), as the schema says.
            {
                "name": "page",
                "required": False,
                "in": "query",
                "description": PAGE_DESCRIPTION,
                "schema": PAGE_SCHEMA,
                "allowEmptyValue": True,
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": PAGE_SIZE_DESCRIPTION,
                "schema": PAGE_SIZE_SCHEMA,
                "allowEmptyValue": True,
            },
        ]


def _bounded(name: str, raw: str, *, maximum: int | None = None) -> int:
    bounds = f"from 1 to {maximum}" if maximum else "from 1"
    value = int(raw) if raw.isascii() and raw.isdigit() else None
    if value is None or value < 1 or (maximum is not None and value > maximum):
        raise ValidationError({name: [f"{name} must be a whole number {bounds}, got {raw!r}."]})
    return value
