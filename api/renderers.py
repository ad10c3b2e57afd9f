"""The API's JSON renderer: DRF's output, written by orjson.

orjson writes the same compact UTF-8 JSON about ten times faster than ``json.dumps`` with
DRF's encoder (``tests/benchmarks/bench_http.py``). What it does not know natively
(datetimes as DRF writes them, with ``Z``; decimals; lazy strings) goes through DRF's own
encoder, and anything it refuses (an integer beyond 64 bits, an indented answer asked for
with ``Accept: application/json; indent=4``) is rendered by DRF's renderer as before.

A response that echoes a lone surrogate from the request (``"\\udc80" is not a valid
choice.``) cannot be encoded as UTF-8, and DRF's renderer would answer 500. Such
characters become U+FFFD instead.

A body that was rendered once and kept (``RenderedDict``, ``api.roadmap.cache``) is sent
as it is.
"""

import re

import orjson
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

SURROGATES = re.compile(r"[\ud800-\udfff]")
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
_encoder = JSONEncoder()


def replace_in_strings(value, pattern: re.Pattern, replacement: str = "\ufffd"):
    """``value`` (plain JSON data) with ``pattern`` replaced in every string, keys included.

    >>> replace_in_strings({"a\\udc80": ["x\\udc80", 1]}, SURROGATES)
    {'a�': ['x�', 1]}
    """
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, list | tuple):
        return [replace_in_strings(item, pattern, replacement) for item in value]
    if isinstance(value, dict):
        return {
            replace_in_strings(key, pattern, replacement): replace_in_strings(
                item, pattern, replacement
            )
            for key, item in value.items()
        }
    return value


def dumps(data) -> bytes:
    """``data`` as DRF's JSONRenderer writes it (compact, UTF-8, U+2028/2029 escaped).

    >>> from datetime import UTC, datetime
    >>> dumps({"at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "n": 1, "s": "é\\u2028"})
    b'{"at":"2026-01-02T03:04:05Z","n":1,"s":"\\xc3\\xa9\\\\u2028"}'

    Raises ``orjson.JSONEncodeError`` for what orjson cannot write.
    """
    body = orjson.dumps(data, default=_encoder.default, option=_OPTIONS)
    if b"\xe2\x80\xa8" in body or b"\xe2\x80\xa9" in body:
        # What DRF does too: JSON that is also a strict subset of JavaScript.
        body = body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
    return body


class RenderedDict(dict):
    """A response body kept with its JSON, rendered once: read-only once built."""

    __slots__ = ("json",)

    def __init__(self, data: dict):
        super().__init__(data)
        self.json = dumps(data)


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        if indent is None:
            if isinstance(data, RenderedDict):
                return data.json
            try:
                return dumps(data)
            except (orjson.JSONEncodeError, TypeError):
                pass  # DRF's renderer knows what to do, or says what is wrong
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            return super().render(
                replace_in_strings(data, SURROGATES), accepted_media_type, renderer_context
            )
