"""Sections of the curriculum file that a higher layer owns.

The question bank ships inside the curriculum file, but questions are the quizzes app's
data and ``roadmap`` may not import ``quizzes`` (imports point down only). So the file
format and its parser stay here, and the app that owns a section registers a handler in
its ``AppConfig.ready()``::

    sections.register(sections.SectionHandler("questions", load=..., dump=...))

``import_curriculum`` calls every handler's ``load`` inside its transaction, after tracks,
resources, topics, edges and links are written (and rolls it back with them in a dry run);
``export_curriculum`` adds every handler's ``dump`` under its name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SectionHandler:
    """Writes one section of a parsed curriculum to the database, and reads it back.

    ``load(curriculum, *, topics, resources, report)`` gets the parsed file, the topics and
    resources by slug as they now stand, and the import report to note its changes in.
    ``dump()`` returns the section as a list of plain mappings in the file's format.
    """

    name: str
    load: Callable[..., None]
    dump: Callable[[], list[dict[str, Any]]]


_handlers: dict[str, SectionHandler] = {}


def register(handler: SectionHandler) -> None:
    """Register (or replace) the handler of a section; idempotent, as ``ready()`` may run twice."""
    _handlers[handler.name] = handler


def handlers() -> list[SectionHandler]:
    """The registered handlers, in the order they were first registered."""
    return list(_handlers.values())
