"""A curriculum file is data, never a way into the filesystem: includes stay in the folder,
sizes and shapes are bounded, and every problem is ``file:line: message`` — never a traceback.
And the parser's curator-only fields: ``lint`` ignores and a link's estimated ``hours``."""

import os
import re
import textwrap

import pytest
from django.core.management import CommandError, call_command

from roadmap.curriculum import parse, reader
from roadmap.curriculum.parse import load
from roadmap.models import Topic
from tests.locations import SHIPPED_CURRICULUM

pytestmark = pytest.mark.django_db

TOPIC = """\
tracks:
  - {slug: math, title: Mathematics, position: 1}
topics:
  - {slug: algebra, title: Algebra, track: math, hours: 5}
"""


def write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def import_problems(path, capsys) -> list[str]:
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_roadmap", str(path))
    lines = capsys.readouterr().err.strip().splitlines()
    for line in lines:
        assert re.match(r"^[^:]+:\d+: ", line), f"not file:line: message: {line!r}"
        assert "Traceback" not in line
    assert not Topic.objects.exists()
    return lines


@pytest.mark.parametrize(
    "name",
    ["/etc/passwd", "../secrets.yaml", "sub/../../secrets.yaml", "sub/topics.yaml", "..", "/dev/zero"],
)
def test_an_include_outside_the_files_folder_is_refused_without_reading_it(tmp_path, capsys, name):
    write(tmp_path, "secrets.yaml", "password: hunter2\n")
    write(tmp_path / "curriculum", "sub/topics.yaml", TOPIC)
    main = write(tmp_path / "curriculum", "roadmap.yaml", f"include: [{name!r}]\n" + TOPIC)

    problems = import_problems(main, capsys)

    assert len(problems) == 1
    assert problems[0].startswith(f"{main}:1: include {name!r}: ")
    assert "hunter2" not in problems[0] and "root:" not in problems[0]


def test_a_symbolic_link_leading_out_of_the_folder_is_refused(tmp_path, capsys):
    write(tmp_path, "outside.yaml", TOPIC)
    folder = tmp_path / "curriculum"
    main = write(folder, "roadmap.yaml", "include: [questions.yaml]\n")
    os.symlink(tmp_path / "outside.yaml", folder / "questions.yaml")

    [problem] = import_problems(main, capsys)

    assert problem == f"{main}:1: include 'questions.yaml': is a link to a file outside the folder"


def test_a_sibling_file_is_included(tmp_path):
    main = write(tmp_path, "roadmap.yaml", "include: [more.yaml]\ntracks:\n  - {slug: math, title: M, position: 1}\n")
    write(tmp_path, "more.yaml", "topics:\n  - {slug: algebra, title: Algebra, track: math, hours: 5}\n")

    call_command("import_roadmap", str(main))

    assert Topic.objects.get().slug == "algebra"


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(parse, "MAX_FILE_BYTES", 1000)
    main = write(tmp_path, "roadmap.yaml", "include: [big.yaml]\n" + TOPIC)
    write(tmp_path, "big.yaml", "topics: []\n" + "# padding\n" * 200)

    [problem] = import_problems(main, capsys)

    assert problem.startswith(f"{main}:1: include 'big.yaml': ")
    assert "over the size limit (0 kB for a file)" in problem


def test_all_files_together_have_a_size_limit(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(parse, "MAX_TOTAL_BYTES", 400)
    main = write(tmp_path, "roadmap.yaml", "include: [a.yaml, b.yaml]\n" + TOPIC)
    write(tmp_path, "a.yaml", "resources: []\n" + "# a\n" * 40)
    write(tmp_path, "b.yaml", "questions: []\n" + "# b\n" * 40)

    problems = import_problems(main, capsys)

    assert any("for all the files together" in p and "b.yaml" in p for p in problems)


def test_an_alias_used_as_a_key_is_a_problem_with_its_line(tmp_path, capsys):
    main = write(tmp_path, "roadmap.yaml", "tracks: &t [1, 2]\ntopics:\n  - ? *t\n    : x\n")

    [problem] = import_problems(main, capsys)

    assert problem == f"{main}:3: yaml: not valid YAML: a key must be a plain value, not a list or a mapping"


def test_deep_nesting_is_refused_at_its_line(tmp_path, capsys):
    main = write(tmp_path, "roadmap.yaml", "topics: " + "[" * 100_000 + "]" * 100_000 + "\n")

    [problem] = import_problems(main, capsys)

    assert problem == f"{main}:1: yaml: not valid YAML: nested more than {reader.MAX_DEPTH} levels deep"


def test_an_alias_bomb_is_refused(tmp_path, capsys):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 13)]
    main = write(tmp_path, "roadmap.yaml", "\n".join(lines) + "\n")

    [problem] = import_problems(main, capsys)

    assert f"more than {reader.MAX_ALIASES} aliases" in problem


