"""Curators' writes to quiz questions: create, change, delete.

A question's kind and choices must agree (a multiple-choice question has at least two
choices and a right one among them; a free-recall question has none); the model's own
validation covers the rest. Errors name the field, and nothing is written.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from quizzes.models import Question, QuestionKind


def _validate_question(question: Question) -> None:
    errors = {}
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        if len(question.choices) < 2:
            errors["choices"] = ["a multiple-choice question needs at least two choices"]
        elif not question.correct_choices:
            errors["correct_choices"] = ["mark at least one choice as correct"]
        elif any(not 0 <= i < len(question.choices) for i in question.correct_choices):
            errors["correct_choices"] = [f"choices are numbered 0 to {len(question.choices) - 1}"]
        elif len(set(question.correct_choices)) != len(question.correct_choices):
            errors["correct_choices"] = ["a choice is listed as correct twice"]
    elif question.choices or question.correct_choices:
        errors["choices"] = ["a free-recall question has no choices"]
    if errors:
        raise ValidationError(errors)
    question.full_clean()


@transaction.atomic
def question_create(**fields) -> Question:
    question = Question(**fields)
    _validate_question(question)
    question.save()
    return question


@transaction.atomic
def question_update(*, question: Question, **fields) -> Question:
    for name, value in fields.items():
        setattr(question, name, value)
    _validate_question(question)
    question.save()
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    """Delete a question with its cards and their review history (deactivate it to keep them)."""
    question.delete()
