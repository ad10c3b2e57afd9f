"""The question bank's section of the curriculum file: loaded with the roadmap, exported with it.

Registered with ``roadmap.curriculum.sections`` in ``QuizzesConfig.ready()``, because the
roadmap layer may not import this one. Questions are upserted by key; a question dropped
from the file is retired (``is_active=False``), not deleted, so learners' review history
stays.
"""

from __future__ import annotations

from quizzes.models import Question
from roadmap.curriculum.importer import ImportReport, upsert
from roadmap.curriculum.sections import SectionHandler
from roadmap.curriculum.spec import Curriculum


def load_questions(curriculum: Curriculum, *, topics: dict, resources: dict, report: ImportReport) -> None:
    """Write the file's questions; retire the questions of its topics that it no longer lists."""
    existing = {q.key: q for q in Question.objects.filter(key__in=[q.key for q in curriculum.questions])}
    for spec in curriculum.questions:
        upsert(
            Question,
            {"key": spec.key},
            {
                "topic": topics[spec.topic],
                "kind": spec.kind,
                "prompt": spec.prompt,
                "answer": spec.answer,
                "choices": list(spec.choices),
                "correct_choices": list(spec.correct),
                "explanation": spec.explanation,
                "source": resources.get(spec.source) if spec.source else None,
                "is_active": True,
            },
            existing.get(spec.key),
            report,
            "questions",
            spec.key,
        )
    in_file_topics = [topics[spec.slug].pk for spec in curriculum.topics]
    keys = {spec.key for spec in curriculum.questions}
    for question in Question.objects.filter(topic_id__in=in_file_topics, is_active=True).exclude(key__in=keys):
        question.is_active = False
        question.save(update_fields=["is_active", "updated_at"])
        report.note("questions", "deleted", f"{question.key} (retired)")


def dump_questions() -> list[dict]:
    """The active questions in the file's format, ordered by topic and key."""
    questions = Question.objects.filter(is_active=True).select_related("topic", "source")
    return [_question(q) for q in questions.order_by("topic__slug", "key")]


def _question(q: Question) -> dict:
    data = {"key": q.key, "topic": q.topic.slug, "kind": q.kind, "prompt": q.prompt}
    if q.choices:
        data["choices"] = q.choices
        data["correct"] = q.correct_choices
    data["answer"] = q.answer
    if q.explanation:
        data["explanation"] = q.explanation
    if q.source_id:
        data["source"] = q.source.slug
    return data


QUESTIONS = SectionHandler("questions", load=load_questions, dump=dump_questions)
