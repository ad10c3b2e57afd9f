"""Serializer fields shared by the API areas."""

from datetime import date

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


class NumberField(serializers.FloatField):
    """A float that is a number in the JSON: ``true`` is not 1.0 and ``"5"`` is not 5, and
    infinities and NaN are refused, so a range check always means what it says."""

    default_error_messages = {"not_a_number": "Send a number, not {kind}."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            self.fail("not_a_number", kind=_kind(data))
        return super().to_internal_value(data)


class TextField(serializers.CharField):
    """Text that is text in the JSON: DRF would turn ``-1308`` or ``true`` into a string."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")  # DRF's own "Not a valid string."
        return super().to_internal_value(data)


class BoundedDateField(serializers.DateField):
    """A date within the years Pathwise plans in (``DATE_MIN`` to ``DATE_MAX``): dates are
    added to and compared, and year 9999 plus a few weeks does not exist."""

    default_error_messages = {"out_of_range": "Send a date from {low} to {high}."}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.help_text = f"{self.help_text or ''} From {DATE_MIN} to {DATE_MAX}.".strip()

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not DATE_MIN <= value <= DATE_MAX:
            self.fail("out_of_range", low=DATE_MIN, high=DATE_MAX)
        return value


DATE_MIN = date(2000, 1, 1)
DATE_MAX = date(2999, 12, 31)


def _kind(value) -> str:
    if isinstance(value, bool):
        return "true or false"
    if value is None:
        return "null"
    return {str: "text", int: "a number", float: "a number", list: "a list", dict: "an object"}.get(
        type(value), type(value).__name__
    )
