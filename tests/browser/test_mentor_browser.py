"""A mentor sets and removes a cohort's goals in a real browser: htmx swaps the
assignments, the learners' outlook and the blocking ranking in place."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from progress.models import Assignment, LearnerProfile
from progress.selectors import local_today
from tests.factories import CohortFactory, PrerequisiteFactory, TopicFactory, TrackFactory, UserFactory
from web.templatetags.roadmap_tags import day

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture
def cohort():
    math = TrackFactory(slug="math", title="Mathematics", position=1)
    la = TopicFactory(track=math, slug="linear-algebra", title="Linear algebra", hours=20)
    calculus = TopicFactory(track=math, slug="calculus", title="Calculus", hours=25)
    PrerequisiteFactory(from_topic=la, to_topic=calculus)
    mentor = UserFactory(username="maya", role="mentor")
    fast, slow = (UserFactory(username=name, role="learner") for name in ("grace", "hedy"))
    LearnerProfile.objects.filter(user=fast).update(hours_per_week=30)
    LearnerProfile.objects.filter(user=slow).update(hours_per_week=2)
    return CohortFactory(name="Autumn cohort", mentors=[mentor], learners=[fast, slow])


def log_in(page, username, next_url):
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))


def test_a_mentor_assigns_goals_and_removes_them_in_place(page, cohort, screenshot_dir):
    url = f"/mentor/cohorts/{cohort.id}/"
    due = local_today(learner=cohort.mentors.get()) + timedelta(days=14)
    log_in(page, "maya", url)
    page.evaluate("window.loadedOnce = true")  # gone if anything reloads the page
    expect(page.locator("#blocking")).to_contain_text("Set goals below")

    page.get_by_label("Goals", exact=True).fill("Calculus")  # the type-ahead makes it a chip
    expect(page.locator(".chip")).to_contain_text("Calculus")
    page.get_by_label("Due date", exact=True).fill(f"{due - timedelta(days=30):%Y-%m-%d}")
    page.get_by_role("button", name="Assign").click()
    expect(page.locator("#assignments .errorlist")).to_contain_text("is in the past")
    assert not Assignment.objects.exists()

    page.get_by_label("Due date", exact=True).fill(due.isoformat())
    page.get_by_label("Note to the learners", exact=True).fill("Before the project starts.")
    page.get_by_role("button", name="Assign").click()

    expect(page.get_by_role("status")).to_contain_text(
        f"Assigned Calculus to Autumn cohort, due {day(due)}."
    )
    expect(page.locator("#learner-grace")).to_contain_text("On track")
    expect(page.locator("#learner-hedy")).to_contain_text("Behind")
    expect(page.locator("#blocking")).to_contain_text("Linear algebra")
    assert page.evaluate("window.loadedOnce") is True
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / "pathwise-mentor-cohort.png", full_page=True)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("link", name=f"Remove the assignment due {day(due)}").click()

    expect(page.get_by_role("status")).to_contain_text("Removed the assignment")
    expect(page.locator("#learner-hedy")).to_contain_text("No goals set")
    assert page.evaluate("window.loadedOnce") is True
    assert not Assignment.objects.exists()


def in_a_week(cohort) -> str:
    return (local_today(learner=cohort.mentors.get()) + timedelta(days=7)).isoformat()


def test_text_left_in_the_goal_box_is_named_not_dropped(page, cohort, screenshot_dir):
    url = f"/mentor/cohorts/{cohort.id}/"
    log_in(page, "maya", url)
    page.get_by_label("Goals", exact=True).fill("Calc")  # no suggestion picked: no chip
    expect(page.locator(".chip")).to_have_count(0)
    page.get_by_label("Due date", exact=True).fill(in_a_week(cohort))
    page.get_by_role("button", name="Assign").click()

    expect(page.locator("#assignments .errorlist")).to_contain_text("Calc: not a topic or track of the roadmap.")
    assert not Assignment.objects.exists()
    if screenshot_dir:
        page.locator("#assignments").screenshot(path=screenshot_dir / "pathwise-goal-picker-unknown.png")
    expect(page.get_by_label("Goals", exact=True)).to_have_value("Calc")  # kept, to be corrected
    # The form htmx swapped in has a working picker too.
    page.get_by_label("Goals", exact=True).fill("Calculus")
    expect(page.locator(".chip")).to_contain_text("Calculus")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("status")).to_contain_text("Assigned Calculus to Autumn cohort")
    assert Assignment.objects.count() == 1


def test_a_goal_typed_before_the_picker_script_ran_is_kept(page, cohort):
    url = f"/mentor/cohorts/{cohort.id}/"
    page.route("**/pathwise/goals.js", lambda route: route.abort())  # the script is late
    log_in(page, "maya", url)
    page.get_by_label("Goals", exact=True).fill("Calculus")
    page.unroute("**/pathwise/goals.js")
    page.add_script_tag(url="/static/pathwise/goals.js")
    page.evaluate("document.dispatchEvent(new Event('DOMContentLoaded'))")  # as if it had been in time

    expect(page.locator(".chip")).to_contain_text("Calculus")
    expect(page.get_by_label("Goals", exact=True)).to_have_value("")
    page.get_by_label("Due date", exact=True).fill(in_a_week(cohort))
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("status")).to_contain_text("Assigned Calculus to Autumn cohort")
