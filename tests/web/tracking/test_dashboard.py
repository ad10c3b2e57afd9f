from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from progress import selectors, services
from progress.models import LearnerProfile
from tests.factories import TopicFactory, TrackFactory

pytestmark = pytest.mark.django_db


def dashboard(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_dashboard_is_for_logged_in_users(client):
    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/me/"


def test_the_dashboard_shows_progress_per_track_streak_and_hours(client, alice):
    math = TrackFactory(slug="math", title="Mathematics", position=1)
    la, calc, prob = (
        TopicFactory(track=math, slug=s, hours=h)
        for s, h in (("linear-algebra", 20), ("calculus", 30), ("probability", 25))
    )
    services.topic_status_set(learner=alice, topic=la, status="done")
    services.topic_status_set(learner=alice, topic=calc, status="skipped")
    services.topic_status_set(learner=alice, topic=prob, status="in_progress")
    client.force_login(alice)

    page = dashboard(client)

    assert 'aria-label="Mathematics: 2 of 3 topics done"' in page
    assert '<progress value="2" max="3"' in page
    assert '<span class="figure">1</span> day <span class="meta">current streak</span>' in page
    assert (
        '<span class="figure">20</span> h <span class="meta">studied (topics done)</span>' in page
    )
    assert '<span class="figure">25</span> h <span class="meta">left on the roadmap</span>' in page
    in_progress = page.split('id="in-progress-heading"')[1]
    assert '<a href="/topics/probability/">Probability</a>' in in_progress
    assert "/topics/linear-algebra/" not in in_progress


def test_hours_left_count_only_the_learners_own_progress(client, alice, bob):
    math = TrackFactory(slug="math", title="Mathematics", position=1)
    la, calc, prob = (
        TopicFactory(track=math, slug=s, hours=h)
        for s, h in (("linear-algebra", 20), ("calculus", 30), ("probability", 25))
    )
    for topic in (la, calc):  # another learner's rows on the same topics
        services.topic_status_set(learner=bob, topic=topic, status="in_progress")
    services.topic_status_set(learner=alice, topic=la, status="done")
    client.force_login(alice)

    page = dashboard(client)

    assert (
        '<span class="figure">20</span> h <span class="meta">studied (topics done)</span>' in page
    )
    assert '<span class="figure">55</span> h <span class="meta">left on the roadmap</span>' in page
    assert 'aria-label="Mathematics: 1 of 3 topics done"' in page


def test_the_calendar_counts_activity_per_day_in_the_learners_time_zone(client, alice):
    LearnerProfile.objects.filter(user=alice).update(time_zone="Pacific/Auckland")
    topic = TopicFactory()
    day = selectors.local_today(learner=alice) - timedelta(days=3)
    # Half past midnight in Auckland is still the previous day in UTC.
    early = datetime.combine(day, time(0, 30), tzinfo=ZoneInfo("Pacific/Auckland"))
    services.topic_status_set(learner=alice, topic=topic, status="in_progress", at=early)
    services.topic_status_set(
        learner=alice, topic=topic, status="done", at=early + timedelta(hours=2)
    )
    client.force_login(alice)

    page = dashboard(client)

    assert (
        f'title="2 activities on {day.isoformat()}" aria-label="2 activities on {day.isoformat()}"'
        in page
    )
    assert f'title="0 activities on {(day - timedelta(days=1)).isoformat()}"' in page
    assert "2 activities on 1 day" in page
    assert page.count('<td class="level-2"') == 1 and '<td class="level-4"' not in page
    assert "Days are counted in your time zone, Pacific/Auckland." in page


def test_the_calendar_covers_26_weeks_and_nothing_in_the_future(client, alice):
    client.force_login(alice)
    today = selectors.local_today(learner=alice)

    page = dashboard(client)

    assert f'title="0 activities on {today.isoformat()}"' in page
    assert f"on {(today + timedelta(days=1)).isoformat()}" not in page
    first = today - timedelta(days=today.weekday(), weeks=25)
    assert f'title="0 activities on {first.isoformat()}"' in page
    assert f"on {(first - timedelta(days=1)).isoformat()}" not in page
    assert page.count('title="0 activities on') == (today - first).days + 1


def test_a_learners_dashboard_shows_their_progress_only(client, alice, bob):
    topic = TopicFactory(slug="calculus", title="Calculus")
    services.topic_status_set(learner=alice, topic=topic, status="in_progress")
    client.force_login(bob)

    page = dashboard(client)

    assert "Calculus" not in page.split('id="in-progress-heading"')[1]
    assert "Nothing in progress" in page
    assert "0 activities on 0 days" in page


def test_the_dashboard_costs_the_same_queries_with_one_topic_or_thirty(
    client, alice, django_assert_max_num_queries
):
    def add_topics(count):
        for _ in range(count):
            topic = TopicFactory()
            services.topic_status_set(learner=alice, topic=topic, status="in_progress")

    client.force_login(alice)
    add_topics(1)
    with django_assert_max_num_queries(18) as one:
        dashboard(client)
    add_topics(29)
    with django_assert_max_num_queries(18) as thirty:
        page = dashboard(client)

    assert page.split('id="in-progress-heading"')[1].count("<li>") == 30
    assert len(thirty.captured_queries) == len(one.captured_queries)
