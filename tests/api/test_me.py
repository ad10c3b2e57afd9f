"""/me/: a learner's profile, progress, finished resources, activity calendar and stats."""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.me.serializers import MeSerializer, TopicProgressSerializer
from api.renderers import JSONRenderer
from progress import services
from progress.models import Activity, ActivityKind, LearnerProfile, ResourceProgress, TopicProgress
from quizzes.models import Card
from quizzes.services import ReviewInput, review_submit
from roadmap.models import Topic
from tests.api.conftest import client_for
from tests.factories import QuestionFactory, TopicFactory, TrackFactory, UserFactory


def test_a_learner_reads_their_profile(as_alice):
    assert as_alice.get("/api/v1/me/").json() == {
        "username": "alice",
        "email": "alice@example.org",
        "roles": ["learner"],
        "time_zone": "UTC",
        "hours_per_week": 5.0,
        "new_cards_per_day": 20,
        "reviews_per_day": 200,
        "desired_retention": 0.9,
        "reminder_hour": 18,
    }


def test_me_is_written_exactly_as_its_documented_serializer_writes_it(db):
    """GET and PATCH answer with ``me_body``, not the serializer: the two stay one shape."""
    maya = UserFactory(username="maya", role="mentor")
    maya.groups.add(Group.objects.get_or_create(name="curator")[0])
    LearnerProfile.objects.filter(user=maya).update(time_zone="Asia/Tokyo", reminder_hour=None)
    client = client_for(maya)

    read = client.get("/api/v1/me/").json()
    changed = client.patch("/api/v1/me/", {"hours_per_week": 7.5}, format="json").json()

    profile = LearnerProfile.objects.select_related("user").get(user=maya)
    documented = json.loads(JSONRenderer().render(MeSerializer(profile).data))
    assert json.dumps(changed) == json.dumps(documented)  # the keys' order too
    assert json.dumps(read) == json.dumps({**documented, "hours_per_week": 5.0})
    assert sorted(read["roles"]) == ["curator", "mentor"]


def test_a_learner_changes_their_settings_and_email_together(as_alice, alice):
    response = as_alice.patch(
        "/api/v1/me/",
        {
            "time_zone": "America/Sao_Paulo",
            "hours_per_week": 10,
            "new_cards_per_day": 5,
            "reviews_per_day": 50,
            "desired_retention": 0.85,
            "reminder_hour": None,
            "email": "a@example.net",
        },
    )

    assert response.status_code == 200
    assert response.json()["time_zone"] == "America/Sao_Paulo"
    assert response.json()["email"] == "a@example.net"
    profile = LearnerProfile.objects.get(user=alice)
    assert (profile.hours_per_week, profile.reminder_hour, profile.desired_retention) == (
        10,
        None,
        0.85,
    )
    alice.refresh_from_db()
    assert alice.email == "a@example.net"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"time_zone": "Europe/Atlantis"},
            "time_zone",
            "'Europe/Atlantis' is not a known time zone",
        ),
        ({"hours_per_week": 0.1}, "hours_per_week", "greater than or equal to 0.5"),
        ({"desired_retention": 0.99}, "desired_retention", "less than or equal to 0.97"),
        ({"reminder_hour": 24}, "reminder_hour", "less than or equal to 23"),
        ({"email": "nope"}, "email", "Enter a valid email address."),
        ({"new_cards_per_day": "many"}, "new_cards_per_day", "A valid integer is required."),
    ],
)
def test_a_bad_setting_is_refused_and_nothing_changes(as_alice, alice, change, field, message):
    response = as_alice.patch("/api/v1/me/", {"hours_per_week": 12, **change})

    assert response.status_code == 400
    assert message in response.json()[field][0]
    assert LearnerProfile.objects.get(user=alice).hours_per_week == 5.0


def test_the_username_is_not_changed_through_me(as_alice, alice):
    as_alice.patch("/api/v1/me/", {"username": "mallory"})

    alice.refresh_from_db()
    assert alice.username == "alice"


def test_a_learner_sets_a_topics_status_and_notes(as_alice, alice, roadmap):
    response = as_alice.put(
        "/api/v1/me/progress/calculus/", {"status": "in_progress", "notes": "Chain rule!"}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["topic"], body["track"], body["status"], body["notes"]) == (
        "calculus",
        "math",
        "in_progress",
        "Chain rule!",
    )
    assert body["started_at"] is not None
    assert Activity.objects.filter(learner=alice, kind=ActivityKind.STATUS_CHANGED).count() == 1


def test_leaving_notes_out_keeps_them(as_alice, alice, roadmap):
    as_alice.put("/api/v1/me/progress/calculus/", {"status": "in_progress", "notes": "Keep me"})

    response = as_alice.put("/api/v1/me/progress/calculus/", {"status": "done"})

    assert (response.json()["status"], response.json()["notes"]) == ("done", "Keep me")


