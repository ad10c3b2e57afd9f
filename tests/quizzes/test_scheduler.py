"""Behaviour of quizzes.scheduler: parity with fsrs, reproducible fuzz, UTC handling."""

import math
import random
from collections import namedtuple
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import fsrs
import pytest
from fsrs import scheduler as fsrs_scheduler
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from quizzes.scheduler import (
    CardState,
    Rating,
    SchedulerError,
    SchedulerSettings,
    format_interval,
    preview,
    replay,
    retrievabilities,
    retrievability,
    review,
    review_seed,
)

START = datetime(2025, 3, 1, 8, 30, tzinfo=UTC)
DEFAULTS = SchedulerSettings()
UNFUZZED = SchedulerSettings(enable_fuzzing=False)

# A learner's week: first sight, learning steps, a lapse, relearning, long gaps.
FIXED_SEQUENCE = [
    (Rating.Good, timedelta(0)),
    (Rating.Good, timedelta(minutes=10)),
    (Rating.Good, timedelta(days=2)),
    (Rating.Again, timedelta(days=6)),
    (Rating.Hard, timedelta(minutes=10)),
    (Rating.Good, timedelta(minutes=15)),
    (Rating.Easy, timedelta(days=3)),
    (Rating.Good, timedelta(days=17)),
    (Rating.Hard, timedelta(days=40)),
    (Rating.Good, timedelta(days=90, hours=5)),
]


def run_ours(sequence, settings, seed_prefix="card"):
    state, at, states = CardState.new(START), START, []
    for number, (rating, gap) in enumerate(sequence, start=1):
        at += gap
        state = review(
            state, rating, at, settings=settings, fuzz_seed=review_seed(seed_prefix, number)
        )
        states.append(state)
    return states


def run_fsrs(sequence, scheduler):
    card, at, cards = fsrs.Card(card_id=1, due=START), START, []
    for rating, gap in sequence:
        at += gap
        card, _ = scheduler.review_card(card, rating, at)
        cards.append(card)
    return cards


def assert_same_card(ours: CardState, theirs: fsrs.Card):
    assert ours.state == theirs.state.name.lower()
    assert ours.step == theirs.step
    assert ours.stability == theirs.stability
    assert ours.difficulty == theirs.difficulty
    assert ours.due == theirs.due
    assert ours.last_review == theirs.last_review


def fuzz_bounds(interval_days: int, maximum_interval: int = 36500) -> tuple[int, int]:
    """fsrs's documented fuzz window; fsrs can land one day past its upper end."""
    delta = 1.0
    for band in fsrs_scheduler.FUZZ_RANGES:
        delta += band["factor"] * max(min(interval_days, band["end"]) - band["start"], 0.0)
    low = max(2, round(interval_days - delta))
    high = min(round(interval_days + delta), maximum_interval)
    return min(low, high), high + 1


# -- parity with the fsrs package -------------------------------------------------


def test_it_matches_fsrs_exactly_when_fuzzing_is_off():
    ours = run_ours(FIXED_SEQUENCE, UNFUZZED)
    theirs = run_fsrs(FIXED_SEQUENCE, fsrs.Scheduler(enable_fuzzing=False))
    for our_state, their_card in zip(ours, theirs, strict=True):
        assert_same_card(our_state, their_card)


def test_it_matches_fsrs_with_custom_settings():
    custom = SchedulerSettings(
        desired_retention=0.8,
        learning_steps=(timedelta(minutes=5),),
        relearning_steps=(),
        maximum_interval=120,
        enable_fuzzing=False,
    )
    theirs = fsrs.Scheduler(
        desired_retention=0.8,
        learning_steps=(timedelta(minutes=5),),
        relearning_steps=(),
        maximum_interval=120,
        enable_fuzzing=False,
    )
    for our_state, their_card in zip(
        run_ours(FIXED_SEQUENCE, custom), run_fsrs(FIXED_SEQUENCE, theirs), strict=True
    ):
        assert_same_card(our_state, their_card)


def test_its_fuzz_is_the_fuzz_fsrs_draws_for_the_same_seed():
    # fsrs draws from the global generator; seeding that with our seed must give our result.
    saved = random.getstate()
    try:
        for number in range(1, 30):
            seed = f"card-7:{number}"
            before = run_ours(FIXED_SEQUENCE[:2], UNFUZZED)[-1]
            at = START + timedelta(days=number)
            ours = review(before, Rating.Good, at, settings=DEFAULTS, fuzz_seed=seed)

            card = fsrs.Card(
                card_id=1,
                state=fsrs.State.Review,
                step=None,
                stability=before.stability,
                difficulty=before.difficulty,
                due=before.due,
                last_review=before.last_review,
            )
            random.seed(seed)
            theirs, _ = fsrs.Scheduler().review_card(card, Rating.Good, at)
            assert ours.due == theirs.due
    finally:
        random.setstate(saved)


