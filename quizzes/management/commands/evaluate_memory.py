"""``manage.py evaluate_memory``: how well the memory model predicts this installation's learners
(the srs-benchmark protocol, ``quizzes.evaluation``), or a synthetic data set's."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from quizzes import evaluation, selectors
from quizzes import synthetic as synthetic_data


class Command(BaseCommand):
    help = (
        "Evaluate FSRS-6 (default and fitted parameters) and SM-2 on the review logs: per learner, "
        "time-series splits, first review of each day; log loss, RMSE (bins) and AUC, weighted by "
        "reviews. --synthetic runs on a generated data set instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--synthetic", action="store_true", help="evaluate a generated data set, not the logs")
        parser.add_argument("--learners", type=int, default=12, help="synthetic learners (default 12)")
        parser.add_argument("--reviews", type=int, default=1500, help="reviews per synthetic learner (default 1500)")
        parser.add_argument(
            "--min-reviews", type=int, default=100, help="leave out learners with fewer reviews (default 100)"
        )
        parser.add_argument("--splits", type=int, default=5, help="time-series splits (default 5)")

    def handle(self, *args, synthetic: bool, learners: int, reviews: int, min_reviews: int, splits: int, **options):
        if learners < 1 or reviews < 1 or splits < 1 or min_reviews < 1:
            raise CommandError("--learners, --reviews, --min-reviews and --splits must be at least 1")
        if synthetic:
            data = synthetic_data.population(learners, reviews=reviews)
            source = f"a synthetic data set: {learners} learners, about {reviews:,} reviews each"
        else:
            now = timezone.now()
            data = {
                learner_id: selectors.review_rows(learner_id=learner_id, until=now)
                for learner_id in selectors.learners_with_reviews(at_least=min_reviews)
            }
            source = f"the review logs of {len(data)} learner(s) with at least {min_reviews} reviews"
        if not data:
            raise CommandError(
                f"no learner has {min_reviews} reviews yet; try --synthetic to see the evaluation on generated data"
            )
        scores = evaluation.evaluate(data, splits=splits)
        self.stdout.write(f"Evaluated on {source} ({splits} time-series splits).\n")
        self.stdout.write(evaluation.table(scores))
