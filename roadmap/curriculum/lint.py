"""The curators' linter: what a teacher would send back about a curriculum file.

``lint_file(path)`` reads a curriculum file (and its includes) with the same parser the
importer uses and returns findings, each printed as ``file:line: rule: message``. The rules
(``RULES``) judge the questions (answers given away by their length, near-duplicates, missing
explanations, too few per topic), the resources (no core resource, a vendor's product page as
core, a URL on a host that has moved), the edges (a required edge whose reason reads as
optional, a required edge implied by a longer chain) and the topics (hours far from what the
core resources say they take, two summaries that say the same).

A finding a curator has weighed and accepted is silenced in the file itself, on the item it is
reported on (a resource, topic, prerequisite, resource link or question), with the reason::

    lint:
      ignore:
        - rule: vendor-core
          reason: This topic is about the managed platforms themselves.

File-wide rules (``answer-length`` for a whole file) are silenced by a top-level ``lint`` in
that file. An ignore that no longer silences anything is a finding too (``unused-ignore``),
so the exceptions in the file stay true. Pure: no Django.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from roadmap.curriculum import similarity
from roadmap.curriculum.hosts import is_vendor_page, legacy_replacement
from roadmap.curriculum.parse import load, validate
from roadmap.curriculum.spec import Curriculum, Ignores, QuestionSpec, TopicSpec
from roadmap.graph import find_cycle, redundant_edges

RULES = {
    "answer-length": "in multiple choice, the correct option is the longest too often (per file, overall, per topic)",
    "answer-stands-out": "a multiple-choice answer is much longer than every distractor",
    "near-duplicate": "two questions ask nearly the same thing (similar prompt and answer)",
    "no-explanation": "a question has no explanation",
    "few-questions": "a topic has fewer questions than a learner needs to be tested on it",
    "no-core-resource": "a topic has no core resource",
    "vendor-core": "a vendor's product or console page is a topic's core resource",
    "legacy-url": "a resource's URL is on a host or path that has moved",
    "optional-reason": "a required prerequisite's reason reads as optional",
    "redundant-edge": "a required prerequisite is implied by a longer chain of required ones",
    "hours": "a topic's hours are far from the hours its core resources are estimated to take",
    "overlap": "two topics' summaries are so alike that a learner cannot tell the topics apart",
}
# Not silenceable: they are about the ignores themselves, or about a file that does not load.
META_RULES = ("invalid", "unknown-rule", "unused-ignore")

# answer-length: chance for a four-option question is 25 %; allow a little above it.
MAX_LONGEST_SHARE = 0.30
# ... and per topic: at most half of its multiple-choice questions (once two of them do it).
MAX_LONGEST_SHARE_PER_TOPIC = 0.5
# answer-stands-out: the answer is this many times, and this many characters, longer than
# the longest distractor.
STANDS_OUT_RATIO, STANDS_OUT_CHARS = 1.5, 20
# near-duplicate: word-sequence similarity of prompt + answer (see roadmap.curriculum.similarity).
# Measured on the shipped questions: the restated questions of the first version scored
# 0.57-0.8, while questions that merely share a template ("What is the derivative of …")
# score 0.5 at most.
DUPLICATE_THRESHOLD = 0.55
MIN_QUESTIONS = 4
# overlap: TF-IDF cosine of two summaries; distinct topics on the shipped roadmap stay below 0.4.
OVERLAP_THRESHOLD = 0.5
# hours: a topic takes at least half the sum of its core resources' stated hours (they may
# overlap) and, when every core resource states them, at most one and a half times the sum.
HOURS_LOW, HOURS_HIGH = 0.5, 1.5

# A required edge's reason that says the prerequisite merely helps is a recommended edge.
_OPTIONAL_WORDING = re.compile(
    r"\b(helps?|helpful|useful|handy|nice|convenient|optional(ly)?|easier|recommended|worth|might)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    """One thing the linter would send back, located by file and line."""

    file: str
    line: int | None
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line or 1}: {self.rule}: {self.message}"


@dataclass(frozen=True)
class _Raised:
    finding: Finding
    ignores: Ignores  # the ignores of the item it is reported on


def lint_file(path: str | Path) -> list[Finding]:
    """Read a curriculum file (and its includes) and lint it.

    A file that does not parse, whose references do not resolve or whose prerequisites form
    a cycle gets only those problems, as ``invalid`` findings: the other rules would judge
    broken data.
    """
    curriculum, problems = load(path)
    problems += validate(curriculum)
    if problems:
        return [Finding(p.file, p.line, "invalid", f"{p.key}: {p.message}") for p in problems]
    cycle = find_cycle(nx.DiGraph((edge.source, edge.target) for edge in curriculum.edges))
    if cycle:
        edge = next(e for e in curriculum.edges if (e.source, e.target) == (cycle[-2], cycle[-1]))
        message = f"the prerequisites form the cycle {' → '.join(cycle)}"
        return [Finding(edge.at.file, edge.at.line, "invalid", f"topic {edge.target}: {message}")]
    return lint(curriculum)


def lint(curriculum: Curriculum) -> list[Finding]:
    """Every rule's findings on a parsed curriculum, minus those the file silences."""
    used: set[int] = set()
    findings = []
    raised: list[_Raised] = []
    for check in _CHECKS:
        raised.extend(check(curriculum))
    for item in raised:
        match = next((i for i in item.ignores if i.rule == item.finding.rule), None)
        if match is None:
            findings.append(item.finding)
        else:
            used.add(id(match))
    for ignore in _all_ignores(curriculum):
        if ignore.rule not in RULES:
            message = f"{ignore.rule!r} is not a rule that can be silenced; the rules are {', '.join(RULES)}"
            findings.append(Finding(ignore.at.file, ignore.at.line, "unknown-rule", message))
        elif id(ignore) not in used:
            message = f"nothing here breaks {ignore.rule!r} any more; remove this ignore"
            findings.append(Finding(ignore.at.file, ignore.at.line, "unused-ignore", message))
    order = {name: index for index, name in enumerate(curriculum.files)}
    return sorted(findings, key=lambda f: (order.get(f.file, len(order)), f.file, f.line or 0, f.rule))


