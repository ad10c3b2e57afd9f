"""A new learner's first hour in a real browser: sign up, the first-run flow, the picture,
the plan, a review session driven by the keyboard alone, the summary."""

import re

import pytest
from playwright.sync_api import expect

from progress.models import LearnerProfile, LearningPlan, TopicProgress
from quizzes.models import Card, ReviewLog
from quizzes.selectors import shown_question
from tests.factories import MultipleChoiceFactory, PrerequisiteFactory, QuestionFactory, TopicFactory, TrackFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def roadmap():
    math = TrackFactory(slug="math", title="Mathematics", position=1)
    ml = TrackFactory(slug="ml", title="Machine learning", position=2)
    la = TopicFactory(track=math, slug="linear-algebra", title="Linear algebra", hours=20)
    calc = TopicFactory(track=math, slug="calculus", title="Calculus", hours=20)
    prob = TopicFactory(track=math, slug="probability", title="Probability", hours=10)
    reg = TopicFactory(track=ml, slug="linear-regression", title="Linear regression", hours=8)
    nets = TopicFactory(track=ml, slug="neural-networks", title="Neural networks", hours=15)
    PrerequisiteFactory(from_topic=la, to_topic=calc)
    PrerequisiteFactory(from_topic=la, to_topic=reg)
    PrerequisiteFactory(from_topic=prob, to_topic=reg, kind="recommended")
    PrerequisiteFactory(from_topic=calc, to_topic=nets)
    PrerequisiteFactory(from_topic=reg, to_topic=nets)
    QuestionFactory(topic=calc, prompt="What does a derivative measure?", answer="The rate of change.")
    MultipleChoiceFactory(topic=calc, prompt="Which matrix has no inverse?",
                          choices=["the identity", "a singular one", "a rotation"], correct_choices=[1],
                          explanation="Singular means a zero determinant.")  # fmt: skip
    return {"calc": calc}


def key_of(prompt: str, option: str) -> str:
    """The key that picks `option` of dora's card `prompt`, as its options are shuffled now."""
    card = Card.objects.select_related("question").get(learner__username="dora", question__prompt=prompt)
    return str(shown_question(card).choices.index(option) + 1)


MATRIX = "Which matrix has no inverse?"


