"""The type-ahead goal picker shared by the planner, the first-run flow and mentors' assignments.

The browser shows a text box with the roadmap's topics and tracks as suggestions; picked
goals become chips, each a hidden ``goals`` input holding a slug (``static/pathwise/goals.js``).
Without JavaScript the text box itself is submitted, so a title ("Transformers",
"Mathematics (whole track)") is accepted as well as a slug.
"""

from django import forms
from django.core.exceptions import ValidationError

from progress.planning import MAX_GOALS, TRACK_PREFIX

TRACK_SUFFIX = " (whole track)"


def goal_choices(options: list[dict]) -> list[tuple[str, str]]:
    """``(value, label)`` for every track and topic of ``progress.planning.goal_options()``."""
    tracks = [(TRACK_PREFIX + t["track"], t["title"] + TRACK_SUFFIX) for t in options]
    topics = [(x["topic"], x["title"]) for t in options for x in t["topics"]]
    return tracks + topics


class GoalsField(forms.Field):
    """A list of goals: slugs, ``track:<slug>``, or the picker's labels, each resolved to a slug."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, options: list[dict] | None = None, **kwargs):
        kwargs.setdefault("error_messages", {"required": "Pick at least one topic or track."})
        super().__init__(**kwargs)
        self.set_options(options or [])

    def set_options(self, options: list[dict]) -> None:
        self.choices = goal_choices(options)
        self.labels = dict(self.choices)
        self._by_label = {label.casefold(): value for value, label in self.choices}
        for value, _ in self.choices:
            self._by_label.setdefault(value.casefold(), value)

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        goals, unknown = [], []
        for raw in values:
            text = str(raw).strip()
            if not text:
                continue
            goal = self._by_label.get(text.casefold())
            if goal is None:
                unknown.append(text)
            elif goal not in goals:
                goals.append(goal)
        if unknown:
            raise ValidationError(
                "%(goals)s: not a topic or track of the roadmap.", params={"goals": ", ".join(unknown)}
            )
        if len(goals) > MAX_GOALS:
            raise ValidationError(f"Pick at most {MAX_GOALS} goals.")
        return goals

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")

    def unknown(self, values) -> list[str]:
        """The entries of ``values`` (raw) that are no topic or track, as typed."""
        texts = (str(raw).strip() for raw in values or [])
        return [text for text in texts if text and text.casefold() not in self._by_label]

    def picked(self, values) -> list[tuple[str, str]]:
        """The chips to show for ``values`` (cleaned or raw): ``(slug, label)``, known ones only."""
        picked = []
        for raw in values or []:
            goal = self._by_label.get(str(raw).strip().casefold())
            if goal and goal not in dict(picked):
                picked.append((goal, self.labels[goal]))
        return picked