def _all_ignores(curriculum: Curriculum) -> Iterator:
    yield from curriculum.ignores
    for resource in curriculum.resources:
        yield from resource.ignores
    for topic in curriculum.topics:
        yield from topic.ignores
        for edge in topic.prerequisites:
            yield from edge.ignores
        for link in topic.resources:
            yield from link.ignores
    for question in curriculum.questions:
        yield from question.ignores


def _raise(item, rule: str, message: str) -> _Raised:
    return _Raised(Finding(item.at.file, item.at.line, rule, message), item.ignores)


def _file_ignores(curriculum: Curriculum, file: str) -> Ignores:
    return tuple(i for i in curriculum.ignores if i.at.file == file)


# --- questions --------------------------------------------------------------------------------


def longest_is_correct(question: QuestionSpec) -> bool:
    """Whether a multiple-choice question's correct option(s) are strictly its longest.

    >>> q = QuestionSpec("k", "t", "multiple-choice", "?", "", ("short", "the long one"), (1,), "", "", None)
    >>> longest_is_correct(q)
    True
    """
    lengths = [len(choice) for choice in question.choices]
    others = [n for i, n in enumerate(lengths) if i not in question.correct]
    right = [lengths[i] for i in question.correct if 0 <= i < len(lengths)]
    return bool(others and right) and min(right) > max(others)


def _share(part: int, whole: int) -> str:
    return f"{part} of {whole} multiple-choice questions ({part / whole:.0%})"


def _answer_length(curriculum: Curriculum) -> Iterator[_Raised]:
    by_file: dict[str, list[QuestionSpec]] = defaultdict(list)
    by_topic: dict[str, list[QuestionSpec]] = defaultdict(list)
    for question in curriculum.questions:
        if question.kind == "multiple-choice":
            by_file[question.at.file].append(question)
            by_topic[question.topic].append(question)
    advice = f"at most {MAX_LONGEST_SHARE:.0%}: shorten right answers or give distractors the same detail"
    for file, questions in by_file.items():
        longest = [q.key for q in questions if longest_is_correct(q)]
        if len(longest) > MAX_LONGEST_SHARE * len(questions):
            message = f"the correct option is the longest in {_share(len(longest), len(questions))}; {advice}"
            yield _Raised(Finding(file, 1, "answer-length", message), _file_ignores(curriculum, file))
    everything = [q for questions in by_file.values() for q in questions]
    longest = sum(longest_is_correct(q) for q in everything)
    if len(by_file) > 1 and longest > MAX_LONGEST_SHARE * len(everything):
        root = curriculum.files[0]
        message = f"across the curriculum the correct option is the longest in {_share(longest, len(everything))}"
        yield _Raised(Finding(root, 1, "answer-length", f"{message}; {advice}"), _file_ignores(curriculum, root))
    topics = {topic.slug: topic for topic in curriculum.topics}
    for slug, questions in by_topic.items():
        longest = [q.key for q in questions if longest_is_correct(q)]
        if slug in topics and len(longest) >= 2 and len(longest) > MAX_LONGEST_SHARE_PER_TOPIC * len(questions):
            message = f"the correct option is the longest in {_share(len(longest), len(questions))}: "
            message += ", ".join(longest)
            yield _raise(topics[slug], "answer-length", message)


def _answer_stands_out(curriculum: Curriculum) -> Iterator[_Raised]:
    for question in curriculum.questions:
        if question.kind != "multiple-choice" or not longest_is_correct(question):
            continue
        right = min(len(question.choices[i]) for i in question.correct)
        longest_wrong = max(len(c) for i, c in enumerate(question.choices) if i not in question.correct)
        if right >= STANDS_OUT_RATIO * longest_wrong and right - longest_wrong >= STANDS_OUT_CHARS:
            message = (
                f"the answer has {right} characters and the longest distractor {longest_wrong}; "
                "a guesser picks the longest option"
            )
            yield _raise(question, "answer-stands-out", message)


