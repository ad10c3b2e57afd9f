"""Reading YAML with line numbers, and typed fields out of its mappings.

``parse_text`` loads one YAML document with PyYAML's safe loader, remembering the line of
every mapping and list and reporting duplicate keys (which PyYAML silently lets the last one
win). A curriculum file is data written by people, so the shapes YAML allows but no such
file needs are refused with a line instead of being built: more than ``MAX_ALIASES``
aliases (an alias bomb), nesting deeper than ``MAX_DEPTH`` (a stack overflow), and keys
that are not plain values (an alias to a list used as a key).
Files are read by libyaml (PyYAML's C parser) and built from its events (``_from_events``)
when they hold only plain values, mappings and lists, as curriculum files do; anything else
(a syntax error, an alias, a tag, deep nesting) is read by the pure-Python loader, which
reports every problem as before. The pure-Python loader spent ~3 s per 1,000 topics.
``FieldReader`` reads typed fields out of one mapping and collects every problem instead of
stopping at the first, so a curator sees all of a file's problems in one run. Pure.
"""

from __future__ import annotations

import yaml
import yaml.cyaml

from roadmap.curriculum.spec import SLUG_CHARS, Ignores, LintIgnore, Located, Problem

MAX_DEPTH = 20  # the format needs 5
MAX_ALIASES = 100  # the shipped files use none


class _LineDict(dict):
    line: int | None = None


class _LineList(list):
    line: int | None = None


class _Refused(yaml.YAMLError):
    """A shape no curriculum needs; reported like a syntax error, with its line."""

    def __init__(self, problem: str, mark):
        super().__init__(problem)
        self.problem, self.problem_mark = problem, mark