def test_a_transition_that_is_not_allowed_is_refused_and_named(as_alice, alice, roadmap):
    as_alice.put("/api/v1/me/progress/calculus/", {"status": "done"})

    response = as_alice.put("/api/v1/me/progress/calculus/", {"status": "skipped"})

    assert response.status_code == 400
    assert response.json() == {"status": ["a topic that is done cannot become skipped"]}
    assert TopicProgress.objects.get(learner=alice).status == "done"


def test_an_unknown_status_or_topic_is_refused(as_alice, roadmap):
    bad_status = as_alice.put("/api/v1/me/progress/calculus/", {"status": "mastered"})
    bad_topic = as_alice.put("/api/v1/me/progress/alchemy/", {"status": "done"})

    assert bad_status.status_code == 400
    assert bad_status.json() == {"status": ['"mastered" is not a valid choice.']}
    assert bad_topic.status_code == 404
    assert bad_topic.json() == {"detail": "No topic 'alchemy'."}


def test_progress_lists_only_the_callers_topics(as_alice, alice, bob, roadmap):
    services.topic_status_set(learner=alice, topic=roadmap.calculus, status="done")
    services.topic_status_set(learner=bob, topic=roadmap.linear_algebra, status="done")

    results = as_alice.get("/api/v1/me/progress/").json()["results"]

    assert [(p["topic"], p["status"]) for p in results] == [("calculus", "done")]


def test_progress_filters_by_status_and_track(as_alice, alice, roadmap):
    services.topic_status_set(learner=alice, topic=roadmap.calculus, status="done")
    services.topic_status_set(learner=alice, topic=roadmap.deep_learning, status="in_progress")

    done = as_alice.get("/api/v1/me/progress/?status=done").json()["results"]
    ml = as_alice.get("/api/v1/me/progress/?track=ml").json()["results"]

    assert [p["topic"] for p in done] == ["calculus"]
    assert [p["topic"] for p in ml] == ["deep-learning"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [("status=finished", "status", "finished is not one of the available choices"),
     ("track=nope", "track", "That choice is not one of the available choices")],
)  # fmt: skip
def test_a_bad_filter_is_refused_and_named_and_other_parameters_filter_nothing(
    as_alice, alice, roadmap, query, field, message
):
    services.topic_status_set(learner=alice, topic=roadmap.calculus, status="done")

    refused = as_alice.get(f"/api/v1/me/progress/?{query}")
    unfiltered = as_alice.get("/api/v1/me/progress/?page=1&utm_source=mail")

    assert refused.status_code == 400
    assert message in str(refused.json()[field])
    assert [row["topic"] for row in unfiltered.json()["results"]] == ["calculus"]


def test_the_progress_list_is_written_exactly_as_its_documented_serializer_writes_it(
    as_alice, alice, roadmap
):
    """The list is built from plain rows (``progress_row``), not by the serializer."""
    services.topic_status_set(learner=alice, topic=roadmap.calculus, status="done", notes="é\u2028")
    services.topic_status_set(learner=alice, topic=roadmap.deep_learning, status="in_progress")
    TopicProgress.objects.filter(topic=roadmap.calculus).update(
        retention=0.8125, coverage=0.5, needs_review=True
    )
    Topic.objects.filter(pk=roadmap.deep_learning.pk).update(retired_at=timezone.now())

    response = as_alice.get("/api/v1/me/progress/")

    rows = TopicProgress.objects.filter(learner=alice).order_by(
        "topic__track__position", "topic__slug"
    )
    expected = JSONRenderer().render(TopicProgressSerializer(rows, many=True).data)
    results = response.json()["results"]
    assert json.dumps(results) == json.dumps(json.loads(expected))  # the keys' order too
    assert [(row["mastery"], row["retired"]) for row in results] == [
        (0.40625, False),
        (None, True),
    ]


def test_one_topics_progress_reads_as_not_started_before_any_change(as_alice, roadmap):
    body = as_alice.get("/api/v1/me/progress/deep-learning/").json()

    assert (body["topic"], body["status"], body["notes"], body["updated_at"]) == (
        "deep-learning",
        "not_started",
        "",
        None,
    )


