"""The API's JSON renderer: a response that echoes a lone surrogate from the request
(``"\\udc80" is not a valid choice.``) cannot be encoded as UTF-8, and DRF's renderer
would answer 500. Such characters become U+FFFD instead."""

import re

from rest_framework import renderers

SURROGATES = re.compile(r"[\ud800-\udfff]")


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


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            return super().render(
                replace_in_strings(data, SURROGATES), accepted_media_type, renderer_context
            )
