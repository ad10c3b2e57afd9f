"""Parse and validate a curriculum file (YAML) into plain specs, with line numbers.

Pure: no ORM. The importer service (``roadmap.importing``) passes in what the database
already holds, so a file may refer to topics or resources loaded earlier, and the service
checks acyclicity with the same ``roadmap.services.ensure_acyclic`` the admin and API use.

A file is a mapping with any of ``tracks``, ``resources``, ``topics`` and ``questions``,
and may ``include`` sibling files (paths relative to it) whose sections are merged in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

FORMAT = 1
LEVELS = ("beginner", "intermediate", "advanced")
EDGE_KINDS = ("required", "recommended")
RESOURCE_KINDS = ("book", "course", "video", "paper", "article", "docs", "case-study", "tool")
ACCESS = ("free", "signup", "paid")
ROLES = ("core", "supplemental")
QUESTION_KINDS = ("multiple-choice", "free-recall")
_SLUG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


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


@dataclass(frozen=True)
class EdgeSpec:
    source: str
    target: str
    kind: str
    reason: str
    at: Located = field(compare=False)


@dataclass(frozen=True)
class LinkSpec:
    resource: str
    role: str
    locator: str
    at: Located = field(compare=False)


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


@dataclass
class Curriculum:
    tracks: list[TrackSpec] = field(default_factory=list)
    resources: list[ResourceSpec] = field(default_factory=list)
    topics: list[TopicSpec] = field(default_factory=list)
    questions: list[QuestionSpec] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def edges(self) -> list[EdgeSpec]:
        return [edge for topic in self.topics for edge in topic.prerequisites]


# --- YAML with line numbers ------------------------------------------------------------------


class _LineDict(dict):
    line: int | None = None


class _Loader(yaml.SafeLoader):
    """SafeLoader that remembers each mapping's line and reports duplicate keys."""

    def __init__(self, stream, filename: str, problems: list[Problem]):
        super().__init__(stream)
        self._filename = filename
        self._problems = problems


def _construct_mapping(loader: _Loader, node, deep=False):
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            loader._problems.append(Problem(loader._filename, key_node.start_mark.line + 1, str(key), "duplicate key"))
        seen.add(key)
    mapping = _LineDict(loader.construct_mapping(node, deep=deep))
    mapping.line = node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_text(text: str, filename: str) -> tuple[dict, list[Problem]]:
    """Parse one YAML document; syntax errors become a Problem with their line."""
    problems: list[Problem] = []
    loader = _Loader(text, filename, problems)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or str(error)
        return {}, [Problem(filename, line, "yaml", f"not valid YAML: {reason}")]
    finally:
        loader.dispose()
    if data is None:
        data = _LineDict()
    if not isinstance(data, dict):
        return {}, [Problem(filename, 1, "document", "must be a mapping with tracks, resources, topics, questions")]
    return data, problems


# --- Building specs ----------------------------------------------------------------------------


