"""A Content-Security-Policy on every page, and no inline script for it to have to allow."""

import re

import pytest

from tests.locations import ROOT

# Inline code, that is: a JSON data block (json_script) is data the browser never runs.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.IGNORECASE)


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize(
    "url",
    [
        "/roadmap/",
        "/roadmap/list/",
        "/curation/",
        "/topics/calculus/",
        "/accounts/login/",
        "/accounts/signup/",
        "/admin/login/",
        "/me/",
        "/reviews/",
        "/paths/",
        "/me/settings/",
        "/admin/",
        "/admin/roadmap/topic/",
        "/api/v1/tracks/",
    ],
)
def test_every_page_has_a_policy_without_inline_script(admin_client, client, url, roadmap_topics):
    signed_out_pages = {"/accounts/login/", "/accounts/signup/", "/admin/login/"}
    response = (client if url in signed_out_pages else admin_client).get(url)

    assert response.status_code == 200, url
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    if response["Content-Type"].startswith("text/html"):
        page = response.content.decode()
        assert not INLINE_SCRIPT.search(page), INLINE_SCRIPT.search(page).group()
        assert not INLINE_HANDLER.search(page), INLINE_HANDLER.search(page).group()
        assert not JAVASCRIPT_URL.search(page)


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_api_docs_run_scripts_from_this_site_only(client, url):
    response = client.get(url)
    page = response.content.decode()

    assert response.status_code == 200
    assert not INLINE_SCRIPT.search(page)
    assert directives(response)["script-src"] == ["'self'"]
    assert all(src.startswith("/") for src in re.findall(r'<script src="([^"]+)"', page))


def test_swagger_ui_starts_from_a_script_file(client):
    script = client.get("/api/v1/docs/?script=")

    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_no_template_has_inline_script_or_event_handlers():
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        assert not INLINE_SCRIPT.search(text), template
        assert not INLINE_HANDLER.search(text), template
        assert not re.search(r"\bhx-on", text), f"{template}: hx-on attributes are inline script"


@pytest.fixture
def roadmap_topics(db):
    from tests.factories import TopicFactory

    return TopicFactory(slug="calculus")
