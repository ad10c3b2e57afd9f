"""axe-core (from npm, tests/browser/js) run inside every page, at a desktop and a phone
width, as each role sees it: no serious or critical violation anywhere."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from progress import services
from progress.assignments import assignment_create
from progress.goals import plan_save
from progress.selectors import local_today
from roadmap.models import LinkCheck
from tests.factories import (
    CohortFactory,
    MultipleChoiceFactory,
    PrerequisiteFactory,
    QuestionFactory,
    ResourceFactory,
    TopicFactory,
    TopicResourceFactory,
    TrackFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "correct horse battery staple"
WIDTHS = {"desktop": 1280, "phone": 390}

ANONYMOUS = ["/roadmap/", "/roadmap/list/", "/topics/calculus/", "/paths/?goals=neural-networks", "/accounts/login/",
             "/accounts/signup/"]  # fmt: skip
LEARNER = ["/today/", "/welcome/", "/welcome/known/", "/welcome/hours/", "/roadmap/?topic=calculus", "/paths/",
           "/reviews/", "/me/", "/me/settings/", "/topics/calculus/"]  # fmt: skip
MENTOR = ["/mentor/", "/mentor/cohorts/{cohort}/", "/mentor/cohorts/{cohort}/learners/alice/"]
CURATOR = ["/curation/"]


@pytest.fixture
def everything(transactional_db):
    math = TrackFactory(slug="math", title="Mathematics", position=1)
    ml = TrackFactory(slug="ml", title="Machine learning", position=2)
    la = TopicFactory(track=math, slug="linear-algebra", title="Linear algebra", hours=20)
    calc = TopicFactory(track=math, slug="calculus", title="Calculus", hours=20)
    nets = TopicFactory(track=ml, slug="neural-networks", title="Neural networks", hours=15)
    PrerequisiteFactory(from_topic=la, to_topic=calc)
    PrerequisiteFactory(from_topic=calc, to_topic=nets)
    PrerequisiteFactory(from_topic=la, to_topic=nets, kind="recommended")
    book = ResourceFactory(title="A vanished book", health="broken")
    TopicResourceFactory(topic=calc, resource=book)
    LinkCheck.objects.create(resource=book, url=book.url, status="broken", http_status=404, checked_at=timezone.now())
    QuestionFactory(topic=calc)
    MultipleChoiceFactory(topic=calc)
    alice = UserFactory(username="alice", role="learner")
    mentor = UserFactory(username="maya", role="mentor")
    UserFactory(username="carol", role="curator")
    cohort = CohortFactory(name="Autumn cohort", mentors=[mentor], learners=[alice])
    services.topic_status_set(learner=alice, topic=la, status="done")
    services.topic_status_set(learner=alice, topic=calc, status="in_progress")
    plan_save(learner=alice, goals=["neural-networks"])
    assignment_create(created_by=mentor, goals=["calculus"], cohort=cohort,
                      due_date=local_today(learner=mentor) + timedelta(days=10))  # fmt: skip
    return {"cohort": cohort.pk}


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations
          .filter(v => v.impact === "serious" || v.impact === "critical")
          .map(v => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`);
    }""")
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_has_serious_or_critical_accessibility_violations(chromium, live_server, everything, width):
    if not AXE.exists():
        pytest.fail("axe-core is not installed: make test-browser runs npm ci in tests/browser/js")
    problems = []
    for who, urls in ((None, ANONYMOUS), ("alice", LEARNER), ("maya", MENTOR), ("carol", CURATOR)):
        # bypass_csp: axe is injected as a script of its own, which a strict CSP would refuse.
        context = chromium.new_context(base_url=live_server.url, bypass_csp=True,
                                       viewport={"width": WIDTHS[width], "height": 900})  # fmt: skip
        context.set_default_timeout(10_000)
        page = context.new_page()
        if who:
            page.goto("/accounts/login/")
            page.locator("#id_username").fill(who)
            page.locator("#id_password").fill(PASSWORD)
            page.locator("main button[type=submit]").click()
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
        for url in urls:
            page.goto(url.format(**everything))
            if page.locator("#roadmap-map").count():
                page.wait_for_selector("#roadmap-map.ready")
            problems += [f"{who or 'anonymous'} {url} ({width}): {v}" for v in violations(page)]
        context.close()

    assert not problems, "\n".join(problems)
