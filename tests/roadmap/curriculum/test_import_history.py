"""The bulk import keeps the curation history as row-by-row saves did: one "+" record per row
created and one "~" per row changed, with the row's values, and nothing for rows left alone."""

import tarfile

import pytest
from django.core.management import call_command

from roadmap.models import GraphVersion, Prerequisite, Resource, Topic, TopicResource, Track
from tests.locations import SHIPPED_CURRICULUM
from tests.roadmap.curriculum.test_shipped_curriculum_upgrade import V1_ARCHIVE

pytestmark = pytest.mark.django_db

MODELS = [Track, Resource, Topic, Prerequisite, TopicResource]


def values(model) -> dict[int, dict]:
    """Each row's curated values (those the history keeps), by id."""
    names = [f.attname for f in model.history.model.tracked_fields]
    return {row["id"]: row for row in model.objects.values(*names)}


def records(model, kind: str) -> dict[int, list[dict]]:
    names = [f.attname for f in model.history.model.tracked_fields]
    found: dict[int, list[dict]] = {}
    for record in model.history.filter(history_type=kind).values(*names):
        found.setdefault(record["id"], []).append(record)
    return found


@pytest.fixture
def v1(tmp_path):
    with tarfile.open(V1_ARCHIVE) as archive:
        archive.extractall(tmp_path, filter="data")
    return tmp_path / "ml-roadmap.yaml"


def test_a_fresh_import_records_every_row_once_with_its_values():
    call_command("import_roadmap", str(SHIPPED_CURRICULUM), verbosity=0)

    for model in MODELS:
        rows = values(model)
        created = records(model, "+")
        assert rows, model
        assert created == {pk: [row] for pk, row in rows.items()}, model
        assert not model.history.exclude(history_type="+").exists(), model


def test_an_upgrade_records_each_change_and_leaves_unchanged_rows_alone(v1):
    call_command("import_roadmap", str(v1), verbosity=0)
    before = {model: values(model) for model in MODELS}
    version = GraphVersion.objects.get().version

    call_command("import_roadmap", str(SHIPPED_CURRICULUM), verbosity=0)

    assert GraphVersion.objects.get().version == version + 1  # one version for the whole import
    changes = 0
    for model in MODELS:
        old, new = before[model], values(model)
        changed = records(model, "~")
        created = records(model, "+")
        deleted = records(model, "-")
        for pk, row in new.items():
            if pk not in old:
                assert created[pk] == [row], (model, pk)
            elif row != old[pk]:
                changes += 1
                assert changed[pk] == [row], (model, pk)
            else:
                assert pk not in changed, (model, pk)
        assert set(deleted) == set(old) - set(new), model
        assert set(changed) <= set(new), model
    assert changes > 10  # v2 rewrites summaries, reasons and links: the test saw real changes


def test_the_same_file_again_writes_no_history():
    call_command("import_roadmap", str(SHIPPED_CURRICULUM), verbosity=0)
    counts = {model: model.history.count() for model in MODELS}
    version = GraphVersion.objects.get().version

    call_command("import_roadmap", str(SHIPPED_CURRICULUM), verbosity=0)

    assert {model: model.history.count() for model in MODELS} == counts
    assert GraphVersion.objects.get().version == version
