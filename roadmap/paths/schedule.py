"""The learner's side of a learning path: when each step is studied, and where it starts.

:mod:`roadmap.paths.engine` works out which topics a learner needs, in what order and why;
this module turns that order into what the learner reads. :func:`schedule` lays the
steps end to end over the weeks, :func:`pick_start_resource` chooses the resource to
open first, and :class:`PathStep` and :class:`LearningPath` hold the result, built as
:class:`PathOptions` asks. Import all of them from :mod:`roadmap.paths`, which
re-exports everything public here. The engine's errors live here too, in the lower of
the two modules, so that imports go one way only.

A path is built per request and may have thousands of steps, so a step is a named tuple;
:mod:`roadmap.paths.steps` lays them out in bulk for the engine.

Pure module: no I/O, no ORM, no clock.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

__all__ = [
    "GoalAlreadyKnownError",
    "InvalidOptionError",
    "LearningPath",
    "PathError",
    "PathOptions",
    "PathStep",
    "PrerequisiteCycleError",
    "StudySlot",
    "UnknownTopicError",
    "pick_start_resource",
    "schedule",
]

HEALTHY = frozenset({"ok", "redirected", "unknown"})
_BEST_KEY = (False, False, 0, 0)
_NUMBERS = (int, float)
# Days are whole; this tolerance keeps float noise (7.000000001 days) from adding one.
_EPSILON_DAYS = 1e-6


class PathError(ValueError):
    """A learning path cannot be built from this input."""


class InvalidOptionError(PathError):
    """An option or argument is out of range."""


class UnknownTopicError(PathError):
    """Some slugs name no topic of the curriculum; ``slugs`` lists them, sorted."""

    def __init__(self, slugs: Iterable[str]):
        self.slugs = sorted(slugs)
        super().__init__(self.slugs)

    def __str__(self) -> str:
        return "unknown topic(s): " + ", ".join(map(repr, self.slugs))


class GoalAlreadyKnownError(PathError):
    """A goal is among the learner's known topics; ``goals`` lists them."""

    def __init__(self, goals: Iterable[str]):
        self.goals = list(goals)
        super().__init__(self.goals)

    def __str__(self) -> str:
        return "goal(s) already known: " + ", ".join(map(repr, self.goals))


class PrerequisiteCycleError(PathError):
    """The prerequisites reached from the goals form a cycle."""


@dataclass(frozen=True)
class PathOptions:
    """How to build a path.

    ``start_date=None`` means "no calendar": steps get week numbers but no dates. The
    module never reads the clock, so callers pass ``date.today()`` themselves.
    """

    include_recommended: bool = False
    assume_known_prerequisites: bool = True
    hours_per_week: float = 5.0
    start_date: date | None = None
    preferred_access: tuple[str, ...] = ()
    preferred_kinds: tuple[str, ...] = ()

    def __post_init__(self):
        _check_hours_per_week(self.hours_per_week)
        object.__setattr__(self, "preferred_access", tuple(self.preferred_access))
        object.__setattr__(self, "preferred_kinds", tuple(self.preferred_kinds))


class StudySlot(NamedTuple):
    """When a step is studied: ``week`` (1-based) it starts in, first and last day."""

    week: int
    start: date | None
    end: date | None


STUDY = "study"
REVIEW = "review"


class PathStep(NamedTuple):
    """One topic of a path, why it is there, where to start, and when.

    A named tuple, so read-only: use ``step._replace(...)`` for a changed copy, and
    :meth:`to_dict` for plain data. ``resources`` lists the topic's resources, core ones
    first; ``resource`` is the one to start with (see :func:`pick_start_resource`).
    ``kind`` is ``"study"`` (learn the topic, its full hours) or ``"review"`` (refresh a
    known topic whose memory has faded, see :mod:`roadmap.paths.review`).

    Examples
    --------
    >>> step = PathStep("numpy", "NumPy", 2, ["numpy"], ["numpy"], None, [], 1, None, None)
    >>> step.topic, step.kind, step.to_dict()["start"]
    ('numpy', 'study', None)
    """

    topic: str
    title: str
    hours: float
    needed_for: list[str]
    chain: list[str]
    resource: dict | None
    resources: list[dict]
    week: int
    start: date | None
    end: date | None
    kind: str = STUDY

    def to_dict(self) -> dict:
        """Plain JSON-ready data; dates as ISO strings."""
        return {
            "topic": self.topic,
            "kind": self.kind,
            "title": self.title,
            "hours": self.hours,
            "needed_for": list(self.needed_for),
            "chain": list(self.chain),
            "resource": dict(self.resource) if self.resource is not None else None,
            "resources": [dict(r) for r in self.resources],
            "week": self.week,
            "start": _iso(self.start),
            "end": _iso(self.end),
        }


