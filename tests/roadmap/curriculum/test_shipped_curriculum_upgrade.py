"""Upgrading a database loaded with the first shipped curriculum to the current one.

The first version's six files are kept in ``curriculum-v1.tar.xz`` beside this test (taken from
commit 0b5eefb, the last one before curriculum v2, so the test needs no git history) and the
test runs the real upgrade a deployed instance goes through: a dry run that lists every change
readably, then the import, after which no learner has lost any progress, note, card or review.
"""

import tarfile
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from progress.models import Activity, ResourceProgress, Role, TopicProgress
from progress.services import resource_mark_done, topic_status_set
from quizzes.models import Card, Question, ReviewLog
from quizzes.services import ReviewInput, review_submit
from roadmap.models import Prerequisite, Resource, Topic
from tests.factories import UserFactory
from tests.locations import ROOT, SHIPPED_CURRICULUM

pytestmark = pytest.mark.django_db

V1_ARCHIVE = ROOT / "tests" / "roadmap" / "curriculum" / "curriculum-v1.tar.xz"


@pytest.fixture
def v1_curriculum(tmp_path):
    with tarfile.open(V1_ARCHIVE) as archive:
        archive.extractall(tmp_path, filter="data")
    return tmp_path / "ml-roadmap.yaml"


@pytest.fixture
def learner_on_v1(v1_curriculum):
    """A learner with progress, notes, resources done, cards and reviews on the v1 roadmap."""
    call_command("import_roadmap", str(v1_curriculum), verbosity=0)
    ada = UserFactory(username="ada", role=Role.LEARNER)
    start = timezone.now() - timedelta(days=10)
    topics = Topic.objects.in_bulk(field_name="slug")
    # Topics whose edges, summaries, resources or questions v2 changes.
    for slug in ("gradient-descent", "continuous-optimization", "scikit-learn", "data-labeling"):
        topic_status_set(learner=ada, topic=topics[slug], status="done", notes=f"My notes on {slug}.", at=start)
    for slug in ("normalization-layers", "speech-and-audio", "case-study-booking-150-models"):
        topic_status_set(learner=ada, topic=topics[slug], status="in_progress", at=start)
    # Resources whose URL, authors or role v2 changes.
    for slug in ("case-booking-150-models", "git-lfs", "amazon-dynamodb", "git-scm"):
        resource_mark_done(learner=ada, resource=Resource.objects.get(slug=slug), at=start)
    # Reviews on questions v2 rewrites and on questions it retires.
    for key in (
        "continuous-optimization-learning-rate-too-large",  # retired
        "scikit-learn-scaler-fit",  # retired
        "gradient-descent-update-rule",  # kept
        "data-labeling-kappa-calc",  # kept
    ):
        card = Card.objects.get(learner=ada, question__key=key)
        review_submit(learner=ada, review=ReviewInput(card_id=card.pk, rating=3), now=start + timedelta(days=1))
    return ada


def snapshot(learner):
    return {
        "progress": sorted(
            TopicProgress.objects.filter(learner=learner).values_list(
                "topic__slug", "status", "started_at", "completed_at", "notes"
            )
        ),
        "resources": sorted(ResourceProgress.objects.filter(learner=learner).values_list("resource__slug", "done_at")),
        "cards": sorted(
            Card.objects.filter(learner=learner).values_list("question__key", "state", "due", "stability", "reps")
        ),
        "reviews": sorted(ReviewLog.objects.filter(learner=learner).values_list("card__question__key", "rating")),
        "activities": Activity.objects.filter(learner=learner).count(),
    }


def test_the_dry_run_lists_the_v2_changes_readably_and_writes_nothing(learner_on_v1, capsys):
    before = snapshot(learner_on_v1)
    edges = set(Prerequisite.objects.values_list("from_topic__slug", "to_topic__slug", "kind"))

    call_command("import_roadmap", str(SHIPPED_CURRICULUM), "--dry-run")
    out = capsys.readouterr().out

    for change in (
        "created topics time-series-forecasting",
        "created topics signal-processing-basics",
        "updated topics reinforcement-learning (hours)",
        "updated prerequisites gradient-descent → neural-networks (kind, reason)",
        "deleted prerequisites efficient-mobile-architectures → model-serving",
        "created prerequisites signal-processing-basics → speech-and-audio",
        "updated resources git-lfs (url)",
        "created resources booking-150-models-paper",
        "deleted questions scikit-learn-scaler-fit (retired)",
    ):
        assert f"  {change}\n" in out, change
    assert "Dry run, nothing written." in out
    assert snapshot(learner_on_v1) == before
    assert set(Prerequisite.objects.values_list("from_topic__slug", "to_topic__slug", "kind")) == edges


def test_importing_v2_keeps_every_learners_progress_notes_cards_and_reviews(learner_on_v1):
    before = snapshot(learner_on_v1)
    assert len(before["progress"]) == 7 and len(before["resources"]) == 4 and len(before["reviews"]) == 4

    call_command("import_roadmap", str(SHIPPED_CURRICULUM), verbosity=0)

    after = snapshot(learner_on_v1)
    assert after == before
    retired = ["continuous-optimization-learning-rate-too-large", "scikit-learn-scaler-fit"]
    assert list(Question.objects.filter(key__in=retired).values_list("is_active", flat=True)) == [False, False]
    assert Topic.objects.filter(slug="time-series-forecasting").exists()
    # Importing again changes nothing more.
    call_command("import_roadmap", str(SHIPPED_CURRICULUM), verbosity=0)
    assert snapshot(learner_on_v1) == after
