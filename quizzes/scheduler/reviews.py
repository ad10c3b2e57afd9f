"""Reviewing a card with the ``fsrs`` library: one answer, a preview of the four, a replay.

The memory model, learning steps and fuzz are fsrs's own; this module translates between
``CardState`` and ``fsrs.Card`` and makes the fuzz reproducible from a seed
(``review_seed``), so replaying a card's log gives exactly the state live reviews gave.
Pure: no Django.
"""

from __future__ import annotations

import functools
import random
import types
from collections.abc import Iterable
from datetime import datetime, timedelta

import fsrs
from fsrs import Rating

from quizzes.scheduler.cards import STATE_NAMES, STATES, CardState, SchedulerError, SchedulerSettings, as_utc

_FSRS_FUZZ = fsrs.Scheduler._get_fuzzed_interval
if "random" not in _FSRS_FUZZ.__code__.co_names:
    # _seeded_fuzz relies on fsrs drawing its fuzz from the module-level random();
    # failing here beats silently losing reproducible schedules after an upgrade.
    raise ImportError(
        "fsrs.Scheduler._get_fuzzed_interval no longer calls the module-level random(); "
        "quizzes.scheduler._seeded_fuzz must be revisited for this fsrs version"
    )


def _seeded_fuzz(scheduler: fsrs.Scheduler, rng: random.Random) -> types.MethodType:
    # fsrs draws fuzz from ``random()`` imported into fsrs.scheduler, i.e. the
    # process-wide generator. Seeding or patching that would leak into every
    # thread and every other user of ``random``. Re-implementing the fuzz would
    # drift from fsrs (its range, rounding and the quirk that it can land one day
    # past its own upper bound). So we run fsrs's own function code against a
    # private copy of its globals in which ``random`` is this review's seeded
    # generator, bound to a scheduler built for this one call: same fuzz as fsrs,
    # nothing shared is modified, safe across threads.
    namespace = dict(_FSRS_FUZZ.__globals__, random=rng.random)
    fuzz = types.FunctionType(
        _FSRS_FUZZ.__code__,
        namespace,
        _FSRS_FUZZ.__name__,
        _FSRS_FUZZ.__defaults__,
        _FSRS_FUZZ.__closure__,
    )
    fuzz.__kwdefaults__ = _FSRS_FUZZ.__kwdefaults__
    return types.MethodType(fuzz, scheduler)


def fsrs_scheduler(settings: SchedulerSettings, rng: random.Random | None) -> fsrs.Scheduler:
    scheduler = fsrs.Scheduler(
        parameters=settings.parameters,
        desired_retention=settings.desired_retention,
        learning_steps=settings.learning_steps,
        relearning_steps=settings.relearning_steps,
        maximum_interval=settings.maximum_interval,
        enable_fuzzing=settings.enable_fuzzing,
    )
    if rng is not None:
        scheduler._get_fuzzed_interval = _seeded_fuzz(scheduler, rng)
    return scheduler


def to_fsrs_card(state: CardState) -> fsrs.Card:
    # An explicit card_id: fsrs.Card() otherwise derives one from the clock and sleeps 1 ms.
    return fsrs.Card(
        card_id=0,
        state=STATES[state.state],
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
    )