class _Reader:
    """Reads typed fields out of one mapping, collecting problems instead of stopping."""

    def __init__(self, data, file: str, key: str, problems: list[Problem], parent_line: int | None = None):
        self.file, self.key, self.problems = file, key, problems
        self.line = getattr(data, "line", None) or parent_line
        self.data = data if isinstance(data, dict) else {}
        if not isinstance(data, dict):
            self.problem(f"must be a mapping, got {type(data).__name__}")

    @property
    def at(self) -> Located:
        return Located(self.file, self.line)

    def problem(self, message: str) -> None:
        self.problems.append(Problem(self.file, self.line, self.key, message))

    def text(self, name: str, *, required=True, max_length=10_000) -> str:
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.problem(f"missing field '{name}'")
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.problem(f"'{name}' must be text, got {type(value).__name__}")
            return ""
        value = str(value).strip()
        if len(value) > max_length:
            self.problem(f"'{name}' is {len(value)} characters long; the limit is {max_length}")
        return value

    def slug(self, name: str, *, required=True) -> str:
        value = self.text(name, required=required, max_length=100)
        if value and (set(value) - _SLUG_CHARS or value.startswith("-") or value.endswith("-")):
            self.problem(f"'{name}' {value!r} must be lowercase letters, digits and hyphens")
        return value

    def choice(self, name: str, options: tuple[str, ...], default: str | None = None) -> str:
        value = self.data.get(name, default)
        if value is None:
            self.problem(f"missing field '{name}' (one of {', '.join(options)})")
            return ""
        if value not in options:
            self.problem(f"'{name}' is {value!r}; expected one of {', '.join(options)}")
            return ""
        return value

    def integer(self, name: str, *, required=True, low=None, high=None) -> int | None:
        value = self.data.get(name)
        if value is None:
            if required:
                self.problem(f"missing field '{name}'")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(f"'{name}' must be a whole number, got {value!r}")
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            self.problem(f"'{name}' is {value}; expected {low} to {high}")
            return None
        return value

    def items(self, name: str) -> list:
        value = self.data.get(name, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(f"'{name}' must be a list")
            return []
        return value


def _is_url(value: str) -> bool:
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator  # pure regex validator; needs no settings

    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return True


def _build(data: dict, filename: str, problems: list[Problem], into: Curriculum) -> None:
    unknown = set(data) - {"format", "include", "tracks", "resources", "topics", "questions"}
    for name in sorted(unknown):
        problems.append(Problem(filename, getattr(data, "line", None), name, "unknown section"))
    if data.get("format", FORMAT) != FORMAT:
        problems.append(Problem(filename, 1, "format", f"unsupported format {data.get('format')!r}; expected {FORMAT}"))

    for index, item in enumerate(_list(data, "tracks", filename, problems)):
        r = _Reader(item, filename, f"tracks[{index}]", problems)
        r.key = f"track {r.data.get('slug', index)!s}"
        into.tracks.append(
            TrackSpec(
                r.slug("slug"),
                r.text("title", max_length=120),
                r.integer("position", low=1, high=1000) or 0,
                r.text("description", required=False),
                r.at,
            )
        )

    for index, item in enumerate(_list(data, "resources", filename, problems)):
        r = _Reader(item, filename, f"resources[{index}]", problems)
        r.key = f"resource {r.data.get('slug', index)!s}"
        authors = r.data.get("authors", [])
        if isinstance(authors, str):
            authors = [authors]
        if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
            r.problem("'authors' must be a list of names")
            authors = []
        if any("," in author for author in authors):
            r.problem("an author's name may not contain a comma; list each author separately")
        url = r.text("url", required=False, max_length=500)
        if url and not _is_url(url):
            r.problem(f"'url' {url!r} is not a valid http(s) URL")
        into.resources.append(
            ResourceSpec(
                r.slug("slug"),
                r.text("title", max_length=300),
                tuple(a.strip() for a in authors),
                r.choice("kind", RESOURCE_KINDS),
                r.choice("access", ACCESS, default="free"),
                url,
                r.integer("year", required=False, low=1600, high=2100),
                r.at,
            )
        )

    for index, item in enumerate(_list(data, "topics", filename, problems)):
        r = _Reader(item, filename, f"topics[{index}]", problems)
        slug = r.slug("slug")
        r.key = f"topic {slug or index}"
        edges = []
        for edge_index, edge in enumerate(r.items("prerequisites")):
            e = _Reader(edge, filename, f"topic {slug}: prerequisites[{edge_index}]", problems, r.line)
            edges.append(
                EdgeSpec(
                    e.slug("topic"),
                    slug,
                    e.choice("kind", EDGE_KINDS, default="required"),
                    e.text("reason", max_length=500),
                    e.at,
                )
            )
        links = []
        for link_index, link in enumerate(r.items("resources")):
            lr = _Reader(link, filename, f"topic {slug}: resources[{link_index}]", problems, r.line)
            links.append(
                LinkSpec(
                    lr.slug("resource"),
                    lr.choice("role", ROLES, default="core"),
                    lr.text("locator", required=False, max_length=200),
                    lr.at,
                )
            )
        into.topics.append(
            TopicSpec(
                slug,
                r.text("title", max_length=200),
                r.slug("track"),
                r.choice("level", LEVELS, default="beginner"),
                r.integer("hours", low=1, high=1000) or 0,
                r.text("summary", required=False, max_length=5000),
                tuple(edges),
                tuple(links),
                r.at,
            )
        )

    for index, item in enumerate(_list(data, "questions", filename, problems)):
        r = _Reader(item, filename, f"questions[{index}]", problems)
        r.key = f"question {r.data.get('key', index)!s}"
        kind = r.choice("kind", QUESTION_KINDS)
        choices = r.items("choices")
        correct = r.data.get("correct", [])
        if isinstance(correct, int) and not isinstance(correct, bool):
            correct = [correct]
        if not all(isinstance(c, (str, int, float)) and not isinstance(c, bool) for c in choices):
            r.problem("'choices' must be a list of text options")
            choices = []
        choices = [str(c) for c in choices]
        if not isinstance(correct, list) or not all(isinstance(c, int) and not isinstance(c, bool) for c in correct):
            r.problem("'correct' must be a list of choice indexes")
            correct = []
        if kind == "multiple-choice":
            if len(choices) < 2:
                r.problem("a multiple-choice question needs at least 2 choices")
            if not correct:
                r.problem("a multiple-choice question needs 'correct' (the index of the right choice)")
            bad = [c for c in correct if not 0 <= c < len(choices)]
            if bad:
                r.problem(f"'correct' index {bad[0]} is out of range for {len(choices)} choices")
            if len(set(choices)) != len(choices):
                r.problem("'choices' has the same option twice")
        elif kind == "free-recall" and (choices or correct):
            r.problem("a free-recall question has no 'choices' or 'correct'")
        into.questions.append(
            QuestionSpec(
                r.slug("key"),
                r.slug("topic"),
                kind,
                r.text("prompt", max_length=2000),
                r.text("answer", max_length=2000),
                tuple(choices),
                tuple(correct),
                r.text("explanation", required=False, max_length=4000),
                r.slug("source", required=False),
                r.at,
            )
        )


def _list(data: dict, name: str, filename: str, problems: list[Problem]) -> list:
    value = data.get(name) or []
    if not isinstance(value, list):
        problems.append(Problem(filename, getattr(data, "line", None), name, "must be a list"))
        return []
    return value


def load(path: str | Path) -> tuple[Curriculum, list[Problem]]:
    """Read a curriculum file and its includes; return the specs and every parse problem."""
    curriculum = Curriculum()
    problems: list[Problem] = []
    _load_into(Path(path), curriculum, problems, seen=set())
    return curriculum, problems


def _load_into(path: Path, curriculum: Curriculum, problems: list[Problem], seen: set[Path]) -> None:
    resolved = path.resolve()
    if resolved in seen:
        problems.append(Problem(str(path), None, "include", "is included twice"))
        return
    seen.add(resolved)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(str(path), None, "file", f"cannot be read: {error}"))
        return
    data, parse_problems = parse_text(text, str(path))
    problems.extend(parse_problems)
    curriculum.files.append(str(path))
    _build(data, str(path), problems, curriculum)
    includes = data.get("include", []) or []
    if not isinstance(includes, list):
        problems.append(Problem(str(path), None, "include", "must be a list of file names"))
        return
    for name in includes:
        _load_into(path.parent / str(name), curriculum, problems, seen)


