"""The learning-path page at /paths/: a plain GET form, the path, and the learner's assignments.

linear-algebra ──▶ calculus ──▶ deep-learning
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from progress.assignments import assignment_create
from progress.models import LearnerProfile
from progress.selectors import local_today
from roadmap import editing
from tests.factories import (
    PrerequisiteFactory,
    ResourceFactory,
    TopicFactory,
    TopicProgressFactory,
    TopicResourceFactory,
    TrackFactory,
    study,
)
from web.templatetags.roadmap_tags import day

URL = "/paths/"


@pytest.fixture
def roadmap(db):
    math = TrackFactory(slug="math", title="Mathematics", position=1)
    ml = TrackFactory(slug="ml", title="Machine learning", position=2)
    la = TopicFactory(slug="linear-algebra", title="Linear algebra", track=math, hours=10)
    calc = TopicFactory(slug="calculus", title="Calculus", track=math, hours=10)
    dl = TopicFactory(slug="deep-learning", title="Deep learning", track=ml, hours=40)
    PrerequisiteFactory(from_topic=la, to_topic=calc)
    PrerequisiteFactory(from_topic=calc, to_topic=dl)
    book = ResourceFactory(
        slug="mml", title="Mathematics for Machine Learning", url="https://mml-book.github.io/"
    )
    TopicResourceFactory(topic=la, resource=book, locator="ch. 2")
    return {"linear-algebra": la, "calculus": calc, "deep-learning": dl}


def test_the_page_offers_topics_and_whole_tracks_as_goals(client, roadmap):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    # A type-ahead: the suggestions name topics and whole tracks, picked goals become chips.
    assert '<option value="Mathematics (whole track)" data-goal="track:math"></option>' in page
    assert '<option value="Deep learning" data-goal="deep-learning"></option>' in page
    assert 'list="id_goals-options"' in page and "pathwise/goals.js" in page
    assert 'method="get"' in page and "Your plan appears here" in page


def test_without_javascript_a_typed_title_is_taken_as_the_goal(client, roadmap):
    response = client.get(URL, {"goals": "Deep learning", "known": ["linear-algebra", "calculus"]})

    assert [step["topic"] for step in response.context["path"]["steps"]] == ["deep-learning"]
    assert '<input type="hidden" name="goals" value="deep-learning">' in response.content.decode()


def test_a_visitor_ticks_what_they_know_and_sees_the_path(client, roadmap):
    response = client.get(
        URL, {"goals": "deep-learning", "known": "linear-algebra", "hours_per_week": "10"}
    )
    assert response.status_code == 200
    path = response.context["path"]
    assert [step["topic"] for step in path["steps"]] == ["calculus", "deep-learning"]
    page = response.content.decode()
    assert "Needed for Deep learning." in page
    assert "2 steps, 50 hours" in page
    assert f'<strong id="finish-date">{day(path["finish_date"])}</strong>' in page


def test_a_learner_sees_why_each_step_is_there_where_to_start_and_when(client, alice, roadmap):
    LearnerProfile.objects.filter(user=alice).update(hours_per_week=7)
    client.force_login(alice)
    response = client.get(URL, {"goals": "deep-learning"})
    page = response.content.decode()
    today = local_today(learner=alice)
    assert "Needed for Deep learning via Calculus." in page
    assert (
        '<a href="https://mml-book.github.io/" rel="noopener nofollow">'
        'Mathematics for Machine Learning</a> <span class="meta">(ch. 2)</span>'
        in page
    )
    # Grouped by week, each with its dates and the hours planned in it.
    assert f'Week 1 <span class="meta">{day(today)} – {day(today + timedelta(days=6))} · 7 h planned</span>' in page
    assert f"10 h · {day(today)} – {day(today + timedelta(days=9))}" in page
    # 60 hours at 7 a week, an hour a day, the first day included.
    assert f'<strong id="finish-date">{day(today + timedelta(days=59))}</strong>' in page
    assert "Ready now" in page


def test_a_topic_in_progress_is_marked_on_the_plan(client, alice, roadmap):
    TopicProgressFactory(learner=alice, topic=roadmap["linear-algebra"], status="in_progress")
    client.force_login(alice)

    page = client.get(URL, {"goals": "deep-learning"}).content.decode()

    step = page.split('id="step-linear-algebra"')[1].split("</li>")[0]
    assert step.startswith(' class="step in-progress"') and "▶ In progress" in step


def test_a_learner_saves_the_goals_and_the_planner_opens_on_them(client, alice, roadmap):
    client.force_login(alice)
    page = client.get(URL, {"goals": "deep-learning"}).content.decode()
    assert "Save as my goals" in page

    response = client.post("/me/goals/", {"goals": ["deep-learning"]})

    assert response.status_code == 302
    mine = client.get(URL).content.decode()  # no goals asked: the saved ones
    assert "✓ These are your goals" in mine and 'id="step-deep-learning"' in mine


def test_a_learners_progress_shortens_the_path(client, alice, roadmap):
    TopicProgressFactory(learner=alice, topic=roadmap["linear-algebra"], status="done")
    client.force_login(alice)
    steps = client.get(URL, {"goals": "deep-learning"}).context["path"]["steps"]
    assert [step["topic"] for step in steps] == ["calculus", "deep-learning"]


def test_a_whole_track_can_be_the_goal(client, roadmap):
    response = client.get(URL, {"goals": "track:math"})
    assert [step["topic"] for step in response.context["path"]["steps"]] == [
        "linear-algebra",
        "calculus",
    ]


def test_with_htmx_only_the_path_is_sent(client, roadmap):
    response = client.get(URL, {"goals": "calculus"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and "<form" not in page
    assert "Needed for Calculus." in page


def test_an_unknown_goal_is_refused_with_the_form_saying_so(client, roadmap):
    response = client.get(URL, {"goals": ["calculus", "astrology <b>"]})
    page = response.content.decode()
    assert response.status_code == 400
    assert "astrology &lt;b&gt;: not a topic or track of the roadmap." in page
    # What was typed stays in the box to be corrected; what was picked stays a chip.
    assert 'value="astrology &lt;b&gt;"' in page
    assert '<input type="hidden" name="goals" value="calculus">' in page


def test_a_goal_already_known_is_refused_with_the_engines_message(client, alice, roadmap):
    TopicProgressFactory(learner=alice, topic=roadmap["linear-algebra"], status="done")
    client.force_login(alice)
    response = client.get(URL, {"goals": "linear-algebra"}, headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "goal(s) already known: &#x27;linear-algebra&#x27;" in response.content.decode()


def test_a_learner_sees_their_assignments_with_the_path_left(client, alice, mentor, roadmap):
    today = local_today(learner=alice)
    assignment = assignment_create(
        created_by=mentor, goals=["calculus"], learner=alice, due_date=today + timedelta(days=30),
        note="Before the deep learning module.",
    )  # fmt: skip
    TopicProgressFactory(learner=alice, topic=roadmap["linear-algebra"], status="done")
    editing.topic_update(topic=roadmap["calculus"], hours=12)
    client.force_login(alice)
    page = client.get(URL).content.decode()
    assert f'id="assignment-{assignment.pk}"' in page
    assert "Before the deep learning module." in page
    assert "12 h left" in page and "on track" in page
    assert "Updated" in page
    assert f'href="{URL}?goals=calculus"' in page


def test_a_visitor_is_invited_to_log_in_and_sees_no_assignments(client, roadmap):
    page = client.get(URL).content.decode()
    assert "to use your own progress and settings" in page
    assert "Your assignments" not in page


def test_a_faded_topic_shows_as_a_short_review_before_what_needs_it(client, alice, roadmap):
    study(alice, roadmap["linear-algebra"], at=timezone.now() - timedelta(days=60), cards=3)
    TopicProgressFactory(learner=alice, topic=roadmap["calculus"], status="done")
    client.force_login(alice)

    page = client.get(URL, {"goals": "deep-learning"}).content.decode()

    review = page[page.index('id="step-linear-algebra"') : page.index('id="step-deep-learning"')]
    assert "↻ Review" in review and "Calculus builds on it." in review
    assert "3 cards due, about 3 min" in review
