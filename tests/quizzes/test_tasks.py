"""Behaviour of quizzes.tasks: reminders, the nightly mastery refresh, the monthly fit.

Celery runs eagerly here (tests/conftest.py); the real worker is in test_celery_worker.py.
"""

import random
import smtplib
from datetime import UTC, date, datetime, timedelta

import fsrs
import pytest
from django.conf import settings
from django.core import mail
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from config.celery import app
from progress.models import LearnerProfile, TopicProgress, User
from quizzes import fitting, optimizer, reminders, scheduler, selectors, services, tasks
from quizzes.models import Card, ParameterFit, Reminder, ReviewLog
from tests.concurrency import at_once
from tests.factories import QuestionFactory, TopicFactory, TopicProgressFactory, UserFactory
from tests.quizzes.test_services import card_for, postgres_only, submit

AT = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo, 20:00 the day before in New York


def learner(name, zone="Asia/Tokyo", hour=9, due=2, **fields):
    user = UserFactory(username=name)
    LearnerProfile.objects.filter(user=user).update(time_zone=zone, reminder_hour=hour, **fields)
    topic = TopicFactory()
    QuestionFactory.create_batch(due, topic=topic)
    services.enroll_topic_cards(learner=user, topic=topic, now=AT - timedelta(days=1))
    return user


@pytest.fixture
def run(db, django_capture_on_commit_callbacks):
    """Run a task as beat would, with the chunk tasks it enqueues on commit."""

    def run(task, at=AT):
        with django_capture_on_commit_callbacks(execute=True):
            return task.delay(at.isoformat()).get()

    return run


# --- Reminders -------------------------------------------------------------------------------


def test_a_learner_gets_one_email_and_one_notice_at_their_local_hour(run):
    ken = learner("ken", due=3)

    run(tasks.send_review_reminders)

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert (email.to, email.subject) == (["ken@example.org"], "3 cards to review today")
    assert f"{settings.SITE_URL}/reviews/" in email.body
    reminder = Reminder.objects.get(learner=ken)
    assert (reminder.local_date, reminder.due_count, reminder.seen_at) == (
        date(2026, 6, 1),
        3,
        None,
    )
    assert reminder.emailed_at is not None


def test_the_reminder_task_run_twice_sends_one_email(run):
    learner("ken")

    run(tasks.send_review_reminders)
    run(tasks.send_review_reminders)
    run(tasks.send_review_reminders, AT + timedelta(minutes=20))

    assert len(mail.outbox) == 1
    assert Reminder.objects.count() == 1


def test_the_local_reminder_hour_is_respected_across_time_zones(run):
    learner("tokyo", zone="Asia/Tokyo", hour=9)
    learner("new-york", zone="America/New_York", hour=9)
    learner("kathmandu", zone="Asia/Kathmandu", hour=5)  # UTC+5:45: 05:45 there

    run(tasks.send_review_reminders)
    at_nine_in_new_york = AT + timedelta(hours=13)
    run(tasks.send_review_reminders, at_nine_in_new_york)

    assert [m.to[0] for m in mail.outbox] == [
        "tokyo@example.org",
        "kathmandu@example.org",
        "new-york@example.org",
    ]
    assert Reminder.objects.get(learner__username="new-york").local_date == date(2026, 6, 1)


def test_the_reminder_is_for_the_learners_local_date(run):
    learner("auckland", zone="Pacific/Auckland", hour=9)  # UTC+12 in June

    run(tasks.send_review_reminders, datetime(2026, 5, 31, 21, 0, tzinfo=UTC))

    assert Reminder.objects.get().local_date == date(2026, 6, 1)


def test_no_reminder_without_cards_due_or_for_learners_who_opted_out(run):
    learner("nothing-due", due=0)
    learner("opted-out", hour=None)

    run(tasks.send_review_reminders)

    assert mail.outbox == []
    assert not Reminder.objects.exists()


def test_a_learner_without_an_email_address_still_gets_the_in_app_notice(run):
    User.objects.filter(pk=learner("ken").pk).update(email="")

    run(tasks.send_review_reminders)

    assert mail.outbox == []
    assert Reminder.objects.get().emailed_at is None


def test_a_reminder_claimed_by_another_worker_is_not_sent_again(db):
    ken = learner("ken")
    Reminder.objects.create(learner=ken, local_date=date(2026, 6, 1), claimed_at=timezone.now())

    assert reminders.reminder_send(learner_id=ken.pk, at=AT) is None
    assert mail.outbox == []


