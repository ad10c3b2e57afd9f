"""The curriculum file's content as plain values: tracks, resources, topics, edges, questions.

Every spec remembers where it was written (``Located``: file and line), so a problem found
later — by the parser, the cross-reference checks, the importer's cycle check or the
linter — names the line a curator has to fix. Pure: no Django, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FORMAT = 1
LEVELS = ("beginner", "intermediate", "advanced")
EDGE_KINDS = ("required", "recommended")
RESOURCE_KINDS = ("book", "course", "video", "paper", "article", "docs", "case-study", "tool")
ACCESS = ("free", "signup", "paid")
ROLES = ("core", "supplemental")
QUESTION_KINDS = ("multiple-choice", "free-recall")
SLUG_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a curriculum file, located by file, line and key."""

    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.message}"


class CurriculumError(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the curriculum:\n" + "\n".join(map(str, problems)))


@dataclass(frozen=True)
class Located:
    file: str
    line: int | None


@dataclass(frozen=True)
class LintIgnore:
    """A curator's decision to silence one linter rule on one item, with the reason why.

    Written in the file as ``lint: {ignore: [{rule: ..., reason: ...}]}`` on a resource,
    topic, prerequisite, resource link or question, or at the top of a file for the rules
    that judge a whole file. Only ``roadmap.curriculum.lint`` reads it; the database does
    not keep it.
    """

    rule: str
    reason: str
    at: Located = field(compare=False)


Ignores = tuple[LintIgnore, ...]


@dataclass(frozen=True)
class TrackSpec:
    slug: str
    title: str
    position: int
    description: str
    at: Located = field(compare=False)


@dataclass(frozen=True)
class ResourceSpec:
    slug: str
    title: str
    authors: tuple[str, ...]
    kind: str
    access: str
    url: str
    year: int | None
    at: Located = field(compare=False)
    ignores: Ignores = field(default=(), compare=False)


@dataclass(frozen=True)
class EdgeSpec:
    source: str
    target: str
    kind: str
    reason: str
    at: Located = field(compare=False)
    ignores: Ignores = field(default=(), compare=False)


@dataclass(frozen=True)
class LinkSpec:
    resource: str
    role: str
    locator: str
    at: Located = field(compare=False)
    # The curators' estimate of the hours this resource takes for this topic; only the
    # linter reads it (the ``hours`` rule), the database does not keep it.
    hours: int | None = None
    ignores: Ignores = field(default=(), compare=False)


@dataclass(frozen=True)
class TopicSpec:
    slug: str
    title: str
    track: str
    level: str
    hours: int
    summary: str
    prerequisites: tuple[EdgeSpec, ...]
    resources: tuple[LinkSpec, ...]
    at: Located = field(compare=False)
    ignores: Ignores = field(default=(), compare=False)


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    topic: str
    kind: str
    prompt: str
    answer: str
    choices: tuple[str, ...]
    correct: tuple[int, ...]
    explanation: str
    source: str
    at: Located = field(compare=False)
    ignores: Ignores = field(default=(), compare=False)


@dataclass
class Curriculum:
    tracks: list[TrackSpec] = field(default_factory=list)
    resources: list[ResourceSpec] = field(default_factory=list)
    topics: list[TopicSpec] = field(default_factory=list)
    questions: list[QuestionSpec] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    # File-level ``lint`` ignores (for rules that judge a whole file), from every file read.
    ignores: list[LintIgnore] = field(default_factory=list)

    @property
    def edges(self) -> list[EdgeSpec]:
        return [edge for topic in self.topics for edge in topic.prerequisites]