@dataclass(frozen=True, slots=True)
class LearningPath:
    """The steps towards ``goals``; ``ready_now`` lists the steps startable today."""

    steps: list[PathStep]
    total_hours: float
    finish_date: date | None
    ready_now: list[str]
    goals: list[str]

    def to_dict(self) -> dict:
        """Plain JSON-ready data; dates as ISO strings.

        Examples
        --------
        >>> step = PathStep("numpy", "NumPy", 2, ["numpy"], ["numpy"], None, [], 1,
        ...                 date(2025, 1, 6), date(2025, 1, 7))
        >>> data = LearningPath([step], 2, date(2025, 1, 7), ["numpy"], ["numpy"]).to_dict()
        >>> data["finish_date"], data["steps"][0]["end"]
        ('2025-01-07', '2025-01-07')
        """
        return {
            "goals": list(self.goals),
            "total_hours": self.total_hours,
            "finish_date": _iso(self.finish_date),
            "ready_now": list(self.ready_now),
            "steps": [step.to_dict() for step in self.steps],
        }


def schedule(
    hours_in_order: Iterable[float], hours_per_week: float, start_date: date | None = None
) -> tuple[list[StudySlot], date | None]:
    """Lay steps end to end at `hours_per_week`, spread evenly over the 7 days of a week.

    A step starts on the day the previous one's hours run out (or the next day when they
    ran out exactly at midnight) and may span weeks. Returns one :class:`StudySlot` per
    step and the finish date: the day the last hours run out. Without `start_date` the
    slots carry week numbers only and the finish date is None, as it is for no steps.

    Raises
    ------
    InvalidOptionError
        If `hours_per_week` is not a positive finite number, or a step's hours are not.

    Examples
    --------
    >>> slots, finish = schedule([5, 10], 7, date(2025, 1, 6))
    >>> [(s.week, s.start.isoformat(), s.end.isoformat()) for s in slots]
    [(1, '2025-01-06', '2025-01-10'), (1, '2025-01-11', '2025-01-20')]
    >>> finish
    datetime.date(2025, 1, 20)
    """
    weeks, starts, ends = _slots(list(hours_in_order), hours_per_week, start_date)
    return list(map(StudySlot, weeks, starts, ends)), ends[-1] if ends else None


def pick_start_resource(
    resources: Iterable[Mapping],
    *,
    preferred_access: Sequence[str] = (),
    preferred_kinds: Sequence[str] = (),
) -> Mapping | None:
    """Return the resource a learner should start a topic with, or None if there is none.

    Core before supplemental (a resource without a role is core), healthy links (``ok``,
    ``redirected``, ``unknown`` or unchecked) before broken ones, then the access and
    kind earliest in the preferences, then the order given.

    Examples
    --------
    >>> book = {"slug": "book", "role": "core", "kind": "book", "health": "ok"}
    >>> video = {"slug": "video", "role": "core", "kind": "video", "health": "ok"}
    >>> dead = {"slug": "dead", "role": "core", "kind": "video", "health": "broken"}
    >>> pick_start_resource([dead, book, video], preferred_kinds=("video",))["slug"]
    'video'
    >>> pick_start_resource([]) is None
    True
    """
    best = best_key = None
    for resource in resources:
        access, kind = resource.get("access"), resource.get("kind")
        key = (
            resource.get("role", "core") != "core",
            resource.get("health", "unknown") not in HEALTHY,
            preferred_access.index(access) if access in preferred_access else len(preferred_access),
            preferred_kinds.index(kind) if kind in preferred_kinds else len(preferred_kinds),
        )
        if key == _BEST_KEY:
            return resource
        if best_key is None or key < best_key:
            best, best_key = resource, key
    return best


def _slots(hours, hours_per_week, start_date):
    """Return the week, first date and last date of each step, as three lists.

    Days are counted in whole days from the start; without a start date the dates
    are None. One loop, not a column at a time: consecutive steps often share a day,
    and reusing its date beat making every date anew.
    """
    _check_hours_per_week(hours_per_week)
    days_per_hour = 7 / hours_per_week
    floor, ceil, inf = math.floor, math.ceil, math.inf
    first = start_date.toordinal() if start_date is not None else None
    on_day = date.fromordinal
    weeks, starts, ends = [], [], []
    done = 0.0
    previous_day = start = end = None
    for spent in hours:
        # _valid_hours() inline: this loop runs once per step of every path.
        if not (isinstance(spent, _NUMBERS) and 0 < spent < inf):
            raise InvalidOptionError(f"hours must be a positive number, got {spent!r}")
        start_day = floor(done * days_per_hour + _EPSILON_DAYS)
        done += spent
        last_day = ceil(done * days_per_hour - _EPSILON_DAYS) - 1
        if last_day < start_day:
            last_day = start_day
        if first is not None:
            # Consecutive steps often share a day; reuse its date.
            start = end if start_day == previous_day else on_day(first + start_day)
            end = start if last_day == start_day else on_day(first + last_day)
        weeks.append(start_day // 7 + 1)
        starts.append(start)
        ends.append(end)
        previous_day = last_day
    return weeks, starts, ends


def _valid_hours(hours):
    return isinstance(hours, int | float) and 0 < hours < math.inf  # False for NaN too


def _check_hours_per_week(hours_per_week):
    if not (isinstance(hours_per_week, _NUMBERS) and 0 < hours_per_week < math.inf):
        raise InvalidOptionError(
            f"hours_per_week must be greater than 0 and finite, got {hours_per_week!r}"
        )


def _iso(day):
    return day.isoformat() if day is not None else None
