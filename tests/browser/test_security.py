"""In a real browser: the pages run under the Content-Security-Policy with no violation,
htmx included, and a locked-out login says so on the page."""

import pytest
from playwright.sync_api import expect

from tests.factories import TopicFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture
def violations(page):
    seen = []
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def test_tracking_a_topic_with_htmx_breaks_no_policy_rule(page, violations, settings):
    TopicFactory(track=TrackFactory(slug="math", position=1), slug="calculus", title="Calculus")
    UserFactory(username="alice", role="learner")
    page.goto("/accounts/login/?next=/topics/calculus/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("button", name="Done", exact=True).click()

    expect(page.locator("#topic-status")).to_contain_text("Marked as done.")
    for url in ("/", "/me/", "/reviews/", "/paths/", "/me/settings/"):
        page.goto(url)
    assert violations == []


def test_a_locked_out_login_says_so_on_the_page(page, settings, screenshot_dir):
    settings.LOGIN_FAILURE_LIMIT = 3
    UserFactory(username="alice", role="learner")
    for password in ("guess", "guess2", "guess3", PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()

    expect(page.get_by_text("Too many failed logins. Try again in 15 minutes.")).to_be_visible()
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / "login-locked-out.png", full_page=True)
