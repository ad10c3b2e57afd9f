"""Serializer fields shared by the API areas."""

from datetime import date
from urllib.parse import urlsplit, urlunsplit

from django.utils import timezone
from django.utils.encoding import iri_to_uri
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from roadmap.curriculum.parse import is_http_url


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


class ChoiceListField(serializers.ListField):
    """Some of a set of choices, in order of preference (``["free", "signup"]``).

    The schema's items refer to the choice set's named enum; a wrong value is refused in
    one message naming every wrong value and the allowed ones (DRF's child field would key
    a message per list index).
    """

    def __init__(self, *, choices, **kwargs):
        self.allowed = [value for value, _ in choices]
        kwargs.setdefault("max_length", len(self.allowed))
        super().__init__(child=serializers.ChoiceField(choices=choices), **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, list):
            wrong = [value for value in data if value not in self.allowed]
            if wrong:
                raise serializers.ValidationError(
                    f"unknown value(s) {', '.join(map(repr, wrong))}; use {', '.join(self.allowed)}"
                )
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


#: An absolute http(s) URL in ASCII (RFC 3986: an internationalised host in its ``xn--``
#: form, other characters percent-encoded). drf-spectacular adds the empty string beside it.
HTTP_URL_PATTERN = r"^https?://[!-~]+$"


@extend_schema_field({"type": "string", "format": "uri", "pattern": HTTP_URL_PATTERN})
class HttpURLField(serializers.CharField):
    """A resource's link: an absolute http(s) URL, or ``""`` when it has none.

    Written, it must pass the same rule as the curriculum file (``is_http_url``: ASCII, a
    dotted host, no spaces), which DRF's URL field does not enforce (it takes ``ftp://`` and
    Unicode host names). Read, a value stored some other way (the admin) is shown in its
    ASCII form, so every value a client gets is a valid URI.
    """

    default_error_messages = {
        "invalid_url": (
            "{value!r} is not an http(s) URL in ASCII (write an internationalised host name in "
            "its xn-- form, and percent-encode other characters)."
        )
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value and not is_http_url(value):
            self.fail("invalid_url", value=value)
        return value

    def to_representation(self, value):
        return as_uri(value) if value else ""


def as_uri(url: str) -> str:
    """``url`` in ASCII: the host IDNA-encoded, anything else percent-encoded.

    >>> as_uri("https://bücher.example/straße?q=ü")
    'https://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%BC'
    >>> as_uri("https://example.org/a")
    'https://example.org/a'
    """
    if url.isascii():
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        host = iri_to_uri(host)
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    return iri_to_uri(urlunsplit(parts._replace(netloc=netloc)))


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
