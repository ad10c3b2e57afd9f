"""Review scheduling for quiz cards: the FSRS library behind plain values.

The memory model, learning steps and fuzz are the ``fsrs`` package's own; this
module only translates between Pathwise's frozen values and ``fsrs.Card`` /
``fsrs.Scheduler``, normalises datetimes to UTC, and makes the fuzz reproducible
from a seed, so replaying a card's review log offline gives exactly the card
state the live reviews produced.

A selector builds a `CardState` from the ORM, a service stores the one
`review` returns. Nothing here touches Django or the database.

Examples
--------
>>> from datetime import datetime, timezone
>>> settings = SchedulerSettings()
>>> now = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
>>> card = review(CardState.new(now), Rating.Good, now, settings=settings, fuzz_seed="42:1")
>>> card.state, card.step, format_interval(card.due - now)
('learning', 1, '10m')
>>> buttons = preview(card, card.due, settings=settings, fuzz_seed="42:2")
>>> {rating.name: format_interval(due - card.due) for rating, due in buttons.items()}
{'Again': '1m', 'Hard': '10m', 'Good': '2d', 'Easy': '4d'}
"""

from __future__ import annotations

import random
import types
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import fsrs
from fsrs import Rating
from fsrs import scheduler as fsrs_scheduler

__all__ = [
    "CardState",
    "Memory",
    "Rating",
    "SchedulerError",
    "SchedulerSettings",
    "format_interval",
    "preview",
    "replay",
    "retrievabilities",
    "retrievability",
    "review",
    "review_seed",
]

MIN_DESIRED_RETENTION = 0.7
MAX_DESIRED_RETENTION = 0.97

_STATES = {
    "learning": fsrs.State.Learning,
    "review": fsrs.State.Review,
    "relearning": fsrs.State.Relearning,
}
_STATE_NAMES = {state: name for name, state in _STATES.items()}

# Defaults come from a stock fsrs.Scheduler so they follow the library, not a copy of it.
_FSRS_DEFAULTS = fsrs.Scheduler()

_FSRS_FUZZ = fsrs.Scheduler._get_fuzzed_interval
if "random" not in _FSRS_FUZZ.__code__.co_names:
    # _seeded_fuzz relies on fsrs drawing its fuzz from the module-level random();
    # failing here beats silently losing reproducible schedules after an upgrade.
    raise ImportError(
        "fsrs.Scheduler._get_fuzzed_interval no longer calls the module-level random(); "
        "quizzes.scheduler._seeded_fuzz must be revisited for this fsrs version"
    )


class SchedulerError(ValueError):
    """A card state, rating, datetime or setting the scheduler cannot work with."""


def _utc(value: datetime, name: str) -> datetime:
    if not isinstance(value, datetime):
        raise SchedulerError(f"{name} must be a datetime, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise SchedulerError(
            f"{name} must be timezone-aware, got the naive datetime {value.isoformat()}"
        )
    # fsrs refuses anything whose tzinfo is not exactly datetime.timezone.utc,
    # including zoneinfo's "UTC".
    return value.astimezone(UTC)


@dataclass(frozen=True)
class CardState:
    """Where one card stands in FSRS, as plain values.

    A never-reviewed card is in ``"learning"`` at step 0 with no stability,
    difficulty or ``last_review``, as fsrs 6 starts every card. Datetimes are
    converted to UTC on construction; naive ones are rejected.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> card = CardState.new(datetime(2025, 3, 1, tzinfo=timezone.utc))
    >>> card.state, card.step, card.stability, card.is_new
    ('learning', 0, None, True)
    """

    state: str
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None = None

    def __post_init__(self) -> None:
        if self.state not in _STATES:
            raise SchedulerError(
                f"card state must be one of {', '.join(_STATES)}, got {self.state!r}"
            )
        if self.state != "review" and self.step is None:
            raise SchedulerError(f"a card in {self.state} needs its step")
        if (self.stability is None) != (self.difficulty is None):
            raise SchedulerError("stability and difficulty are set together or not at all")
        if self.stability is None and (self.state != "learning" or self.last_review is not None):
            raise SchedulerError(
                "only a never-reviewed learning card may lack stability and difficulty"
            )
        # Frozen dataclass: normalising in place is the one sanctioned use of object.__setattr__.
        object.__setattr__(self, "due", _utc(self.due, "due"))
        if self.last_review is not None:
            object.__setattr__(self, "last_review", _utc(self.last_review, "last_review"))

    @classmethod
    def new(cls, now: datetime) -> CardState:
        """A card that has never been reviewed, due at ``now``."""
        return cls(state="learning", step=0, stability=None, difficulty=None, due=now)

    @property
    def is_new(self) -> bool:
        """Whether the card has never been reviewed."""
        return self.last_review is None


