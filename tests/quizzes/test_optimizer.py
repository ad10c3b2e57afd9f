"""Behaviour of quizzes.optimizer on simulated learners whose true memory is known."""

import math
import random
from datetime import UTC, datetime, timedelta

import fsrs
import fsrs_rs_python
import pytest
from fsrs import scheduler as fsrs_scheduler

from quizzes.optimizer import (
    MIN_REVIEWS,
    MIN_SCORED,
    NotEnoughReviewsError,
    OptimizerError,
    choose_parameters,
    fit_parameters,
    folds,
    histories,
    log_loss,
    predictions,
    rows_of,
)
from quizzes.scheduler import CardState, SchedulerSettings, review, review_seed
from quizzes.synthetic import FORGETFUL, learner_reviews

START = datetime(2024, 1, 1, 7, tzinfo=UTC)
DEFAULT_PARAMETERS = fsrs_scheduler.DEFAULT_PARAMETERS

FORGETFUL_PARAMETERS = FORGETFUL


def simulate_learner(true_parameters, *, cards=250, days=150, seed=1):
    """Review rows of a learner scheduled by Pathwise with default settings.

    Whether each review is recalled is drawn from the learner's true memory,
    an FSRS model with ``true_parameters``; learners also often review late.
    """
    rng = random.Random(seed)
    memory = fsrs.Scheduler(parameters=true_parameters, enable_fuzzing=False)
    app_settings = SchedulerSettings()
    end = START + timedelta(days=days)
    rows = []
    for card_key in range(cards):
        at = START + timedelta(days=rng.uniform(0, days * 0.6))
        state, true_card, number = CardState.new(at), fsrs.Card(card_id=1, due=at), 0
        while at < end:
            if true_card.last_review is None:
                rating = rng.choices([1, 2, 3, 4], weights=[15, 10, 60, 15])[0]
            elif rng.random() < memory.get_card_retrievability(true_card, at):
                rating = rng.choices([2, 3, 4], weights=[15, 75, 10])[0]
            else:
                rating = 1
            number += 1
            rows.append((f"card-{card_key}", rating, at))
            true_card, _ = memory.review_card(true_card, fsrs.Rating(rating), at)
            state = review(
                state,
                rating,
                at,
                settings=app_settings,
                fuzz_seed=review_seed(card_key, number),
            )
            late = (
                timedelta(days=rng.choice([0, 0, 0, 1, 2, 5]))
                if state.state == "review"
                else (timedelta(0))
            )
            at = state.due + late + timedelta(minutes=rng.uniform(0, 30))
    return rows


@pytest.fixture(scope="module")
def forgetful_learner():
    return simulate_learner(FORGETFUL_PARAMETERS, seed=1)


@pytest.fixture(scope="module")
def typical_learner():
    return simulate_learner(DEFAULT_PARAMETERS, seed=2)


@pytest.fixture(scope="module")
def fitted(forgetful_learner):
    return fit_parameters(forgetful_learner)


def test_the_simulated_history_is_big_enough_to_fit(forgetful_learner):
    assert len(forgetful_learner) >= 4 * MIN_REVIEWS


def test_fitting_returns_parameters_the_scheduler_accepts(fitted):
    assert len(fitted) == len(DEFAULT_PARAMETERS)
    assert all(isinstance(value, float) and math.isfinite(value) for value in fitted)
    for value, low, high in zip(
        fitted,
        fsrs_scheduler.LOWER_BOUNDS_PARAMETERS,
        fsrs_scheduler.UPPER_BOUNDS_PARAMETERS,
        strict=True,
    ):
        assert low <= value <= high
    SchedulerSettings(parameters=fitted)


def test_fitted_parameters_predict_the_learner_better_than_the_defaults(fitted, forgetful_learner):
    assert log_loss(fitted, forgetful_learner) < log_loss(DEFAULT_PARAMETERS, forgetful_learner)


def test_fitting_notices_that_the_learner_forgets_fast(fitted):
    # The initial stability after a first "Good" falls well below the default's.
    assert fitted[2] < DEFAULT_PARAMETERS[2] / 2


def test_the_order_of_the_rows_does_not_change_the_fit(forgetful_learner, fitted):
    shuffled = random.Random(5).sample(forgetful_learner, len(forgetful_learner))
    assert fit_parameters(shuffled) == fitted


def test_log_loss_is_finite_and_positive(forgetful_learner):
    loss = log_loss(DEFAULT_PARAMETERS, forgetful_learner)
    assert math.isfinite(loss)
    assert 0 < loss < 1


def test_log_loss_agrees_with_fsrs_rs_memory_states(forgetful_learner):
    # Independent computation: memory states from fsrs-rs (float32), recall from
    # the FSRS-6 forgetting curve. The fsrs.Scheduler replay must agree with it.
    histories = {}
    for card_key, rating, at in sorted(forgetful_learner, key=lambda row: row[2]):
        histories.setdefault(card_key, []).append((at, rating))
    engine = fsrs_rs_python.FSRS(DEFAULT_PARAMETERS)
    decay = -DEFAULT_PARAMETERS[20]
    factor = 0.9 ** (1 / decay) - 1
    total, scored = 0.0, 0
    for history in histories.values():
        elapsed = [0] + [(b[0] - a[0]).days for a, b in zip(history, history[1:], strict=False)]
        item = fsrs_rs_python.FSRSItem(
            [
                fsrs_rs_python.FSRSReview(rating, days)
                for (_, rating), days in zip(history, elapsed, strict=True)
            ]
        )
        states = engine.historical_memory_states(item)
        for index in range(1, len(history)):
            if elapsed[index] >= 1:
                recall = (1 + factor * elapsed[index] / states[index - 1].stability) ** decay
                total -= math.log(recall if history[index][1] > 1 else 1 - recall)
                scored += 1

    assert log_loss(DEFAULT_PARAMETERS, forgetful_learner) == pytest.approx(
        total / scored, abs=1e-4
    )


