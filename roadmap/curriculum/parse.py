"""Parse and validate a curriculum file (YAML) into plain specs, with line numbers.

Pure: no ORM and no Django. The importer (``roadmap.curriculum.importer``) passes in what
the database already holds, so a file may refer to topics or resources loaded earlier, and
checks acyclicity with the same ``roadmap.services.ensure_acyclic`` the admin and API use.

A file is a mapping with any of ``tracks``, ``resources``, ``topics`` and ``questions``,
and may ``include`` sibling files whose sections are merged in.

A curriculum file is data, never a way into the filesystem: ``include`` names files in
the including file's own folder only (a plain file name: no absolute path, no ``..``,
no symbolic link leading elsewhere, nothing but a regular file), and every file is read
up to ``MAX_FILE_BYTES``, all of them together up to ``MAX_TOTAL_BYTES``. Every problem
is a ``Problem`` with file and line, never an exception.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from roadmap.curriculum.reader import FieldReader, parse_text, read_ignores
from roadmap.curriculum.spec import (
    ACCESS,
    EDGE_KINDS,
    FORMAT,
    LEVELS,
    QUESTION_KINDS,
    RESOURCE_KINDS,
    ROLES,
    Curriculum,
    EdgeSpec,
    LinkSpec,
    Located,
    Problem,
    QuestionSpec,
    ResourceSpec,
    TopicSpec,
    TrackSpec,
)

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.IGNORECASE)


def is_http_url(value: str) -> bool:
    """Whether ``value`` is an absolute http(s) URL with a host name or address.

    The same rule as the ``Resource.url`` field, without needing Django: ASCII only (an
    internationalised name is written in its ``xn--`` form), no spaces, a dotted host.

    >>> is_http_url("https://mml-book.github.io/"), is_http_url("not-a-url"), is_http_url("ftp://x.org/")
    (True, False, False)
    """
    if not value.isascii() or any(c.isspace() or c in '<>"{}|\\^`' for c in value):
        return False
    parts = urlsplit(value)
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        return False
    del port  # reading it checks it is a number in range
    if parts.scheme not in ("http", "https") or not host:
        return False
    if host.startswith("[") or ":" in host:
        return True  # an IPv6 literal; urlsplit has checked the brackets
    labels = host.rstrip(".").split(".")
    if _is_ipv4(host):
        return True
    return len(labels) >= 2 and all(_LABEL.fullmatch(label) for label in labels) and not labels[-1].isdigit()


def _is_ipv4(host: str) -> bool:
    numbers = host.split(".")
    return len(numbers) == 4 and all(n.isdigit() and int(n) < 256 for n in numbers)


def _build(data: dict, filename: str, problems: list[Problem], into: Curriculum) -> None:
    unknown = set(data) - {"format", "include", "lint", "tracks", "resources", "topics", "questions"}
    for name in sorted(unknown):
        problems.append(Problem(filename, getattr(data, "line", None), name, "unknown section"))
    if data.get("format", FORMAT) != FORMAT:
        problems.append(Problem(filename, 1, "format", f"unsupported format {data.get('format')!r}; expected {FORMAT}"))
    into.ignores.extend(read_ignores(data.get("lint"), filename, "file", problems, 1))

    for index, item in enumerate(_list(data, "tracks", filename, problems)):
        r = FieldReader(item, filename, f"tracks[{index}]", problems)
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
        r = FieldReader(item, filename, f"resources[{index}]", problems)
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
        if url and not is_http_url(url):
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
                r.ignores(),
            )
        )

    for index, item in enumerate(_list(data, "topics", filename, problems)):
        r = FieldReader(item, filename, f"topics[{index}]", problems)
        slug = r.slug("slug")
        r.key = f"topic {slug or index}"
        edges = []
        for edge_index, edge in enumerate(r.items("prerequisites")):
            e = FieldReader(edge, filename, f"topic {slug}: prerequisites[{edge_index}]", problems, r.line)
            edges.append(
                EdgeSpec(
                    e.slug("topic"),
                    slug,
                    e.choice("kind", EDGE_KINDS, default="required"),
                    e.text("reason", max_length=500),
                    e.at,
                    e.ignores(),
                    e.fraction("weight"),
                )
            )
        links = []
        for link_index, link in enumerate(r.items("resources")):
            lr = FieldReader(link, filename, f"topic {slug}: resources[{link_index}]", problems, r.line)
            links.append(
                LinkSpec(
                    lr.slug("resource"),
                    lr.choice("role", ROLES, default="core"),
                    lr.text("locator", required=False, max_length=200),
                    lr.at,
                    lr.integer("hours", required=False, low=1, high=1000),
                    lr.ignores(),
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
                r.ignores(),
            )
        )

    for index, item in enumerate(_list(data, "questions", filename, problems)):
        r = FieldReader(item, filename, f"questions[{index}]", problems)
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
                r.ignores(),
            )
        )


def _list(data: dict, name: str, filename: str, problems: list[Problem]) -> list:
    value = data.get(name) or []
    if not isinstance(value, list):
        problems.append(Problem(filename, getattr(data, "line", None), name, "must be a list"))
        return []
    return value


MAX_FILE_BYTES = 4 * 1024 * 1024  # the shipped files are 150 kB at most
MAX_TOTAL_BYTES = 16 * 1024 * 1024


def load(path: str | Path) -> tuple[Curriculum, list[Problem]]:
    """Read a curriculum file and its includes; return the specs and every parse problem."""
    curriculum = Curriculum()
    problems: list[Problem] = []
    path = Path(path)
    text = _read(path, problems, budget=MAX_TOTAL_BYTES, where=Problem(str(path), 1, "file", ""))
    if text is not None:
        budget = [MAX_TOTAL_BYTES - len(text.encode())]
        _load_into(path, text, curriculum, problems, seen={path.resolve()}, budget=budget)
    return curriculum, problems


def _load_into(
    path: Path, text: str, curriculum: Curriculum, problems: list[Problem], seen: set[Path], budget: list[int]
) -> None:
    data, parse_problems = parse_text(text, str(path))
    problems.extend(parse_problems)
    curriculum.files.append(str(path))
    _build(data, str(path), problems, curriculum)
    includes = data.get("include", []) or []
    line = getattr(includes, "line", None) or getattr(data, "line", None) or 1
    if not isinstance(includes, list):
        problems.append(Problem(str(path), line, "include", "must be a list of file names"))
        return
    for name in includes:
        where = Problem(str(path), line, f"include {name!r}" if isinstance(name, str) else "include", "")
        included = _sibling(path, name, problems, where)
        if included is None:
            continue
        if included.resolve() in seen:
            problems.append(_at(where, "is included twice"))
            continue
        seen.add(included.resolve())
        text = _read(included, problems, budget=budget[0], where=where)
        if text is not None:
            budget[0] -= len(text.encode())
            _load_into(included, text, curriculum, problems, seen, budget)


def _sibling(path: Path, name, problems: list[Problem], where: Problem) -> Path | None:
    """The included file, if ``name`` is a plain file name of a regular file in ``path``'s folder."""
    if not isinstance(name, str) or not name.strip():
        problems.append(_at(where, "each include must be a file name"))
        return None
    if name != Path(name).name or name in {".", ".."} or "\\" in name:
        problems.append(_at(where, "must name a file in the same folder (no path, no '..')"))
        return None
    included = path.parent / name
    folder = path.parent.resolve()
    try:
        target = included.resolve(strict=True)
    except (OSError, RuntimeError):
        problems.append(_at(where, "no such file in the same folder"))
        return None
    if target.parent != folder:
        problems.append(_at(where, "is a link to a file outside the folder"))
        return None
    if not target.is_file():
        problems.append(_at(where, "is not a regular file"))
        return None
    return included


def _read(path: Path, problems: list[Problem], *, budget: int, where: Problem) -> str | None:
    """The file's text, or None (and a problem) when it cannot be read or is too big."""
    limit = min(MAX_FILE_BYTES, budget)
    try:
        if not path.is_file():
            problems.append(_at(where, f"{path} is not a readable file"))
            return None
        with path.open("rb") as stream:
            raw = stream.read(limit + 1)
    except OSError as error:
        problems.append(_at(where, f"{path} cannot be read ({error.strerror or type(error).__name__})"))
        return None
    if len(raw) > limit:
        which = "a file" if limit == MAX_FILE_BYTES else "all the files together"
        problems.append(_at(where, f"{path} is over the size limit ({limit // 1024} kB for {which})"))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(_at(where, f"{path} is not UTF-8 text (byte {error.start})"))
        return None


def _at(where: Problem, message: str) -> Problem:
    return Problem(where.file, where.line, where.key, message)


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
