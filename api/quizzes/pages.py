"""The due page and a review's result as plain values: what their documented serializers
would make of them, faster.

The due page is the API's hottest personal read (50 cards, four answer buttons each) and
a review its hottest write; ``api.quizzes.serializers`` keeps their documented shape for
the OpenAPI schema, and ``tests/api/test_quiz_pages.py`` holds the two equal.
"""

from django.utils import timezone


def timestamp(value, zone=None):
    """A datetime as DRF's DateTimeField writes it (the current zone, ``Z`` for UTC).

    A page of many passes the current ``zone`` it looked up once: each look-up goes
    through a context-local and was a tenth of the due page's Python time.
    """
    if value is None:
        return None
    text = value.astimezone(zone or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def due_card_data(*, card, question, previews, zone=None) -> dict:
    """What ``serializers.DueCardSerializer`` makes of one due card, as plain values.

    The due page is the API's hottest read: building a serializer per button per card
    was a third of its time. The serializers stay the documented shape (the
    OpenAPI schema); a test holds this output equal to theirs.
    """
    topic, zone = card.topic, zone or timezone.get_current_timezone()
    return {
        "id": card.pk,
        "topic": {"slug": topic.slug, "title": topic.title},
        "question": {"kind": question.kind, "prompt": question.prompt, "choices": list(question.choices)},
        "presentation": question.presentation,
        "state": card.state,
        "due": timestamp(card.due, zone),
        "previews": {
            str(button.rating): {"label": button.label, "due": timestamp(button.due, zone), "interval": button.interval}
            for button in previews
        },
    }


def _number(value):
    return None if value is None else float(value)


def _card_state(card) -> dict:
    """What ``serializers.CardStateSerializer`` makes of a card."""
    return {
        "id": card.pk,
        "state": card.state,
        "due": timestamp(card.due),
        "last_review": timestamp(card.last_review),
        "reps": card.reps,
        "lapses": card.lapses,
        "stability": _number(card.stability),
        "difficulty": _number(card.difficulty),
    }


def review_result_data(result) -> dict:
    """What ``serializers.ReviewResultSerializer`` makes of a ``services.ReviewResult``.

    Building that serializer (and the card's nested one) per review was about a tenth of
    a review's Python time; a test holds this output equal to theirs.
    """
    review, card = result.review, result.card
    return {
        "index": result.index,
        "client_id": result.client_id,
        "status": result.status,
        "review": None if review is None else review.pk,
        "rating": None if review is None else review.rating,
        "correct": None if review is None else review.correct,
        "card": None if card is None else _card_state(card),
        "errors": {name: [str(message) for message in messages] for name, messages in result.errors.items()},
    }
