"""The two uses of the importer: a new content file from a .docx, and a reviewer's edited .docx folded
back into the content file it was built from."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.errors import ContentError, OutputError, Problem
from reportgen.features.importer import import_blocks, import_docx, unreadable_as_content
from reportgen.features.importer.common import Import


@dataclass
class Written:
    path: Path
    guesses: list[str]
    unmapped: list[str]


def import_new(docx: Path, kind: str | None, out: Path | None, *, accept: bool = True) -> Written:
    """Write DOCX as a new content file (never over an existing one); it must validate first."""
    from reportgen.errors import display_path
    from reportgen.features.authoring import schema_file_name
    from reportgen.features.importer.write import content_text
    from reportgen.pipeline import report_from_text, write_bytes

    found = import_docx(docx, kind, accept=accept)
    out = out or Path("content") / f"{Path(docx).stem}.yaml"
    if out.exists():
        raise OutputError.at("the file already exists; not overwriting it (to fold edits into it, use "
                             "--into)", display_path(out))
    text = content_text(found, Path(docx).name, f"../schemas/{schema_file_name(found.data['kind'])}")
    report_from_text(text, display_path(out), out)  # a located error, and nothing written, if not
    write_bytes(text.encode("utf-8"), out)
    return Written(out, found.guesses, found.unmapped)


@dataclass
class Folded:
    """What folding a reviewer's .docx into a content file would change, ready to write."""

    path: Path
    text: str
    changed: bool
    summary: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    def write(self) -> None:
        from reportgen.pipeline import write_bytes

        write_bytes(self.text.encode("utf-8"), self.path)


def fold_into(docx: Path, content: Path, *, accept: bool = True) -> Folded:
    """The content file with the reviewer's edits in DOCX applied: what the YAML builds is read back the
    same way as DOCX, the two readings compared, and only the values that differ are rewritten."""
    from reportgen.errors import display_path
    from reportgen.features.authoring import load_document, to_plain, updated_text
    from reportgen.oxml.blocks import read_blocks
    from reportgen.oxml.package import read_parts
    from reportgen.pipeline import read_report, render_report, report_from_text, template_path

    name = display_path(content)
    report, _ = read_report(content)
    kind = report.kind  # type: ignore[attr-defined]
    built = import_blocks(read_blocks(render_report(report, template_path(report)), accept=True), kind, name)
    edited_parts = unreadable_as_content(lambda: read_parts(Path(docx), display_path(docx)))
    edited = import_blocks(read_blocks(edited_parts, accept=accept), kind, display_path(docx))
    problems = _unmappable(built, edited, display_path(docx))
    text = content.read_text(encoding="utf-8")
    plain = to_plain(load_document(text, name))
    try:
        new_plain = _apply(plain, built.data, edited.data, ())
    except _Unmappable as exc:
        problems.append(Problem(f"cannot map this change to one field: {exc.args[0]}",
                                path=".".join(map(str, exc.args[1]))))
    if problems:
        raise ContentError(problems)
    new_text = updated_text(text, new_plain, name)
    new_report, _ = report_from_text(new_text, name, content)
    from reportgen.features.redline import describe_changes

    return Folded(content, new_text, new_text != text, describe_changes(report, new_report),
                  _comments(edited_parts))


class _Unmappable(Exception):
    pass


def _unmappable(built: Import, edited: Import, name: str) -> list[Problem]:
    """Text the reviewer added where no field can hold it (e.g. a paragraph inside the header grid)."""
    added = [u for u in edited.unmapped if u not in built.unmapped]
    return [Problem(f"cannot map this addition to a field: {u}", path=name) for u in added]


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _apply(mine: Any, base: Any, edited: Any, where: tuple) -> Any:
    """`mine` (the YAML's values) changed as `base` (its document read back) became `edited`."""
    if _key(base) == _key(edited):
        return mine
    if isinstance(base, dict) and isinstance(edited, dict):
        if isinstance(mine, str) and set(base) <= {"text", "items"}:
            mine = {"text": mine}
        if not isinstance(mine, dict):
            raise _Unmappable(f"expected a mapping in the content, got {type(mine).__name__}", where)
        result = dict(mine)
        for key in [*edited, *(k for k in base if k not in edited)]:
            if key in base and key in edited:
                result[key] = _apply(mine.get(key, base[key]), base[key], edited[key], (*where, key))
            elif key in edited:
                result[key] = edited[key]
            else:
                result.pop(key, None)
        if set(result) == {"text"}:
            return result["text"]
        return result
    if isinstance(base, list) and isinstance(edited, list):
        if not isinstance(mine, list) or len(mine) != len(base):
            raise _Unmappable("a list in the document does not match the content's list", where)
        result: list[Any] = []
        opcodes = difflib.SequenceMatcher(None, [_key(b) for b in base], [_key(e) for e in edited],
                                          autojunk=False).get_opcodes()
        for tag, a1, a2, b1, b2 in opcodes:
            if tag == "equal":
                result.extend(mine[a1:a2])
            elif tag == "delete":
                continue
            elif tag == "insert":
                result.extend(edited[b1:b2])
            else:  # replaced: item by item where both sides have one, then the rest added or dropped
                for offset in range(max(a2 - a1, b2 - b1)):
                    if a1 + offset < a2 and b1 + offset < b2:
                        result.append(_apply(mine[a1 + offset], base[a1 + offset], edited[b1 + offset],
                                             (*where, a1 + offset)))
                    elif b1 + offset < b2:
                        result.append(edited[b1 + offset])
        return result
    if isinstance(mine, dict) and "text" in mine and isinstance(base, str):
        return {**mine, "text": edited}
    return edited


def _comments(parts: dict[str, bytes]) -> list[str]:
    """Review comments in the document, listed for the user (they are not content)."""
    from reportgen.oxml.text import comments

    return [f"{author or 'someone'}: {words}" for author, words in comments(parts)]

