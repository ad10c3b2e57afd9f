"""A curriculum file is data, never a way into the filesystem: includes stay in the folder,
sizes and shapes are bounded, and every problem is ``file:line: message`` — never a traceback."""

import os
import re
import textwrap

import pytest
from django.core.management import CommandError, call_command

from roadmap.curriculum import parse, reader
from roadmap.models import Topic

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
