"""Import a parsed curriculum into the database.

The import is one transaction: every problem is collected first (parse, references,
cycles) and nothing is written unless there are none. Re-importing the same file changes
nothing. Topics, resources and tracks are upserted by slug; for every topic in the file,
its prerequisites and resource links are exactly those the file lists. A topic of one of
the file's tracks that the file no longer lists is retired, never deleted (learners keep
their progress on it); listed again, it is back. Sections owned by
a higher layer (the question bank) are written by the handlers registered in
``roadmap.curriculum.sections``, inside the same transaction.

Resources, topics, prerequisites and resource links are written in bulk
(``roadmap.curriculum.rows``): each row is compared and validated in Python, then the new
rows go in at once (COPY on PostgreSQL, ``bulk_create_with_history`` elsewhere) and the
changed ones with one ``bulk_update_with_history`` per model, so the curation history
(django-simple-history) records every created and changed row as the row-by-row saves did,
at a few queries per model instead of three per row (a 10k-topic file took 141 s that way).
Bulk writes send no ``post_save``, so the import bumps the graph version itself. Rows the
file no longer lists are deleted one by one, as before: deletions cascade and are few.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from roadmap.curriculum import sections
from roadmap.curriculum.parse import validate
from roadmap.curriculum.rows import BATCH_SIZE, Rows
from roadmap.curriculum.spec import Curriculum, CurriculumError, Problem
from roadmap.models import Prerequisite, Resource, Topic, TopicResource, Track
from roadmap.services import bump_graph_version, ensure_acyclic, lock_roadmap, one_graph_version


@dataclass
class ImportReport:
    """What an import changed (or, in a dry run, would change)."""

    dry_run: bool = False
    counts: Counter = field(default_factory=Counter)
    changes: list[str] = field(default_factory=list)

    def note(self, kind: str, action: str, label: str) -> None:
        self.counts[f"{kind} {action}"] += 1
        if action != "unchanged":
            self.changes.append(f"{action} {kind} {label}")

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def summary(self) -> str:
        kinds = ["tracks", "resources", "topics", "prerequisites", "resource links", "questions"]
        parts = []
        for kind in kinds:
            numbers = [
                f"{self.counts[f'{kind} {a}']} {a}"
                for a in ("created", "updated", "retired", "deleted", "unchanged")
                if self.counts[f"{kind} {a}"]
            ]
            if numbers:
                parts.append(f"{kind}: {', '.join(numbers)}")
        return "; ".join(parts) or "nothing to import"


def upsert(model, lookup: dict, values: dict, existing, report: ImportReport, kind: str, label: str):
    """Create or update one row, validated by the model, and note what happened in ``report``."""
    if existing is None:
        obj = model(**lookup, **values)
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
        report.note(kind, "created", label)
        return obj
    changed = [name for name, value in values.items() if getattr(existing, name) != value]
    if changed:
        for name in changed:
            setattr(existing, name, values[name])
        existing.full_clean(validate_unique=False, validate_constraints=False)
        existing.save()
        report.note(kind, "updated", f"{label} ({', '.join(changed)})")
    else:
        report.note(kind, "unchanged", label)
    return existing


def import_curriculum(curriculum: Curriculum, *, dry_run: bool = False, parse_problems=()) -> ImportReport:
    """Validate and apply a parsed curriculum atomically.

    Raises
    ------
    CurriculumError
        With every problem found; the database is left untouched.
    """
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        with one_graph_version():
            lock_roadmap()
            tracks = {t.slug: t for t in Track.objects.all()}
            resources = {r.slug: r for r in Resource.objects.all()}
            topics = {t.slug: t for t in Topic.objects.all()}
            problems = list(parse_problems) + validate(
                curriculum, existing_tracks=set(tracks), existing_topics=set(topics), existing_resources=set(resources)
            )
            problems += _cycle_problems(curriculum, topics)
            if problems:
                raise CurriculumError(problems)

            for spec in curriculum.tracks:
                # Positions are unique: park a moved track out of the way first so that
                # swapping two tracks' positions does not trip the constraint mid-import.
                other = next((t for t in tracks.values() if t.position == spec.position and t.slug != spec.slug), None)
                if other is not None:
                    other.position = 10_000 + other.pk
                    other.save(update_fields=["position"])
                tracks[spec.slug] = upsert(
                    Track,
                    {"slug": spec.slug},
                    {"title": spec.title, "position": spec.position, "description": spec.description},
                    tracks.get(spec.slug),
                    report,
                    "tracks",
                    spec.slug,
                )
            rows = Rows(Resource, report, "resources")
            for spec in curriculum.resources:
                resources[spec.slug] = rows.upsert(
                    {"slug": spec.slug},
                    {
                        "title": spec.title,
                        "authors": ", ".join(spec.authors),
                        "kind": spec.kind,
                        "access": spec.access,
                        "url": spec.url,
                        "year": spec.year,
                    },
                    resources.get(spec.slug),
                    spec.slug,
                )
            written = rows.save()
            rows = Rows(Topic, report, "topics")
            for spec in curriculum.topics:
                topics[spec.slug] = rows.upsert(
                    {"slug": spec.slug},
                    {
                        "title": spec.title,
                        "track": tracks[spec.track],
                        "level": spec.level,
                        "hours": spec.hours,
                        "summary": spec.summary,
                    },
                    topics.get(spec.slug),
                    spec.slug,
                )
            written |= rows.save()
            written |= _sync_edges(curriculum, topics, report)
            written |= _sync_links(curriculum, topics, resources, report)
            if written:
                bump_graph_version()  # bulk writes send no post_save; once for the import
            _retire_dropped_topics(curriculum, topics, report)
            for handler in sections.handlers():
                handler.load(curriculum, topics=topics, resources=resources, report=report)
        if dry_run:
            # Everything above ran for real; roll it back so the report is exact.
            transaction.set_rollback(True)
    return report


def _cycle_problems(curriculum: Curriculum, topics: dict[str, Topic]) -> list[Problem]:
    in_file = {spec.slug for spec in curriculum.topics}
    # Every edge, filtered here: an IN list of 50k slugs passes SQLite's limit on parameters.
    remove = [
        pair
        for pair in Prerequisite.objects.values_list("from_topic__slug", "to_topic__slug").iterator(chunk_size=10_000)
        if pair[1] in in_file
    ]
    edges = {(e.source, e.target): e for e in curriculum.edges if e.source and e.source != e.target}
    # Edges the database already has go first, so a cycle is blamed on the edge the file adds.
    existing = set(remove)
    ordered = sorted(edges, key=lambda pair: pair not in existing)
    try:
        ensure_acyclic(add=ordered, remove=list(existing))
    except ValidationError as error:
        cause = error.__cause__
        spec = edges.get(getattr(cause, "edge", None))
        file, line = (spec.at.file, spec.at.line) if spec else (curriculum.files[0] if curriculum.files else "", None)
        key = f"topic {spec.target}: prerequisite {spec.source}" if spec else "prerequisites"
        return [Problem(file, line, key, error.messages[0])]
    return []


def _by_pk(objs: dict) -> dict:
    return {obj.pk: slug for slug, obj in objs.items()}


# The current rows are read whole and filtered here: an IN list of 50k ids passes SQLite's
# limit on parameters, and the joins to get slugs cost more than the dictionaries.
def _current_edges(topics: dict[str, Topic], in_file: set[int]) -> dict:
    slugs = _by_pk(topics)
    return {
        (slugs[edge.from_topic_id], slugs[edge.to_topic_id]): edge
        for edge in Prerequisite.objects.iterator(chunk_size=10_000)
        if edge.to_topic_id in in_file
    }


def _current_links(topics: dict[str, Topic], resources: dict[str, Resource], in_file: set[int]) -> dict:
    slugs, resource_slugs = _by_pk(topics), _by_pk(resources)
    return {
        (slugs[link.topic_id], resource_slugs[link.resource_id]): link
        for link in TopicResource.objects.iterator(chunk_size=10_000)
        if link.topic_id in in_file
    }


def _sync_edges(curriculum: Curriculum, topics: dict[str, Topic], report: ImportReport) -> bool:
    wanted = {(e.source, e.target): e for e in curriculum.edges}
    in_file = {topics[spec.slug].pk for spec in curriculum.topics}
    current = _current_edges(topics, in_file)
    deleted = False
    for pair, edge in current.items():
        if pair not in wanted:
            edge.delete()
            deleted = True
            report.note("prerequisites", "deleted", " → ".join(pair))
    rows = Rows(Prerequisite, report, "prerequisites")
    for pair, spec in wanted.items():
        rows.upsert(
            {"from_topic": topics[spec.source], "to_topic": topics[spec.target]},
            {"kind": spec.kind, "reason": spec.reason, "weight": spec.weight},
            current.get(pair),
            " → ".join(pair),
        )
    return rows.save() or deleted


def _sync_links(curriculum, topics, resources, report) -> bool:
    in_file = {topics[spec.slug].pk for spec in curriculum.topics}
    current = _current_links(topics, resources, in_file)
    wanted = set()
    rows = Rows(TopicResource, report, "resource links")
    for spec in curriculum.topics:
        for position, link in enumerate(spec.resources):
            pair = (spec.slug, link.resource)
            wanted.add(pair)
            rows.upsert(
                {"topic": topics[spec.slug], "resource": resources[link.resource]},
                {"role": link.role, "locator": link.locator, "position": position},
                current.get(pair),
                f"{spec.slug}: {link.resource}",
            )
    written = rows.save()
    for pair, link in current.items():
        if pair not in wanted:
            link.delete()
            written = True
            report.note("resource links", "deleted", f"{pair[0]}: {pair[1]}")
    return written


def _retire_dropped_topics(curriculum: Curriculum, topics: dict[str, Topic], report: ImportReport) -> None:
    """Retire the topics of the file's tracks that it no longer lists; restore listed ones.

    Only the file's own tracks: a file that covers one track leaves the others alone.
    """
    listed = {spec.slug for spec in curriculum.topics}
    tracks = set(Track.objects.filter(slug__in=[spec.slug for spec in curriculum.tracks]).values_list("id", flat=True))
    now = timezone.now()
    back, retired = [], []
    for slug, topic in sorted(topics.items()):
        if slug in listed and topic.retired_at is not None:
            topic.retired_at = None
            back.append(topic.pk)
            report.note("topics", "updated", f"{slug} (back from retirement)")
        elif slug not in listed and topic.retired_at is None and topic.track_id in tracks:
            topic.retired_at = now
            retired.append(topic.pk)
            report.note("topics", "retired", f"{slug} (learners keep their progress)")
    for pks, retired_at in ((back, None), (retired, now)):
        for start in range(0, len(pks), BATCH_SIZE):
            Topic.objects.filter(pk__in=pks[start : start + BATCH_SIZE]).update(retired_at=retired_at)
    if back or retired:
        bump_graph_version()  # QuerySet.update sends no signals
