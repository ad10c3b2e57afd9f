"""The order a multiple-choice question's options are shown in, and grading against it.

Options are shuffled for every presentation of a card, so where the answer sits (or
that it sat first in the file) tells nothing. The shuffle is seeded by the card and the
number of the review it is shown for (``presentation``: the card's next review number,
``reps + 1``, when it is shown), so the server, a phone that downloaded its cards, and
an offline upload replayed later all see the same order. The learner answers with
positions in the order shown; `original_indexes` turns them back into indexes of the
question's own choices, which is what the review log stores.

Pure: no Django.
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Sequence

__all__ = ["ChoiceError", "original_indexes", "shown_order", "shown_choices"]


class ChoiceError(ValueError):
    """An answer or presentation that does not fit the question."""


def shown_order(card_key: Hashable, presentation: int, count: int) -> list[int]:
    """The question's choice indexes in the order presentation ``presentation`` shows them.

    Examples
    --------
    >>> shown_order(17, 1, 4)
    [2, 3, 1, 0]
    >>> shown_order(17, 1, 4) == shown_order(17, 1, 4), shown_order(17, 2, 4)
    (True, [1, 0, 2, 3])
    >>> shown_order(17, 0, 4)
    Traceback (most recent call last):
    ...
    quizzes.choices.ChoiceError: presentation must be a review number from 1, got 0
    """
    if isinstance(presentation, bool) or not isinstance(presentation, int) or presentation < 1:
        raise ChoiceError(f"presentation must be a review number from 1, got {presentation!r}")
    order = list(range(count))
    # random.Random hashes a str seed with SHA-512: the same order in every process.
    random.Random(f"choices:{card_key}:{presentation}").shuffle(order)
    return order


def shown_choices(card_key: Hashable, presentation: int, choices: Sequence[str]) -> list[str]:
    """The choices themselves, in the order shown.

    >>> shown_choices(17, 1, ["a", "b", "c", "d"])
    ['c', 'd', 'b', 'a']
    """
    return [choices[i] for i in shown_order(card_key, presentation, len(choices))]


def original_indexes(
    card_key: Hashable, presentation: int, count: int, positions: Sequence[int]
) -> list[int]:
    """Map positions chosen in the shown order back to indexes of the question's choices.

    Raises
    ------
    ChoiceError
        For a position that is not a whole number from 0 to ``count - 1``.

    Examples
    --------
    >>> original_indexes(17, 1, 4, [0])  # the first option shown was choice 2
    [2]
    >>> original_indexes(17, 1, 4, [4])
    Traceback (most recent call last):
    ...
    quizzes.choices.ChoiceError: choose by position in the order shown, 0 to 3; got [4]
    """
    if not positions or any(
        isinstance(p, bool) or not isinstance(p, int) or not 0 <= p < count for p in positions
    ):
        raise ChoiceError(
            f"choose by position in the order shown, 0 to {count - 1}; got {list(positions)!r}"
        )
    order = shown_order(card_key, presentation, count)
    return [order[p] for p in positions]
