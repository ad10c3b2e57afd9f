"""The bulk import keeps the curation history as row-by-row saves did: one "+" record per row
created and one "~" per row changed, with the row's values, and nothing for rows left alone."""

import tarfile

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from roadmap.curriculum import rows
from roadmap.curriculum.rows import copyable
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


def snapshot() -> dict:
    """Every roadmap row and history record, by model; times and history ids left out."""
    times = {"history_id", "history_date", "created_at", "updated_at"}
    found = {}
    for model in MODELS:
        history = model.history.model
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in times]
        kept = [f.attname for f in history._meta.concrete_fields if f.attname not in times]
        current = list(model.objects.order_by("id").values(*names))
        records = list(history.objects.order_by("id", "history_id").values(*kept))
        found[model.__name__] = (current, records)
    return found


def empty_roadmap() -> None:
    """Empty the roadmap and its history, ids starting again from 1 (a fresh database)."""
    tables = [table for model in MODELS for table in (model._meta.db_table, model.history.model._meta.db_table)]
    with connection.cursor() as cursor:  # TRUNCATE refuses tables with foreign key checks pending
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    connection.ops.execute_sql_flush(
        connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    )
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path is PostgreSQL's")
def test_copy_writes_the_same_rows_and_history_as_the_orm(v1, monkeypatch, capsys):
    def import_v1_then_v2():
        empty_roadmap()
        call_command("import_roadmap", str(v1), verbosity=2)
        call_command("import_roadmap", str(SHIPPED_CURRICULUM), verbosity=2)
        return snapshot(), capsys.readouterr().out

    assert all(copyable(model) for model in MODELS)
    copied = import_v1_then_v2()
    topic = Topic.objects.create(slug="added-by-a-curator", title="Added", track=Track.objects.first(), hours=1)
    assert topic.pk > max(row["id"] for row in copied[0]["Topic"][0])  # the COPY took its ids from the sequence
    monkeypatch.setattr(rows, "copyable", lambda model: False)
    by_orm = import_v1_then_v2()

    assert copied == by_orm
    assert all(records for _, records in copied[0].values())
