"""Laying out the steps of a path: the engine's per-step loops, kept apart from the types.

:mod:`roadmap.paths.schedule` defines what a path holds (:class:`PathStep`,
:class:`LearningPath`) and how steps are dated (``schedule``); this module builds them in
bulk for :mod:`roadmap.paths.engine` and :mod:`roadmap.paths.review`. A path may have
100k steps or one, so there are two builders: columns of C-level ``map()`` calls for long
paths, one loop for short ones. ``tests/roadmap/paths/test_reference.py`` holds both to a
plain reference implementation.

Pure module: no I/O, no ORM, no clock.
"""

import math
from datetime import date
from functools import partial
from itertools import repeat
from operator import is_, itemgetter

from roadmap.paths.schedule import (
    _EPSILON_DAYS,
    _NUMBERS,
    STUDY,
    InvalidOptionError,
    LearningPath,
    PathError,
    PathStep,
    _check_hours_per_week,
    _slots,
    _valid_hours,
    pick_start_resource,
)

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
    LearningPath.__dict__[name].__set__ for name in ("steps", "total_hours", "finish_date", "ready_now", "goals")
)


def _plan_steps(topics, topic_data, needed_for, chains, options, remembered, *, hours=None, step_kinds=None):
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
        topic, spent = next((t, h) for t, h in zip(topics, hours, strict=True) if not _valid_hours(h))
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


def _start_with(resources, preferred_access, preferred_kinds):
    """Return `resources` as given, the same core first, and the one to start with.

    The first item lets a remembered pick be checked against the topic's resources.
    """
    if not resources:
        return resources, (), None
    ordered = tuple(_core_first(resources))
    if len(ordered) == 1:
        return resources, ordered, ordered[0]
    picked = pick_start_resource(ordered, preferred_access=preferred_access, preferred_kinds=preferred_kinds)
    return resources, ordered, picked


def _core_first(resources):
    core = [r for r in resources if r.get("role", "core") == "core"]
    if len(core) == len(resources):
        return core
    return core + [r for r in resources if r.get("role", "core") != "core"]
