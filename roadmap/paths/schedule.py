"""The learner's side of a learning path: when each step is studied, and where it starts.

:mod:`roadmap.paths.engine` works out which topics a learner needs, in what order and why;
this module turns that order into what the learner reads. :func:`schedule` lays the
steps end to end over the weeks, :func:`pick_start_resource` chooses the resource to
open first, and :class:`PathStep` and :class:`LearningPath` hold the result, built as
:class:`PathOptions` asks. Import all of them from :mod:`roadmap.paths`, which
re-exports everything public here. The engine's errors live here too, in the lower of
the two modules, so that imports go one way only.

A path is built per request and may have hundreds of steps, so a step is a named tuple
and the steps are laid out a column at a time, not built field by field.

Pure module: no I/O, no ORM, no clock.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from itertools import repeat
from operator import is_, itemgetter
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


# Builds a PathStep from a row of its fields without a Python-level __new__ call.
_step_from_row = partial(tuple.__new__, PathStep)
# Topic attributes are plain dicts (networkx's node_attr_dict_factory).
_get = dict.get
# What _start_with() returns: the resources it was given, core first, and the pick.
_FIRST, _ORDERED, _PICK = itemgetter(0), itemgetter(1), itemgetter(2)
# Never the resources of a topic: a topic with no remembered pick gets one.
_NOT_PICKED = (object(), (), None)
# Up to this many steps, _plan_steps() builds them one at a time (_plan_few).
_FEW_STEPS = 8
# Every step a study step, as many as the other columns have.
_STUDY_STEPS = repeat(STUDY)


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


def _new_path(steps, total_hours, finish_date, ready_now, goals):
    """``LearningPath(...)`` in half the time of the frozen dataclass's ``__init__``."""
    path = _object_new(LearningPath)
    _set_steps(path, steps)
    _set_total_hours(path, total_hours)
    _set_finish_date(path, finish_date)
    _set_ready_now(path, ready_now)
    _set_goals(path, goals)
    return path


_object_new = object.__new__
_set_steps, _set_total_hours, _set_finish_date, _set_ready_now, _set_goals = (
    LearningPath.__dict__[name].__set__
    for name in ("steps", "total_hours", "finish_date", "ready_now", "goals")
)


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


def _plan_steps(
    topics, topic_data, needed_for, chains, options, remembered, *, hours=None, step_kinds=None
):
    """Return the steps of a path of `topics`, its total hours and its finish date.

    `topic_data` holds each topic's attributes, `needed_for` and `chains` explain each
    step, all in the order of `topics`; `options` is a ``PathOptions``. `remembered`
    maps topics to start resources picked earlier with the same preferences, as
    :func:`_start_with` returns them; it is kept up to date. `hours`, when
    given, replace each step's hours (the topic's by default) and `step_kinds` each step's
    kind (``"study"``).
    """
    # Each column is one pass of C-level map() calls: a path may have 100k steps, and a
    # Python loop per step per column cost more than the search that found them.
    if len(topics) <= _FEW_STEPS:
        return _plan_few(topics, topic_data, needed_for, chains, options, remembered, hours, step_kinds)
    if hours is None:
        hours = list(map(_get, topic_data, repeat("hours")))
    try:
        weeks, starts, ends = _slots(hours, options.hours_per_week, options.start_date)
    except InvalidOptionError:
        # _slots() checks every step's hours; find which topic to name.
        topic, spent = next(
            (t, h) for t, h in zip(topics, hours, strict=True) if not _valid_hours(h)
        )
        raise PathError(f"topic {topic!r} has no valid hours: {spent!r}") from None
    total, finish = sum(hours), ends[-1] if ends else None
    step_kinds = _STUDY_STEPS if step_kinds is None else step_kinds
    access, kinds = options.preferred_access, options.preferred_kinds
    titles = list(map(_get, topic_data, repeat("title"), topics))
    given = list(map(_get, topic_data, repeat("resources")))
    starts_with = list(map(remembered.get, topics, repeat(_NOT_PICKED)))
    if not all(map(is_, map(_FIRST, starts_with), given)):
        for i, (start_with, resources) in enumerate(zip(starts_with, given, strict=True)):
            if start_with[0] is not resources:
                starts_with[i] = remembered[topics[i]] = _start_with(resources, access, kinds)
    picks = list(map(_PICK, starts_with))
    resources = list(map(list, map(_ORDERED, starts_with)))  # each step its own list
    rows = zip(
        topics, titles, hours, needed_for, chains, picks, resources, weeks, starts, ends, step_kinds,
        strict=step_kinds is not _STUDY_STEPS,
    )  # fmt: skip
    return list(map(_step_from_row, rows)), total, finish


