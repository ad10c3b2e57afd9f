"""The API's JSON parser: refuses bodies over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` with 413,
and absurdly nested documents with 400.

DRF parses straight from the WSGI stream, which skips Django's size check (that one only
guards ``request.body``), so without this a 50 MB JSON document would be read and parsed.
"""

from django.conf import settings
from rest_framework import exceptions, parsers


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "request_too_large"

    def __init__(self, limit: int | None = None):
        limit = limit if limit is not None else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        super().__init__(f"The request body is larger than the {_human(limit)} this API accepts.")


def _human(size: int) -> str:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MiB"
    if size >= 1024 and size % 1024 == 0:
        return f"{size // 1024} KiB"
    return f"{size} bytes"


def ensure_body_size(request) -> None:
    """Raise ``RequestTooLarge`` when the declared body is over the limit.

    The WSGI stream never yields more than ``Content-Length`` bytes, so checking the
    header is enough.
    """
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if limit is not None and length > limit:
        raise RequestTooLarge(limit)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        ensure_body_size(parser_context["request"])
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:  # "[[[[...]]]]": the stdlib decoder recurses per level
            raise exceptions.ParseError(
                "JSON parse error - the document is nested too deeply."
            ) from None
