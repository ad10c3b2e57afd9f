"""The API's orjson renderer writes what DRF's own JSON renderer writes."""

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from django.utils.translation import gettext_lazy
from rest_framework import renderers

from api.renderers import JSONRenderer, RenderedDict

BODY = {
    "at": datetime(2026, 3, 2, 2, 30, 0, 123456, tzinfo=UTC),
    "elsewhere": datetime(2026, 3, 2, 2, 30, tzinfo=timezone(timedelta(hours=2))),
    "day": date(2026, 3, 2),
    "price": Decimal("1.50"),
    "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "lazy": gettext_lazy("This field is required."),
    "text": "Linear algebra — vectors, é, 日本, line\u2028separator\u2029",
    "nested": [{"n": 1, "x": 0.1, "none": None, "yes": True}, (1, 2)],
    7: "an integer key",
}


def test_it_writes_the_same_bytes_as_drfs_renderer():
    assert JSONRenderer().render(BODY) == renderers.JSONRenderer().render(BODY)


def test_an_indented_answer_is_still_indented():
    media_type = "application/json; indent=4"
    assert JSONRenderer().render({"a": [1]}, media_type) == b'{\n    "a": [\n        1\n    ]\n}'


def test_a_number_orjson_cannot_write_is_written_by_drf():
    assert JSONRenderer().render({"big": 2**70}) == b'{"big":1180591620717411303424}'


def test_a_lone_surrogate_becomes_a_replacement_character():
    assert JSONRenderer().render({"detail": "\udc80 is not valid"}) == '{"detail":"\ufffd is not valid"}'.encode()


def test_a_kept_body_is_sent_as_it_was_rendered():
    body = RenderedDict({"title": "Calculus"})
    assert JSONRenderer().render(body) is body.json
