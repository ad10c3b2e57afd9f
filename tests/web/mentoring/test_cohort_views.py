"""The mentor's cohort page: who will make their due dates, what blocks the cohort, and
setting or removing its assignments.

    math: linear-algebra ─▶ calculus ─┐
          probability ────────────────┴─▶ ml-basics ─▶ deep-learning   (ml)
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from progress.assignments import assignment_create
from progress.models import Assignment, Cohort, LearnerProfile, Role
from progress.selectors import local_today
from roadmap import editing
from roadmap.models import Topic
from tests.factories import (
    PrerequisiteFactory,
    TopicFactory,
    TopicProgressFactory,
    TrackFactory,
    UserFactory,
)
from web.templatetags.roadmap_tags import day

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def roadmap(db):
    math = TrackFactory(slug="math", title="Mathematics", position=1)
    ml = TrackFactory(slug="ml", title="Machine learning", position=2)
    hours = {
        "linear-algebra": 10, "calculus": 10, "probability": 10, "ml-basics": 20,
        "deep-learning": 40,
    }  # fmt: skip
    made = {
        slug: TopicFactory(
            slug=slug,
            title=slug.replace("-", " ").capitalize(),
            track=ml if slug.startswith(("ml", "deep")) else math,
            hours=spent,
        )
        for slug, spent in hours.items()
    }
    for before, after in [
        ("linear-algebra", "calculus"), ("calculus", "ml-basics"), ("probability", "ml-basics"),
        ("ml-basics", "deep-learning"),
    ]:  # fmt: skip
        PrerequisiteFactory(from_topic=made[before], to_topic=made[after])
    return made


@pytest.fixture
def cohort(mentor):
    return Cohort.objects.get(name="Alice's cohort")


@pytest.fixture
def today(mentor):
    return local_today(learner=mentor)


def cohort_url(cohort):
    return reverse("mentor-cohort", args=[cohort.id])


def create_url(cohort):
    return reverse("mentor-assignment-create", args=[cohort.id])


def delete_url(cohort, assignment):
    return reverse("mentor-assignment-delete", args=[cohort.id, assignment.id])


def know(learner, *slugs):
    for slug in slugs:
        TopicProgressFactory(learner=learner, topic=Topic.objects.get(slug=slug), status="done")


def weekly_hours(learner, hours):
    LearnerProfile.objects.filter(user=learner).update(hours_per_week=hours)


def assign(by, goals, due, **whom):
    return assignment_create(created_by=by, goals=goals, due_date=due, **whom)


def learner_row(page, username):
    return page.split(f'<tr id="learner-{username}">')[1].split("</tr>")[0]


# --- Who may see the page and change its assignments --------------------------------------------


def test_a_mentor_reads_their_cohort_page(client, mentor, cohort, roadmap):
    client.force_login(mentor)

    response = client.get(cohort_url(cohort))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Alice&#x27;s cohort</h1>" in page
    assert f'href="{reverse("mentor-learner", args=[cohort.id, "alice"])}">alice</a>' in page
    assert f'action="{create_url(cohort)}"' in page and f'hx-post="{create_url(cohort)}"' in page


def test_the_cohort_page_is_linked_from_the_mentor_home_and_the_learner_page(
    client, mentor, cohort
):
    client.force_login(mentor)
    link = f'href="{cohort_url(cohort)}"'

    assert link in client.get(reverse("mentor-home")).content.decode()
    learner_page = client.get(reverse("mentor-learner", args=[cohort.id, "alice"]))
    assert link in learner_page.content.decode()


@pytest.mark.parametrize(
    ("who", "page", "posting"),
    [
        ("alice", 403, 403),
        ("bob", 403, 403),
        ("other_mentor", 404, 404),
        ("carol", 403, 404),  # curating the roadmap is no mentoring relation
    ],
)
def test_only_the_cohorts_mentors_read_it_and_assign_to_it(
    client, request, mentor, other_mentor, cohort, roadmap, today, who, page, posting
):
    client.force_login(request.getfixturevalue(who))
    form = {"goals": ["calculus"], "due_date": today + timedelta(days=7)}

    assert client.get(cohort_url(cohort)).status_code == page
    assert client.post(create_url(cohort), form).status_code == posting
    assert Assignment.objects.filter(cohort=cohort).exists() == (posting == 302)


def test_an_admins_assignment_sends_them_to_their_dashboard(client, cohort, roadmap, today):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))

    response = client.post(
        create_url(cohort), {"goals": ["calculus"], "due_date": today}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "Assigned Calculus to Alice&#x27;s cohort" in response.content.decode()


@pytest.mark.parametrize("who", ["alice", "bob", "other_mentor"])
def test_nobody_else_removes_an_assignment(client, request, mentor, other_mentor, cohort, roadmap, today, who):
    assignment = assign(mentor, ["calculus"], today, cohort=cohort)
    client.force_login(request.getfixturevalue(who))

    assert client.get(delete_url(cohort, assignment)).status_code in {403, 404}
    assert client.post(delete_url(cohort, assignment)).status_code in {403, 404}
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_learners_are_refused_and_other_mentors_do_not_learn_the_cohort_exists(
    client, mentor, other_mentor, alice, cohort, roadmap, today
):
    assignment = assign(mentor, ["calculus"], today, cohort=cohort)
    client.force_login(alice)
    assert client.post(delete_url(cohort, assignment)).status_code == 403
    client.force_login(other_mentor)
    assert client.post(delete_url(cohort, assignment)).status_code == 404
    assert client.get(reverse("mentor-cohort", args=[999])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, mentor, cohort, roadmap, today):
    assignment = assign(mentor, ["calculus"], today, cohort=cohort)
    for response in (
        client.get(cohort_url(cohort)),
        client.post(create_url(cohort), {"goals": ["calculus"], "due_date": today}),
        client.post(delete_url(cohort, assignment)),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert Assignment.objects.count() == 1


def test_an_expired_session_reloads_the_page_onto_the_login_form_under_htmx(
    client, cohort, roadmap
):
    response = client.post(create_url(cohort), {}, **HX, HTTP_HX_CURRENT_URL=cohort_url(cohort))

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("login"))


# --- Assigning goals -------------------------------------------------------------------------------


def test_a_goal_assigned_to_the_whole_cohort_reaches_every_learner_on_their_path_page(
    client, mentor, alice, bob, cohort, roadmap, today
):
    cohort.learners.add(bob)
    due = today + timedelta(days=30)
    client.force_login(mentor)

    response = client.post(
        create_url(cohort),
        {"goals": ["ml-basics"], "learner": "", "due_date": due, "note": "Before the project."},
        follow=True,
    )

    assert response.redirect_chain == [(cohort_url(cohort) + "#assignments", 302)]
    page = response.content.decode()
    assert f"Assigned Ml basics to Alice&#x27;s cohort, due {day(due)}." in page
    [assignment] = Assignment.objects.all()
    section = page.split('id="assignments"')[1]
    assert f'<li class="assignment" id="assignment-{assignment.id}">' in section
    assert "Before the project." in section
    for learner in (alice, bob):
        client.force_login(learner)
        path_page = client.get(reverse("paths:path")).content.decode()
        mine = path_page.split('id="assignments-heading"')[1]
        assert f"<strong>Due {day(due)}</strong> · Alice&#x27;s cohort" in mine
        assert 'href="/topics/ml-basics/">Ml basics</a>' in mine


def test_a_whole_track_can_be_assigned_to_one_learner(
    client, mentor, alice, bob, cohort, roadmap, today
):
    cohort.learners.add(bob)
    client.force_login(mentor)

    response = client.post(
        create_url(cohort), {"goals": ["track:math"], "learner": "bob", "due_date": today}
    )

    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.learner, assignment.cohort) == (bob, None)
    assert sorted(t.slug for t in assignment.goals.all()) == ["calculus", "probability"]
    page = client.get(cohort_url(cohort)).content.decode()
    assert f"bob · due <time datetime=\"{today:%Y-%m-%d}\">" in page
    assert "(own)" in learner_row(page, "bob") and "(own)" not in learner_row(page, "alice")


def test_with_htmx_the_assignments_section_and_the_outlook_are_swapped_in(
    client, mentor, cohort, roadmap, today
):
    client.force_login(mentor)

    response = client.post(
        create_url(cohort), {"goals": ["calculus"], "due_date": today + timedelta(days=30)}, **HX
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert page.lstrip().startswith('<section id="assignments"')
    assert "Assigned Calculus to Alice&#x27;s cohort" in page
    assert '<section id="outlook" class="card" aria-labelledby="outlook-heading" hx-swap-oob="true">' in page
    assert 'id="blocking" class="card" aria-labelledby="blocking-heading" hx-swap-oob="true"' in page
    assert "On track" in learner_row(page, "alice")


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"goals": ["calculus"], "due_date": "yesterday"}, "The due date "),
        ({"due_date": "in a week"}, "Pick at least one topic or track."),
        ({"goals": ["calculus", "astrology"], "due_date": "in a week"},
         "astrology: not a topic or track of the roadmap."),
        ({"goals": ["track:astrology"], "due_date": "in a week"},
         "track:astrology: not a topic or track of the roadmap."),
        ({"goals": ["calculus"], "due_date": "next tuesday"}, "Enter the due date as YYYY-MM-DD."),
        ({"goals": ["calculus"]}, "This field is required."),
        ({"goals": ["calculus"], "due_date": "in a week", "learner": "bob"},
         "bob is not a learner of this cohort."),
        ({"goals": ["calculus"], "due_date": "in a week", "note": "x" * 2001},
         "Ensure this value has at most 2000 characters"),
    ],
    ids=["past due date", "no goals", "unknown topic", "unknown track", "bad date", "no date",
         "learner outside the cohort", "long note"],
)  # fmt: skip
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(
    client, mentor, bob, cohort, roadmap, today, form, message, htmx
):
    days = {"yesterday": -1, "in a week": 7}
    if form.get("due_date") in days:
        form = {**form, "due_date": today + timedelta(days=days[form["due_date"]])}
    client.force_login(mentor)

    response = client.post(create_url(cohort), form, **(HX if htmx else {}))

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert ('<ul class="errorlist' in page) and (("<html" in page) != htmx)
    assert not Assignment.objects.exists()


def test_a_refused_form_keeps_what_the_mentor_typed(client, mentor, cohort, roadmap, today):
    client.force_login(mentor)

    response = client.post(
        create_url(cohort),
        {"goals": ["calculus"], "due_date": today - timedelta(days=1), "note": "Keep me"},
    )

    page = response.content.decode()
    assert '<input type="hidden" name="goals" value="calculus"><span class="label">Calculus</span>' in page
    assert ">\nKeep me</textarea>" in page


def test_get_on_the_posting_url_is_not_allowed(client, mentor, cohort):
    client.force_login(mentor)

    assert client.get(create_url(cohort)).status_code == 405


# --- Removing an assignment ------------------------------------------------------------------------


def test_removing_asks_for_confirmation_first_without_javascript(
    client, mentor, cohort, roadmap, today
):
    assignment = assign(mentor, ["calculus"], today + timedelta(days=3), cohort=cohort)
    client.force_login(mentor)

    page = client.get(cohort_url(cohort)).content.decode()
    assert f'href="{delete_url(cohort, assignment)}" hx-post="{delete_url(cohort, assignment)}"' in page
    assert 'hx-confirm="Remove the assignment due' in page

    confirm = client.get(delete_url(cohort, assignment))
    assert confirm.status_code == 200
    assert "Remove this assignment?" in confirm.content.decode()
    assert Assignment.objects.filter(pk=assignment.pk).exists()

    response = client.post(delete_url(cohort, assignment), follow=True)
    assert response.redirect_chain == [(cohort_url(cohort) + "#assignments", 302)]
    assert "Removed the assignment for Alice&#x27;s cohort" in response.content.decode()
    assert not Assignment.objects.exists()


def test_removing_with_htmx_swaps_the_assignments_section(
    client, mentor, alice, cohort, roadmap, today
):
    assignment = assign(mentor, ["calculus"], today + timedelta(days=3), learner=alice)
    client.force_login(mentor)

    response = client.post(delete_url(cohort, assignment), **HX)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Removed the assignment for alice" in page and "<html" not in page
    assert f'id="assignment-{assignment.id}"' not in page
    assert not Assignment.objects.exists()


def test_an_assignment_of_another_cohort_is_not_found_here(
    client, mentor, other_mentor, cohort, roadmap, today
):
    theirs = assign(
        other_mentor, ["calculus"], today, cohort=Cohort.objects.get(name="Bob's cohort")
    )
    mine_elsewhere = Cohort.objects.create(name="Mentor's second cohort")
    mine_elsewhere.mentors.add(mentor)
    elsewhere = assign(mentor, ["calculus"], today, cohort=mine_elsewhere)
    client.force_login(mentor)

    assert client.post(delete_url(cohort, theirs)).status_code == 404
    assert client.post(delete_url(cohort, elsewhere)).status_code == 404
    assert client.post(reverse("mentor-assignment-delete", args=[cohort.id, 999])).status_code == 404
    assert Assignment.objects.count() == 2


# --- What the page says about the cohort -----------------------------------------------------------


def test_a_slow_learner_with_a_near_due_date_is_behind_and_a_fast_one_on_track(
    client, mentor, alice, bob, cohort, roadmap, today
):
    cohort.learners.add(bob)
    weekly_hours(alice, 40)  # 20 hours of work: done in 4 days
    weekly_hours(bob, 1)  # 20 hours at one a week: about five months
    due = today + timedelta(days=7)
    assign(mentor, ["calculus"], due, cohort=cohort)
    client.force_login(mentor)

    page = client.get(cohort_url(cohort)).content.decode()

    alices, bobs = learner_row(page, "alice"), learner_row(page, "bob")
    assert '<span class="badge outlook outlook-on_track">On track</span>' in alices
    assert '<span class="badge outlook outlook-behind">Behind</span>' in bobs
    assert "Behind" not in alices and "On track" not in bobs
    assert "40 h/week" in alices and "1 h/week" in bobs
    assert '<td class="num" data-label="Hours left">20</td>' in bobs
    bob_finish = re.search(r'<li class="outlook-behind">\s*<time datetime="([\d-]+)"', bobs)[1]
    assert bob_finish > f"{due:%Y-%m-%d}"
    assert f"/ due <time datetime=\"{due:%Y-%m-%d}\">" in bobs


def test_a_learner_who_knows_the_goals_is_done(client, mentor, alice, cohort, roadmap, today):
    know(alice, "linear-algebra", "calculus")
    assign(mentor, ["calculus"], today, cohort=cohort)
    client.force_login(mentor)

    row = learner_row(client.get(cohort_url(cohort)).content.decode(), "alice")

    assert '<span class="badge outlook outlook-done">Done</span>' in row


def test_the_topics_blocking_most_learners_rank_first(
    client, mentor, alice, bob, cohort, roadmap, today
):
    carl, dana = (UserFactory(username=name, role=Role.LEARNER) for name in ("carl", "dana"))
    cohort.learners.add(bob, carl, dana)
    know(alice, "linear-algebra", "calculus")
    know(bob, "linear-algebra")
    know(dana, *roadmap)
    assign(mentor, ["deep-learning"], today + timedelta(days=30), cohort=cohort)
    client.force_login(mentor)

    page = client.get(cohort_url(cohort)).content.decode()

    ranking = page.split('<ol class="blocking">')[1].split("</ol>")[0]
    ranked = re.findall(r'<li id="blocking-([\w-]+)">.*?<strong>(\d+)</strong> of 4', ranking, re.S)
    assert ranked == [("probability", "3"), ("calculus", "1"), ("linear-algebra", "1")]
    assert "alice, bob, carl" in ranking
    assert 'href="/topics/calculus/">Calculus</a>' in learner_row(page, "bob")
    assert 'href="/topics/probability/">Probability</a>' in learner_row(page, "bob")


def test_an_assignment_is_marked_updated_once_the_roadmap_changes(
    client, mentor, cohort, roadmap, today
):
    assign(mentor, ["calculus"], today, cohort=cohort)
    client.force_login(mentor)
    assert ">Updated</span>" not in client.get(cohort_url(cohort)).content.decode()

    editing.topic_update(topic=roadmap["calculus"], hours=12)

    assert ">Updated</span>" in client.get(cohort_url(cohort)).content.decode()


def test_a_cohort_without_learners_or_assignments_still_renders(client, mentor, roadmap):
    empty = Cohort.objects.create(name="Empty")
    empty.mentors.add(mentor)
    client.force_login(mentor)

    page = client.get(cohort_url(empty)).content.decode()

    assert "No learners in this cohort yet." in page
    assert "Set goals below to see what holds the cohort up." in page
    assert "No assignments yet." in page


def test_the_cohort_page_costs_the_same_queries_for_one_learner_or_twenty(
    client, mentor, alice, cohort, roadmap, today, django_assert_max_num_queries
):
    assign(mentor, ["deep-learning"], today + timedelta(days=30), cohort=cohort)
    assign(mentor, ["calculus"], today + timedelta(days=5), learner=alice)
    client.force_login(mentor)
    client.get(cohort_url(cohort))  # builds and caches the roadmap graph

    with django_assert_max_num_queries(23) as one:
        assert client.get(cohort_url(cohort)).status_code == 200
    for n in range(19):
        learner = UserFactory(username=f"learner{n:02}", role=Role.LEARNER)
        cohort.learners.add(learner)
        know(learner, "linear-algebra")
        assign(mentor, ["probability"], today + timedelta(days=n), learner=learner)
    with django_assert_max_num_queries(23) as twenty:
        page = client.get(cohort_url(cohort)).content.decode()

    assert page.count('<tr id="learner-') == 20
    assert len(twenty.captured_queries) == len(one.captured_queries)
