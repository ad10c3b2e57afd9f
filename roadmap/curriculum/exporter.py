"""Export the database back to a curriculum file: the inverse of ``import_curriculum``.

Export then import gives the same graph (tested); multi-line text is written as YAML
literal blocks, as a curator would write it by hand.
"""

import yaml

from roadmap.curriculum import sections
from roadmap.models import Prerequisite, Resource, Topic, TopicResource, Track


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper, value: str):
    # Multi-line Markdown reads best as a literal block in a file curators edit by hand.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump_curriculum(data: dict) -> str:
    """The export as YAML text, with a header that says how to load it."""
    header = "# Pathwise curriculum. Load with: python manage.py import_roadmap <this file>\n"
    return header + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def export_curriculum() -> dict:
    """The whole roadmap (and every registered section, such as the question bank) as plain data."""

    edges: dict[int, list] = {}
    for edge in Prerequisite.objects.select_related("from_topic").order_by("to_topic_id", "from_topic__slug"):
        item = {"topic": edge.from_topic.slug, "kind": edge.kind, "reason": edge.reason}
        if edge.weight is not None:
            item["weight"] = edge.weight
        edges.setdefault(edge.to_topic_id, []).append(item)
    links: dict[int, list] = {}
    for link in TopicResource.objects.select_related("resource").order_by("topic_id", "position", "id"):
        item = {"resource": link.resource.slug, "role": link.role}
        if link.locator:
            item["locator"] = link.locator
        links.setdefault(link.topic_id, []).append(item)

    def resource(r: Resource) -> dict:
        data = {"slug": r.slug, "title": r.title, "authors": r.author_list, "kind": r.kind, "access": r.access}
        if r.url:
            data["url"] = r.url
        if r.year:
            data["year"] = r.year
        return data

    data = {
        "format": 1,
        "tracks": [
            {"slug": t.slug, "title": t.title, "position": t.position, "description": t.description}
            for t in Track.objects.order_by("position")
        ],
        "resources": [resource(r) for r in Resource.objects.order_by("slug")],
        "topics": [
            {
                "slug": t.slug,
                "title": t.title,
                "track": t.track.slug,
                "level": t.level,
                "hours": t.hours,
                "summary": t.summary,
                "prerequisites": edges.get(t.pk, []),
                "resources": links.get(t.pk, []),
            }
            for t in Topic.objects.live().select_related("track").order_by("track__position", "slug")
        ],
    }
    for handler in sections.handlers():
        data[handler.name] = handler.dump()
    return data
