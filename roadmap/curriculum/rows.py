"""Bulk writes of the import: new and changed rows of one model, with their curation history.

``Rows`` compares and validates each row in Python, then writes the new ones in one go and
the changed ones with one ``bulk_update_with_history``. On PostgreSQL the new rows and their
"+" history records go in with ``COPY`` (``copy_with_history``): a profile of a 10k-topic
import put 61% of its time in ``bulk_create_with_history``, most of it Django building one
history model instance per row and an ``INSERT … UNNEST`` of every value, not the database.
Elsewhere (SQLite, or a model with a field COPY is not taught here) the ORM path is kept.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connections, router
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

BATCH_SIZE = 2_000

# Field types whose Python value psycopg writes as the column's value unchanged; a model
# with any other field goes through the ORM, which knows how to prepare it.
_PLAIN = {
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "DateTimeField", "FloatField",
    "ForeignKey", "IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "SlugField", "TextField",
}  # fmt: skip
_HISTORY_COLUMNS = {"history_date", "history_change_reason", "history_type", "history_user_id"}


class Rows:
    """New and changed rows of one model, validated as they come and written in bulk by ``save``.

    Notes every row in the report as ``importer.upsert`` does, in the same order and words.
    """

    def __init__(self, model, report, kind: str):
        self.model, self.report, self.kind = model, report, kind
        self.new: list = []
        self.changed: list = []
        self.fields: set[str] = set()
        # Foreign keys point at rows this import holds: checking them costs a query each.
        self.skip = [f.name for f in model._meta.concrete_fields if f.is_relation]
        # Compared by id: reading ``topic.track`` would cost a query per row.
        self.ids = {f.name: f.attname for f in model._meta.concrete_fields if f.is_relation}

    def upsert(self, lookup: dict, values: dict, existing, label: str):
        if existing is None:
            obj = self.model(**self._by_id(lookup), **self._by_id(values))
            self._clean(obj)
            self.new.append(obj)
            self.report.note(self.kind, "created", label)
            return obj
        changed = [name for name, value in values.items() if self._differs(existing, name, value)]
        if changed:
            for name in changed:
                setattr(existing, name, values[name])
            self._clean(existing)
            self.changed.append(existing)
            self.fields.update(changed)
            self.report.note(self.kind, "updated", f"{label} ({', '.join(changed)})")
        else:
            self.report.note(self.kind, "unchanged", label)
        return existing

    def _by_id(self, values: dict) -> dict:
        # Related rows by id, as rows read from the database hold them: setting a relation
        # by object was a fifth of a fresh import's time (44k edges and links, two each).
        return {
            self.ids.get(name, name): value.pk if name in self.ids and value is not None else value
            for name, value in values.items()
        }

    def _differs(self, existing, name: str, value) -> bool:
        if name in self.ids:
            return getattr(existing, self.ids[name]) != (value.pk if value is not None else None)
        return getattr(existing, name) != value

    def _clean(self, obj) -> None:
        obj.clean_fields(exclude=self.skip)
        obj.clean()

    def save(self) -> bool:
        """Write the rows and their history; True if anything was written."""
        if self.new:
            if copyable(self.model):
                copy_with_history(self.new, self.model)
            else:
                bulk_create_with_history(self.new, self.model, batch_size=BATCH_SIZE)
        if self.changed:
            fields = sorted(self.fields)
            auto_now = [f for f in self.model._meta.concrete_fields if getattr(f, "auto_now", False)]
            for field in auto_now:  # bulk_update skips pre_save, which keeps these current
                for obj in self.changed:
                    field.pre_save(obj, add=False)
                fields.append(field.name)
            bulk_update_with_history(self.changed, self.model, fields, batch_size=BATCH_SIZE)
        return bool(self.new or self.changed)


def copyable(model) -> bool:
    """Whether ``copy_with_history`` can write ``model``'s new rows (PostgreSQL, plain fields)."""
    if connections[router.db_for_write(model)].vendor != "postgresql":
        return False
    history = model.history.model
    tracked = {f.attname for f in history.tracked_fields}
    columns = [f for f in history._meta.concrete_fields if not f.primary_key]
    return all(f.get_internal_type() in _PLAIN for f in model._meta.concrete_fields) and all(
        f.attname in tracked or f.attname in _HISTORY_COLUMNS for f in columns
    )


def copy_with_history(objs: list, model) -> None:
    """Insert new ``objs`` and their "+" history records with COPY, as ``bulk_create_with_history`` does.

    Ids are taken from the table's sequence first (one query), in order, so rows get the ids
    a bulk INSERT would give them and ``objs`` come back saved, their ``pk`` set. The history
    records hold what simple-history's would: the tracked values, one date (the import is
    one moment), the user of the request if any, no change reason.
    """
    connection = connections[router.db_for_write(model)]
    meta, history = model._meta, model.history.model
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        for obj, pk in zip(objs, ids, strict=True):
            obj.pk = pk
            for field in meta.concrete_fields:
                if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                    field.pre_save(obj, add=True)
        fields = meta.concrete_fields
        _copy(cursor, meta.db_table, fields, ([getattr(o, f.attname) for f in fields] for o in objs))
        if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            user = history.get_default_history_user(objs[0])
            extra = {
                "history_date": timezone.now(),
                "history_change_reason": None,
                "history_type": "+",
                "history_user_id": getattr(user, "pk", None),
            }
            columns = [f for f in history._meta.concrete_fields if not f.primary_key]
            kept = [f for f in columns if f.attname not in extra]
            added = [f for f in columns if f.attname in extra]
            tail = [extra[f.attname] for f in added]
            rows = ([getattr(o, f.attname) for f in kept] + tail for o in objs)
            _copy(cursor, history._meta.db_table, kept + added, rows)
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias


def _copy(cursor, table: str, fields: list, rows) -> None:
    quote = cursor.db.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(f.column) for f in fields)}) FROM STDIN"
    with cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