def _from_card(card: fsrs.Card) -> CardState:
    return CardState(
        state=STATE_NAMES[card.state],
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def _rating(rating: int) -> Rating:
    try:
        return Rating(rating)
    except ValueError:
        raise SchedulerError(
            f"rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy), got {rating!r}"
        ) from None


def review_seed(card_key: object, review_number: int) -> str:
    """The fuzz seed for the ``review_number``-th review (counting from 1) of a card.

    Live reviews and `replay` both derive seeds here, so they cannot disagree.

    Examples
    --------
    >>> review_seed(17, 3)
    '17:3'
    """
    return f"{card_key}:{review_number}"


def review(
    state: CardState,
    rating: int,
    reviewed_at: datetime,
    *,
    settings: SchedulerSettings,
    fuzz_seed: str | int,
) -> CardState:
    """The card's state after being answered with ``rating`` at ``reviewed_at``.

    Parameters
    ----------
    state : CardState
        The card before the review.
    rating : Rating or int
        1 (Again) to 4 (Easy).
    reviewed_at : datetime
        Any timezone-aware datetime; it is converted to UTC.
    settings : SchedulerSettings
        The learner's settings.
    fuzz_seed : str or int
        Decides the fuzz; the same inputs and seed always give the same result.
        Use `review_seed`.

    Raises
    ------
    SchedulerError
        For a naive datetime, an unknown rating, a bad seed, or a review dated
        before the card's last review.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> from zoneinfo import ZoneInfo
    >>> settings = SchedulerSettings()
    >>> berlin = datetime(2025, 3, 1, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    >>> card = review(CardState.new(berlin), 4, berlin, settings=settings, fuzz_seed="7:1")
    >>> card.state, card.last_review.isoformat(), card.due - card.last_review
    ('review', '2025-03-01T09:00:00+00:00', datetime.timedelta(days=11))
    """
    rating = _rating(rating)
    reviewed_at = as_utc(reviewed_at, "reviewed_at")
    if state.last_review is not None and reviewed_at < state.last_review:
        raise SchedulerError(
            f"a review at {reviewed_at.isoformat()} cannot come before the card's "
            f"last review at {state.last_review.isoformat()}"
        )
    # Checked even with fuzzing off, so turning it on later cannot break a caller.
    if isinstance(fuzz_seed, bool) or not isinstance(fuzz_seed, str | int):
        raise SchedulerError(f"fuzz_seed must be a str or int, got {fuzz_seed!r}")
    # random.Random hashes str seeds with SHA-512, not hash(), so a seed gives the
    # same fuzz in every process whatever PYTHONHASHSEED is.
    rng = random.Random(fuzz_seed) if settings.enable_fuzzing else None
    scheduler = fsrs_scheduler(settings, rng)
    card, _log = scheduler.review_card(to_fsrs_card(state), rating, reviewed_at)
    return _from_card(card)


def preview(
    state: CardState,
    now: datetime,
    *,
    settings: SchedulerSettings,
    fuzz_seed: str | int,
) -> dict[Rating, datetime]:
    """When the card would next be due for each of the four answer buttons.

    With the seed the real review will use, the preview is exactly what the
    chosen button then does (for a review at ``now``).

    fsrs reads the time of a review only as whole days since the last one and adds
    the new interval to it, so the four intervals are remembered per card state,
    whole days elapsed, settings and seed (`preview_intervals`): a due page shown
    again, with one card answered, computes one card's previews, not fifty.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> settings = SchedulerSettings()
    >>> start = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
    >>> card = review(CardState.new(start), Rating.Good, start, settings=settings, fuzz_seed=3)
    >>> card = review(card, Rating.Good, card.due, settings=settings, fuzz_seed=4)
    >>> later = card.last_review + timedelta(days=5, hours=7)
    >>> buttons = preview(card, later, settings=settings, fuzz_seed=5)
    >>> all(buttons[r] == review(card, r, later, settings=settings, fuzz_seed=5).due for r in Rating)
    True
    """
    now = as_utc(now, "now")
    if state.last_review is not None and now < state.last_review:
        # Not a preview fsrs can make: let review() raise its error.
        review(state, Rating.Good, now, settings=settings, fuzz_seed=fuzz_seed)
    days = None if state.last_review is None else (now - state.last_review).days
    return {rating: now + interval for rating, interval in preview_intervals(state, days, settings, fuzz_seed)}


@functools.lru_cache(maxsize=20_000)
def preview_intervals(
    state: CardState, days: int | None, settings: SchedulerSettings, fuzz_seed: str | int
) -> tuple[tuple[Rating, timedelta], ...]:
    """The interval each button gives a review ``days`` whole days after the last one
    (any review of a never-reviewed card when ``days`` is None); see `preview`."""
    at = state.due if state.last_review is None else state.last_review + timedelta(days=days)
    return tuple(
        (rating, review(state, rating, at, settings=settings, fuzz_seed=fuzz_seed).due - at)
        for rating in Rating
    )


def replay(
    initial: CardState,
    reviews: Iterable[tuple[int, datetime]],
    *,
    settings: SchedulerSettings,
    seed_prefix: object,
) -> CardState:
    """Apply ``(rating, reviewed_at)`` reviews in time order and return the final state.

    The n-th review in time order uses ``review_seed(seed_prefix, n)``, so with
    the card's key as ``seed_prefix`` and ``initial`` a new card this is exactly
    the state the live reviews produced.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> start = datetime(2025, 3, 1, tzinfo=timezone.utc)
    >>> log = [(Rating.Good, start + timedelta(days=2)), (Rating.Good, start)]
    >>> card = replay(CardState.new(start), log, settings=SchedulerSettings(), seed_prefix=9)
    >>> card.state, card.last_review == start + timedelta(days=2)
    ('review', True)
    """
    ordered = sorted(
        ((as_utc(reviewed_at, "reviewed_at"), rating) for rating, reviewed_at in reviews),
        key=lambda entry: entry[0],
    )
    state = initial
    for number, (reviewed_at, rating) in enumerate(ordered, start=1):
        state = review(
            state,
            rating,
            reviewed_at,
            settings=settings,
            fuzz_seed=review_seed(seed_prefix, number),
        )
    return state


_UNITS = (
    ("y", 365.25 * 86400),
    ("mo", 365.25 / 12 * 86400),
    ("d", 86400),
    ("h", 3600),
    ("m", 60),
)


def format_interval(interval: timedelta) -> str:
    """A short label for an answer button: ``"<1m"``, ``"10m"``, ``"1d"``, ``"3.5mo"``.

    The largest unit that reads as at least 1 is used, with one decimal when needed.

    Examples
    --------
    >>> from datetime import timedelta
    >>> [format_interval(timedelta(**kw)) for kw in
    ...  ({"seconds": 20}, {"minutes": 10}, {"hours": 36}, {"days": 1}, {"days": 106},
    ...   {"days": 500})]
    ['<1m', '10m', '1.5d', '1d', '3.5mo', '1.4y']
    """
    seconds = interval.total_seconds()
    if seconds < 0:
        raise SchedulerError(f"an interval cannot be negative, got {interval}")
    for unit, size in _UNITS:
        value = round(seconds / size, 1)
        if value >= 1:
            return f"{value:g}{unit}"
    return "<1m"
