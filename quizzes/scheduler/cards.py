"""A card's place in FSRS and a learner's scheduling settings, as validated plain values.

``CardState`` mirrors ``fsrs.Card`` and ``SchedulerSettings`` the arguments of
``fsrs.Scheduler``, with every datetime normalised to UTC and every value checked up
front, so a bad one fails with a message that names it. Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import fsrs
from fsrs import scheduler as fsrs_scheduler

MIN_DESIRED_RETENTION = 0.7
MAX_DESIRED_RETENTION = 0.97

STATES = {
    "learning": fsrs.State.Learning,
    "review": fsrs.State.Review,
    "relearning": fsrs.State.Relearning,
}
STATE_NAMES = {state: name for name, state in STATES.items()}

# Defaults come from a stock fsrs.Scheduler so they follow the library, not a copy of it.
_FSRS_DEFAULTS = fsrs.Scheduler()

class SchedulerError(ValueError):
    """A card state, rating, datetime or setting the scheduler cannot work with."""


def as_utc(value: datetime, name: str) -> datetime:
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
        if self.state not in STATES:
            raise SchedulerError(
                f"card state must be one of {', '.join(STATES)}, got {self.state!r}"
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
        object.__setattr__(self, "due", as_utc(self.due, "due"))
        if self.last_review is not None:
            object.__setattr__(self, "last_review", as_utc(self.last_review, "last_review"))

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
    quizzes.scheduler.cards.SchedulerError: desired retention must be between 0.7 and 0.97, got 0.99
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