def test_a_learner_ticks_a_resource_off_and_undoes_it(as_alice, alice, roadmap):
    done = as_alice.post(f"/api/v1/me/resources/{roadmap.book.pk}/done/")
    again = as_alice.post(f"/api/v1/me/resources/{roadmap.book.pk}/done/")

    assert done.status_code == again.status_code == 200
    assert done.json()["resource"] == roadmap.book.pk
    assert again.json()["done_at"] == done.json()["done_at"]
    assert [r["slug"] for r in as_alice.get("/api/v1/me/resources/").json()["results"]] == ["ladr"]
    assert Activity.objects.filter(learner=alice, kind=ActivityKind.RESOURCE_DONE).count() == 1

    assert as_alice.delete(f"/api/v1/me/resources/{roadmap.book.pk}/done/").status_code == 204
    assert not ResourceProgress.objects.filter(learner=alice).exists()


def test_ticking_off_an_unknown_resource_is_a_404(as_alice, roadmap):
    response = as_alice.post("/api/v1/me/resources/9999/done/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No resource 9999."}


def log(learner, when: datetime, times: int = 1):
    for _ in range(times):
        Activity.objects.create(learner=learner, kind=ActivityKind.REVIEW, occurred_at=when)


def test_activity_counts_per_day_in_the_learners_time_zone(as_alice, alice):
    LearnerProfile.objects.filter(user=alice).update(time_zone="Asia/Tokyo")
    log(alice, datetime(2026, 3, 1, 14, 30, tzinfo=UTC))  # 23:30 on 1 March in Tokyo
    log(alice, datetime(2026, 3, 1, 15, 30, tzinfo=UTC), times=2)  # 00:30 on 2 March in Tokyo

    body = as_alice.get("/api/v1/me/activity/?from=2026-03-01&to=2026-03-03").json()

    assert body == {
        "from": "2026-03-01",
        "to": "2026-03-03",
        "time_zone": "Asia/Tokyo",
        "days": [
            {"date": "2026-03-01", "count": 1},
            {"date": "2026-03-02", "count": 2},
            {"date": "2026-03-03", "count": 0},
        ],
    }


def test_activity_defaults_to_the_last_365_days(as_alice):
    days = as_alice.get("/api/v1/me/activity/").json()["days"]

    assert len(days) == 365
    assert days[-1]["date"] == timezone.localdate().isoformat()


def test_activity_with_only_a_start_covers_365_days_from_it(as_alice):
    body = as_alice.get("/api/v1/me/activity/?from=2025-01-01").json()

    assert (body["from"], body["to"], len(body["days"])) == ("2025-01-01", "2025-12-31", 365)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=2026-13-01", "from", "Date has wrong format"),
        ("to=yesterday", "to", "Date has wrong format"),
        (
            "from=2026-03-05&to=2026-03-01",
            "to",
            "the range ends (2026-03-01) before it starts (2026-03-05)",
        ),
        (
            "from=2020-01-01&to=2026-01-01",
            "to",
            "the range covers 2193 days; ask for at most 366 at a time",
        ),
    ],
)
def test_bad_activity_ranges_are_refused_with_a_message(as_alice, query, field, message):
    response = as_alice.get(f"/api/v1/me/activity/?{query}")

    assert response.status_code == 400
    assert message in response.json()[field][0]


def test_a_leap_year_fits_in_one_request(as_alice):
    assert (
        len(as_alice.get("/api/v1/me/activity/?from=2024-01-01&to=2024-12-31").json()["days"])
        == 366
    )


def test_stats_count_topics_per_track_streaks_and_hours(as_alice, alice, roadmap):
    today = timezone.now()
    services.topic_status_set(
        learner=alice, topic=roadmap.calculus, status="done", at=today - timedelta(days=1)
    )
    services.topic_status_set(
        learner=alice, topic=roadmap.linear_algebra, status="skipped", at=today
    )

    stats = as_alice.get("/api/v1/me/stats/").json()

    no_cards = {"cards": 0, "studied": 0, "coverage": 0.0, "retention": None, "needs_review": 0}
    assert stats == {
        "tracks": [
            {"track": "math", "title": "Math", "done": 2, "total": 2, **no_cards},
            {"track": "ml", "title": "Machine learning", "done": 0, "total": 1, **no_cards},
        ],
        "streak": {"current": 2, "longest": 2},
        "hours": {"done": 5, "remaining": 40},
    }


def test_stats_report_coverage_and_retention_per_track_separately(as_alice, alice, roadmap):
    for number in range(4):
        QuestionFactory(topic=roadmap.calculus, key=f"calculus-{number}")
    services.topic_status_set(learner=alice, topic=roadmap.calculus, status="done")
    # The daily new-card limit let three of the four cards in.
    for card in Card.objects.filter(learner=alice).order_by("pk")[:3]:
        review_submit(learner=alice, review=ReviewInput(card_id=card.pk, rating=4))

    math = as_alice.get("/api/v1/me/stats/").json()["tracks"][0]

    assert (math["track"], math["cards"], math["studied"], math["coverage"]) == ("math", 4, 3, 0.75)
    assert math["retention"] == 1.0  # just studied: the waiting card does not lower it
    assert math["needs_review"] == 0


