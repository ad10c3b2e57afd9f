"""Behaviour of the review page at /reviews/ (full page, htmx fragment, no-JavaScript fallback)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes import selectors
from quizzes.models import Card, Reminder, ReviewLog
from tests.factories import MultipleChoiceFactory, QuestionFactory, TopicFactory
from tests.quizzes.test_services import card_for

pytestmark = pytest.mark.django_db

PAGE = "/reviews/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def enrolled(learner, question=None):
    return card_for(learner, question, at=timezone.now() - timedelta(minutes=1))


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice)
    return client


def test_the_page_shows_the_next_card_with_each_buttons_interval(signed_in, alice):
    enrolled(
        alice, QuestionFactory(prompt="What does a determinant measure?", answer="Volume scaling.")
    )

    response = signed_in.get(PAGE)

    html = response.content.decode()
    assert response.status_code == 200
    assert "What does a determinant measure?" in html
    # The answer is on the page but hidden until Space, Enter or "Show answer" (a link to
    # ?reveal=1 without JavaScript); each rating has its key and the interval it gives.
    assert 'data-key="reveal"' in html and 'href="/reviews/?reveal=1"' in html
    assert '<div class="answer-side" hidden>' in html and "Volume scaling." in html
    for key, label in ((1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy")):
        assert f'data-key="{key}"' in html and f"<kbd>{key}</kbd> {label}" in html
    assert '<span class="interval">10m</span>' in html
    assert "<strong id=\"cards-left\">1</strong> left" in html
    assert (
        'hx-post="/reviews/"' in html and 'action="/reviews/"' in html and 'method="post"' in html
    )
    assert "<html" in html  # the full page, extending base.html


def test_rating_a_card_with_htmx_swaps_in_the_next_one(signed_in, alice):
    topic = TopicFactory()
    first = enrolled(alice, QuestionFactory(topic=topic, prompt="First?"))
    enrolled(alice, QuestionFactory(topic=topic, prompt="Second?"))

    response = signed_in.post(PAGE, {"card": first.pk, "rating": 3}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<section id="review-card"')
    assert "Rated Good. Next review in 10m." in html
    assert "Second?" in html
    assert ReviewLog.objects.get().rating == 3


def test_without_javascript_the_form_posts_and_redirects_back_to_the_page(signed_in, alice):
    card = enrolled(alice)

    response = signed_in.post(PAGE, {"card": card.pk, "rating": 4}, follow=True)

    assert response.redirect_chain == [("/reviews/", 302)]
    assert "Rated Easy." in response.content.decode()
    assert Card.objects.get(pk=card.pk).reps == 1


def test_a_multiple_choice_answer_is_graded_and_the_explanation_shown(signed_in, alice):
    card = enrolled(alice, MultipleChoiceFactory(explanation="Invertible means a non-zero determinant."))
    shown = selectors.shown_question(card).choices  # shuffled for this presentation
    wrong = shown.index("the identity")

    page = signed_in.get(PAGE).content.decode()
    graded = signed_in.post(PAGE, {"card": card.pk, "choice": wrong, "presentation": 1}, **HTMX).content.decode()

    options = [page.index(f"<span>{text}</span>") for text in shown]
    assert options == sorted(options)  # shown in the shuffled order
    assert 'name="presentation" value="1"' in page
    # The option shown second is picked with the key 2.
    assert 'name="choice" value="1" data-key="2"' in page
    assert "Wrong: again in 1m · right: next in 10m" in page
    assert "Not quite. Again in 1m." in graded
    assert "✓ the answer" in graded and "✗ your pick" in graded
    pick, right = graded.index("✗ your pick"), graded.index("✓ the answer")
    assert graded.rfind("the identity", 0, pick) > graded.rfind("</li>", 0, pick)  # the pick is the identity
    assert graded.rfind("a singular one", 0, right) > graded.rfind("</li>", 0, right)
    assert "Invertible means a non-zero determinant." in graded  # the explanation, after grading
    assert 'data-key="continue"' in graded
    assert ReviewLog.objects.get().rating == 1


def test_when_nothing_is_due_the_session_ends_with_a_summary(signed_in, alice):
    card = enrolled(alice)
    signed_in.post(PAGE, {"card": card.pk, "rating": 4, "duration_ms": 6000}, **HTMX)

    html = signed_in.get(PAGE).content.decode()

    assert "Session done" in html
    assert "<dt>Reviewed</dt><dd>1</dd>" in html and "<dt>Time</dt><dd>6 s</dd>" in html
    assert "<dt>Next due</dt>" in html


def test_with_nothing_due_and_no_session_it_says_when_the_next_card_is(signed_in, alice):
    card = enrolled(alice)
    card.state, card.stability, card.difficulty, card.step = "review", 5.0, 5.0, None
    card.due = timezone.now() + timedelta(days=2)
    card.last_review = timezone.now() - timedelta(days=1)
    card.save()

    html = signed_in.get(PAGE).content.decode()

    assert "Nothing to review" in html and "Next card due" in html and "(UTC)" in html


def test_a_card_rated_again_comes_back_in_the_same_session(signed_in, alice):
    card = enrolled(alice, QuestionFactory(prompt="Come back?"))

    again = signed_in.post(PAGE, {"card": card.pk, "rating": 1}, **HTMX).content.decode()

    # Due again in a minute: with nothing else left, the session shows it now (Anki's
    # learn-ahead) instead of declaring the day done.
    assert "Rated Again. Next review in 1m." in again
    assert "Come back?" in again and "<strong id=\"cards-left\">1</strong> left" in again


def test_undo_takes_back_the_last_rating_and_shows_the_card_again(signed_in, alice):
    card = enrolled(alice, QuestionFactory(prompt="Undo me?"))
    before = Card.objects.get(pk=card.pk)
    signed_in.post(PAGE, {"card": card.pk, "rating": 4}, **HTMX)

    undone = signed_in.post("/reviews/undo/", **HTMX).content.decode()

    after = Card.objects.get(pk=card.pk)
    assert "Undone: the card is back as it was." in undone and "Undo me?" in undone
    assert not ReviewLog.objects.exists()
    assert (after.state, after.reps, after.due, after.stability) == (before.state, 0, before.due, None)
    assert signed_in.post("/reviews/undo/", **HTMX).status_code == 400  # nothing left to undo


def test_undo_only_takes_back_this_sessions_ratings(signed_in, client, alice):
    card = enrolled(alice)
    signed_in.post(PAGE, {"card": card.pk, "rating": 3}, **HTMX)
    signed_in.logout()
    signed_in.force_login(alice)  # a new browser session

    response = signed_in.post("/reviews/undo/", **HTMX)

    assert response.status_code == 400 and "Nothing to undo in this session." in response.content.decode()
    assert ReviewLog.objects.count() == 1


def test_someone_elses_card_is_not_found(signed_in, bob):
    card = enrolled(bob)

    assert signed_in.post(PAGE, {"card": card.pk, "rating": 3}).status_code == 404
    assert not ReviewLog.objects.exists()


def test_a_post_without_a_rating_or_choice_explains_what_is_missing(signed_in, alice):
    card = enrolled(alice)

    unrated = signed_in.post(PAGE, {"card": card.pk}, **HTMX).content.decode()
    garbled = signed_in.post(PAGE, {"card": card.pk, "rating": "9"}, **HTMX).content.decode()

    assert "this free recall card needs a rating" in unrated
    assert "Choose an answer, or rate how well you remembered." in garbled
    assert not ReviewLog.objects.exists()


def test_visiting_the_page_marks_review_notices_seen(signed_in, alice):
    sent = timezone.now()
    Reminder.objects.create(learner=alice, local_date=sent.date(), due_count=2, claimed_at=sent, sent_at=sent)

    signed_in.get(PAGE)

    assert Reminder.objects.get().seen_at is not None


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/reviews/")
