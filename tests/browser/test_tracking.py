"""A learner tracks a topic in a real browser: htmx swaps in place, and the page still
works with JavaScript turned off."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from progress import selectors, services
from progress.models import ResourceProgress, TopicProgress
from tests.factories import (
    PrerequisiteFactory,
    ResourceFactory,
    TopicFactory,
    TopicResourceFactory,
    TrackFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture
def roadmap():
    math = TrackFactory(
        slug="math",
        title="Mathematics",
        position=1,
        description="The mathematics machine learning is written in.",
    )
    ml = TrackFactory(
        slug="ml", title="Machine learning", position=2, description="Models that learn from data."
    )
    la = TopicFactory(
        track=math,
        slug="linear-algebra",
        title="Linear algebra",
        hours=20,
        summary="Vectors, matrices and the maps between them: the **language** of ML.",
    )
    calculus = TopicFactory(track=math, slug="calculus", title="Calculus", hours=25)
    TopicFactory(track=math, slug="probability", title="Probability and statistics", hours=30)
    regression = TopicFactory(
        track=ml, slug="linear-regression", title="Linear regression", hours=8
    )
    PrerequisiteFactory(from_topic=la, to_topic=regression, reason="Least squares is a projection.")
    PrerequisiteFactory(
        from_topic=calculus, to_topic=regression, reason="Gradients minimise the loss."
    )
    for position, (title, kind, locator) in enumerate(
        [
            ("Introduction to Linear Algebra", "book", "ch. 1–6"),
            ("Essence of linear algebra", "video", ""),
            ("Linear Algebra Done Right", "book", "ch. 1–3"),
        ]
    ):
        TopicResourceFactory(
            topic=la,
            position=position,
            locator=locator,
            resource=ResourceFactory(title=title, kind=kind),
        )
    return {"la": la, "calculus": calculus, "regression": regression}


@pytest.fixture
def alice_with_history(roadmap):
    """alice, with some weeks of earlier activity so the calendar has something to show."""
    alice = UserFactory(username="alice", role="learner")
    now = timezone.now()
    services.topic_status_set(
        learner=alice, topic=roadmap["calculus"], status="in_progress", at=now - timedelta(days=60)
    )
    for days_ago in (40, 33, 32, 20, 19, 18, 9, 5, 4, 2):
        services.topic_status_set(
            learner=alice,
            topic=roadmap["calculus"],
            status="in_progress",
            notes=f"Notes as of {days_ago} days ago",
            at=now - timedelta(days=days_ago),
        )
    return alice


def log_in(page, username, next_url):
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))


def test_a_learner_tracks_a_topic_in_place_and_sees_it_on_the_dashboard(
    page, roadmap, alice_with_history, screenshot_dir
):
    alice = alice_with_history
    log_in(page, "alice", "/topics/linear-algebra/")
    page.evaluate("window.loadedOnce = true")  # gone if anything reloads the page

    page.get_by_role("button", name="Done", exact=True).click()

    expect(page.get_by_role("button", name="Done", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("#topic-status")).to_contain_text("Marked as done.")
    expect(page.get_by_role("button", name="Not started")).to_have_attribute(
        "aria-pressed", "false"
    )

    book = page.get_by_role("button", name="Finished: Introduction to Linear Algebra")
    book.click()
    expect(book).to_have_attribute("aria-pressed", "true")

    page.get_by_label("Private notes on Linear algebra").fill("Eigenvectors keep their direction.")
    page.get_by_role("button", name="Save notes").click()
    expect(page.locator("#notes-status")).to_have_text("Saved")

    assert page.evaluate("window.loadedOnce") is True
    progress = TopicProgress.objects.get(learner=alice, topic=roadmap["la"])
    assert (progress.status, progress.notes) == ("done", "Eigenvectors keep their direction.")
    assert ResourceProgress.objects.filter(
        learner=alice, resource__title="Introduction to Linear Algebra"
    ).exists()
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / "pathwise-topic.png", full_page=True)

    page.get_by_role("link", name="Progress").click()

    today = selectors.local_today(learner=alice).isoformat()
    expect(page.locator(f'td[title="3 activities on {today}"]')).to_have_count(1)
    expect(page.get_by_label("Mathematics: 1 of 3 topics done")).to_be_visible()
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / "pathwise-dashboard.png", full_page=True)


def test_a_refused_status_change_says_why_in_place(page, roadmap):
    learner = UserFactory(username="bea", role="learner")
    services.topic_status_set(learner=learner, topic=roadmap["la"], status="done")
    log_in(page, "bea", "/topics/linear-algebra/")

    page.get_by_role("button", name="Skipped").click()

    expect(page.locator("#topic-status")).to_contain_text(
        "Not changed: a topic that is done cannot become skipped."
    )
    expect(page.get_by_role("button", name="Done", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    assert TopicProgress.objects.get(learner=learner, topic=roadmap["la"]).status == "done"


def test_without_javascript_the_forms_post_and_come_back_to_the_topic(page_without_js, roadmap):
    page = page_without_js
    learner = UserFactory(username="cy", role="learner")
    log_in(page, "cy", "/topics/linear-algebra/")

    page.get_by_role("button", name="In progress").click()

    expect(page).to_have_url(re.compile(r"/topics/linear-algebra/#topic-status$"))
    expect(page.get_by_role("status").first).to_contain_text(
        "“Linear algebra”: marked as in progress."
    )
    expect(page.get_by_role("button", name="In progress")).to_have_attribute("aria-pressed", "true")

    page.get_by_role("button", name="Finished: Essence of linear algebra").click()

    expect(
        page.get_by_role("button", name="Finished: Essence of linear algebra")
    ).to_have_attribute("aria-pressed", "true")
    assert TopicProgress.objects.get(learner=learner, topic=roadmap["la"]).status == "in_progress"
