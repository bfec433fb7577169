"""Authoring: writing content files — new files from a kind's skeleton, the JSON Schema of each kind,
and saving edits into an existing file while keeping its comments and layout (round trip)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportgen.lib.lazy import lazy_exports

_EXPORTS = {
    "SCHEMA_FOLDER": ("schema", "SCHEMA_FOLDER"),
    "json_schema": ("schema", "json_schema"),
    "kind_names": ("schema", "kind_names"),
    "resolve": ("schema", "resolve"),
    "schema_file_name": ("schema", "schema_file_name"),
    "schema_text": ("schema", "schema_text"),
    "write_schemas": ("schema", "write_schemas"),
    "new_content": ("skeleton", "new_content"),
    "skeleton_text": ("skeleton", "skeleton_text"),
    "yaml_writer": ("skeleton", "yaml_writer"),
    "digest": ("roundtrip", "digest"),
    "load_document": ("roundtrip", "load_document"),
    "to_plain": ("roundtrip", "to_plain"),
    "updated_text": ("roundtrip", "updated_text"),
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())

if TYPE_CHECKING:
    from reportgen.features.authoring.roundtrip import digest, load_document, to_plain, updated_text
    from reportgen.features.authoring.schema import (SCHEMA_FOLDER, json_schema, kind_names, resolve,
                                                     schema_file_name, schema_text, write_schemas)
    from reportgen.features.authoring.skeleton import new_content, skeleton_text, yaml_writer