def test_a_file_that_is_not_utf8_is_a_problem(tmp_path, capsys):
    main = tmp_path / "roadmap.yaml"
    main.write_bytes(b"tracks: [\xff]\n")

    [problem] = import_problems(main, capsys)

    assert problem == f"{main}:1: file: {main} is not UTF-8 text (byte 9)"


# --- Curator-only fields ---------------------------------------------------------------------

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


def parse_file(tmp_path, text):
    path = tmp_path / "roadmap.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load(path)


def test_lint_ignores_and_link_hours_are_read_with_their_lines(tmp_path):
    curriculum, problems = parse_file(tmp_path, FILE)
    assert problems == []
    assert [(i.rule, i.reason, i.at.line) for i in curriculum.ignores] == [("answer-length", "A demo file.", 4)]
    assert [(i.rule, i.at.line) for i in curriculum.resources[0].ignores] == [("legacy-url", 14)]
    topic = curriculum.topics[0]
    assert [i.rule for i in topic.ignores] == ["few-questions"]
    assert topic.resources[0].hours == 25


def test_an_ignore_without_a_reason_or_with_unknown_keys_is_a_problem(tmp_path):
    text = FILE.replace("{rule: legacy-url, reason: Checked by hand.}", "{rule: legacy-url, why: Checked.}")
    _, problems = parse_file(tmp_path, text)
    assert [(p.line, p.message) for p in problems] == [
        (14, "unknown key 'why'; an ignore has a 'rule' and a 'reason'"),
        (14, "missing field 'reason'"),
    ]


def test_lint_must_be_a_mapping_with_an_ignore_list(tmp_path):
    _, problems = parse_file(tmp_path, FILE.replace("lint: {ignore: [", "lint: {skip: ["))
    assert [(p.key, p.message) for p in problems] == [
        ("topic linear-algebra: lint", "must be a mapping with one key, 'ignore'")
    ]


def test_link_hours_must_be_a_whole_number_of_hours(tmp_path):
    _, problems = parse_file(tmp_path, FILE.replace("hours: 25}", "hours: lots}"))
    assert [p.message for p in problems] == ["'hours' must be a whole number, got 'lots'"]


def _same(fast, slow):
    assert type(fast) is type(slow) and fast == slow
    if isinstance(fast, dict | list):
        assert fast.line == slow.line
        items = (fast.values(), slow.values()) if isinstance(fast, dict) else (fast, slow)
        for a, b in zip(*items, strict=True):
            _same(a, b)


@pytest.mark.parametrize("name", sorted(p.name for p in SHIPPED_CURRICULUM.parent.glob("*.yaml")))
def test_libyaml_builds_the_shipped_files_as_the_pure_python_loader_does(name):
    text = (SHIPPED_CURRICULUM.parent / name).read_text()

    fast = reader._from_events(text, name)

    assert fast is not None  # plain files take the fast path
    _same(fast[0], reader._Loader(text, name, []).get_single_data())


def test_a_duplicate_key_is_the_same_problem_on_both_paths():
    text = "tracks:\n  - slug: math\n    slug: maths\n"

    data, problems = reader._from_events(text, "f.yaml")

    slow: list = []
    assert data == reader._Loader(text, "f.yaml", slow).get_single_data()
    assert problems == slow == [reader.Problem("f.yaml", 3, "slug", "duplicate key")]