def validate(
    curriculum: Curriculum,
    *,
    existing_tracks: set[str] = frozenset(),
    existing_topics: set[str] = frozenset(),
    existing_resources: set[str] = frozenset(),
) -> list[Problem]:
    """Cross-reference checks: duplicate and unknown slugs, self-edges, repeated edges.

    ``existing_*`` name what the database already holds, which a file may refer to.
    """
    problems: list[Problem] = []

    def dupes(specs, attr, label):
        seen: dict[str, Located] = {}
        for spec in specs:
            value = getattr(spec, attr)
            if value and value in seen:
                first = seen[value]
                problems.append(
                    Problem(
                        spec.at.file,
                        spec.at.line,
                        f"{label} {value}",
                        f"duplicate {attr} (first defined at {first.file}:{first.line})",
                    )
                )
            seen.setdefault(value, spec.at)
        return set(seen)

    tracks = dupes(curriculum.tracks, "slug", "track") | set(existing_tracks)
    dupes(curriculum.tracks, "position", "track position")
    resources = dupes(curriculum.resources, "slug", "resource") | set(existing_resources)
    topics = dupes(curriculum.topics, "slug", "topic") | set(existing_topics)
    dupes(curriculum.questions, "key", "question")

    for topic in curriculum.topics:
        where = (topic.at.file, topic.at.line)
        if topic.track and topic.track not in tracks:
            problems.append(Problem(*where, f"topic {topic.slug}", f"unknown track {topic.track!r}"))
        seen_sources: set[str] = set()
        for edge in topic.prerequisites:
            key = f"topic {topic.slug}: prerequisite {edge.source}"
            if edge.source == topic.slug:
                problems.append(Problem(edge.at.file, edge.at.line, key, "a topic cannot be its own prerequisite"))
            elif edge.source and edge.source not in topics:
                problems.append(Problem(edge.at.file, edge.at.line, key, f"unknown topic {edge.source!r}"))
            if edge.source in seen_sources:
                problems.append(Problem(edge.at.file, edge.at.line, key, "listed twice"))
            seen_sources.add(edge.source)
        seen_resources: set[str] = set()
        for link in topic.resources:
            key = f"topic {topic.slug}: resource {link.resource}"
            if link.resource and link.resource not in resources:
                problems.append(Problem(link.at.file, link.at.line, key, f"unknown resource {link.resource!r}"))
            if link.resource in seen_resources:
                problems.append(Problem(link.at.file, link.at.line, key, "listed twice"))
            seen_resources.add(link.resource)

    for question in curriculum.questions:
        key = f"question {question.key}"
        if question.topic and question.topic not in topics:
            problems.append(Problem(question.at.file, question.at.line, key, f"unknown topic {question.topic!r}"))
        if question.source and question.source not in resources:
            problems.append(Problem(question.at.file, question.at.line, key, f"unknown resource {question.source!r}"))
    return problems