def test_a_sent_reminder_is_never_sent_again(db):
    ken = learner("ken")
    claimed = timezone.now() - timedelta(hours=1)
    Reminder.objects.create(learner=ken, local_date=date(2026, 6, 1), claimed_at=claimed, sent_at=claimed)

    assert reminders.reminder_send(learner_id=ken.pk, at=AT) is None
    assert tasks.retry_reminders.delay().get() == 0
    assert mail.outbox == []


def test_a_claim_a_killed_worker_left_is_retried_after_the_timeout(db, settings):
    settings.REMINDER_CLAIM_TIMEOUT_SECONDS = 300
    ken, ada = learner("ken"), learner("ada")
    # ken's worker died after claiming; ada's chunk was written down but never reached.
    Reminder.objects.create(learner=ken, local_date=date(2026, 6, 1), claimed_at=timezone.now() - timedelta(minutes=6))
    Reminder.objects.create(learner=ada, local_date=date(2026, 6, 1))
    Reminder.objects.update(created_at=timezone.now() - timedelta(minutes=10))

    assert tasks.retry_reminders.delay().get() == 2
    assert tasks.retry_reminders.delay().get() == 0

    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.org", "ken@example.org"]
    assert {m.extra_headers["Message-ID"] for m in mail.outbox} == {
        f"<reminder-{ken.pk}-2026-06-01@pathwise>",
        f"<reminder-{ada.pk}-2026-06-01@pathwise>",
    }
    assert not Reminder.objects.filter(sent_at=None).exists()


def test_a_fresh_claim_is_left_to_its_worker(db, settings):
    settings.REMINDER_CLAIM_TIMEOUT_SECONDS = 300
    ken = learner("ken")
    Reminder.objects.create(learner=ken, local_date=date(2026, 6, 1), claimed_at=timezone.now() - timedelta(minutes=1))

    assert tasks.retry_reminders.delay().get() == 0
    assert mail.outbox == []


def test_the_database_keeps_one_reminder_per_learner_and_local_day(db):
    ken = learner("ken")
    Reminder.objects.create(learner=ken, local_date=date(2026, 6, 1))

    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(learner=ken, local_date=date(2026, 6, 1))


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_reminder_at_once_send_one_email():
    ken = learner("ken")
    def send():
        reminders.reminder_send(learner_id=ken.pk, at=AT)

    at_once(send, send, send, send)

    assert len(mail.outbox) == 1
    assert Reminder.objects.count() == 1


def test_a_failed_email_releases_the_claim_so_the_retry_sends_it(db, monkeypatch):
    ken = learner("ken")
    real_send = reminders.EmailMessage.send
    failures = iter([smtplib.SMTPServerDisconnected("gone")])

    def flaky_send(message, *args, **kwargs):
        for error in failures:
            raise error
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(reminders.EmailMessage, "send", flaky_send)

    with pytest.raises(smtplib.SMTPServerDisconnected):
        reminders.reminder_send(learner_id=ken.pk, at=AT)
    assert Reminder.objects.get().claimed_at is None
    reminders.reminder_send(learner_id=ken.pk, at=AT)

    assert len(mail.outbox) == 1
    assert Reminder.objects.get().emailed_at is not None


def test_an_email_failing_half_way_through_a_chunk_leaves_the_rest_for_the_retry(db, monkeypatch, settings):
    settings.REMINDER_CLAIM_TIMEOUT_SECONDS = 0
    learners = [learner(name) for name in ("ken", "ada", "lin")]
    real_send = reminders.EmailMessage.send
    sends = iter([real_send, smtplib.SMTPServerDisconnected("gone")])

    def flaky_send(message, *args, **kwargs):
        for step in sends:
            if isinstance(step, Exception):
                raise step
            return step(message, *args, **kwargs)
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(reminders.EmailMessage, "send", flaky_send)

    with pytest.raises(smtplib.SMTPServerDisconnected):
        tasks.send_reminders_to([u.pk for u in learners], AT.isoformat())
    assert Reminder.objects.exclude(sent_at=None).count() == 1  # the one emailed counts as sent
    assert Reminder.objects.filter(sent_at=None, claimed_at=None).count() == 2
    assert tasks.retry_reminders.delay().get() == 2

    assert len(mail.outbox) == 3 and len({m.to[0] for m in mail.outbox}) == 3
    assert Reminder.objects.filter(sent_at=None).count() == 0