def _near_duplicates(curriculum: Curriculum) -> Iterator[_Raised]:
    questions = curriculum.questions
    texts = [similarity.words(q.prompt) + similarity.words(q.answer) for q in questions]
    for j, later in enumerate(questions):
        for i in range(j):
            score = similarity.question_similarity(texts[i], texts[j], at_least=DUPLICATE_THRESHOLD)
            if score:
                earlier = questions[i]
                message = (
                    f"asks nearly what {earlier.key} ({earlier.at.file}:{earlier.at.line}) asks "
                    f"(similarity {score:.2f}, threshold {DUPLICATE_THRESHOLD})"
                )
                yield _raise(later, "near-duplicate", message)


def _explanations(curriculum: Curriculum) -> Iterator[_Raised]:
    for question in curriculum.questions:
        if not question.explanation:
            message = "say why the answer is right (and, for choices, why the others are not)"
            yield _raise(question, "no-explanation", message)


def _question_counts(curriculum: Curriculum) -> Iterator[_Raised]:
    counts: dict[str, int] = defaultdict(int)
    for question in curriculum.questions:
        counts[question.topic] += 1
    for topic in curriculum.topics:
        if counts[topic.slug] < MIN_QUESTIONS:
            message = f"has {counts[topic.slug]} question(s); every topic needs at least {MIN_QUESTIONS}"
            yield _raise(topic, "few-questions", message)


# --- resources ------------------------------------------------------------------------------


def _resources(curriculum: Curriculum) -> Iterator[_Raised]:
    urls = {resource.slug: resource.url for resource in curriculum.resources}
    for resource in curriculum.resources:
        replacement = resource.url and legacy_replacement(resource.url)
        if replacement:
            yield _raise(resource, "legacy-url", f"{resource.url} has moved; use its current address on {replacement}")
    for topic in curriculum.topics:
        core = [link for link in topic.resources if link.role == "core"]
        if not core:
            yield _raise(topic, "no-core-resource", "give it at least one core resource that teaches it")
        for link in core:
            if is_vendor_page(urls.get(link.resource, "")):
                message = f"{link.resource} ({urls[link.resource]}) is a vendor's page; make it supplemental"
                yield _raise(link, "vendor-core", message)


# --- edges and topics ---------------------------------------------------------------------------


def _edges(curriculum: Curriculum) -> Iterator[_Raised]:
    required = nx.DiGraph()
    specs = {}
    for edge in curriculum.edges:
        if edge.kind != "required":
            continue
        required.add_edge(edge.source, edge.target)
        specs[(edge.source, edge.target)] = edge
        wording = _OPTIONAL_WORDING.search(edge.reason)
        if wording:
            message = (
                f"{edge.source} → {edge.target} is required but its reason says it {wording.group(0)!r}; "
                "say why the topic cannot be learned without it, or make the edge recommended"
            )
            yield _raise(edge, "optional-reason", message)
    if find_cycle(required) is not None:
        return  # lint_file reports the cycle; a reduction of a cyclic graph means nothing
    for source, target in redundant_edges(required):
        path = nx.shortest_path(_without(required, source, target), source, target)
        message = f"{source} → {target} is already implied by {' → '.join(path)}; remove it or make it recommended"
        yield _raise(specs[(source, target)], "redundant-edge", message)


def _without(graph: nx.DiGraph, source: str, target: str) -> nx.DiGraph:
    reduced = graph.copy()
    reduced.remove_edge(source, target)
    return reduced


def _hours(curriculum: Curriculum) -> Iterator[_Raised]:
    for topic in curriculum.topics:
        core = [link for link in topic.resources if link.role == "core"]
        stated = [link.hours for link in core if link.hours]
        if not stated:
            continue
        total = sum(stated)
        every = len(stated) == len(core)
        if topic.hours < HOURS_LOW * total:
            message = f"{topic.hours} h, but its core resources are estimated at {total} h; raise the hours"
            yield _raise(topic, "hours", message)
        elif every and topic.hours > HOURS_HIGH * total:
            message = f"{topic.hours} h, but its core resources together are estimated at only {total} h"
            yield _raise(topic, "hours", message)


def _overlaps(curriculum: Curriculum) -> Iterator[_Raised]:
    topics: dict[str, TopicSpec] = {t.slug: t for t in curriculum.topics if t.summary}
    vectors = similarity.tfidf_vectors({slug: t.summary for slug, t in topics.items()})
    for first, second, score in similarity.similar_pairs(vectors, topics, threshold=OVERLAP_THRESHOLD):
        message = (
            f"its summary reads like {first}'s (similarity {score:.2f}, threshold {OVERLAP_THRESHOLD}); "
            "say what each topic covers that the other does not"
        )
        yield _raise(topics[second], "overlap", message)


_CHECKS = (
    _answer_length,
    _answer_stands_out,
    _near_duplicates,
    _explanations,
    _question_counts,
    _resources,
    _edges,
    _hours,
    _overlaps,
)
