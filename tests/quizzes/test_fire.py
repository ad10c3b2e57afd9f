"""The rules of implicit review credit (quizzes.fire). Pure: no database."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes import fire
from quizzes.scheduler import CardState, Rating, SchedulerSettings, retrievability, review

START = datetime(2025, 3, 1, 9, tzinfo=UTC)
EXACT = SchedulerSettings(enable_fuzzing=False)


def reviewed(stability=5.0, difficulty=5.0, days=5):
    return CardState(
        state="review", step=None, stability=stability, difficulty=difficulty,
        due=START + timedelta(days=days), last_review=START,
    )  # fmt: skip


def chain(*edges, **attributes):
    graph = nx.DiGraph()
    for source, target, weight in edges:
        graph.add_edge(source, target, kind="required", weight=weight, **attributes)
    return graph


def test_credit_falls_with_depth_and_with_how_much_a_topic_exercises_its_prerequisite():
    graph = chain(("algebra", "attention", 0.8), ("attention", "transformers", 0.5), ("python", "transformers", None))
    graph.add_edge("statistics", "transformers", kind="recommended", weight=1.0)

    default = fire.DEFAULT_EDGE_WEIGHT
    assert fire.credit_weights(graph, "transformers") == {
        "python": default, "attention": 0.5, "algebra": 0.4,
    }  # fmt: skip
    assert fire.credit_weights(graph, "transformers", max_depth=1) == {"python": default, "attention": 0.5}
    assert fire.credit_weights(graph, "transformers", min_weight=0.45) == {"python": default, "attention": 0.5}
    assert fire.credit_weights(graph, "algebra") == {}


def test_the_strongest_chain_decides_a_prerequisites_credit():
    graph = chain(("a", "b", 0.2), ("b", "d", 1.0), ("a", "c", 0.9), ("c", "d", 0.9))
    assert fire.credit_weights(graph, "d")["a"] == pytest.approx(0.81)


def test_an_edge_weight_outside_0_to_1_is_refused():
    with pytest.raises(ValueError, match="weight must be in"):
        fire.credit_weights(chain(("a", "b", 1.5)), "b")


def test_a_card_takes_credit_only_in_review_state_and_once_a_day():
    card = reviewed()
    learning = replace(card, state="learning", step=1)
    two_days = START + timedelta(days=2)

    assert fire.can_take_credit(card, two_days, None)
    assert not fire.can_take_credit(learning, two_days, None)
    assert not fire.can_take_credit(card, START + timedelta(hours=23), None)
    assert not fire.can_take_credit(card, two_days, two_days - timedelta(hours=1))


def test_a_full_credit_is_a_real_good_review_and_a_partial_one_postpones_less():
    card, at = reviewed(), START + timedelta(days=4)
    real = review(card, Rating.Good, at, settings=EXACT, fuzz_seed=1)

    full = fire.implicit_credit(card, at, 1.0, settings=EXACT)
    half = fire.implicit_credit(card, at, 0.5, settings=EXACT)

    assert full.stability == pytest.approx(real.stability) and full.last_review == at
    assert full.due == real.due
    # At most (0.5 / 0.5)² = 1 plain interval (5 days) past the plain due date, not 14 days past it.
    assert half.due == START + timedelta(days=10) < real.due


@pytest.mark.parametrize(
    ("weight", "furthest"),
    [
        (0.08, 5 * (1 + (0.08 / 0.92) ** 2)),  # a credit at the least trust: 1 hour later
        (0.4, 5 * (1 + (0.4 / 0.6) ** 2)),  # at the prior trust: 2.2 days later
    ],
)
def test_many_credits_postpone_a_review_no_further_than_the_largest_one_may(weight, furthest):
    plain, day = reviewed(), START
    card = plain
    for _ in range(30):
        day += timedelta(days=1)
        card = fire.implicit_credit(card, day, weight, settings=EXACT, plain=plain)

    assert card.due == START + timedelta(days=furthest)


@settings(max_examples=150, deadline=None)
@given(
    stability=st.floats(0.1, 400),
    difficulty=st.floats(1, 10),
    days=st.integers(1, 300),
    weight=st.floats(0.001, 1),
    later=st.integers(0, 2000),
)
def test_a_credit_never_does_more_than_a_real_review_nor_less_than_none(
    stability, difficulty, days, weight, later
):
    card = reviewed(stability, difficulty)
    at = START + timedelta(days=days)
    real = review(card, Rating.Good, at, settings=EXACT, fuzz_seed=1)

    credited = fire.implicit_credit(card, at, weight, settings=EXACT)

    assert card.stability <= credited.stability <= real.stability + 1e-9
    assert card.last_review <= credited.last_review <= at
    assert card.due <= credited.due <= max(card.due, real.due)
    moment = at + timedelta(days=later)
    recall = [retrievability(c, moment, settings=EXACT) for c in (card, credited, real)]
    assert recall[0] - 1e-9 <= recall[1] <= recall[2] + 1e-9


def test_a_credit_weight_outside_0_to_1_or_a_card_not_in_review_is_refused():
    with pytest.raises(ValueError, match="weight"):
        fire.implicit_credit(reviewed(), START + timedelta(days=2), 0, settings=EXACT)
    with pytest.raises(ValueError, match="review state"):
        fire.implicit_credit(CardState.new(START), START + timedelta(days=2), 0.5, settings=EXACT)


def test_trust_follows_the_evidence_and_never_drops_to_nothing():
    borne_out, misled = fire.Calibration(), fire.Calibration()
    for _ in range(40):
        borne_out = borne_out.observe(recalled=True, credited=0.92, plain=0.7)
        misled = misled.observe(recalled=False, credited=0.92, plain=0.7)

    assert fire.Calibration().trust == fire.PRIOR_TRUST
    assert borne_out.trust == 1.0
    assert misled.trust == fire.MIN_TRUST
    assert fire.Calibration().observe(recalled=True, credited=0.5, plain=0.9) == fire.Calibration()


def test_a_lapse_brings_a_credited_card_back_to_its_plain_schedule():
    plain = reviewed(days=5)
    credited = fire.implicit_credit(plain, START + timedelta(days=3), 1.0, settings=EXACT)

    def boost(card, day):
        return fire.priority_boost(card, START + timedelta(days=day), plain=plain, settings=EXACT)

    assert credited.due > plain.due
    assert boost(credited, 3).due == plain.due
    assert boost(credited, 6).due == START + timedelta(days=6)  # its plain date has passed: now
    assert boost(plain, 3) is None
    assert boost(replace(credited, state="relearning", step=0), 3) is None


def test_the_weakest_prerequisite_is_the_one_remembered_least():
    assert fire.weakest({"b": 0.8, "a": 0.8, "c": 0.95}) == "a"
    assert fire.weakest({}) is None
