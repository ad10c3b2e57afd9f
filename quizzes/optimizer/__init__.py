"""Per-learner FSRS parameters: fitting them, scoring them, deciding whether to switch.

``history`` turns review rows into card histories and fsrs-rs training items (and says
which reviews count as evidence: not multiple-choice answers); ``scoring`` fits with
fsrs-rs and predicts recall with ``fsrs.Scheduler``; ``decision`` decides, with
time-series splits and a bootstrap, whether a fit is really better. Import the public
names from here. Pure: a selector reads the rows from the review log, a service stores
what is decided (``quizzes.fitting``).
"""

from quizzes.optimizer.decision import (
    CONFIDENCE,
    MIN_SCORED,
    SPLITS,
    FitOutcome,
    choose_parameters,
    folds,
)
from quizzes.optimizer.history import (
    MIN_REVIEWS,
    NotEnoughReviewsError,
    OptimizerError,
    Row,
    histories,
    rows_of,
)
from quizzes.optimizer.scoring import Prediction, fit, fit_parameters, log_loss, loss, predictions

__all__ = [
    "CONFIDENCE",
    "MIN_REVIEWS",
    "MIN_SCORED",
    "SPLITS",
    "FitOutcome",
    "NotEnoughReviewsError",
    "OptimizerError",
    "Prediction",
    "Row",
    "choose_parameters",
    "fit",
    "fit_parameters",
    "folds",
    "histories",
    "log_loss",
    "loss",
    "predictions",
    "rows_of",
]