def test_due_counts_for_many_learners_equal_each_learners_own(db):
    zones = ["Asia/Tokyo", "America/New_York", "Europe/Berlin", "UTC"]
    users = [learner(f"l{n}", zone=zones[n % 4], due=n % 3, new_cards_per_day=1 + n % 2) for n in range(8)]
    for user in users[1::3]:  # one of their cards reviewed today: it counts against their limits
        submit(user, Card.objects.filter(learner=user).first(), 3, AT - timedelta(minutes=30))
    counts = selectors.due_counts(learner_ids=[u.pk for u in users], now=AT)
    for user in users:
        user._profile_cache = None
    assert counts == {u.pk: selectors.due_count(learner=u, now=AT) for u in users}
    assert sorted(set(counts.values())) == [0, 1, 2]


def test_ten_thousand_learners_make_twenty_reminder_tasks_not_ten_thousand(db, monkeypatch):
    users = User.objects.bulk_create(User(username=f"learner-{n}") for n in range(10_000))
    LearnerProfile.objects.bulk_create(
        LearnerProfile(user=user, time_zone="Asia/Tokyo", reminder_hour=9) for user in users
    )
    enqueued = []
    monkeypatch.setattr(
        tasks.send_reminders_to, "delay_on_commit", lambda ids, at: enqueued.append(ids)
    )

    assert tasks.send_review_reminders.delay(AT.isoformat()).get() == 20

    assert [len(ids) for ids in enqueued] == [500] * 20
    assert sorted(i for ids in enqueued for i in ids) == sorted(user.pk for user in users)


def test_tasks_are_late_acked_retried_on_transient_errors_and_time_limited():
    for task in (
        tasks.send_review_reminders,
        tasks.send_reminders_to,
        tasks.retry_reminders,
        tasks.refresh_mastery,
        tasks.refresh_mastery_for,
        tasks.optimise_parameters,
        tasks.optimise_parameters_for,
    ):
        assert task.acks_late is True
        assert set(task.autoretry_for) >= {smtplib.SMTPException, OperationalError}
        assert task.max_retries == 5 and task.retry_backoff
        assert 0 < task.soft_time_limit < task.time_limit


def test_the_beat_schedule_runs_the_review_tasks():
    schedule = settings.CELERY_BEAT_SCHEDULE
    ours = {name: entry for name, entry in schedule.items() if name.startswith("quizzes-")}
    assert {entry["task"] for entry in ours.values()} == {
        "quizzes.tasks.send_review_reminders",
        "quizzes.tasks.retry_reminders",
        "quizzes.tasks.refresh_mastery",
        "quizzes.tasks.optimise_parameters",
    }
    assert {entry["task"] for entry in ours.values()} <= set(app.tasks)
    assert ours["quizzes-retry-reminders"]["schedule"].minute == set(range(0, 60, 5))
    hourly = ours["quizzes-review-reminders"]["schedule"]
    assert hourly.minute == {0} and len(hourly.hour) == 24


# --- Mastery ---------------------------------------------------------------------------------


def test_the_nightly_refresh_updates_mastery_and_needs_review(run, alice):
    topic = TopicFactory()
    card = card_for(alice, QuestionFactory(topic=topic), at=AT - timedelta(days=60))
    submit(alice, card, 3, AT - timedelta(days=60))
    TopicProgressFactory(learner=alice, topic=topic, status="done")

    run(tasks.refresh_mastery)

    progress = TopicProgress.objects.get(learner=alice, topic=topic)
    assert 0 < progress.retention < 0.9
    assert progress.needs_review is True


# --- Per-learner parameters ------------------------------------------------------------------


