"""The review page: one view serves the page and, for htmx, just the card fragment."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from progress.selectors import profile_for
from quizzes import reminders, selectors, services
from quizzes.models import Card, QuestionKind
from quizzes.scheduler import Rating, format_interval
from web.reviews.forms import ReviewForm


def _feedback(result: services.ReviewResult, now) -> dict:
    card, review = result.card, result.review
    when = format_interval(max(card.due - now, timedelta(0)))
    if card.question.kind == QuestionKind.MULTIPLE_CHOICE and review.correct is not None:
        if review.correct:
            return {"kind": "right", "message": f"Right. You will see it again in {when}."}
        answer = "; ".join(card.question.choices[i] for i in card.question.correct_choices)
        return {
            "kind": "wrong",
            "message": f"Not quite: the answer is “{answer}”. Again in {when}.",
        }
    return {
        "kind": "rated",
        "message": f"Rated {Rating(review.rating).name}. Next review in {when}.",
    }


@login_required
@require_http_methods(["GET", "POST"])
def review(request):
    now = timezone.now()
    feedback = None
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                result = services.review_submit(learner=request.user, review=form.review())
                feedback = _feedback(result, timezone.now())
            except Card.DoesNotExist:
                raise Http404("No such card.") from None
            except ValidationError as error:
                feedback = {"kind": "error", "message": " ".join(error.messages)}
        else:
            feedback = {
                "kind": "error",
                "message": "Choose an answer, or rate how well you remembered.",
            }
        if not request.htmx:
            level = messages.ERROR if feedback["kind"] == "error" else messages.SUCCESS
            messages.add_message(request, level, feedback["message"])
            return redirect("quizzes:review")
        now = timezone.now()
    else:
        reminders.reminders_mark_seen(learner=request.user, now=now)

    profile = profile_for(request.user)
    queue = selectors.due_queue(learner=request.user, now=now)
    card = next(iter(selectors.due_cards(learner=request.user, card_ids=queue.card_ids[:1])), None)
    buttons = []
    if card is not None:
        settings = selectors.scheduler_settings_for(profile)
        buttons = selectors.review_previews(card=card, now=now, settings=settings)
    context = {
        "card": card,
        "question": selectors.shown_question(card) if card is not None else None,
        "buttons": buttons,
        "remaining": len(queue.entries),
        "next_due": queue.next_due,
        "zone": profile.zone,
        "feedback": feedback,
    }
    template = "quizzes/review.html#review-card" if request.htmx else "quizzes/review.html"
    return render(request, template, context)
