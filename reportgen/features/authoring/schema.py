"""JSON Schema of each content kind, generated from the content model, for editors that check YAML as it is typed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reportgen.errors import ContentError
from reportgen.kinds import KINDS, WRITTEN

SCHEMA_FOLDER = "schemas"
"""Where the schemas live in a project, beside content/: the skeletons' `$schema` line points here."""


def kind_names() -> list[str]:
    return list(WRITTEN)


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of `kind`, with every field's docstring as its description."""
    if kind not in WRITTEN:
        raise ContentError.at(f"expected a kind of content ({', '.join(WRITTEN)}), got {kind!r}")
    schema = KINDS[kind].model.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text(kind: str) -> str:
    """The schema as committed under schemas/: stable key order, two-space indent, final newline."""
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"


def schema_file_name(kind: str) -> str:
    return f"{kind}.schema.json"


def write_schemas(folder: Path, kinds: list[str] | None = None) -> list[Path]:
    """Write (atomically, only when changed) the schema of each kind into `folder`."""
    from reportgen.pipeline import write_bytes

    written = []
    for kind in kinds or kind_names():
        result = write_bytes(schema_text(kind).encode("utf-8"), folder / schema_file_name(kind))
        if not result.unchanged:
            written.append(result.path)
    return written


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """`node` with a local `$ref` followed (pydantic puts each model under `$defs`)."""
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = {**schema["$defs"][name], **{k: v for k, v in node.items() if k != "$ref"}}
    return node
