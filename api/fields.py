"""Serializer fields shared by the API areas."""

from django.utils import timezone
from rest_framework import serializers


class SlugReferenceField(serializers.SlugRelatedField):
    """Another object named by its slug (``"track": "math"``).

    DRF's field sends any string to the database; PostgreSQL refuses a NUL byte with an
    error DRF does not expect (a 500), so such a value is refused here first.
    """

    default_error_messages = {"null_characters": "Null characters are not allowed."}

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "slug")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("null_characters")
        return super().to_internal_value(data)


class OffsetDateTimeField(serializers.DateTimeField):
    """A moment a client sends: an RFC 3339 date-time *with* its UTC offset.

    DRF's field reads a time without an offset as server time (UTC) before any validator
    sees it, so a phone in Auckland that sends its local clock reading would be 13 hours
    off. Such a time is refused instead, naming the field.
    """

    default_error_messages = {
        "naive": (
            "{name} must include a time zone offset, e.g. 2026-11-21T09:30:00+13:00 or "
            "2026-11-21T09:30:00Z."
        )
    }

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text", "An RFC 3339 date-time with its offset (`Z` or `±hh:mm`)."
        )
        super().__init__(**kwargs)

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            self.fail("naive", name=self.field_name)
        return super().enforce_timezone(value)