def simulate_reviews(
    user, *, strength: float, seed: int, end=AT, cards: int = 80, reviews: int = 10
):
    """Three years of reviews up to ``end`` by a learner whose memory is ``strength`` times
    as stable as FSRS's defaults expect. Returns how many."""
    rng = random.Random(seed)
    fsrs_scheduler = fsrs.Scheduler(enable_fuzzing=False)
    start = end - timedelta(days=3 * 365)
    topic = TopicFactory()
    logs = []
    for question in QuestionFactory.create_batch(cards, topic=topic):
        card = Card.objects.create(
            learner=user, question=question, topic=topic, due=start, created_at=start
        )
        state, at = fsrs.Card(card_id=card.pk, due=start), start
        for _ in range(reviews):
            if at >= end:
                break
            if state.last_review is None:
                rating = 3
            else:
                elapsed = (at - state.last_review).days
                recall = (
                    1 + fsrs_scheduler._FACTOR * elapsed / (state.stability * strength)
                ) ** fsrs_scheduler._DECAY
                rating = 3 if rng.random() < recall else 1
            state, _ = fsrs_scheduler.review_card(state, fsrs.Rating(rating), at)
            logs.append(ReviewLog(card=card, learner=user, rating=rating, reviewed_at=at))
            at = max(state.due, at + timedelta(days=1))
    ReviewLog.objects.bulk_create(logs)
    assert len(logs) >= optimizer.MIN_REVIEWS
    return len(logs)


def test_monthly_optimisation_records_both_losses_and_adopts_only_a_better_fit(run):
    strong, settled = UserFactory(username="strong"), UserFactory(username="settled")
    count = simulate_reviews(strong, strength=4.0, seed=1)
    simulate_reviews(settled, strength=1.0, seed=2)
    # settled already uses parameters fitted to all their reviews, recent ones included:
    # a fit on the older reviews alone cannot predict the recent ones better.
    own = list(optimizer.fit_parameters(selectors.review_rows(learner_id=settled.pk, until=AT)))
    LearnerProfile.objects.filter(user=settled).update(fsrs_parameters=own)

    run(tasks.optimise_parameters)

    adopted, kept = (
        ParameterFit.objects.get(learner=strong),
        ParameterFit.objects.get(learner=settled),
    )
    assert (adopted.period, adopted.review_count) == ("2026-06", count)
    assert adopted.adopted is True and adopted.candidate_loss < adopted.current_loss
    assert adopted.scored >= optimizer.MIN_SCORED and adopted.improvement_low > 0
    assert "log loss improves" in adopted.decision
    assert LearnerProfile.objects.get(user=strong).fsrs_parameters == adopted.parameters
    assert kept.adopted is False and kept.candidate_loss >= kept.current_loss
    assert "not above zero" in kept.decision
    assert kept.parameters == own
    assert LearnerProfile.objects.get(user=settled).fsrs_parameters == own


def test_adopted_parameters_recompute_every_card_from_its_log(run):
    strong = UserFactory(username="strong")
    simulate_reviews(strong, strength=4.0, seed=1)

    run(tasks.optimise_parameters)

    parameters = LearnerProfile.objects.get(user=strong).fsrs_parameters
    settings = scheduler.SchedulerSettings(parameters=tuple(parameters))
    cards = list(Card.objects.filter(learner=strong).order_by("pk"))
    for card in cards:
        log = list(card.reviews.order_by("reviewed_at").values_list("rating", "reviewed_at"))
        replayed = scheduler.replay(
            scheduler.CardState.new(card.created_at), log, settings=settings, seed_prefix=card.pk
        )
        assert selectors.card_state(card) == replayed and card.reps == len(log)
    before = [selectors.card_state(card) for card in cards]
    fitting.cards_reschedule(learner_id=strong.pk)  # again: the same cards
    assert [selectors.card_state(card) for card in Card.objects.filter(learner=strong).order_by("pk")] == before


def test_optimisation_runs_once_per_learner_and_month(run):
    strong = UserFactory(username="strong")
    simulate_reviews(strong, strength=4.0, seed=1)
    run(tasks.optimise_parameters)
    first = ParameterFit.objects.get()

    run(tasks.optimise_parameters, AT + timedelta(days=3))
    assert list(ParameterFit.objects.all()) == [first]

    # Next month, nothing new to learn from: the fitted set is kept, not refitted blindly.
    run(tasks.optimise_parameters, AT + timedelta(days=31))
    july = ParameterFit.objects.get(period="2026-07")
    assert july.adopted is False and july.current_loss <= july.candidate_loss
    assert LearnerProfile.objects.get(user=strong).fsrs_parameters == first.parameters


def test_optimisation_waits_for_enough_reviews(run, alice):
    card = card_for(alice)
    submit(alice, card, 3, AT - timedelta(days=1))

    assert run(tasks.optimise_parameters) == 0
    assert fitting.parameters_optimise(learner_id=alice.pk, at=AT) is None
    assert not ParameterFit.objects.exists()
