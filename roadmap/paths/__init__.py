"""The path engine: pure NetworkX functions from what a learner knows to their goals.

``engine`` decides which topics a path needs, in what order and why (walking the graph
with ``walk``); ``schedule`` dates the steps against weekly hours and picks where each
starts; ``review`` puts faded known topics back in as review steps where they are
needed. Import the public names from here. Pure: no Django, no I/O, no clock; the
learner-facing planner that feeds it from the database is ``progress.planning``.
"""

from roadmap.paths.engine import (
    GoalAlreadyKnownError,
    InvalidOptionError,
    KnownTopics,
    LearningPath,
    PathError,
    PathOptions,
    PathStep,
    PrerequisiteCycleError,
    StudySlot,
    UnknownTopicError,
    explain,
    known_topics,
    learning_path,
    needed_topics,
    order_topics,
    pick_start_resource,
    ready_now,
    schedule,
)
from roadmap.paths.review import with_review_steps
from roadmap.paths.schedule import REVIEW, STUDY

__all__ = [
    "GoalAlreadyKnownError",
    "InvalidOptionError",
    "KnownTopics",
    "LearningPath",
    "PathError",
    "PathOptions",
    "PathStep",
    "PrerequisiteCycleError",
    "StudySlot",
    "UnknownTopicError",
    "explain",
    "known_topics",
    "learning_path",
    "needed_topics",
    "order_topics",
    "pick_start_resource",
    "ready_now",
    "schedule",
    "with_review_steps",
    "REVIEW",
    "STUDY",
]
