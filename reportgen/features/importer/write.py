"""An import written as a content file: the values in the layout `reportgen new` writes, the guesses as
comments at the top, and what found no field as a commented `unmapped:` block at the end."""

from __future__ import annotations

import io
from typing import Any

from reportgen.features.importer.common import Import


def content_text(found: Import, source_name: str, schema_line: str | None = None) -> str:
    """The content file's text for `found`, read from `source_name`."""
    from reportgen.features.authoring import yaml_writer

    data = _ordered(found.data)
    out = io.StringIO()
    yaml_writer().dump(data, out)
    head = []
    if schema_line:
        head.append(f"# yaml-language-server: $schema={schema_line}")
    head.append(f"# Imported from {source_name} by `reportgen import`. Numbers are written as typed (the")
    head.append("# importer cannot know which came from statistics), and ids are not in a Word document.")
    for guess in found.guesses:
        head.append(f"# Guessed: {guess}")
    tail = []
    if found.unmapped:
        tail.append("")
        tail.append("# unmapped: what the importer found in the document but could not give a field;")
        tail.append("# move it into the content by hand, or delete this block.")
        tail.append("# unmapped:")
        for text in found.unmapped:
            for i, line in enumerate(text.splitlines() or [""]):
                tail.append(f"#   {'- ' if i == 0 else '  '}{line}")
    return "\n".join(head) + "\n" + out.getvalue() + ("\n".join(tail) + "\n" if tail else "")


def _ordered(data: dict[str, Any]) -> Any:
    from ruamel.yaml.comments import CommentedMap

    from reportgen.features.authoring import json_schema, kind_names

    kind = data.get("kind", "")  # fields in the order the model declares them, as `reportgen new` writes them
    order = list(json_schema(kind).get("properties", {})) if kind in kind_names() else []
    keys = [k for k in order if k in data] + [k for k in data if k not in order]
    return CommentedMap((k, data[k]) for k in keys)
