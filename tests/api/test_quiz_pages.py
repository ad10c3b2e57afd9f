"""The plain renderings of ``api.quizzes.pages`` say what the documented serializers say.

The schema documents the serializers; the hot endpoints answer with the plain values.
Equal here, key order included, so the schema never describes another shape.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from api.quizzes import pages
from api.quizzes import serializers as s
from quizzes import selectors, services
from quizzes.grading import ReviewInput
from tests.factories import MultipleChoiceFactory
from tests.quizzes.test_services import card_for

pytestmark = pytest.mark.django_db


def same(plain, documented):
    assert json.dumps(plain) == json.dumps(documented)


def test_an_applied_review_renders_as_its_serializer_does(alice):
    card = card_for(alice, at=timezone.now() - timedelta(minutes=1))
    result = services.review_submit(learner=alice, review=ReviewInput(card.pk, 3, client_id="c-1"))

    same(pages.review_result_data(result), s.ReviewResultSerializer(result).data)


def test_a_duplicate_and_a_rejected_review_render_as_their_serializer_does(alice):
    card = card_for(alice, MultipleChoiceFactory(), at=timezone.now() - timedelta(minutes=1))
    services.review_submit(learner=alice, review=ReviewInput(card.pk, answer=0, client_id="c-1"))
    duplicate = services.review_submit(learner=alice, review=ReviewInput(card.pk, answer=0, client_id="c-1"))
    rejected = services.ReviewResult(status="rejected", index=4, client_id="c-2", errors={"rating": ["bad"]})

    for result in (duplicate, rejected):
        same(pages.review_result_data(result), s.ReviewResultSerializer(result).data)


def test_a_due_card_renders_as_its_serializer_does(alice):
    card = card_for(alice, MultipleChoiceFactory(), at=timezone.now() - timedelta(minutes=1))
    [card] = selectors.due_cards(learner=alice, card_ids=[card.pk])
    now = timezone.now()
    parts = {
        "card": card,
        "question": selectors.shown_question(card),
        "previews": selectors.review_previews(
            card=card, now=now, settings=selectors.scheduler_settings_for(alice.profile)
        ),
    }

    same(pages.due_card_data(**parts), s.DueCardSerializer(parts).data)


def test_the_due_page_from_plain_rows_renders_as_the_serializer_does_from_models(alice):
    at = timezone.now() - timedelta(days=3)
    recall = card_for(alice, at=at)
    choice = card_for(alice, MultipleChoiceFactory(), at=at)
    services.review_submit(learner=alice, review=ReviewInput(recall.pk, 3, reviewed_at=at), now=at)
    ids = [choice.pk, recall.pk]
    now, zone = timezone.now(), timezone.get_current_timezone()
    settings = selectors.scheduler_settings_for(alice.profile)

    def parts(card):
        previews = selectors.review_previews(card=card, now=now, settings=settings)
        return {"card": card, "question": selectors.shown_question(card), "previews": previews}

    rows = selectors.shown_cards(learner=alice, card_ids=ids)
    plain = [pages.due_card_data(**parts(card), zone=zone) for card in rows]
    models = [s.DueCardSerializer(parts(card)).data for card in selectors.due_cards(learner=alice, card_ids=ids)]

    same(plain, models)
    assert [row["state"] for row in plain] == ["new", "learning"]