@dataclass(frozen=True)
class SchedulerSettings:
    """One learner's scheduling settings, validated up front.

    ``parameters`` are the 21 FSRS-6 weights (the library defaults, or a set
    fitted by `quizzes.optimizer`); the step and interval defaults are fsrs's.

    Examples
    --------
    >>> SchedulerSettings(desired_retention=0.99)
    Traceback (most recent call last):
    ...
    quizzes.scheduler.SchedulerError: desired retention must be between 0.7 and 0.97, got 0.99
    """

    desired_retention: float = _FSRS_DEFAULTS.desired_retention
    parameters: tuple[float, ...] = _FSRS_DEFAULTS.parameters
    learning_steps: tuple[timedelta, ...] = _FSRS_DEFAULTS.learning_steps
    relearning_steps: tuple[timedelta, ...] = _FSRS_DEFAULTS.relearning_steps
    maximum_interval: int = _FSRS_DEFAULTS.maximum_interval
    enable_fuzzing: bool = True

    def __post_init__(self) -> None:
        if not MIN_DESIRED_RETENTION <= self.desired_retention <= MAX_DESIRED_RETENTION:
            raise SchedulerError(
                f"desired retention must be between {MIN_DESIRED_RETENTION} and "
                f"{MAX_DESIRED_RETENTION}, got {self.desired_retention}"
            )
        # Lists would make the settings unhashable and mutable behind the frozen facade.
        for name in ("parameters", "learning_steps", "relearning_steps"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        expected = len(fsrs_scheduler.DEFAULT_PARAMETERS)
        if len(self.parameters) != expected:
            raise SchedulerError(
                f"expected {expected} FSRS-6 parameters, got {len(self.parameters)}"
            )
        for name in ("learning_steps", "relearning_steps"):
            if any(step <= timedelta(0) for step in getattr(self, name)):
                raise SchedulerError(f"{name.replace('_', ' ')} must all be positive durations")
        if not isinstance(self.maximum_interval, int) or self.maximum_interval < 1:
            raise SchedulerError(
                f"maximum interval must be a whole number of days >= 1, "
                f"got {self.maximum_interval!r}"
            )
        try:
            fsrs.Scheduler(parameters=self.parameters)
        except ValueError as error:
            raise SchedulerError(str(error)) from error


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


def _fsrs_scheduler(settings: SchedulerSettings, rng: random.Random | None) -> fsrs.Scheduler:
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


def _to_card(state: CardState) -> fsrs.Card:
    # An explicit card_id: fsrs.Card() otherwise derives one from the clock and sleeps 1 ms.
    return fsrs.Card(
        card_id=0,
        state=_STATES[state.state],
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
    )


def _from_card(card: fsrs.Card) -> CardState:
    return CardState(
        state=_STATE_NAMES[card.state],
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
    reviewed_at = _utc(reviewed_at, "reviewed_at")
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
    scheduler = _fsrs_scheduler(settings, rng)
    card, _log = scheduler.review_card(_to_card(state), rating, reviewed_at)
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
    """
    return {
        rating: review(state, rating, now, settings=settings, fuzz_seed=fuzz_seed).due
        for rating in Rating
    }


def retrievability(state: CardState, now: datetime, *, settings: SchedulerSettings) -> float:
    """Predicted probability of recalling the card at ``now``; 0 if never reviewed.

    As in fsrs, only whole days since the last review count.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> settings = SchedulerSettings()
    >>> now = datetime(2025, 3, 1, tzinfo=timezone.utc)
    >>> retrievability(CardState.new(now), now, settings=settings)
    0.0
    >>> card = review(CardState.new(now), Rating.Good, now, settings=settings, fuzz_seed=1)
    >>> round(retrievability(card, now + timedelta(days=3), settings=settings), 3)
    0.881
    """
    now = _utc(now, "now")
    return float(_fsrs_scheduler(settings, None).get_card_retrievability(_to_card(state), now))


class Memory(Protocol):
    """What the forgetting curve reads of a card: a `CardState` has it, and so does a row
    of ``values_list("stability", "last_review", named=True)``."""

    @property
    def stability(self) -> float | None: ...

    @property
    def last_review(self) -> datetime | None: ...


def retrievabilities(
    cards: Iterable[Memory], now: datetime, *, settings: SchedulerSettings
) -> list[float]:
    """`retrievability` of each card at ``now``, card for card the same values.

    For many cards at once (a topic's mastery reads thousands): one fsrs scheduler
    serves them all, and a card may be any `Memory`, so a selector can pass its rows
    without building a `CardState` for each.

    Raises
    ------
    SchedulerError
        For a naive ``now`` or ``last_review``.

    Examples
    --------
    >>> from collections import namedtuple
    >>> from datetime import datetime, timedelta, timezone
    >>> settings = SchedulerSettings()
    >>> now = datetime(2025, 3, 1, tzinfo=timezone.utc)
    >>> card = review(CardState.new(now), Rating.Good, now, settings=settings, fuzz_seed=1)
    >>> Row = namedtuple("Row", "stability last_review")
    >>> later = now + timedelta(days=3)
    >>> [round(r, 3) for r in retrievabilities(
    ...     [card, Row(card.stability, card.last_review), CardState.new(now)], later,
    ...     settings=settings)]
    [0.881, 0.881, 0.0]
    """
    now = _utc(now, "now")
    curve = _fsrs_scheduler(settings, None).get_card_retrievability
    recall = []
    for card in cards:
        last_review = card.last_review
        if last_review is not None:
            last_review = _utc(last_review, "last_review")
        # The curve reads only stability and last_review; the rest of this card is
        # fsrs's defaults, which it ignores.
        probe = fsrs.Card(card_id=0, stability=card.stability, due=now, last_review=last_review)
        recall.append(float(curve(probe, now)))
    return recall


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
        ((_utc(reviewed_at, "reviewed_at"), rating) for rating, reviewed_at in reviews),
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
