"""Behaviour of the review page at /reviews/ (full page, htmx fragment, no-JavaScript fallback)."""

from datetime import timedelta

import pytest
from django.utils import timezone

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
    assert "<summary>Show answer</summary>" in html and "Volume scaling." in html
    for label in ("Again · 1m", "Hard · 5.5m", "Good · 10m", "Easy · "):
        assert label in html
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


def test_a_multiple_choice_answer_is_graded_and_the_right_answer_shown(signed_in, alice):
    card = enrolled(alice, MultipleChoiceFactory())

    page = signed_in.get(PAGE).content.decode()
    response = signed_in.post(PAGE, {"card": card.pk, "choice": 0}, **HTMX)

    assert 'type="radio" name="choice" value="1"' in page and "Check answer" in page
    assert "Wrong: Again · 1m; right: Good · 10m" in page
    assert "Not quite: the answer is “a singular one”." in response.content.decode()
    assert ReviewLog.objects.get().rating == 1


def test_when_nothing_is_due_it_says_all_done_and_when_the_next_card_is(signed_in, alice):
    card = enrolled(alice)
    signed_in.post(PAGE, {"card": card.pk, "rating": 3}, **HTMX)

    html = signed_in.get(PAGE).content.decode()

    assert "All done for today" in html
    assert "Next card due" in html and "(UTC)" in html


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
