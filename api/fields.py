"""Serializer fields shared by the API areas."""

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
