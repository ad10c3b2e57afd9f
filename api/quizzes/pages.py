"""The due page as plain values: what its documented serializers would make of it, faster.

The due page is the API's hottest personal read (50 cards, four answer buttons each);
``api.quizzes.serializers`` keeps its documented shape for the OpenAPI schema, and
``tests/quizzes/test_api.py`` holds the two equal.
"""

from django.utils import timezone


def timestamp(value):
    """A datetime as DRF's DateTimeField writes it (the current zone, ``Z`` for UTC)."""
    if value is None:
        return None
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def due_card_data(*, card, question, previews) -> dict:
    """What ``serializers.DueCardSerializer`` makes of one due card, as plain values.

    The due page is the API's hottest read: building a serializer per button per card
    was a third of its time. The serializers stay the documented shape (the
    OpenAPI schema); a test holds this output equal to theirs.
    """
    topic = card.topic
    return {
        "id": card.pk,
        "topic": {"slug": topic.slug, "title": topic.title},
        "question": {"kind": question.kind, "prompt": question.prompt, "choices": list(question.choices)},
        "presentation": question.presentation,
        "state": card.state,
        "due": timestamp(card.due),
        "previews": {
            str(button.rating): {"label": button.label, "due": timestamp(button.due), "interval": button.interval}
            for button in previews
        },
    }
