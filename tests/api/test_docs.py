"""The API's interactive docs come from the app's own static files, never a CDN."""

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_docs_load_everything_from_our_own_static_files(client, url):
    page = client.get(url).content.decode()

    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith(("/static/", "/api/v1/")) for s in sources), sources
    assert "cdn" not in page.lower()


def test_swagger_ui_has_no_inline_script(client):
    page = client.get("/api/v1/docs/").content.decode()

    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []  # its script is a file (?script=)
