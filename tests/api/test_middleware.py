"""Every error under /api/ is JSON in the one error shape, whichever layer answers it."""

import pytest
from django.test import Client


def assert_json_error(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_host_is_a_json_400_naming_it(anonymous, settings, debug):
    settings.DEBUG = debug

    response = anonymous.get("/api/v1/tracks/", HTTP_HOST="evil.example")

    assert_json_error(response, 400)
    assert response.json() == {"detail": "This server does not answer for the host 'evil.example'."}


@pytest.mark.parametrize("path", ["/api/", "/api/v2/tracks/", "/api/v1"])
def test_a_path_outside_the_api_versions_is_a_json_404(anonymous, path):
    response = anonymous.get(path)

    assert_json_error(response, 404)
    assert response.json()["detail"].startswith(f"No API endpoint at {path}")


def test_a_cookie_session_without_its_csrf_token_is_a_json_403(alice, roadmap):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)

    response = browser.put("/api/v1/me/progress/calculus/", {"status": "done"}, content_type="application/json")

    assert_json_error(response, 403)
    assert response.json()["detail"].startswith("CSRF Failed")


def test_an_error_django_renders_as_html_becomes_json(anonymous, roadmap):
    # Over DATA_UPLOAD_MAX_NUMBER_FIELDS, Django refuses the query string before any view
    # can answer, with its HTML error page.
    too_many_fields = "&".join(f"f{n}=1" for n in range(1100))

    response = anonymous.get(f"/api/v1/topics/?{too_many_fields}")

    assert_json_error(response, 400)
    assert response.json() == {"detail": "Bad Request."}


def test_pages_outside_the_api_keep_their_html_errors(client, settings):
    settings.DEBUG = False

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
