"""The beat tasks run end to end on a real Celery worker process, on Redis.

The worker is ``celery -A config worker`` in a subprocess. It must see the rows this test
writes, so both use the PostgreSQL test database (``transactional_db`` commits them;
pytest-django's SQLite test database lives in this process's memory, where no other
process can reach it). Mail goes to Django's file backend in a temporary folder, set
through the EMAIL_BACKEND and EMAIL_FILE_PATH environment variables config.settings reads.

Run with::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pathwise \\
        .venv/bin/python -m pytest -m celery_worker tests/quizzes -q -p no:cacheprovider
"""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection
from django.utils import timezone

from progress.models import LearnerProfile, TopicProgress
from quizzes import services
from quizzes.models import ParameterFit, Reminder
from tests.factories import QuestionFactory, TopicFactory, TopicProgressFactory, UserFactory
from tests.locations import ROOT
from tests.quizzes.test_services import card_for, submit
from tests.quizzes.test_tasks import simulate_reviews

BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
if not BROKER_URL.startswith("redis://"):
    BROKER_URL = "redis://127.0.0.1:6379/2"


def _redis_down() -> str | None:
    try:
        redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        return f"Redis is not reachable at {BROKER_URL} ({error})"
    return None


pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        connection.vendor != "postgresql" and not os.environ.get("CI"),
        reason="the worker process needs to share the test database: set DATABASE_URL to "
        "PostgreSQL (the SQLite test database is in this process's memory)",
    ),
    pytest.mark.skipif(bool(_redis_down()) and not os.environ.get("CI"), reason=_redis_down() or ""),
]


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _eventually(check, *, timeout=60, what="the worker"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def worker(transactional_db, tmp_path):
    """A running worker on this test database; yields (client app, mail folder, log file)."""
    mail_dir, log_path = tmp_path / "mail", tmp_path / "worker.log"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CACHE_URL": "locmem://",
        "PATHWISE_VAR_DIR": str(tmp_path / "var"),
    }
    client = Celery("pathwise-test-client", broker=BROKER_URL)
    client.conf.task_default_queue = "celery"
    client.control.purge()  # leftovers of an earlier, interrupted run
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"pytest-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _eventually(
            lambda: process.poll() is not None or "ready." in log_path.read_text(),
            timeout=60,
            what="the worker to start",
        )
        assert process.poll() is None, log_path.read_text()
        yield client, mail_dir, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        client.close()


def succeeded(log_path: Path, task: str) -> int:
    return sum(
        f"Task {task}[" in line and "succeeded" in line
        for line in log_path.read_text().splitlines()
    )


def test_the_beat_tasks_run_end_to_end_on_a_real_worker(worker):
    client, mail_dir, log_path = worker
    now = timezone.now()
    if now.minute == 59 and now.second > 30:  # keep the reminder hour from turning mid-test
        time.sleep(61 - now.second)
        now = timezone.now()
    zone = "Asia/Tokyo"

    ken = UserFactory(username="ken")
    LearnerProfile.objects.filter(user=ken).update(
        time_zone=zone, reminder_hour=now.astimezone(ZoneInfo(zone)).hour
    )
    topic = TopicFactory()
    QuestionFactory.create_batch(3, topic=topic)
    services.enroll_topic_cards(learner=ken, topic=topic, now=now - timedelta(days=1))
    done = TopicFactory()
    card = card_for(ken, QuestionFactory(topic=done), at=now - timedelta(days=40))
    submit(ken, card, 3, now - timedelta(days=40))
    TopicProgressFactory(learner=ken, topic=done, status="done")
    strong = UserFactory(username="strong")
    simulate_reviews(strong, strength=4.0, seed=1, end=now - timedelta(hours=1))

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        if name.startswith("quizzes-"):  # as beat sends them; other apps' jobs are theirs to test
            client.send_task(
                entry["task"], args=entry.get("args", ()), kwargs=entry.get("kwargs", {})
            )

    _eventually(
        lambda: Reminder.objects.filter(learner=ken, emailed_at__isnull=False).exists(),
        what="the reminder",
    )
    _eventually(
        lambda: TopicProgress.objects.filter(
            learner=ken, topic=done, retention__isnull=False
        ).exists(),
        what="the mastery refresh",
    )
    _eventually(
        lambda: ParameterFit.objects.filter(learner=strong).exists(), what="the parameter fit"
    )

    emails = list(mail_dir.iterdir())
    assert len(emails) == 1
    message = emails[0].read_text()
    assert "To: ken@example.org" in message and "cards to review today" in message
    progress = TopicProgress.objects.get(learner=ken, topic=done)
    assert progress.needs_review is True and progress.retention < 0.9
    fit = ParameterFit.objects.get(learner=strong)
    assert fit.current_loss > 0 and fit.candidate_loss > 0
    assert (
        LearnerProfile.objects.get(user=strong).fsrs_parameters == fit.parameters
    ) is fit.adopted

    # The hour's reminder task delivered again: the claimed reminder is not sent twice.
    client.send_task("quizzes.tasks.send_review_reminders")
    _eventually(
        lambda: succeeded(log_path, "quizzes.tasks.send_reminders_to") == 2, what="the second run"
    )
    assert len(list(mail_dir.iterdir())) == 1
    assert Reminder.objects.filter(learner=ken).count() == 1
