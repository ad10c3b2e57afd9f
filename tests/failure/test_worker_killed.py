"""SIGKILL the Celery worker in the middle of the hour's reminders: once a worker runs
again, every learner has exactly one email."""

import email
import time

import pytest

from tests.failure.conftest import app_env, eventually, shell, sql, start_worker

pytestmark = pytest.mark.failure

LEARNERS = 30

# This test's learners only: the session's database also holds the other failure tests'
# learners, whose default reminder hour (18:00 UTC) may be this hour.
OURS = "FROM quizzes_reminder r JOIN progress_user u ON u.id = r.learner_id WHERE u.username LIKE 'learner%%'"

SEED = """
from datetime import timedelta
from django.utils import timezone
from progress.models import LearnerProfile, User
from quizzes.services import enroll_topic_cards
from tests.factories import QuestionFactory, TopicFactory, TrackFactory
now = timezone.now()
topic = TopicFactory(slug="reminded", track=TrackFactory(slug="reminded", position=91))
for n in range(2):
    QuestionFactory(topic=topic, key=f"reminded-{n}")
for n in range(%(learners)d):
    user = User.objects.create(username=f"learner{n:02d}", email=f"learner{n:02d}@example.org")
    LearnerProfile.objects.create(user=user, time_zone="UTC", reminder_hour=now.hour)
    enroll_topic_cards(learner=user, topic=topic, now=now - timedelta(days=1))
"""


def test_a_worker_killed_mid_batch_leaves_every_learner_exactly_one_email(postgres, private_redis, tmp_path):
    if time.gmtime().tm_min == 59 and time.gmtime().tm_sec > 30:
        time.sleep(31)  # the reminder hour must not turn during the test
    shell(SEED % {"learners": LEARNERS})
    mail = tmp_path / "mail"
    env = app_env(
        tmp_path,
        EMAIL_BACKEND="tests.failure.slowmail.EmailBackend",
        EMAIL_FILE_PATH=str(mail),
        REMINDER_CLAIM_TIMEOUT_SECONDS="2",
    )
    worker = start_worker(env, tmp_path / "worker-1.log")
    try:
        shell("from quizzes.tasks import send_review_reminders; send_review_reminders.delay()", env=env)
        sent = f"SELECT count(*) {OURS} AND r.sent_at IS NOT NULL"
        eventually(lambda: sql(sent)[0][0] >= 5, what="the first reminders")
    finally:
        worker.kill()  # SIGKILL, the whole process group: no clean-up runs
    assert sql(sent)[0][0] < LEARNERS, "the batch finished before the kill: nothing was tested"
    assert sql(f"SELECT count(*) {OURS}")[0][0] == LEARNERS  # written down first

    worker = start_worker(env, tmp_path / "worker-2.log")
    try:
        time.sleep(2)  # the dead worker's claims go stale

        def all_sent():  # as beat does every five minutes
            shell("from quizzes.tasks import retry_reminders; retry_reminders.delay()", env=env)
            return sql(sent)[0][0] == LEARNERS

        eventually(all_sent, timeout=40, what="every reminder to be sent")
    finally:
        worker.stop()

    # Django's file backend appends every message, then a line of 79 dashes, to a file per
    # connection (two connections in the same second may share one).
    separator = b"\n" + b"-" * 79 + b"\n"
    messages = [
        email.message_from_bytes(chunk)
        for path in mail.iterdir()
        for chunk in path.read_bytes().split(separator)
        if chunk.strip()
    ]
    ours = [message for message in messages if message["To"].startswith("learner")]
    recipients = sorted(message["To"] for message in ours)
    assert recipients == [f"learner{n:02d}@example.org" for n in range(LEARNERS)]
    assert len({message["Message-ID"] for message in ours}) == LEARNERS
