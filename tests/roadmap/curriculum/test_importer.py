import textwrap

import pytest
import yaml
from django.core.management import CommandError, call_command

from quizzes.models import Question
from roadmap.models import Prerequisite, Resource, Topic, TopicResource, Track
from roadmap.selectors import build_roadmap_graph, graph_version

pytestmark = pytest.mark.django_db

SMALL = """\
format: 1
tracks:
  - {slug: math, title: Mathematics, position: 1, description: Numbers.}
  - {slug: ml, title: Machine learning, position: 2}
resources:
  - slug: mml-book
    title: Mathematics for Machine Learning
    authors: [Marc Peter Deisenroth, A. Aldo Faisal, Cheng Soon Ong]
    kind: book
    access: free
    url: https://mml-book.github.io/
    year: 2020
topics:
  - slug: linear-algebra
    title: Linear algebra
    track: math
    level: beginner
    hours: 30
    summary: |
      Vectors and matrices.
    resources:
      - {resource: mml-book, role: core, locator: "ch. 2"}
  - slug: calculus
    title: Calculus
    track: math
    hours: 25
    prerequisites:
      - {topic: linear-algebra, kind: recommended, reason: Gradients are vectors.}
  - slug: linear-regression
    title: Linear regression
    track: ml
    level: intermediate
    hours: 8
    prerequisites:
      - {topic: calculus, kind: required, reason: Least squares is minimised with derivatives.}
questions:
  - key: la-dot
    topic: linear-algebra
    kind: multiple-choice
    prompt: What is the dot product of (1, 2) and (3, 4)?
    choices: ["10", "11", "7"]
    correct: [1]
    answer: "11"
    source: mml-book
  - key: la-rank
    topic: linear-algebra
    kind: free-recall
    prompt: What does the rank of a matrix count?
    answer: The number of linearly independent columns.
"""


