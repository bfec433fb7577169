"""Authoring: writing content files — new files from a kind's skeleton, the JSON Schema of each kind,
and saving edits into an existing file while keeping its comments and layout (round trip)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportgen.lib.lazy import exports_table, lazy_exports

_EXPORTS = exports_table({
    "schema": "SCHEMA_FOLDER json_schema kind_names resolve schema_file_name schema_text write_schemas",
    "skeleton": "new_content skeleton_text yaml_writer",
    "roundtrip": "digest load_document to_plain updated_text",
})
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())

if TYPE_CHECKING:
    from reportgen.features.authoring.roundtrip import digest, load_document, to_plain, updated_text
    from reportgen.features.authoring.schema import (
        SCHEMA_FOLDER,
        json_schema,
        kind_names,
        resolve,
        schema_file_name,
        schema_text,
        write_schemas,
    )
    from reportgen.features.authoring.skeleton import new_content, skeleton_text, yaml_writer
