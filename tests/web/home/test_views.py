"""The signed-in home: where each role lands, Today, the first-run flow, notices."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from progress import services
from progress.assignments import assignment_create
from progress.goals import plan_save
from progress.models import LearnerProfile, LearningPlan, TopicProgress
from progress.selectors import local_today
from quizzes.models import Reminder
from roadmap import editing
from tests.factories import PrerequisiteFactory, QuestionFactory, TopicFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def roadmap():
    math = TrackFactory(slug="math", title="Mathematics", position=1)
    la = TopicFactory(track=math, slug="linear-algebra", title="Linear algebra", hours=10)
    calc = TopicFactory(track=math, slug="calculus", title="Calculus", hours=10)
    opt = TopicFactory(track=math, slug="optimisation", title="Optimisation", hours=10)
    PrerequisiteFactory(from_topic=la, to_topic=calc)
    PrerequisiteFactory(from_topic=calc, to_topic=opt)
    return {"la": la, "calc": calc, "opt": opt}


@pytest.mark.parametrize(
    ("who", "lands_on"),
    [(None, "/roadmap/"), ("alice", "/today/"), ("mentor", "/mentor/"), ("carol", "/curation/")],
)
def test_each_role_lands_where_it_works(client, request, who, lands_on):
    if who:
        client.force_login(request.getfixturevalue(who))

    response = client.get("/")

    assert response.status_code == 302 and response.url == lands_on


def test_logging_in_lands_each_role_on_its_page(client, mentor):
    response = client.post(reverse("login"), {"username": "mentor", "password": "correct horse battery staple"})

    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").url == "/mentor/"


def test_a_new_learner_is_sent_to_the_first_run_flow(client, alice, roadmap):
    client.force_login(alice)

    assert client.get(reverse("today")).url == reverse("welcome")
    assert client.get(reverse("today") + "?skip=1").status_code == 200  # "skip for now"


def test_the_first_run_flow_saves_goals_known_topics_and_hours_then_shows_the_plan(client, alice, roadmap):
    client.force_login(alice)

    goals = client.post(reverse("welcome"), {"goals": ["optimisation"]})
    assert goals.url == reverse("welcome-known")
    assert LearningPlan.objects.get(learner=alice).goals == ["optimisation"]

    picture = client.get(reverse("welcome-known")).content.decode()
    assert 'id="mark-known"' in picture and 'id="roadmap-data"' in picture

    known = client.post(reverse("topic-known"), {"topic": "calculus", "known": "1", "with_prerequisites": "1"},
                        HTTP_ACCEPT="application/json")  # fmt: skip
    answer = json.loads(known.content)
    assert answer["message"] == "Marked 2 topics as known (1 prerequisite)."
    assert answer["states"] == {"linear-algebra": "done", "calculus": "done", "optimisation": "ready"}

    hours = client.post(reverse("welcome-hours"), {"hours_per_week": "2.5"})
    assert hours.url == reverse("paths:path")
    assert LearnerProfile.objects.get(user=alice).hours_per_week == 2.5
    plan = client.get(hours.url).content.decode()
    assert 'id="step-optimisation"' in plan and 'id="step-calculus"' not in plan
    assert "At 2.5 hours a week" in plan


def test_marking_a_topic_known_again_undoes_it_without_javascript(client, alice, roadmap):
    client.force_login(alice)
    client.post(reverse("topic-known"), {"topic": "calculus", "known": "1"})

    response = client.post(reverse("topic-known"), {"topic": "calculus", "known": "0", "next": "/welcome/known/"})

    assert response.status_code == 302 and response.url == "/welcome/known/"
    assert TopicProgress.objects.get(learner=alice, topic=roadmap["calc"]).status == "not_started"


def test_an_unknown_topic_cannot_be_marked_known(client, alice, roadmap):
    client.force_login(alice)

    response = client.post(reverse("topic-known"), {"topic": "astrology", "known": "1"}, HTTP_ACCEPT="application/json")

    assert response.status_code == 400 and "'astrology' is not a topic of the roadmap" in response.json()["detail"]


def test_today_shows_the_next_step_cards_due_assignments_ready_and_faded_topics(client, alice, mentor, roadmap):
    services.topic_status_set(learner=alice, topic=roadmap["la"], status="done")
    TopicProgress.objects.filter(learner=alice, topic=roadmap["la"]).update(needs_review=True)
    QuestionFactory(topic=roadmap["calc"])
    services.topic_status_set(learner=alice, topic=roadmap["calc"], status="in_progress")
    plan_save(learner=alice, goals=["optimisation"])
    due = local_today(learner=alice) + timedelta(days=1)
    assignment = assignment_create(created_by=mentor, goals=["optimisation"], learner=alice, due_date=due)
    client.force_login(alice)

    page = client.get(reverse("today")).content.decode()

    next_step = page.split('id="next-heading"')[1].split("</section>")[0]
    assert "Calculus" in next_step and "In progress" in next_step and "Continue Calculus" in next_step
    assert '<p class="figure">1</p><p class="meta">card due now</p>' in page
    row = page.split(f'id="assignment-{assignment.pk}"')[1].split("</article>")[0]
    assert "Optimisation" in row and "Behind" in row  # 20 hours left at 5 a week, due tomorrow
    review = page.split('id="review-heading"')[1].split("</section>")[0]
    assert "Linear algebra" in review


def test_today_is_only_ever_the_learners_own(client, alice, bob, roadmap):
    services.topic_status_set(learner=bob, topic=roadmap["la"], status="in_progress")
    plan_save(learner=bob, goals=["optimisation"])
    client.force_login(alice)

    page = client.get(reverse("today") + "?skip=1").content.decode()

    assert "Continue Linear algebra" not in page and "Your plan" not in page


def test_notices_count_in_the_header_and_are_dismissed(client, alice, mentor, roadmap):
    assignment = assignment_create(
        created_by=mentor, goals=["calculus"], learner=alice, due_date=local_today(learner=alice) + timedelta(days=9)
    )
    sent = timezone.now()  # a delivered reminder: written down, claimed, sent
    Reminder.objects.create(learner=alice, local_date=timezone.localdate(), due_count=3, claimed_at=sent, sent_at=sent)
    plan_save(learner=alice, goals=["optimisation"])
    editing.topic_update(topic=roadmap["opt"], hours=12)  # the roadmap moves under the plan
    client.force_login(alice)

    header = client.get(reverse("roadmap:map")).content.decode().split("</header>")[0]

    assert 'aria-label="Notices: 3"' in header
    assert "mentor assigned you Calculus" in header and "3 cards to review today" in header
    assert "The roadmap changed since your path was computed" in header
    swapped = client.post(reverse("notice-dismiss"), {"key": f"assignment:{assignment.pk}"}, HTTP_HX_REQUEST="true")
    assert 'aria-label="Notices: 2"' in swapped.content.decode() and "<html" not in swapped.content.decode()
    client.post(reverse("notice-dismiss"), {"all": "1"})
    header = client.get(reverse("roadmap:map")).content.decode().split("</header>")[0]
    assert 'aria-label="Notices: 0"' in header and "Nothing new." in header
    assert Reminder.objects.get().seen_at is not None


def test_a_learner_cannot_dismiss_someone_elses_reminder(client, alice, bob):
    reminder = Reminder.objects.create(learner=bob, local_date=timezone.localdate(), due_count=3)
    client.force_login(alice)

    client.post(reverse("notice-dismiss"), {"key": f"reminder:{reminder.pk}"})

    assert Reminder.objects.get().seen_at is None


@pytest.mark.parametrize(
    "url", ["today", "welcome", "welcome-known", "welcome-hours", "dashboard", "quizzes:review", "paths:path"]
)
def test_the_learners_pages_cost_the_same_queries_with_little_or_much_data(
    client, alice, mentor, url, django_assert_max_num_queries
):
    math = TrackFactory(slug="math", position=1)

    def add(count):
        for _ in range(count):
            topic = TopicFactory(track=math)
            QuestionFactory(topic=topic)
            PrerequisiteFactory(from_topic=topic, to_topic=TopicFactory(track=math))
            services.topic_status_set(learner=alice, topic=topic, status="done")
            assignment_create(created_by=mentor, goals=[topic.slug], learner=alice,
                              due_date=local_today(learner=alice) + timedelta(days=30))  # fmt: skip

    add(1)
    plan_save(learner=alice, goals=["track:math"])
    client.force_login(alice)
    target = reverse(url) + ("?skip=1" if url == "today" else "")
    client.get(target)  # builds this version's graph once
    with django_assert_max_num_queries(36) as little:
        assert client.get(target).status_code == 200
    add(20)
    client.get(target)
    with django_assert_max_num_queries(36) as much:
        assert client.get(target).status_code == 200

    assert len(much.captured_queries) == len(little.captured_queries)


@pytest.mark.parametrize(
    ("method", "url"),
    [("post", "topic-known"), ("post", "goals-save"), ("post", "notice-dismiss"), ("get", "today"),
     ("get", "welcome"), ("post", "quizzes:undo")],
)  # fmt: skip
def test_every_learner_page_needs_a_login_and_every_post_a_csrf_token(method, url, alice):
    from django.test import Client

    anonymous = Client()
    response = getattr(anonymous, method)(reverse(url))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    if method == "post":
        signed_in = Client(enforce_csrf_checks=True)
        signed_in.force_login(alice)
        assert signed_in.post(reverse(url), {}).status_code == 403  # no CSRF token


def test_a_user_without_a_learner_profile_still_gets_today(client):
    user = UserFactory(username="nobody", role="learner")
    LearnerProfile.objects.filter(user=user).delete()
    client.force_login(user)

    assert client.get(reverse("today") + "?skip=1").status_code == 200