def _plan_few(topics, topic_data, needed_for, chains, options, remembered, hours=None, step_kinds=None):
    """:func:`_plan_steps` for a short path (the usual one for a learner who knows most of
    the curriculum), one step at a time: dated as :func:`_slots` does, without setting up
    a dozen columns for a step or two. Takes any iterables, as long as `topics`."""
    hours_per_week, start_date = options.hours_per_week, options.start_date
    _check_hours_per_week(hours_per_week)
    days_per_hour = 7 / hours_per_week
    floor, ceil, inf = math.floor, math.ceil, math.inf
    first = start_date.toordinal() if start_date is not None else None
    access, kinds = options.preferred_access, options.preferred_kinds
    steps, spent_hours = [], []
    done = 0.0
    previous_day = start = end = None
    from_data = hours is None
    hours = repeat(None) if from_data else hours
    step_kinds = _STUDY_STEPS if step_kinds is None else step_kinds
    rows = zip(topics, topic_data, needed_for, chains, hours, step_kinds, strict=False)
    for topic, data, goals, chain, spent, kind in rows:
        if from_data:
            spent = data.get("hours")
        if not (isinstance(spent, _NUMBERS) and 0 < spent < inf):
            raise PathError(f"topic {topic!r} has no valid hours: {spent!r}")
        start_day = floor(done * days_per_hour + _EPSILON_DAYS)
        done += spent
        last_day = ceil(done * days_per_hour - _EPSILON_DAYS) - 1
        if last_day < start_day:
            last_day = start_day
        if first is not None:
            start = end if start_day == previous_day else date.fromordinal(first + start_day)
            end = start if last_day == start_day else date.fromordinal(first + last_day)
        previous_day = last_day
        resources = data.get("resources")
        start_with = remembered.get(topic, _NOT_PICKED)
        if start_with[0] is not resources:
            start_with = remembered[topic] = _start_with(resources, access, kinds)
        spent_hours.append(spent)
        steps.append(
            _step_from_row((
                topic, data.get("title", topic), spent, goals, chain, start_with[2],
                list(start_with[1]), start_day // 7 + 1, start, end, kind,
            ))
        )  # fmt: skip
    return steps, sum(spent_hours), end


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


def _start_with(resources, preferred_access, preferred_kinds):
    """Return `resources` as given, the same core first, and the one to start with.

    The first item lets a remembered pick be checked against the topic's resources.
    """
    if not resources:
        return resources, (), None
    ordered = tuple(_core_first(resources))
    if len(ordered) == 1:
        return resources, ordered, ordered[0]
    picked = pick_start_resource(
        ordered, preferred_access=preferred_access, preferred_kinds=preferred_kinds
    )
    return resources, ordered, picked


def _core_first(resources):
    core = [r for r in resources if r.get("role", "core") == "core"]
    if len(core) == len(resources):
        return core
    return core + [r for r in resources if r.get("role", "core") != "core"]


def _valid_hours(hours):
    return isinstance(hours, int | float) and 0 < hours < math.inf  # False for NaN too


def _check_hours_per_week(hours_per_week):
    if not (isinstance(hours_per_week, _NUMBERS) and 0 < hours_per_week < math.inf):
        raise InvalidOptionError(
            f"hours_per_week must be greater than 0 and finite, got {hours_per_week!r}"
        )


def _iso(day):
    return day.isoformat() if day is not None else None