def write(tmp_path, text, name="roadmap.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def import_file(path, *args):
    call_command("import_roadmap", str(path), *args)


def test_it_imports_tracks_topics_edges_resources_and_questions(tmp_path):
    import_file(write(tmp_path, SMALL))
    assert list(Track.objects.values_list("slug", flat=True)) == ["math", "ml"]
    assert Topic.objects.count() == 3
    edge = Prerequisite.objects.get(to_topic__slug="calculus")
    assert (edge.from_topic.slug, edge.kind, edge.reason) == ("linear-algebra", "recommended", "Gradients are vectors.")
    link = TopicResource.objects.get()
    assert (link.topic.slug, link.resource.slug, link.locator) == ("linear-algebra", "mml-book", "ch. 2")
    assert Resource.objects.get().authors == "Marc Peter Deisenroth, A. Aldo Faisal, Cheng Soon Ong"
    assert Question.objects.get(key="la-dot").correct_choices == [1]


def test_reimporting_the_same_file_changes_nothing(tmp_path, capsys):
    path = write(tmp_path, SMALL)
    import_file(path)
    version = graph_version()
    capsys.readouterr()
    import_file(path)
    out = capsys.readouterr().out
    assert "created" not in out and "updated" not in out
    assert graph_version() == version


def test_an_edited_file_updates_in_place_and_drops_removed_edges(tmp_path):
    import_file(write(tmp_path, SMALL))
    topic_id = Topic.objects.get(slug="calculus").pk
    edited = SMALL.replace("hours: 25", "hours: 40").replace(
        "      - {topic: linear-algebra, kind: recommended, reason: Gradients are vectors.}\n", ""
    ).replace("    prerequisites:\n  - slug: linear-regression", "  - slug: linear-regression")
    edited = edited.replace("    hours: 40\n    prerequisites:\n", "    hours: 40\n")
    import_file(write(tmp_path, edited))
    calculus = Topic.objects.get(slug="calculus")
    assert (calculus.pk, calculus.hours) == (topic_id, 40)
    assert not Prerequisite.objects.filter(to_topic=calculus).exists()


def test_dry_run_prints_the_changes_and_writes_nothing(tmp_path, capsys):
    import_file(write(tmp_path, SMALL), "--dry-run")
    out = capsys.readouterr().out
    assert "created topics linear-algebra" in out
    assert "Dry run, nothing written" in out
    assert Topic.objects.count() == 0 and Track.objects.count() == 0


BAD = """\
format: 1
tracks:
  - {slug: math, title: Mathematics, position: 1}
resources:
  - slug: mml-book
    title: MML
    kind: book
    url: not-a-url
topics:
  - slug: linear-algebra
    title: Linear algebra
    track: math
    hours: 30
    prerequisites:
      - {topic: tensor-calculus, reason: Unknown slug.}
  - slug: linear-algebra
    title: Duplicate
    track: math
    hours: 3
  - slug: calculus
    track: math
    hours: 10
"""


def test_a_bad_file_reports_every_problem_with_its_line_and_writes_nothing(tmp_path, capsys):
    path = write(tmp_path, BAD)
    with pytest.raises(CommandError, match="problem"):
        import_file(path)
    err = capsys.readouterr().err
    assert f"{path}:5: resource mml-book: 'url' 'not-a-url' is not a valid http(s) URL" in err
    assert "unknown topic 'tensor-calculus'" in err and f"{path}:15:" in err
    assert f"{path}:16: topic linear-algebra: duplicate slug (first defined at {path}:10)" in err
    assert f"{path}:20: topic calculus: missing field 'title'" in err
    assert Topic.objects.count() == 0 and Resource.objects.count() == 0


def test_a_cycle_in_the_file_is_reported_with_the_whole_cycle(tmp_path, capsys):
    cyclic = SMALL.replace(
        "    hours: 30\n", "    hours: 30\n    prerequisites:\n      - {topic: linear-regression, reason: Backwards.}\n"
    )
    with pytest.raises(CommandError):
        import_file(write(tmp_path, cyclic))
    err = capsys.readouterr().err
    assert "would create the cycle" in err
    assert "adding calculus → linear-regression would create the cycle " \
        "calculus → linear-regression → linear-algebra → calculus" in err
    assert Topic.objects.count() == 0


def test_a_cycle_through_topics_already_in_the_database_is_refused(tmp_path, capsys):
    import_file(write(tmp_path, SMALL))
    patch = """\
    format: 1
    topics:
      - slug: linear-algebra
        title: Linear algebra
        track: math
        hours: 30
        prerequisites:
          - {topic: linear-regression, reason: Backwards.}
    """
    with pytest.raises(CommandError):
        import_file(write(tmp_path, patch, "patch.yaml"))
    assert "would create the cycle" in capsys.readouterr().err
    assert not Prerequisite.objects.filter(to_topic__slug="linear-algebra").exists()


def test_missing_fields_wrong_types_and_yaml_syntax_errors_are_reported(tmp_path, capsys):
    with pytest.raises(CommandError):
        import_file(write(tmp_path, "topics:\n  - slug: x\n    hours: many\n    track: [a\n"))
    assert "not valid YAML" in capsys.readouterr().err
    with pytest.raises(CommandError):
        import_file(write(tmp_path, "topics:\n  - slug: x\n    title: X\n    track: math\n    hours: many\n"))
    err = capsys.readouterr().err
    assert "'hours' must be a whole number, got 'many'" in err and "unknown track 'math'" in err


def test_export_then_import_gives_the_same_graph(tmp_path):
    import_file(write(tmp_path, SMALL))
    before = build_roadmap_graph()
    out = tmp_path / "export.yaml"
    call_command("export_roadmap", "-o", str(out))
    exported = yaml.safe_load(out.read_text())
    assert {t["slug"] for t in exported["topics"]} == {"linear-algebra", "calculus", "linear-regression"}
    Question.objects.all().delete()
    Prerequisite.objects.all().delete()
    TopicResource.objects.all().delete()
    Topic.objects.all().delete()
    Resource.objects.all().delete()
    import_file(out)
    after = build_roadmap_graph()
    strip = lambda g: {n: {k: v for k, v in d.items() if k != "id"} for n, d in g.nodes(data=True)}  # noqa: E731
    for graph in (before, after):
        for data in graph.nodes.values():
            for resource in data["resources"]:
                resource.pop("id")
    assert strip(after) == strip(before)
    assert dict(after.edges) == dict(before.edges)
    assert Question.objects.count() == 2


def test_a_cycle_is_blamed_on_the_edge_the_file_adds_not_on_edges_already_loaded(tmp_path, capsys):
    import_file(write(tmp_path, SMALL))
    cyclic = SMALL.replace(
        "    hours: 30\n", "    hours: 30\n    prerequisites:\n      - {topic: linear-regression, reason: Backwards.}\n"
    )
    with pytest.raises(CommandError):
        import_file(write(tmp_path, cyclic))
    err = capsys.readouterr().err
    assert "topic linear-algebra: prerequisite linear-regression: adding linear-regression → linear-algebra" in err


def test_a_topic_dropped_from_the_file_is_retired_with_learners_progress_kept(tmp_path, capsys):
    from progress.models import TopicProgress
    from tests.factories import TopicProgressFactory, UserFactory

    import_file(write(tmp_path, SMALL))
    alice = UserFactory(username="alice")
    TopicProgressFactory(learner=alice, topic=Topic.objects.get(slug="calculus"), notes="Chain rule.")
    without_calculus = yaml.safe_load(SMALL)
    without_calculus["topics"] = [t for t in without_calculus["topics"] if t["slug"] != "calculus"]
    without_calculus["topics"][-1]["prerequisites"] = []

    import_file(write(tmp_path, yaml.safe_dump(without_calculus), "dropped.yaml"))

    calculus = Topic.objects.get(slug="calculus")
    assert calculus.retired_at is not None
    assert "calculus" not in build_roadmap_graph()
    assert TopicProgress.objects.get(learner=alice, topic=calculus).notes == "Chain rule."
    assert "topics: 1 retired, 2 unchanged" in capsys.readouterr().out

    import_file(write(tmp_path, SMALL))

    assert Topic.objects.get(slug="calculus").retired_at is None


def test_a_file_of_one_track_retires_nothing_of_the_others(tmp_path):
    import_file(write(tmp_path, SMALL))
    ml_only = yaml.safe_load(SMALL)
    ml_only["tracks"] = [t for t in ml_only["tracks"] if t["slug"] == "ml"]
    ml_only["topics"] = [t for t in ml_only["topics"] if t["track"] == "ml"]
    ml_only.pop("questions")

    import_file(write(tmp_path, yaml.safe_dump(ml_only), "ml.yaml"))

    assert not Topic.objects.exclude(retired_at=None).exists()


def make_run_import_args() -> list[str]:
    """The import_roadmap arguments `make run` uses, read from the Makefile."""
    from tests.locations import ROOT

    recipe = (ROOT / "Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    line = next(line for line in recipe.splitlines() if "import_roadmap" in line)
    return line.split("import_roadmap", 1)[1].split()


def test_make_run_imports_the_shipped_curriculum_into_an_empty_roadmap(capsys):
    call_command("import_roadmap", *make_run_import_args())

    assert Topic.objects.count() > 100


def test_make_run_keeps_a_curators_edits_and_says_how_to_reimport(tmp_path, capsys):
    call_command("import_roadmap", *make_run_import_args())
    Topic.objects.filter(slug="linear-algebra").update(hours=31)  # a curator's edit in the admin
    capsys.readouterr()

    call_command("import_roadmap", *make_run_import_args())

    assert Topic.objects.get(slug="linear-algebra").hours == 31
    out = capsys.readouterr().out
    assert "kept the database as it is" in out
    assert 'make manage ARGS="import_roadmap fixtures/ml-roadmap.yaml"' in out


def test_curator_only_fields_import_and_are_not_stored(tmp_path):
    text = SMALL.replace(
        '      - {resource: mml-book, role: core, locator: "ch. 2"}',
        '      - {resource: mml-book, role: core, locator: "ch. 2", hours: 25}\n'
        "    lint: {ignore: [{rule: hours, reason: The book covers more than this topic.}]}",
    )
    assert "hours: 25" in text
    import_file(write(tmp_path, text))
    link = TopicResource.objects.get(topic__slug="linear-algebra")
    assert (link.resource.slug, link.role, link.locator) == ("mml-book", "core", "ch. 2")


def test_an_edge_may_say_how_much_a_topic_exercises_its_prerequisite(tmp_path, capsys):
    weighted = SMALL.replace(
        "reason: Least squares is minimised with derivatives.}",
        "reason: Least squares is minimised with derivatives., weight: 0.8}",
    )
    import_file(write(tmp_path, weighted))
    edge = Prerequisite.objects.get(to_topic__slug="linear-regression")
    unweighted = Prerequisite.objects.get(to_topic__slug="calculus")
    out = tmp_path / "export.yaml"
    call_command("export_roadmap", "-o", str(out))
    exported = {t["slug"]: t for t in yaml.safe_load(out.read_text())["topics"]}

    assert (edge.weight, unweighted.weight) == (0.8, None)
    assert build_roadmap_graph().edges["calculus", "linear-regression"]["weight"] == 0.8
    assert exported["linear-regression"]["prerequisites"][0]["weight"] == 0.8
    assert "weight" not in exported["calculus"]["prerequisites"][0]

    with pytest.raises(CommandError, match="problem"):
        import_file(write(tmp_path, weighted.replace("weight: 0.8", "weight: 2"), name="bad.yaml"))
    assert "'weight' must be a number from 0 to 1, got 2" in capsys.readouterr().err
