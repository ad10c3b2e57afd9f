"""A short quiz that checks a skipped topic: pass it, and the topic counts as studied.

Skipping a topic says "I know this" without evidence, and its cards never join the deck,
so it could never be measured or flagged for review. The check offers up to
`CHECK_SIZE` of the topic's questions (multiple choice first: they grade themselves;
free recall rated by the learner, right when rated Hard or better). Passing — at least
`PASS_SHARE` of them right — enrolls the topic's cards and records each answer as that
card's review (right Good, wrong Again), so they count as studied (coverage) and their
memory is followed from then on (retention, review steps). A failed check writes nothing:
the learner is told which answers were wrong and may study the topic instead.

Multiple-choice options are shuffled as in reviews (``quizzes.choices``), seeded by the
learner, the question and the day (``presentation``), which the answer names back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from progress.models import TopicProgress, TopicStatus, User
from quizzes import choices, services
from quizzes.models import Card, Question, QuestionKind
from roadmap.models import Topic

#: Most questions a check asks.
CHECK_SIZE = 5
#: Share of right answers that passes a check.
PASS_SHARE = 0.75


def _questions(topic: Topic) -> list[Question]:
    questions = Question.objects.filter(topic=topic, is_active=True).order_by("key")
    ordered = sorted(questions, key=lambda q: q.kind != QuestionKind.MULTIPLE_CHOICE)
    return ordered[:CHECK_SIZE]


def needed(total: int) -> int:
    """Right answers a check of `total` questions needs.

    >>> needed(4), needed(5), needed(1)
    (3, 4, 1)
    """
    return math.ceil(PASS_SHARE * total)


def _key(learner: User, question: Question) -> str:
    return f"check:{learner.pk}:{question.pk}"


@dataclass(frozen=True)
class CheckQuestion:
    question: int
    kind: str
    prompt: str
    choices: list[str]
    presentation: int


@dataclass(frozen=True)
class Check:
    topic: Topic
    questions: list[CheckQuestion]
    needed: int


def check_for(*, learner: User, topic: Topic, now: datetime) -> Check:
    """The check quiz of `topic` as `learner` sees it on the day of `now`."""
    presentation = now.date().toordinal()
    shown = [
        CheckQuestion(
            question=q.pk, kind=q.kind, prompt=q.prompt,
            choices=choices.shown_choices(_key(learner, q), presentation, q.choices),
            presentation=presentation,
        )  # fmt: skip
        for q in _questions(topic)
    ]
    return Check(topic=topic, questions=shown, needed=needed(len(shown)))


@dataclass(frozen=True)
class CheckAnswer:
    """One answer: for multiple choice the position chosen and the ``presentation`` shown;
    for free recall a ``rating`` (1 Again to 4 Easy)."""

    question: int
    answer: object = None
    rating: int | None = None
    presentation: int | None = None


@dataclass
class CheckResult:
    passed: bool
    right: int
    total: int
    needed: int
    results: list[dict] = field(default_factory=list)


@transaction.atomic
def check_submit(*, learner: User, topic: Topic, answers: list[CheckAnswer], now: datetime) -> CheckResult:
    """Grade a check of a skipped topic; if passed, its cards join the deck, answered.

    Raises
    ------
    ValidationError
        When the topic is not skipped, has no questions, or the answers do not answer
        exactly the check's questions, each as its kind needs (naming the question).
    """
    status = (
        TopicProgress.objects.filter(learner=learner, topic=topic).values_list("status", flat=True).first()
    )
    if status != TopicStatus.SKIPPED:
        raise ValidationError(
            {"topic": [f"only a topic you skipped can be checked; {topic.slug} is {status or 'not started'}"]}
        )
    questions = {q.pk: q for q in _questions(topic)}
    if not questions:
        raise ValidationError({"topic": [f"{topic.slug} has no quiz questions to check it with"]})
    given = {a.question: a for a in answers}
    if set(given) != set(questions) or len(given) != len(answers):
        sent = [a.question for a in answers]
        raise ValidationError(
            {"answers": [f"answer each of the check's questions once: {sorted(questions)}, got {sent}"]}
        )
    graded = {pk: _grade(learner, questions[pk], given[pk]) for pk in questions}
    right = sum(1 for _, correct, _ in graded.values() if correct)
    total = len(questions)
    result = CheckResult(passed=right >= needed(total), right=right, total=total, needed=needed(total))
    result.results = [
        {
            "question": pk, "correct": correct,
            "answer": questions[pk].answer, "explanation": questions[pk].explanation,
        }  # fmt: skip
        for pk, (_, correct, _) in graded.items()
    ]
    if result.passed:
        services.enroll_topic_cards(learner=learner, topic=topic, now=now)
        cards = {c.question_id: c for c in Card.objects.filter(learner=learner, question_id__in=list(questions))}
        reviews = [services.Graded(cards[pk], *grade) for pk, grade in graded.items()]
        services.graded_reviews_record(learner=learner, graded=reviews, at=now)
    return result


def _grade(learner: User, question: Question, answer: CheckAnswer) -> tuple[int, bool, str]:
    """The rating, whether it is right, and the answer as stored; or a ValidationError."""
    def refuse(message: str):
        raise ValidationError({"answers": [f"question {question.pk}: {message}"]})

    if question.kind == QuestionKind.FREE_RECALL:
        if answer.rating not in (1, 2, 3, 4) or isinstance(answer.rating, bool):
            refuse("a free recall question needs a rating from 1 (Again) to 4 (Easy)")
        text = answer.answer if isinstance(answer.answer, str) else ""
        return answer.rating, answer.rating > 1, text
    if answer.answer is None or answer.presentation is None:
        refuse("a multiple choice question needs the position chosen and its presentation")
    positions = answer.answer if isinstance(answer.answer, list) else [answer.answer]
    try:
        chosen = choices.original_indexes(
            _key(learner, question), answer.presentation, len(question.choices), positions
        )
    except choices.ChoiceError as error:
        refuse(str(error))
    correct = sorted(set(chosen)) == sorted(set(question.correct_choices))
    return (3 if correct else 1), correct, ",".join(map(str, chosen))