def test_a_new_learner_signs_up_gets_a_plan_and_reviews_by_keyboard(page, roadmap, screenshot_dir):
    page.goto("/accounts/signup/")
    page.locator("#id_username").fill("dora")
    page.locator("#id_email").fill("dora@example.org")
    page.locator("#id_password1").fill("a long and unusual passphrase")
    page.locator("#id_password2").fill("a long and unusual passphrase")
    page.get_by_role("button", name="Sign up").click()

    # 1. Goals, picked by typing.
    expect(page.get_by_role("heading", name="Where do you want to go?")).to_be_visible()
    page.get_by_label("Where do you want to go?").fill("Neural networks")
    expect(page.locator(".chip")).to_contain_text("Neural networks")
    page.get_by_role("button", name="Next: what you already know").click()

    # 2. What they know, clicked on the picture: linear algebra.
    expect(page.locator("#roadmap-map.ready")).to_be_visible()
    page.locator('a.node[data-topic="linear-algebra"]').click()
    expect(page.locator("#mark-known-status")).to_have_text("Marked 1 topic as known.")
    expect(page.locator('a.node[data-topic="linear-algebra"]')).to_have_class(re.compile("state-done"))
    expect(page.locator('a.node[data-topic="calculus"]')).to_have_class(re.compile("state-ready"))
    page.get_by_role("link", name="Next: your time").click()

    # 3. Hours a week, and the plan, week by week.
    page.locator("#id_hours_per_week").fill("10")
    page.get_by_role("button", name="Show my plan").click()
    expect(page).to_have_url(re.compile(r"/paths/$"))
    expect(page.locator("#path-result")).to_contain_text("Week 1")
    expect(page.locator("#step-neural-networks")).to_be_visible()
    expect(page.locator("#step-linear-algebra")).to_have_count(0)
    assert LearningPlan.objects.get(learner__username="dora").goals == ["neural-networks"]
    assert LearnerProfile.objects.get(user__username="dora").hours_per_week == 10
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / "journey-plan.png", full_page=True)

    # The picture highlights the path; a topic opens in the panel and the URL follows.
    page.get_by_role("link", name="Show it on the roadmap").click()
    expect(page.locator("#roadmap-map.ready")).to_be_visible()
    expect(page.locator("a.node.on-path")).to_have_count(3)  # calculus, linear regression, neural networks
    page.get_by_label("Show one track").select_option("ml")
    expect(page.locator("a.node.filtered")).to_have_count(3)  # the three mathematics topics fade
    page.get_by_label("Show one track").select_option("")
    expect(page.locator("a.node.filtered")).to_have_count(0)
    page.get_by_role("button", name="Zoom in").click()  # zoom and pan change the view, not the picture
    page.mouse.move(400, 600)
    page.mouse.down()
    page.mouse.move(300, 550, steps=5)
    page.mouse.up()
    page.locator('a.node[data-topic="calculus"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator("#topic-panel h2")).to_have_text("Calculus")
    expect(page).to_have_url(re.compile(r"topic=calculus"))
    page.locator("#topic-panel").get_by_role("button", name="In progress").click()
    expect(page.locator("#topic-status")).to_contain_text("Marked as in progress.")
    assert TopicProgress.objects.get(learner__username="dora", topic=roadmap["calc"]).status == "in_progress"

    # Today: the next step and the cards due.
    page.get_by_role("link", name="Today").click()
    expect(page.locator(".next-step")).to_contain_text("Calculus")
    expect(page.locator(".due .figure")).to_have_text("2")
    page.get_by_role("link", name="Start reviewing").click()

    # The review session, keyboard only.
    card = page.locator("#review-card")

    def focus_is_on_the_card():
        # The card itself, or its main button (Show answer, Continue): never <body>.
        # The page loaded: the deferred review.js has run, so its keys are listened to (the
        # browser focuses an autofocus button before deferred scripts run).
        page.wait_for_load_state("load")
        # Polled by selector: a polled script would need eval, which the page's CSP refuses.
        expect(page.locator("#review-card:focus-within")).to_have_count(1)

    focus_is_on_the_card()
    expect(card).to_contain_text("What does a derivative measure?")  # new cards in the order enrolled
    page.keyboard.press("Space")  # show the answer
    expect(card.locator(".answer-side")).to_be_visible()
    focus_is_on_the_card()
    page.keyboard.press("1")  # Again: due in a minute
    expect(card).to_contain_text("Rated Again.")
    expect(card).to_contain_text("Which matrix has no inverse?")
    focus_is_on_the_card()
    page.keyboard.press(key_of(MATRIX, "a singular one"))  # its options come shuffled
    expect(card).to_contain_text("Right.")
    expect(card).to_contain_text("Singular means a zero determinant.")  # the explanation, after grading
    focus_is_on_the_card()
    page.keyboard.press("Space")  # continue
    # Both cards are in their learning steps, due within minutes: they come back in this
    # session (the Again one first) instead of "all done".
    expect(card).to_contain_text("What does a derivative measure?")
    expect(card.locator("#cards-left")).to_have_text("2")
    focus_is_on_the_card()
    page.keyboard.press("u")  # take back the last rating: the multiple-choice answer
    expect(card).to_contain_text("Undone")
    expect(card).to_contain_text("Which matrix has no inverse?")
    assert ReviewLog.objects.filter(learner__username="dora").count() == 1
    page.keyboard.press(key_of(MATRIX, "a singular one"))
    expect(card).to_contain_text("Right.")
    page.keyboard.press("Enter")  # continue, with Enter this time
    expect(card).to_contain_text("What does a derivative measure?")
    page.keyboard.press("Space")
    page.keyboard.press("4")  # Easy: days away
    expect(card).to_contain_text("Which matrix has no inverse?")
    page.keyboard.press(key_of(MATRIX, "a singular one"))  # shuffled anew for this review
    expect(card).to_contain_text("Right.")
    page.keyboard.press("Space")
    expect(card.get_by_role("heading", name="Session done")).to_be_visible()
    expect(card.locator(".summary-grid")).to_contain_text(re.compile(r"Reviewed\s*4"))
    expect(card.locator(".summary-grid")).to_contain_text(re.compile(r"Again\s*1 \(25 %\)"))
    assert ReviewLog.objects.filter(learner__username="dora").count() == 4
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / "journey-summary.png", full_page=True)


def test_the_goal_picker_works_again_after_the_back_button(page, roadmap):
    page.goto("/paths/")
    goals = page.get_by_label("Goals", exact=True)
    goals.fill("Calculus")
    page.get_by_role("button", name="Show my plan").click()
    expect(page.locator("#path-result")).to_contain_text("Linear algebra")
    goals.fill("Linear regression")
    page.get_by_role("button", name="Show my plan").click()
    expect(page).to_have_url(re.compile(r"linear-regression"))

    page.go_back()  # htmx restores the page it kept, as new nodes
    expect(page).to_have_url(re.compile(r"goals=calculus&"))
    page.get_by_label("Goals", exact=True).fill("Neural networks")

    # The page as it was when left (Calculus and Linear regression), and the new pick.
    expect(page.locator(".chip")).to_have_count(3)
    expect(page.locator(".chip").nth(2)).to_contain_text("Neural networks")
    expect(page.get_by_label("Goals", exact=True)).to_have_value("")
