"""Give the demo learners some weeks of review history, so Today, the review forecast and
the retention chart have something to show. Run by ``make run`` after ``seed_demo``."""

import random
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from progress.models import User
from quizzes import fitting, services
from quizzes.models import Card, QuestionKind, ReviewLog
from quizzes.scheduler import Rating

DEMO_REVIEWERS = ("grace", "alan")
#: Roughly how often a demo learner forgets: every review is Again with this chance.
FORGET_RATE = 0.12


class Command(BaseCommand):
    help = "Replay some weeks of reviews for the demo learners (idempotent). Never in production."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo_reviews writes made-up reviews; it refuses to run in production.")
        now = timezone.now()
        for username in DEMO_REVIEWERS:
            learner = User.objects.filter(username=username).first()
            if learner is None or ReviewLog.objects.filter(learner=learner).exists():
                continue  # no such demo learner, or their history is there already
            count = self._replay(learner, now)
            fitting.mastery_refresh(learner_id=learner.pk, now=now)
            self.stdout.write(f"  {username}: {count} past reviews")

    def _replay(self, learner: User, now) -> int:
        rng = random.Random(learner.username)
        cards = Card.objects.filter(learner=learner).select_related("question").order_by("created_at", "id")
        # Leave some cards due today, so the demo has a session waiting.
        horizon = now - timedelta(hours=6)
        count = 0
        for card in cards:
            at = card.created_at + timedelta(minutes=rng.randint(20, 300))
            while at < horizon:
                good = rng.random() > FORGET_RATE
                question = card.question
                if question.kind == QuestionKind.MULTIPLE_CHOICE:
                    right = question.correct_choices[0]
                    wrong = next(i for i in range(len(question.choices)) if i != right)
                    review = services.ReviewInput(card_id=card.pk, answer=right if good else wrong, reviewed_at=at,
                                                  duration_ms=rng.randint(4000, 15000))  # fmt: skip
                else:
                    rating = rng.choice([Rating.Good, Rating.Good, Rating.Easy, Rating.Hard]) if good else Rating.Again
                    review = services.ReviewInput(card_id=card.pk, rating=int(rating), reviewed_at=at,
                                                  duration_ms=rng.randint(4000, 15000))  # fmt: skip
                result = services.review_submit(learner=learner, review=review, now=at)
                count += 1
                card = result.card
                at = max(card.due, at + timedelta(minutes=1)) + timedelta(minutes=rng.randint(5, 600))
        return count
