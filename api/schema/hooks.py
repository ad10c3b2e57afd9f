"""Rewrites of the finished schema, so strict OpenAPI 3.0.3 tools and code generators agree
with what the API sends. Listed in ``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]`` after
drf-spectacular's own enum hook.

* **Nullable references.** drf-spectacular writes a field that is an object or null as
  ``allOf: [$ref] + nullable: true`` (a nullable ``oneOf`` likewise), and a nullable choice
  as ``oneOf: [$ref, NullEnum]``.
  Under OpenAPI 3.0.3 ``nullable`` only widens a ``type`` given beside it, so strict
  validators refuse a real ``null`` for the first, and the second makes openapi-generator's
  TypeScript clients define the enum twice. Both become ``oneOf: [$ref, NULL]`` with
  ``NULL`` a schema only ``null`` matches (``null_only``), which every generator we test reads as
  "that type or null".
* **Named enums in query parameters.** django-filter's choice filters are written inline,
  so a client gets a second, anonymous enum for ``?level=``. A parameter whose values are
  exactly those of a named enum refers to it instead.
* **Empty page parameters.** ``api.pagination.PageNumberPagination`` reads an empty ``page``
  or ``page_size`` as not given, on every paginated operation; a view that declares them
  itself (the due queue) says so too.
"""



def null_only() -> dict:
    """A schema only ``null`` matches (strict 3.0.3: ``nullable`` widens ``type``, ``enum`` narrows)."""
    return {"type": "object", "nullable": True, "enum": [None]}

_REF_PREFIX = "#/components/schemas/"


def strict_nullable_references(result, generator, request, public):
    schemas = result.get("components", {}).get("schemas", {})
    null_enums = {_REF_PREFIX + name for name, schema in schemas.items() if schema.get("enum") == [None]}
    _walk(result, lambda node: _rewrite_nullable(node, null_enums))
    for ref in null_enums:
        if not _refers_to(result, ref):
            del schemas[ref.removeprefix(_REF_PREFIX)]
    return result


def named_parameter_enums(result, generator, request, public):
    schemas = result.get("components", {}).get("schemas", {})
    by_values = {
        frozenset(schema["enum"]): _REF_PREFIX + name
        for name, schema in schemas.items()
        if "enum" in schema and None not in schema["enum"]
    }
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                target = schema.get("items", schema) if schema.get("type") == "array" else schema
                ref = by_values.get(frozenset(target.get("enum", ())))
                if ref is not None:
                    target.clear()
                    target["$ref"] = ref
    return result


def empty_page_parameters(result, generator, request, public):
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and parameter.get("name") in ("page", "page_size"):
                    parameter["allowEmptyValue"] = True
    return result


def _rewrite_nullable(node: dict, null_enums: set[str]) -> None:
    nullable = node.get("nullable") and "type" not in node
    if nullable:
        del node["nullable"]  # without a type beside it, it means nothing in 3.0.3
        if len(node.get("allOf", ())) == 1:
            node["oneOf"] = node.pop("allOf")
    branches = node.get("oneOf", [])
    if any(branch.get("$ref") in null_enums for branch in branches):
        node["oneOf"] = branches = [branch for branch in branches if branch.get("$ref") not in null_enums]
        nullable = True
    if nullable and branches and null_only() not in branches:
        branches.append(null_only())


def _walk(node, visit) -> None:
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            _walk(value, visit)
    elif isinstance(node, list):
        for item in node:
            _walk(item, visit)


def _refers_to(node, ref: str) -> bool:
    if isinstance(node, dict):
        return node.get("$ref") == ref or any(_refers_to(value, ref) for value in node.values())
    if isinstance(node, list):
        return any(_refers_to(item, ref) for item in node)
    return False
