from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from progress import services
from progress.models import Cohort, Role
from tests.factories import CohortFactory, TopicFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(mentor):
    return Cohort.objects.get(name="Alice's cohort")


@pytest.fixture
def topics():
    math = TrackFactory(slug="math", title="Mathematics", position=1)
    return [
        TopicFactory(track=math, slug=slug, title=slug.replace("-", " ").capitalize())
        for slug in ("linear-algebra", "calculus", "probability")
    ]


def learner_url(cohort, username):
    return reverse("mentor-learner", args=[cohort.id, username])


def test_a_mentor_sees_each_cohort_learners_progress_and_last_activity(
    client, mentor, alice, cohort, topics
):
    la, calc, _ = topics
    services.topic_status_set(
        learner=alice, topic=la, status="done", at=timezone.now() - timedelta(days=4)
    )
    services.topic_status_set(
        learner=alice, topic=calc, status="in_progress", at=timezone.now() - timedelta(days=3)
    )
    client.force_login(mentor)

    page = client.get(reverse("mentor-home")).content.decode()

    assert f'<h2 id="cohort-{cohort.id}">Alice&#x27;s cohort</h2>' in page
    row = page.split(f'href="{learner_url(cohort, "alice")}">alice</a></th>')[1].split("</tr>")[0]
    assert '<td class="num">1</td>\n            <td class="num">1</td>' in row
    assert ">3\xa0days ago</time>" in row


def test_a_mentor_sees_only_their_own_cohorts(client, mentor, other_mentor, bob):
    client.force_login(mentor)

    page = client.get(reverse("mentor-home")).content.decode()

    assert "Alice&#x27;s cohort" in page
    assert "Bob&#x27;s cohort" not in page and ">bob</a>" not in page


def test_a_mentor_reads_one_learners_progress_but_not_their_notes(
    client, mentor, alice, cohort, topics
):
    la, calc, prob = topics
    services.topic_status_set(learner=alice, topic=la, status="done", notes="My private doubts")
    services.topic_status_set(learner=alice, topic=calc, status="in_progress")
    client.force_login(mentor)

    response = client.get(learner_url(cohort, "alice"))

    assert response.status_code == 200
    page = response.content.decode()
    statuses = page.split('id="status-heading"')[1]
    assert 'Linear algebra</a>\n          <span class="badge status-done">Done</span>' in statuses
    assert (
        'Calculus</a>\n          <span class="badge status-in_progress">In progress</span>'
        in statuses
    )
    assert (
        'Probability</a>\n          <span class="badge status-not_started">Not started</span>'
        in statuses
    )
    assert 'aria-label="Mathematics: 1 of 3 topics done"' in page
    assert "My private doubts" not in page


@pytest.mark.parametrize("who", ["other_mentor", "carol_as_mentor"])
def test_a_mentor_cannot_read_a_learner_outside_their_cohorts(
    client, request, alice, cohort, who, carol
):
    if who == "carol_as_mentor":
        carol.groups.add(Group.objects.get_or_create(name=Role.MENTOR)[0])
        CohortFactory(name="Carol's cohort", mentors=[carol])
    stranger = request.getfixturevalue("other_mentor") if who == "other_mentor" else carol
    own_cohort = Cohort.objects.filter(mentors=stranger).get()
    client.force_login(stranger)

    assert client.get(learner_url(cohort, "alice")).status_code == 404  # not their cohort
    assert client.get(learner_url(own_cohort, "alice")).status_code == 404  # alice is not in theirs


def test_a_mentor_gets_a_404_for_someone_who_is_not_in_the_cohort(client, mentor, cohort, bob):
    client.force_login(mentor)

    assert client.get(learner_url(cohort, "bob")).status_code == 404
    assert client.get(learner_url(cohort, "nobody")).status_code == 404
    assert client.get(reverse("mentor-learner", args=[999, "alice"])).status_code == 404


@pytest.mark.parametrize("who", ["alice", "bob", "carol"])
def test_learners_and_curators_are_refused_the_mentor_pages(client, request, mentor, cohort, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("mentor-home")).status_code == 403
    assert client.get(learner_url(cohort, "alice")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, mentor, cohort):
    for url in (reverse("mentor-home"), learner_url(cohort, "alice")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "links"),
    [
        (None, {"Roadmap", "Plan", "Log in", "Sign up"}),
        ("alice", {"Today", "Roadmap", "Plan", "Review", "Progress", "Log out"}),
        ("mentor", {"Cohorts", "Today", "Roadmap", "Plan", "Review", "Progress", "Log out"}),
        ("carol", {"Curation", "Today", "Roadmap", "Plan", "Review", "Progress", "Admin", "Log out"}),
    ],
)
def test_the_navigation_offers_what_each_role_may_use(client, request, who, links):
    if who:
        client.force_login(request.getfixturevalue(who))

    header = client.get(reverse("roadmap:track-list")).content.decode().split("</header>")[0]

    for label in {"Log in", "Sign up", "Today", "Roadmap", "Plan", "Review", "Progress", "Cohorts", "Curation", "Admin",
                  "Log out"}:
        assert (f">{label}</" in header) == (label in links), label


def test_mentor_pages_cost_the_same_queries_with_one_learner_or_thirty(
    client, mentor, cohort, topics, django_assert_max_num_queries
):
    def add_learners(count):
        for _ in range(count):
            learner = UserFactory(role=Role.LEARNER)
            cohort.learners.add(learner)
            for topic in topics:
                services.topic_status_set(learner=learner, topic=topic, status="done")

    client.force_login(mentor)
    add_learners(1)
    client.get(learner_url(cohort, "alice"))  # builds and caches the roadmap graph
    with django_assert_max_num_queries(11) as one:
        assert client.get(reverse("mentor-home")).status_code == 200
    with django_assert_max_num_queries(20) as one_learner_page:
        assert client.get(learner_url(cohort, "alice")).status_code == 200
    add_learners(29)
    with django_assert_max_num_queries(11) as thirty:
        page = client.get(reverse("mentor-home")).content.decode()
    with django_assert_max_num_queries(20) as thirty_learner_page:
        assert client.get(learner_url(cohort, "alice")).status_code == 200

    assert page.count('<td class="num">3</td>') == 30
    assert len(thirty.captured_queries) == len(one.captured_queries)
    assert len(thirty_learner_page.captured_queries) == len(one_learner_page.captured_queries)
