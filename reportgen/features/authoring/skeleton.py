"""Writes a new content file: every field of a kind present, blank, and commented from the model's docstrings.

One mechanism for every kind: the skeleton is read off the kind's JSON Schema (reportgen.features.authoring.schema), which
pydantic builds from the model, so a field's comment is its docstring and the key order is the model's.
Blanks are `''`: the build refuses them by name until they are filled in.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path
from typing import Any

from reportgen.errors import OutputError
from reportgen.features.authoring.schema import SCHEMA_FOLDER, json_schema, resolve, schema_file_name

WIDTH = 96
"""Comment lines are wrapped to this width."""


def skeleton_text(kind: str, name: str, schema_path: str | None = None) -> str:
    """The YAML of a new `kind` content file called `name`, comments and all."""
    schema = json_schema(kind)
    document = _mapping(schema, schema, indent=0)
    header = [f"yaml-language-server: $schema={schema_path or f'../{SCHEMA_FOLDER}/{schema_file_name(kind)}'}",
              f"{name}: a new {kind} content file written by `reportgen new {kind} {name}`.",
              "Fill in every '' blank; delete the optional fields and list items you do not need.",
              "`reportgen check` names every blank still to fill."]
    document.yaml_set_start_comment("\n".join(header))
    yaml = yaml_writer()
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def yaml_writer() -> Any:
    """The round-trip YAML reader-writer with the layout reportgen writes content in (lists indented)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # keep each value on one line; comments are wrapped by us
    return yaml


def new_content(kind: str, name: str, folder: Path = Path("content"),
                schemas: Path | None = None) -> list[Path]:
    """Write `folder/name.yaml` (never over an existing file) and its kind's schema; the paths written."""
    from reportgen.features.authoring.schema import write_schemas
    from reportgen.pipeline import write_bytes

    stem = name[:-5] if name.endswith(".yaml") else name
    if not stem or "/" in stem or "\\" in stem or stem.startswith("."):
        raise OutputError.at(f"expected a file name such as 'committee-cover-2020-03-budget', got {name!r}")
    target = folder / f"{stem}.yaml"
    if target.exists():
        raise OutputError.at("the file already exists; not overwriting it. Choose another name, or delete "
                             "the file first", target)
    schemas = schemas if schemas is not None else folder.parent / SCHEMA_FOLDER
    written = write_schemas(schemas, [kind])
    relative = Path("..") / schemas.name / schema_file_name(kind) if schemas.parent == folder.parent \
        else schemas.resolve() / schema_file_name(kind)
    write_bytes(skeleton_text(kind, stem, relative.as_posix()).encode("utf-8"), target)
    return [target, *written]


# --- reading the schema ----------------------------------------------------------------------------


def _mapping(schema: dict[str, Any], node: dict[str, Any], indent: int, *, in_list: bool = False) -> Any:
    """The fields of an object; `in_list` leaves the first field's comment to the list item (above its '-')."""
    from ruamel.yaml.comments import CommentedMap

    node = resolve(schema, node)
    out = CommentedMap()
    required = set(node.get("required", []))
    for n, (key, field) in enumerate(node.get("properties", {}).items()):
        out[key] = _value(schema, field, key in required, indent + 2)
        comment = _comment(schema, field, key in required)
        if indent == 0:
            comment = "\n" + comment  # a blank line between top-level fields
        if comment and not (in_list and n == 0):
            out.yaml_set_comment_before_after_key(key, before=comment, indent=indent)
    return out


def _first_comment(schema: dict[str, Any], node: dict[str, Any]) -> str:
    node = resolve(schema, node)
    for key, field in node.get("properties", {}).items():
        return _comment(schema, field, key in node.get("required", []))
    return ""


def _value(schema: dict[str, Any], field: dict[str, Any], required: bool, indent: int) -> Any:
    """The skeleton's value for a field: its fixed or default value, else a blank of the right shape."""
    from ruamel.yaml.comments import CommentedSeq

    field = resolve(schema, field)
    if "const" in field:
        return field["const"]
    shape = _shape(schema, field)
    if shape.get("type") == "object" and "properties" in shape:
        return _mapping(schema, shape, indent)
    if shape.get("type") == "array":
        items = _shape(schema, resolve(schema, shape.get("items", {})))
        seq = CommentedSeq()
        if items.get("type") == "object" and "properties" in items:
            # one item shows the fields each item has; an optional list's item can be deleted
            seq.append(_mapping(schema, items, indent + 2, in_list=True))
            seq.yaml_set_comment_before_after_key(0, before=_first_comment(schema, items), indent=indent)
        elif required or shape.get("minItems"):
            seq.extend([""] * max(1, shape.get("minItems", 1)))  # as many blanks as the list needs at least
        if not len(seq):
            seq.fa.set_flow_style()
        return seq
    if "default" in field:
        return field["default"]
    if shape.get("type") == "object":
        return {}
    return ""


def _shape(schema: dict[str, Any], field: dict[str, Any]) -> dict[str, Any]:
    """Of a field that may take several forms (anyOf), the one that shows its fields (an object), else the first."""
    options = [resolve(schema, o) for o in field.get("anyOf", [])]
    if not options:
        return field
    return next((o for o in options if o.get("type") == "object"), None) or \
        next((o for o in options if o.get("type") != "null"), options[0])


def _comment(schema: dict[str, Any], field: dict[str, Any], required: bool) -> str:
    field = resolve(schema, field)
    text = field.get("description", "")
    if "const" not in field and required and not text.lower().startswith("optional"):
        text = f"Required. {text}"
    choices = field.get("enum") or [o.get("const") for o in field.get("anyOf", []) if "const" in o]
    if choices and not all(str(c) in text for c in choices):
        text += " One of: " + ", ".join(str(c) for c in choices) + "."
    return "\n".join(textwrap.wrap(text, WIDTH - 2, break_on_hyphens=False, break_long_words=False))