class _Loader(yaml.SafeLoader):
    """SafeLoader that remembers lines, reports duplicate keys and bounds depth and aliases."""

    def __init__(self, stream, filename: str, problems: list[Problem]):
        super().__init__(stream)
        self._filename = filename
        self._problems = problems
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _Refused(f"more than {MAX_ALIASES} aliases (*name)", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(f"nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_mapping(loader: _Loader, node, deep=False):
    seen: set = set()
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _Refused("a key must be a plain value, not a list or a mapping", node.start_mark)
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            loader._problems.append(Problem(loader._filename, key_node.start_mark.line + 1, str(key), "duplicate key"))
        seen.add(key)
    mapping = _LineDict(loader.construct_mapping(node, deep=deep))
    mapping.line = node.start_mark.line + 1
    return mapping


def _construct_list(loader: _Loader, node):
    items = _LineList(loader.construct_sequence(node, deep=True))
    items.line = node.start_mark.line + 1
    return items


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_list)

_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_STR = yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG


class _Scalars(yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """The safe loader's tag resolution and scalar constructors, for ``_from_events``."""

    def __init__(self):
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self.tags: dict[str, str] = {}

    def value(self, event):
        """The scalar's value, or ``_from_events.bail`` for anything but a plain value."""
        if event.anchor is not None or event.tag not in (None, "!"):
            raise _Bail
        if not event.implicit[0]:
            return event.value  # quoted: a string
        tag = self.tags.get(event.value)
        if tag is None:
            tag = self.tags[event.value] = self.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _STR:
            return event.value
        if tag not in _PLAIN_TAGS:
            raise _Bail
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        return self.yaml_constructors[tag](self, node)


class _Bail(Exception):
    """Not a shape the fast path builds: let the pure-Python loader read the file."""


def _from_events(text: str, filename: str) -> tuple[object, list[Problem]] | None:
    """The document built from libyaml's events, as ``_Loader`` builds it, or None.

    libyaml (C) parses; this loop builds the mappings and lists, with their lines and the
    duplicate-key problems, for documents of plain values, mappings and lists only. Anything
    else — a syntax error, an anchor or alias, an explicit tag, a merge key, a key that is not
    a plain value, nesting near ``MAX_DEPTH``, a second document — returns None, and the
    pure-Python loader reads the file and reports it exactly as before. libyaml's parser keeps
    its own stack, so no nesting can overflow this pass.
    """
    if not getattr(yaml, "__with_libyaml__", False):  # pragma: no cover - the wheels ship it
        return None
    parser = yaml.cyaml.CParser(text)
    scalars = _Scalars()
    problems: list[Problem] = []
    # Each open mapping or list: [container, key awaiting its value (or _NO_KEY), keys seen].
    stack: list[list] = []
    root = None
    documents = 0
    try:
        while (event := parser.get_event()) is not None:
            kind = type(event)
            if kind is yaml.ScalarEvent:
                value = scalars.value(event)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.anchor is not None or event.tag not in (None, "!") or len(stack) + 2 >= MAX_DEPTH:
                    raise _Bail
                if stack and type(stack[-1][0]) is _LineDict and stack[-1][1] is _AWAITING_KEY:
                    raise _Bail  # a key that is not a plain value
                container = _LineDict() if kind is yaml.MappingStartEvent else _LineList()
                container.line = event.start_mark.line + 1
                stack.append([container, _AWAITING_KEY, set()])
                continue
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                value = stack.pop()[0]
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Bail
                continue
            elif kind is yaml.AliasEvent:
                raise _Bail
            else:  # stream and document ends
                continue
            if not stack:
                root = value
                continue
            frame = stack[-1]
            container = frame[0]
            if type(container) is _LineList:
                container.append(value)
            elif frame[1] is _AWAITING_KEY:
                if value in frame[2]:
                    problems.append(Problem(filename, event.start_mark.line + 1, str(value), "duplicate key"))
                frame[2].add(value)
                frame[1] = value
            else:
                container[frame[1]] = value
                frame[1] = _AWAITING_KEY
    except (_Bail, yaml.YAMLError):
        return None
    finally:
        parser.dispose()
    return root, problems


_AWAITING_KEY = object()


def parse_text(text: str, filename: str) -> tuple[dict, list[Problem]]:
    """Parse one YAML document; syntax errors become a Problem with their line."""
    fast = _from_events(text, filename)
    if fast is not None:
        data, problems = fast
        return _checked(data, problems, filename)
    problems: list[Problem] = []
    loader = _Loader(text, filename, problems)
    try:
        data = loader.get_single_data()
    except RecursionError:  # not reachable within MAX_DEPTH; kept so nothing ever escapes
        return {}, [Problem(filename, 1, "yaml", f"nested more than {MAX_DEPTH} levels deep")]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or str(error)
        return {}, [Problem(filename, line, "yaml", f"not valid YAML: {reason}")]
    finally:
        loader.dispose()
    return _checked(data, problems, filename)


def _checked(data, problems: list[Problem], filename: str) -> tuple[dict, list[Problem]]:
    if data is None:
        data = _LineDict()
    if not isinstance(data, dict):
        return {}, [Problem(filename, 1, "document", "must be a mapping with tracks, resources, topics, questions")]
    return data, problems


class FieldReader:
    """Reads typed fields out of one mapping, collecting problems instead of stopping."""

    def __init__(self, data, file: str, key: str, problems: list[Problem], parent_line: int | None = None):
        self.file, self.key, self.problems = file, key, problems
        self.line = getattr(data, "line", None) or parent_line
        self.data = data if isinstance(data, dict) else {}
        if not isinstance(data, dict):
            self.problem(f"must be a mapping, got {type(data).__name__}")

    @property
    def at(self) -> Located:
        return Located(self.file, self.line)

    def problem(self, message: str) -> None:
        self.problems.append(Problem(self.file, self.line, self.key, message))

    def text(self, name: str, *, required=True, max_length=10_000) -> str:
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.problem(f"missing field '{name}'")
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.problem(f"'{name}' must be text, got {type(value).__name__}")
            return ""
        value = str(value).strip()
        if len(value) > max_length:
            self.problem(f"'{name}' is {len(value)} characters long; the limit is {max_length}")
        return value

    def slug(self, name: str, *, required=True) -> str:
        value = self.text(name, required=required, max_length=100)
        if value and (set(value) - SLUG_CHARS or value.startswith("-") or value.endswith("-")):
            self.problem(f"'{name}' {value!r} must be lowercase letters, digits and hyphens")
        return value

    def choice(self, name: str, options: tuple[str, ...], default: str | None = None) -> str:
        value = self.data.get(name, default)
        if value is None:
            self.problem(f"missing field '{name}' (one of {', '.join(options)})")
            return ""
        if value not in options:
            self.problem(f"'{name}' is {value!r}; expected one of {', '.join(options)}")
            return ""
        return value

    def integer(self, name: str, *, required=True, low=None, high=None) -> int | None:
        value = self.data.get(name)
        if value is None:
            if required:
                self.problem(f"missing field '{name}'")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(f"'{name}' must be a whole number, got {value!r}")
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            self.problem(f"'{name}' is {value}; expected {low} to {high}")
            return None
        return value

    def fraction(self, name: str) -> float | None:
        """An optional number from 0 to 1."""
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            self.problem(f"'{name}' must be a number from 0 to 1, got {value!r}")
            return None
        return float(value)

    def items(self, name: str) -> list:
        value = self.data.get(name, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(f"'{name}' must be a list")
            return []
        return value


    def ignores(self) -> Ignores:
        """The item's ``lint: {ignore: [{rule, reason}, ...]}``: linter rules silenced on it, and why."""
        return read_ignores(self.data.get("lint"), self.file, self.key, self.problems, self.line)


def read_ignores(value, file: str, key: str, problems: list[Problem], line: int | None) -> Ignores:
    """Read a ``lint`` mapping; every silenced rule must say why (``reason``)."""
    if value is None:
        return ()
    line = getattr(value, "line", None) or line
    if not isinstance(value, dict) or set(value) - {"ignore"}:
        problems.append(Problem(file, line, f"{key}: lint", "must be a mapping with one key, 'ignore'"))
        return ()
    items = value.get("ignore") or []
    if not isinstance(items, list):
        problems.append(Problem(file, line, f"{key}: lint", "'ignore' must be a list of {rule, reason}"))
        return ()
    ignores = []
    for index, item in enumerate(items):
        r = FieldReader(item, file, f"{key}: lint ignore[{index}]", problems, line)
        unknown = sorted(str(name) for name in set(r.data) - {"rule", "reason"})
        if unknown:
            r.problem(f"unknown key {unknown[0]!r}; an ignore has a 'rule' and a 'reason'")
        ignores.append(LintIgnore(r.slug("rule"), r.text("reason", max_length=500), r.at))
    return tuple(ignores)
