"""Behaviour of quizzes.questions: curators' questions keep their kind and choices coherent."""

import pytest
from django.core.exceptions import ValidationError

from quizzes import questions
from quizzes.models import Question
from tests.factories import TopicFactory


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"choices": ["only"], "correct_choices": [0]},
            {"choices": ["a multiple-choice question needs at least two choices"]},
        ),
        (
            {"choices": ["a", "b"], "correct_choices": []},
            {"correct_choices": ["mark at least one choice as correct"]},
        ),
        (
            {"choices": ["a", "b"], "correct_choices": [2]},
            {"correct_choices": ["choices are numbered 0 to 1"]},
        ),
    ],
)
def test_a_multiple_choice_question_needs_coherent_choices(db, fields, errors):
    topic = TopicFactory()
    with pytest.raises(ValidationError) as error:
        questions.question_create(
            key="q", topic=topic, kind="multiple-choice", prompt="?", answer="!", **fields
        )
    assert error.value.message_dict == errors
    assert not Question.objects.exists()


def test_a_free_recall_question_has_no_choices(db):
    with pytest.raises(ValidationError, match="has no choices"):
        questions.question_create(
            key="q",
            topic=TopicFactory(),
            kind="free-recall",
            prompt="?",
            answer="!",
            choices=["a", "b"],
        )
