"""Reads for reviews, one module per sub-domain; import the public names from here.

``queue`` — a review session: the due queue in the learner's local day, daily limits,
siblings spread; ``cards`` — a page of it as shown: the cards, their questions and
answer-button previews; ``session`` — a review session: what comes
next, what is left, the summary; ``memory`` — the forecast, coverage and retention per
topic (also the provider behind ``progress.memory``), review history and the review log
for the optimiser; ``learners`` — which learners the background jobs visit.
"""

from quizzes.selectors.cards import (
    ButtonPreview,
    ShownCard,
    ShownQuestion,
    card_state,
    due_cards,
    review_previews,
    shown_cards,
    shown_question,
)
from quizzes.selectors.learners import (
    learners_due_reminder,
    learners_with_progress,
    learners_with_reviews,
    unseen_reminders,
)
from quizzes.selectors.memory import (
    TopicCards,
    TopicMastery,
    cards_by_topic,
    due_forecast,
    mastery_by_track,
    memory_by_learner,
    retention_by_week,
    review_history,
    review_rows,
    topic_mastery,
)
from quizzes.selectors.queue import (
    DailyCounts,
    DueQueue,
    QueueEntry,
    due_count,
    due_counts,
    due_queue,
    local_day,
    reviewed_today,
    scheduler_settings_for,
    spread_siblings,
)
from quizzes.selectors.session import (
    LEARN_AHEAD,
    SessionQueue,
    SessionSummary,
    session_queue,
    session_summary,
)

__all__ = [
    "LEARN_AHEAD",
    "SessionQueue",
    "SessionSummary",
    "session_queue",
    "session_summary",
    "ButtonPreview",
    "DailyCounts",
    "DueQueue",
    "QueueEntry",
    "ShownCard",
    "ShownQuestion",
    "TopicCards",
    "TopicMastery",
    "card_state",
    "cards_by_topic",
    "due_cards",
    "due_count",
    "due_counts",
    "due_forecast",
    "mastery_by_track",
    "retention_by_week",
    "review_history",
    "due_queue",
    "learners_due_reminder",
    "learners_with_progress",
    "learners_with_reviews",
    "local_day",
    "memory_by_learner",
    "review_previews",
    "review_rows",
    "reviewed_today",
    "scheduler_settings_for",
    "shown_cards",
    "shown_question",
    "spread_siblings",
    "topic_mastery",
    "unseen_reminders",
]
