"""Each role in a real browser: a mentor assigns and the learner sees it on Today (and in
the header's notices); a curator lands on the link report."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from progress.selectors import local_today
from roadmap.models import LinkCheck
from tests.factories import CohortFactory, PrerequisiteFactory, ResourceFactory, TopicFactory, TrackFactory, UserFactory
from web.templatetags.roadmap_tags import day

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


def log_in(page, username):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def cohort():
    math = TrackFactory(slug="math", title="Mathematics", position=1)
    la = TopicFactory(track=math, slug="linear-algebra", title="Linear algebra", hours=20)
    calculus = TopicFactory(track=math, slug="calculus", title="Calculus", hours=25)
    PrerequisiteFactory(from_topic=la, to_topic=calculus)
    mentor = UserFactory(username="maya", role="mentor")
    learner = UserFactory(username="grace", role="learner")
    return CohortFactory(name="Autumn cohort", mentors=[mentor], learners=[learner])


def test_a_mentor_assigns_and_the_learner_sees_it_on_today(chromium, live_server, transactional_db, cohort):
    due = local_today(learner=cohort.mentors.get()) + timedelta(days=21)
    mentor_context = chromium.new_context(base_url=live_server.url)
    page = mentor_context.new_page()
    log_in(page, "maya")
    expect(page).to_have_url(re.compile(r"/mentor/$"))  # a mentor lands on their cohorts
    page.get_by_role("link", name=re.compile("Outlook, blocking topics and assignments")).click()
    page.get_by_label("Goals", exact=True).fill("Calculus")
    page.get_by_label("Due date", exact=True).fill(due.isoformat())
    page.get_by_label("Note to the learners", exact=True).fill("Before the project starts.")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("status")).to_contain_text(f"Assigned Calculus to Autumn cohort, due {day(due)}.")
    mentor_context.close()

    learner_context = chromium.new_context(base_url=live_server.url)
    page = learner_context.new_page()
    log_in(page, "grace")
    expect(page).to_have_url(re.compile(r"/(today|welcome)/$"))
    page.goto("/today/?skip=1")
    assignments = page.locator("#assignments")
    expect(assignments).to_contain_text("Calculus")
    expect(assignments).to_contain_text(f"due {day(due)}")
    expect(assignments).to_contain_text("Before the project starts.")
    expect(assignments.locator(".badge")).to_have_text(re.compile("On track|Behind"))
    notices = page.locator("#notices")
    expect(notices.locator("summary")).to_have_attribute("aria-label", "Notices: 1")
    notices.locator("summary").click()
    expect(notices).to_contain_text("maya assigned you Calculus")
    notices.get_by_role("button", name=re.compile("^Dismiss:")).click()
    expect(page.locator("#notices summary")).to_have_attribute("aria-label", "Notices: 0")
    learner_context.close()


def test_a_curator_lands_on_the_link_report(page, transactional_db):
    UserFactory(username="carol", role="curator")
    gone = ResourceFactory(title="A vanished book", health="broken", url="https://example.org/gone")
    LinkCheck.objects.create(resource=gone, url=gone.url, status="broken", http_status=404, checked_at=timezone.now())

    log_in(page, "carol")

    expect(page).to_have_url(re.compile(r"/curation/$"))
    report = page.locator(f"#resource-{gone.pk}")
    expect(report).to_contain_text("A vanished book")
    expect(report).to_contain_text("Broken")
    expect(report.get_by_role("button", name=re.compile("Check now"))).to_be_visible()