def test_log_loss_since_scores_only_the_later_reviews(forgetful_learner):
    cutoff = START + timedelta(days=120)
    recent = log_loss(DEFAULT_PARAMETERS, forgetful_learner, since=cutoff)
    assert recent != log_loss(DEFAULT_PARAMETERS, forgetful_learner)
    assert math.isfinite(recent)


def test_a_forgetful_learner_gets_fitted_parameters(forgetful_learner):
    outcome = choose_parameters(DEFAULT_PARAMETERS, forgetful_learner)

    assert outcome.adopted
    assert outcome.candidate_loss < outcome.current_loss
    assert outcome.improvement > outcome.improvement_low > 0
    assert outcome.scored >= MIN_SCORED
    assert outcome.parameters == outcome.candidate == fit_parameters(forgetful_learner)
    SchedulerSettings(parameters=outcome.parameters)


def test_the_held_out_reviews_are_the_later_chunks_in_time():
    rows = [(f"c{n % 7}", 3, START + timedelta(days=n)) for n in range(60)]
    cuts = folds(rows_of(rows), 5)
    assert [start for start, _ in cuts] == [START + timedelta(days=d) for d in (10, 20, 30, 40, 50)]
    assert cuts[-1][1] is None


def test_a_decision_needs_enough_held_out_reviews(forgetful_learner):
    outcome = choose_parameters(DEFAULT_PARAMETERS, forgetful_learner, min_scored=10**6)

    assert not outcome.adopted and outcome.parameters == tuple(DEFAULT_PARAMETERS)
    assert f"only {outcome.scored} held-out scored reviews" in outcome.reason


def test_multiple_choice_answers_are_kept_in_histories_but_never_scored():
    guessed = learner_reviews(reviews=600, multiple_choice=1.0, seed=4)
    mixed = learner_reviews(reviews=600, multiple_choice=0.5, seed=4)

    with pytest.raises(NotEnoughReviewsError, match="no review to score"):
        log_loss(DEFAULT_PARAMETERS, guessed)
    scored = [p for p in predictions(DEFAULT_PARAMETERS, histories(rows_of(mixed)))]
    free_recall = {key for key, *_, counted in mixed if counted}
    assert scored and {p.card for p in scored} <= free_recall


def test_parameters_that_already_know_the_learner_are_kept(forgetful_learner, fitted):
    # ``fitted`` has seen the held-out reviews too, so a refit on the older ones cannot beat it.
    outcome = choose_parameters(fitted, forgetful_learner)

    assert not outcome.adopted
    assert outcome.parameters == fitted
    assert outcome.candidate_loss >= outcome.current_loss


def test_refitting_a_learner_who_behaves_like_the_defaults_gains_almost_nothing(
    typical_learner,
):
    # Whether such a refit is adopted is a coin flip on noise; what matters is that
    # the defaults are already about as good as any fit.
    outcome = choose_parameters(DEFAULT_PARAMETERS, typical_learner)

    assert outcome.candidate_loss == pytest.approx(outcome.current_loss, abs=0.02)
    assert outcome.adopted == (outcome.candidate_loss < outcome.current_loss)


def test_too_few_reviews_are_refused(forgetful_learner):
    with pytest.raises(NotEnoughReviewsError, match=f"at least {MIN_REVIEWS} reviews, got 399"):
        fit_parameters(forgetful_learner[:399])
    with pytest.raises(NotEnoughReviewsError):
        choose_parameters(DEFAULT_PARAMETERS, forgetful_learner[: MIN_REVIEWS - 1])


def test_a_single_day_of_cramming_cannot_be_evaluated():
    crammed = [(f"card-{n % 40}", 3, START + timedelta(minutes=n)) for n in range(MIN_REVIEWS)]
    outcome = choose_parameters(DEFAULT_PARAMETERS, crammed)
    assert not outcome.adopted and outcome.scored == 0
    assert outcome.reason == "no held-out review could be scored"


def test_it_rejects_naive_datetimes_and_unknown_ratings():
    with pytest.raises(OptimizerError, match="timezone-aware"):
        log_loss(DEFAULT_PARAMETERS, [("a", 3, datetime(2025, 1, 1))])
    with pytest.raises(OptimizerError, match="rating must be 1"):
        log_loss(DEFAULT_PARAMETERS, [("a", 5, START)])


def test_it_rejects_invalid_parameter_sets(forgetful_learner):
    with pytest.raises(OptimizerError, match="Expected 21 parameters"):
        log_loss(DEFAULT_PARAMETERS[:19], forgetful_learner)
    with pytest.raises(OptimizerError, match="confidence"):
        choose_parameters(DEFAULT_PARAMETERS, forgetful_learner, confidence=1.5)


# --- Not fooled by noise: twenty simulated learners of each kind -----------------------------


def adoptions(true_parameters, learners=20, reviews=2000):
    """How many of `learners` simulated learners get a fit adopted, each after `reviews` reviews."""
    return sum(
        choose_parameters(
            DEFAULT_PARAMETERS, learner_reviews(true_parameters, reviews=reviews, seed=seed)
        ).adopted
        for seed in range(learners)
    )


def test_a_learner_like_the_defaults_gets_a_noise_fit_adopted_at_most_once_in_20():
    assert adoptions(DEFAULT_PARAMETERS) <= 1


def test_a_forgetful_learner_with_2000_reviews_gets_a_fit_in_at_least_18_of_20():
    assert adoptions(FORGETFUL) >= 18
