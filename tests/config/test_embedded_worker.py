"""`make run`'s shape: a real Celery worker on the embedded filesystem broker and SQLite.

Everything runs in subprocesses against a fresh ``PATHWISE_VAR_DIR``, exactly as a new
user's machine would (no Redis, no PostgreSQL): the hourly reminder task is queued, the
worker fans it out and sends the email through Django's file mail backend.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.locations import ROOT

pytestmark = pytest.mark.celery_worker

SETUP = """
from django.utils import timezone
from progress.services import user_create, topic_status_set
from quizzes.models import Question
from roadmap.models import Topic, Track

now = timezone.now()
track = Track.objects.create(slug="math", title="Math", position=1)
topic = Topic.objects.create(slug="calculus", title="Calculus", track=track, hours=10)
Question.objects.create(key="calculus-derivative", topic=topic, kind="free-recall",
                        prompt="What does a derivative measure?", answer="A rate of change.")
ada = user_create(username="ada", password=None, email="ada@example.org", time_zone="UTC",
                  reminder_hour=now.hour)
topic_status_set(learner=ada, topic=topic, status="in_progress", at=now)
"""


def _env(var: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL"}}
    return env | {
        "PATHWISE_VAR_DIR": str(var),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(var / "mail"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def _manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_reminder_beat_task_runs_on_a_worker_over_the_filesystem_broker(tmp_path):
    env = _env(tmp_path)
    _manage(env, "migrate", "-v0")
    _manage(env, "shell", "-c", SETUP)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _manage(env, "shell", "-c", "from quizzes.tasks import send_review_reminders; send_review_reminders.delay()")
        mail = tmp_path / "mail"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (mail.exists() and any(mail.iterdir())):
            time.sleep(0.5)
        sent = [path.read_text() for path in mail.iterdir()] if mail.exists() else []
    finally:
        worker.terminate()
        log = worker.communicate(timeout=30)[0]
    assert len(sent) == 1, f"no reminder email within 60 s; worker log:\n{log[-3000:]}"
    assert "To: ada@example.org" in sent[0]
    assert "quizzes.tasks.send_reminders_to" in log and "succeeded" in log
    reminders = _manage(env, "shell", "-c", "from quizzes.models import Reminder; print(Reminder.objects.count())")
    assert reminders.strip().splitlines()[-1] == "1"