def test_a_mentor_and_a_curator_have_a_me_too(as_mentor, as_carol):
    assert as_mentor.get("/api/v1/me/").json()["roles"] == ["mentor"]
    assert as_carol.get("/api/v1/me/").json()["roles"] == ["curator"]


def test_notes_must_be_text(as_alice, roadmap):
    response = as_alice.put("/api/v1/me/progress/calculus/", {"status": "in_progress", "notes": -1308})

    assert response.status_code == 400
    assert response.json() == {"notes": ["Not a valid string."]}


ZONES = ["UTC", "Pacific/Auckland", "America/Los_Angeles"]
STATUSES = ["not_started", "in_progress", "done", "skipped"]


@st.composite
def learners_progress(draw):
    """A small roadmap (hours per topic, grouped in tracks) and 2-4 learners, each with a
    time zone and, per topic, a status set some days ago."""
    tracks = draw(
        st.lists(st.lists(st.integers(1, 60), min_size=0, max_size=4), min_size=1, max_size=3)
    )
    topic_count = sum(len(hours) for hours in tracks)
    learner = st.tuples(
        st.sampled_from(ZONES),
        st.lists(
            st.tuples(st.sampled_from(STATUSES), st.integers(0, 9)),
            min_size=topic_count,
            max_size=topic_count,
        ),
    )
    return tracks, draw(st.lists(learner, min_size=2, max_size=4))


def expected_stats(*, tracks, topics, rows, zone, now):
    """me/stats worked out directly from one learner's own rows, with no database."""
    known = {topic for topic, (status, _) in rows.items() if status in ("done", "skipped")}
    hours = {
        status: sum(topic.hours for topic, (s, _) in rows.items() if s == status)
        for status in ("done", "skipped")
    }
    total = sum(topic.hours for topic in topics)
    days = {at.astimezone(zone).date() for status, at in rows.values() if status != "not_started"}
    today = now.astimezone(zone).date()
    current, day = 0, today if today in days else today - timedelta(days=1)
    while day in days:
        current, day = current + 1, day - timedelta(days=1)
    longest = 0
    for first in days - {day + timedelta(days=1) for day in days}:
        run = 0
        while first + timedelta(days=run) in days:
            run += 1
        longest = max(longest, run)
    return {
        "tracks": [
            {
                "track": track.slug,
                "title": track.title,
                "done": len([t for t in topics if t.track == track and t in known]),
                "total": len([t for t in topics if t.track == track]),
                # These topics have no quiz questions, so no cards.
                "cards": 0, "studied": 0, "coverage": 0.0, "retention": None, "needs_review": 0,
            }  # fmt: skip
            for track in tracks
        ],
        "streak": {"current": current, "longest": longest},
        "hours": {"done": hours["done"], "remaining": total - hours["done"] - hours["skipped"]},
    }


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(world=learners_progress())
def test_every_figure_of_stats_counts_only_the_callers_own_rows(db, world):
    track_hours, learners = world
    now = timezone.now()
    with transaction.atomic():
        tracks = [
            TrackFactory(slug=f"track-{i}", title=f"Track {i}", position=i)
            for i in range(len(track_hours))
        ]
        topics = [
            TopicFactory(slug=f"t-{i}-{j}", track=track, hours=hours)
            for i, (track, hours_list) in enumerate(zip(tracks, track_hours, strict=True))
            for j, hours in enumerate(hours_list)
        ]
        people = []
        for n, (zone, moves) in enumerate(learners):
            learner = UserFactory(username=f"learner{n}")
            LearnerProfile.objects.filter(user=learner).update(time_zone=zone)
            rows = {}
            for topic, (status, days_ago) in zip(topics, moves, strict=True):
                at = now - timedelta(days=days_ago, hours=n)
                services.topic_status_set(learner=learner, topic=topic, status=status, at=at)
                rows[topic] = (status, at)
            people.append((learner, ZoneInfo(zone), rows))

        for learner, zone, rows in people:
            stats = client_for(learner).get("/api/v1/me/stats/").json()

            assert stats == expected_stats(
                tracks=tracks, topics=topics, rows=rows, zone=zone, now=now
            ), learner.username
        transaction.set_rollback(True)


def test_your_account_costs_three_queries_the_token_the_profile_and_the_roles(
    alice, as_alice, django_assert_max_num_queries
):
    as_alice.get("/api/v1/me/")  # the profile exists from now on
    with django_assert_max_num_queries(3):
        body = as_alice.get("/api/v1/me/").json()
    assert (body["username"], body["roles"]) == ("alice", ["learner"])
