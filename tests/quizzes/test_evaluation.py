"""quizzes.evaluation (the srs-benchmark protocol) and manage.py evaluate_memory."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from quizzes import evaluation
from quizzes.models import Card, ReviewLog
from quizzes.optimizer import rows_of
from quizzes.synthetic import FORGETFUL, learner_reviews
from tests.factories import QuestionFactory, UserFactory

START = datetime(2025, 1, 1, 8, tzinfo=UTC)


def test_only_the_first_review_of_a_card_each_day_counts():
    rows = rows_of([
        ("a", 1, START), ("a", 3, START + timedelta(minutes=10)), ("b", 3, START + timedelta(hours=1)),
        ("a", 3, START + timedelta(days=1)),
    ])  # fmt: skip
    assert [(r.card, r.rating, r.at.day) for r in evaluation.first_of_each_day(rows)] == [
        ("a", 1, 1), ("b", 3, 1), ("a", 3, 2),
    ]  # fmt: skip


def test_fitting_pays_for_a_forgetful_learner_and_fsrs_beats_sm2_for_any():
    forgetful = evaluation.evaluate({"f": learner_reviews(FORGETFUL, reviews=1500, seed=2)})
    typical = evaluation.evaluate({"t": learner_reviews(reviews=1500, seed=3)})

    default, fitted, sm2 = (forgetful[model] for model in evaluation.MODELS)
    assert fitted.mean("log loss") < min(default.mean("log loss"), sm2.mean("log loss"))
    assert fitted.mean("RMSE (bins)") < default.mean("RMSE (bins)")
    default, fitted, sm2 = (typical[model] for model in evaluation.MODELS)
    assert default.mean("log loss") < sm2.mean("log loss")
    assert abs(default.mean("log loss") - fitted.mean("log loss")) < 0.03
    assert all(0.5 < score.mean("AUC") < 1 for score in typical.values())


def test_multiple_choice_answers_are_not_scored_and_learners_are_weighted_by_reviews():
    everything = learner_reviews(reviews=800, seed=5, multiple_choice=0.5)
    free_recall_only = [row for row in everything if row[3]]

    scores = evaluation.evaluate({"mixed": everything, "small": everything[:300]})

    assert scores[evaluation.MODELS[0]].learners == 2
    single = evaluation.evaluate({"mixed": everything})[evaluation.MODELS[0]]
    assert single.reviews <= len(free_recall_only)


def test_the_command_runs_on_a_synthetic_data_set(capsys):
    call_command("evaluate_memory", "--synthetic", "--learners", "2", "--reviews", "400")

    out = capsys.readouterr().out
    assert "a synthetic data set: 2 learners" in out
    for model in evaluation.MODELS:
        assert f"| {model} |" in out


@pytest.mark.django_db
def test_the_command_reads_the_review_logs_or_says_there_are_none_yet():
    with pytest.raises(CommandError, match="--synthetic"):
        call_command("evaluate_memory")

    learner = UserFactory()
    cards = {}
    logs = []
    for key, rating, at, _ in learner_reviews(reviews=300, seed=6):
        if key not in cards:
            question = QuestionFactory()
            cards[key] = Card.objects.create(
                learner=learner, question=question, topic=question.topic, due=at, created_at=at
            )
        logs.append(ReviewLog(card=cards[key], learner=learner, rating=rating, reviewed_at=at))
    ReviewLog.objects.bulk_create(logs)

    call_command("evaluate_memory", "--min-reviews", "200")
