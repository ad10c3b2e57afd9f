"""The review session, as Anki runs one: one view serves the page and, for htmx, the card.

The session (when it started, the reviews made in it) lives in the browser's Django
session, so "undo" only ever takes back a rating made here, and the summary counts this
sitting. Keys (Space/Enter, 1–4, U) are ``static/pathwise/review.js``; every key has a
button or link, so the page works by mouse and without JavaScript too.
"""

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from progress.selectors import profile_for
from quizzes import reminders, selectors, services, undo
from quizzes.models import Card, QuestionKind, ReviewLog
from quizzes.scheduler import Rating, format_interval
from web.htmx import login_required_htmx
from web.reviews.forms import ReviewForm

TEMPLATE = "quizzes/review.html"
SESSION_KEY = "review_session"
#: A pause longer than this starts a new session (a new summary, nothing left to undo).
SESSION_IDLE = timedelta(hours=2)


def _session(request, now: datetime) -> dict:
    state = request.session.get(SESSION_KEY)
    if state is None or now - datetime.fromisoformat(state["last"]) > SESSION_IDLE:
        state = {"started": now.isoformat(), "last": now.isoformat(), "reviews": []}
    return state


def _save(request, state: dict, now: datetime) -> None:
    state["last"] = now.isoformat()
    request.session[SESSION_KEY] = state


def _feedback(result: services.ReviewResult, now: datetime) -> dict:
    card, review = result.card, result.review
    when = format_interval(max(card.due - now, timedelta(0)))
    if review.correct is not None:
        return {"kind": "right" if review.correct else "wrong",
                "message": ("Right." if review.correct else "Not quite.") + f" Again in {when}."}  # fmt: skip
    return {"kind": "rated", "message": f"Rated {Rating(review.rating).name}. Next review in {when}."}


def _render(request, state: dict, now: datetime, *, feedback=None, graded=None, reveal=False, status=200, card_id=None):
    """The session's current screen: a graded multiple-choice card, the next card, or the summary."""
    profile = profile_for(request.user)
    context = {"feedback": feedback, "graded": graded, "reveal": reveal, "zone": profile.zone,
               "can_undo": bool(state["reviews"]), "reviewed": len(state["reviews"])}  # fmt: skip
    if graded is None:
        queue = selectors.session_queue(learner=request.user, now=now)
        card_id = card_id or queue.card_id
        cards = selectors.due_cards(learner=request.user, card_ids=[card_id]) if card_id else []
        card = cards[0] if cards else None
        context.update(card=card, left=queue.left)
        if card is not None:
            settings = selectors.scheduler_settings_for(profile)
            context["buttons"] = selectors.review_previews(card=card, now=now, settings=settings)
            context["choices"] = list(enumerate(card.question.choices))
        else:
            started = datetime.fromisoformat(state["started"])
            context["summary"] = selectors.session_summary(
                learner=request.user, review_ids=state["reviews"], started=started, now=now
            )
    template = f"{TEMPLATE}#review-card" if request.htmx else TEMPLATE
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def review(request):
    now = timezone.now()
    state = _session(request, now)
    if request.method == "GET":
        reminders.reminders_mark_seen(learner=request.user, now=now)
        _save(request, state, now)
        return _render(request, state, now, reveal=request.GET.get("reveal") == "1")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        feedback = {"kind": "error", "message": "Choose an answer, or rate how well you remembered."}
        return _after(request, state, now, feedback=feedback, status=400)
    try:
        result = services.review_submit(learner=request.user, review=form.review())
    except Card.DoesNotExist:
        raise Http404("No such card.") from None
    except ValidationError as error:
        return _after(request, state, now, feedback={"kind": "error", "message": " ".join(error.messages)}, status=400)
    now = timezone.now()
    state["reviews"].append(result.review.pk)
    _save(request, state, now)
    feedback = _feedback(result, now)
    graded = None
    if result.card.question.kind == QuestionKind.MULTIPLE_CHOICE and result.review.correct is not None:
        question = result.card.question
        graded = {"card": result.card, "chosen": form.cleaned_data["choice"], "correct": result.review.correct,
                  "choices": list(enumerate(question.choices)), "right": set(question.correct_choices)}  # fmt: skip
    return _after(request, state, now, feedback=feedback, graded=graded)


def _after(request, state, now, *, feedback, graded=None, status=200, card_id=None):
    if request.htmx:
        return _render(request, state, now, feedback=feedback, graded=graded, status=status, card_id=card_id)
    if graded is not None:  # without JavaScript: show the graded card once, then carry on
        return _render(request, state, now, feedback=feedback, graded=graded, status=status)
    level = messages.ERROR if feedback["kind"] == "error" else messages.SUCCESS
    messages.add_message(request, level, feedback["message"])
    return redirect("quizzes:review")


@login_required_htmx
@require_POST
def review_undo(request):
    """Take back the last rating of this session; its card comes back to be answered again."""
    now = timezone.now()
    state = _session(request, now)
    if not state["reviews"]:
        feedback = {"kind": "error", "message": "Nothing to undo in this session."}
        return _after(request, state, now, feedback=feedback, status=400)
    review_id = state["reviews"][-1]
    try:
        card = undo.review_undo(learner=request.user, review_id=review_id)
    except (ReviewLog.DoesNotExist, ValidationError) as error:
        state["reviews"].pop()
        _save(request, state, now)
        problem = " ".join(getattr(error, "messages", ["that review is gone"]))
        return _after(request, state, now, feedback={"kind": "error", "message": f"Not undone: {problem}."}, status=400)
    state["reviews"].pop()
    _save(request, state, now)
    feedback = {"kind": "undone", "message": "Undone: the card is back as it was."}
    return _after(request, state, now, feedback=feedback, card_id=card.pk)