# -- reproducible fuzz ----------------------------------------------------------------


def test_the_same_review_and_seed_always_give_the_same_card():
    first = run_ours(FIXED_SEQUENCE, DEFAULTS, seed_prefix="card-3")
    again = run_ours(FIXED_SEQUENCE, DEFAULTS, seed_prefix="card-3")
    assert first == again


def test_different_seeds_spread_reviews_within_fsrs_fuzz_window():
    before = run_ours(FIXED_SEQUENCE[:8], UNFUZZED)[-1]
    at = START + timedelta(days=200)
    unfuzzed_days = (review(before, Rating.Good, at, settings=UNFUZZED, fuzz_seed=0).due - at).days
    low, high = fuzz_bounds(unfuzzed_days)

    fuzzed_days = {
        (review(before, Rating.Good, at, settings=DEFAULTS, fuzz_seed=f"c:{n}").due - at).days
        for n in range(300)
    }
    assert unfuzzed_days > 20
    assert len(fuzzed_days) > 3
    assert min(fuzzed_days) >= low
    assert max(fuzzed_days) <= high


def test_reviewing_leaves_the_global_random_generator_alone():
    random.seed(1234)
    expected_next = random.Random(1234).random()
    run_ours(FIXED_SEQUENCE, DEFAULTS)
    assert random.random() == expected_next


def test_concurrent_reviews_get_the_same_fuzz_as_sequential_ones():
    before = run_ours(FIXED_SEQUENCE[:8], UNFUZZED)[-1]
    at = START + timedelta(days=200)
    seeds = [f"card:{n}" for n in range(200)]

    def due_for(seed):
        return review(before, Rating.Good, at, settings=DEFAULTS, fuzz_seed=seed).due

    sequential = [due_for(seed) for seed in seeds]
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(due_for, seeds))
    assert concurrent == sequential


def test_it_rejects_a_missing_fuzz_seed():
    with pytest.raises(SchedulerError, match="fuzz_seed"):
        review(CardState.new(START), Rating.Good, START, settings=DEFAULTS, fuzz_seed=None)


# -- time zones -----------------------------------------------------------------------


def test_a_berlin_review_schedules_like_the_same_instant_in_utc():
    berlin = ZoneInfo("Europe/Berlin")
    utc_states = run_ours(FIXED_SEQUENCE, DEFAULTS)

    state, at = CardState.new(START.astimezone(berlin)), START
    for number, (rating, gap) in enumerate(FIXED_SEQUENCE, start=1):
        # Step in UTC and convert: adding a timedelta to a Berlin time is wall-clock
        # arithmetic and would land on another instant across the March DST switch.
        at += gap
        berlin_time = at.astimezone(berlin)
        state = review(
            state, rating, berlin_time, settings=DEFAULTS, fuzz_seed=review_seed("card", number)
        )
        assert state == utc_states[number - 1]
        assert state.due.tzinfo is UTC
        assert state.last_review.tzinfo is UTC


def test_zoneinfo_utc_is_accepted_although_fsrs_itself_refuses_it():
    at = datetime(2025, 3, 1, 8, 30, tzinfo=ZoneInfo("UTC"))
    state = review(CardState.new(at), Rating.Good, at, settings=DEFAULTS, fuzz_seed=1)
    assert state.last_review == START


def test_it_rejects_naive_datetimes():
    naive = datetime(2025, 3, 1, 8, 30)
    with pytest.raises(SchedulerError, match="naive"):
        review(CardState.new(START), Rating.Good, naive, settings=DEFAULTS, fuzz_seed=1)
    with pytest.raises(SchedulerError, match="naive"):
        CardState.new(naive)


def test_it_rejects_a_review_before_the_last_one():
    state = review(CardState.new(START), Rating.Good, START, settings=DEFAULTS, fuzz_seed=1)
    with pytest.raises(SchedulerError, match="before the card's last review"):
        review(state, Rating.Good, START - timedelta(hours=1), settings=DEFAULTS, fuzz_seed=2)


# -- preview, retrievability, formatting -------------------------------------------------


@pytest.mark.parametrize("reviews_so_far", [0, 1, 3, 4, 8])
def test_preview_buttons_are_ordered_from_again_to_easy(reviews_so_far):
    state = (
        run_ours(FIXED_SEQUENCE[:reviews_so_far], DEFAULTS)[-1]
        if reviews_so_far
        else (CardState.new(START))
    )
    now = max(state.due, START)
    dues = preview(state, now, settings=DEFAULTS, fuzz_seed="card:next")
    assert list(dues) == [Rating.Again, Rating.Hard, Rating.Good, Rating.Easy]
    assert dues[Rating.Again] <= dues[Rating.Hard] <= dues[Rating.Good] <= dues[Rating.Easy]


