"""The curriculum parser's curator-only fields: ``lint`` ignores and a link's estimated ``hours``."""

import textwrap

from roadmap.curriculum.parse import load

FILE = """\
format: 1
lint:
  ignore:
    - {rule: answer-length, reason: A demo file.}
tracks:
  - {slug: math, title: Mathematics, position: 1}
resources:
  - slug: mml-book
    title: Mathematics for Machine Learning
    kind: book
    url: https://mml-book.github.io/
    lint:
      ignore:
        - {rule: legacy-url, reason: Checked by hand.}
topics:
  - slug: linear-algebra
    title: Linear algebra
    track: math
    hours: 30
    lint: {ignore: [{rule: few-questions, reason: Questions are being written.}]}
    resources:
      - {resource: mml-book, role: core, locator: ch. 2, hours: 25}
"""


def parse(tmp_path, text):
    path = tmp_path / "roadmap.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load(path)


def test_lint_ignores_and_link_hours_are_read_with_their_lines(tmp_path):
    curriculum, problems = parse(tmp_path, FILE)
    assert problems == []
    assert [(i.rule, i.reason, i.at.line) for i in curriculum.ignores] == [("answer-length", "A demo file.", 4)]
    assert [(i.rule, i.at.line) for i in curriculum.resources[0].ignores] == [("legacy-url", 14)]
    topic = curriculum.topics[0]
    assert [i.rule for i in topic.ignores] == ["few-questions"]
    assert topic.resources[0].hours == 25


def test_an_ignore_without_a_reason_or_with_unknown_keys_is_a_problem(tmp_path):
    text = FILE.replace("{rule: legacy-url, reason: Checked by hand.}", "{rule: legacy-url, why: Checked.}")
    _, problems = parse(tmp_path, text)
    assert [(p.line, p.message) for p in problems] == [
        (14, "unknown key 'why'; an ignore has a 'rule' and a 'reason'"),
        (14, "missing field 'reason'"),
    ]


def test_lint_must_be_a_mapping_with_an_ignore_list(tmp_path):
    _, problems = parse(tmp_path, FILE.replace("lint: {ignore: [", "lint: {skip: ["))
    assert [(p.key, p.message) for p in problems] == [
        ("topic linear-algebra: lint", "must be a mapping with one key, 'ignore'")
    ]


def test_link_hours_must_be_a_whole_number_of_hours(tmp_path):
    _, problems = parse(tmp_path, FILE.replace("hours: 25}", "hours: lots}"))
    assert [p.message for p in problems] == ["'hours' must be a whole number, got 'lots'"]