def test_preview_shows_what_the_chosen_button_will_do():
    state = run_ours(FIXED_SEQUENCE[:3], DEFAULTS)[-1]
    dues = preview(state, state.due, settings=DEFAULTS, fuzz_seed="card:4")
    for rating, due in dues.items():
        assert review(state, rating, state.due, settings=DEFAULTS, fuzz_seed="card:4").due == due


def test_a_new_card_has_no_retrievability():
    assert retrievability(CardState.new(START), START, settings=DEFAULTS) == 0.0


def test_retrievability_falls_as_time_passes():
    state = run_ours(FIXED_SEQUENCE[:3], DEFAULTS)[-1]
    values = [
        retrievability(state, state.last_review + timedelta(days=days), settings=DEFAULTS)
        for days in (0, 1, 5, 30, 365)
    ]
    assert values[0] == 1.0
    assert all(later < earlier for earlier, later in zip(values, values[1:], strict=False))
    assert values[-1] > 0


def test_retrievability_at_the_due_date_is_near_the_desired_retention():
    state = run_ours(FIXED_SEQUENCE[:8], UNFUZZED)[-1]
    assert retrievability(state, state.due, settings=UNFUZZED) == pytest.approx(0.9, abs=0.02)


# What a selector passes instead of a CardState: a values_list(..., named=True) row.
MemoryRow = namedtuple("MemoryRow", "topic_id stability last_review")


def test_batch_retrievabilities_use_the_learners_fitted_forgetting_curve():
    card = run_ours(FIXED_SEQUENCE[:3], DEFAULTS)[-1]
    parameters = list(DEFAULTS.parameters)
    parameters[20] = 0.5  # a steeper decay than the default
    fitted = SchedulerSettings(parameters=parameters)
    later = card.last_review + timedelta(days=30)

    default, steep = (
        retrievabilities([card], later, settings=settings)[0] for settings in (DEFAULTS, fitted)
    )

    assert steep == retrievability(card, later, settings=fitted) != default


def test_batch_retrievabilities_reject_naive_datetimes():
    naive = MemoryRow(1, 3.0, datetime(2025, 3, 1))
    with pytest.raises(SchedulerError, match="last_review must be timezone-aware"):
        retrievabilities([naive], START, settings=DEFAULTS)


@pytest.mark.parametrize(
    ("interval", "label"),
    [
        (timedelta(seconds=5), "<1m"),
        (timedelta(minutes=1), "1m"),
        (timedelta(minutes=5, seconds=30), "5.5m"),
        (timedelta(seconds=59.99), "1m"),
        (timedelta(hours=2), "2h"),
        (timedelta(days=1), "1d"),
        (timedelta(days=12), "12d"),
        (timedelta(days=45), "1.5mo"),
        (timedelta(days=365), "1y"),
        (timedelta(days=3650), "10y"),
    ],
)
def test_format_interval_gives_short_button_labels(interval, label):
    assert format_interval(interval) == label


def test_format_interval_rejects_negative_intervals():
    with pytest.raises(SchedulerError):
        format_interval(timedelta(minutes=-1))


# -- settings -----------------------------------------------------------------------------


@pytest.mark.parametrize("retention", [0.5, 0.69, 0.98, 1.0])
def test_it_rejects_desired_retention_outside_the_supported_range(retention):
    with pytest.raises(SchedulerError, match="desired retention must be between 0.7 and 0.97"):
        SchedulerSettings(desired_retention=retention)


def test_it_rejects_a_parameter_vector_of_the_wrong_length():
    with pytest.raises(SchedulerError, match="expected 21 FSRS-6 parameters, got 19"):
        SchedulerSettings(parameters=fsrs_scheduler.DEFAULT_PARAMETERS[:19])


def test_it_rejects_parameters_out_of_fsrs_bounds():
    params = list(fsrs_scheduler.DEFAULT_PARAMETERS)
    params[4] = 42.0
    with pytest.raises(SchedulerError, match=r"parameters\[4\] = 42.0 is out of bounds"):
        SchedulerSettings(parameters=params)


def test_settings_are_hashable_values_even_from_lists():
    settings = SchedulerSettings(parameters=list(fsrs_scheduler.DEFAULT_PARAMETERS))
    assert settings == DEFAULTS
    assert hash(settings) == hash(DEFAULTS)


def test_it_rejects_an_unknown_rating():
    with pytest.raises(SchedulerError, match="rating must be 1"):
        review(CardState.new(START), 5, START, settings=DEFAULTS, fuzz_seed=1)


def test_it_rejects_impossible_card_states():
    with pytest.raises(SchedulerError, match="card state"):
        CardState(state="new", step=0, stability=None, difficulty=None, due=START)
    with pytest.raises(SchedulerError, match="never-reviewed"):
        CardState(state="review", step=None, stability=None, difficulty=None, due=START)


# -- properties over any review history -----------------------------------------------------

ratings = st.sampled_from(list(Rating))
gaps = st.one_of(
    st.integers(min_value=0, max_value=3600).map(lambda s: timedelta(seconds=s)),
    st.integers(min_value=1, max_value=400 * 24).map(lambda h: timedelta(hours=h)),
)
histories = st.lists(st.tuples(ratings, gaps), min_size=1, max_size=25)
any_settings = st.builds(
    SchedulerSettings,
    desired_retention=st.floats(min_value=0.7, max_value=0.97),
    maximum_interval=st.integers(min_value=1, max_value=36500),
    enable_fuzzing=st.booleans(),
)


@given(history=histories, settings=any_settings)
@hypothesis_settings(max_examples=150, deadline=None)
def test_any_history_keeps_the_memory_state_sane(history, settings):
    state, at = CardState.new(START), START
    for number, (rating, gap) in enumerate(history, start=1):
        at += gap
        state = review(state, rating, at, settings=settings, fuzz_seed=review_seed("h", number))
        assert state.stability > 0 and math.isfinite(state.stability)
        assert 1 <= state.difficulty <= 10
        assert state.due > at
        assert state.due - at <= timedelta(days=settings.maximum_interval)
        assert state.last_review == at


@given(history=histories)
@hypothesis_settings(max_examples=100, deadline=None)
def test_replaying_a_log_in_any_order_equals_the_live_reviews(history):
    live, at, log = CardState.new(START), START, []
    for number, (rating, gap) in enumerate(history, start=1):
        at += gap + timedelta(microseconds=1)  # distinct times, so the order is unambiguous
        live = review(live, rating, at, settings=DEFAULTS, fuzz_seed=review_seed("c9", number))
        log.append((rating, at.astimezone(ZoneInfo("America/New_York"))))

    shuffled = random.Random(len(log)).sample(log, len(log))
    assert replay(CardState.new(START), shuffled, settings=DEFAULTS, seed_prefix="c9") == live


@given(history=histories)
@hypothesis_settings(max_examples=60, deadline=None)
def test_preview_is_ordered_after_any_history(history):
    state, at = CardState.new(START), START
    for number, (rating, gap) in enumerate(history, start=1):
        at += gap
        state = review(state, rating, at, settings=DEFAULTS, fuzz_seed=review_seed("p", number))
    now = at + timedelta(days=1)
    dues = preview(state, now, settings=DEFAULTS, fuzz_seed="p:next")
    assert dues[Rating.Again] <= dues[Rating.Hard] <= dues[Rating.Good] <= dues[Rating.Easy]


@given(
    history=histories,
    settings=any_settings,
    waits=st.lists(st.integers(min_value=0, max_value=90 * 86_400 * 10**6), min_size=1, max_size=4),
)
@hypothesis_settings(max_examples=100, deadline=None)
def test_a_remembered_preview_is_exactly_what_each_button_does_at_any_moment(history, settings, waits):
    state, at = CardState.new(START), START
    for number, (rating, gap) in enumerate(history, start=1):
        at += gap
        state = review(state, rating, at, settings=settings, fuzz_seed=review_seed("m", number))
    for wait in waits:  # later previews of the same card come from the remembered intervals
        now = at + timedelta(microseconds=wait)
        dues = preview(state, now, settings=settings, fuzz_seed="m:next")
        assert dues == {
            rating: review(state, rating, now, settings=settings, fuzz_seed="m:next").due for rating in Rating
        }


def test_replace_keeps_utc_normalisation():
    berlin_due = datetime(2025, 3, 1, 10, tzinfo=ZoneInfo("Europe/Berlin"))
    state = replace(CardState.new(START), due=berlin_due)
    assert state.due.tzinfo is UTC


@given(
    card_histories=st.lists(histories, min_size=1, max_size=12),
    settings=any_settings,
    elapsed=st.integers(min_value=0, max_value=3 * 365 * 24).map(lambda h: timedelta(hours=h)),
)
@hypothesis_settings(max_examples=60, deadline=None)
def test_batch_retrievabilities_equal_retrievability_card_for_card(
    card_histories, settings, elapsed
):
    cards = [CardState.new(START)]  # a never-reviewed card among them: 0 either way
    for history in card_histories:
        state, at = CardState.new(START), START
        for number, (rating, gap) in enumerate(history, start=1):
            at += gap
            state = review(state, rating, at, settings=settings, fuzz_seed=review_seed(1, number))
        cards.append(state)
    now = max(card.last_review or START for card in cards) + elapsed

    one_by_one = [retrievability(card, now, settings=settings) for card in cards]
    rows = [MemoryRow(7, card.stability, card.last_review) for card in cards]

    assert retrievabilities(cards, now, settings=settings) == one_by_one
    assert retrievabilities(rows, now, settings=settings) == one_by_one
