"""A content file edited in place (by the editor, or by import --into): plain JSON values, and saving
that rewrites only what changed.

Saving goes through ruamel's round-trip document: the form's new values are applied to the loaded
document value by value (a value equal to the old one is not touched, so it keeps its quoting and
comments), and the document is dumped again. When the file's own layout is not the one the dumper
writes (other indents, say), the change between "dumped before" and "dumped after" is merged into
the file's own text line by line, so untouched lines stay byte for byte.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import hashlib
import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from reportgen.errors import ContentError

_STYLED = (DoubleQuotedScalarString, SingleQuotedScalarString, LiteralScalarString, FoldedScalarString)


def digest(text: str) -> str:
    """What the page remembers of the file it loaded, to tell whether it changed on disk meanwhile."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


LAYOUTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (2, 4, 0), (3, 3, 1), (4, 2, 0))
"""Indentation (mapping, sequence, dash offset) a YAML file may use; the first is what `reportgen new`
writes. A file is dumped again in the first of these that gives back its own text."""


def _yaml(layout: tuple[int, int, int] = LAYOUTS[0]) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    mapping, sequence, offset = layout
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    yaml.width = 4096  # never re-wrap a long value
    return yaml


def load_document(text: str, name: str) -> Any:
    """The round-trip document (comments and styles kept); a YAML error is a located ContentError."""
    from ruamel.yaml.error import YAMLError

    try:
        return _yaml().load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        raise ContentError.at(f"cannot read the YAML: {getattr(exc, 'problem', None) or exc}", name,
                              line, col) from None


def to_plain(value: Any) -> Any:
    """JSON values for the form: mappings, lists, strings, numbers, booleans and null; dates as text."""
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return int(value) if isinstance(value, int) else float(value)
    return str(value)


def _same(old: Any, new: Any) -> bool:
    return to_plain(old) == new


def _scalar(old: Any, new: Any) -> Any:
    """The new value, in the old value's quoting or block style when both are text."""
    if isinstance(new, str) and isinstance(old, FoldedScalarString):
        return _refolded(old, new)
    if isinstance(new, str) and isinstance(old, _STYLED):
        return type(old)(new)
    return _container(new)


def _refolded(old: FoldedScalarString, text: str) -> FoldedScalarString:
    """New text for a folded (`>-`) value, folded at spaces to the old value's widest line."""
    folds = list(getattr(old, "fold_pos", []) or [])
    new = FoldedScalarString(text)
    if not folds:
        return new
    bounds = [0, *folds, len(old)]
    width = max(b - a for a, b in zip(bounds, bounds[1:]))
    positions, start = [], 0
    while len(text) - start > width:
        cut = text.rfind(" ", start + 1, start + width + 1)
        if cut <= start:
            cut = text.find(" ", start + width)
        if cut == -1:
            break
        positions.append(cut)
        start = cut + 1
    new.fold_pos = positions  # type: ignore[attr-defined]
    return new


def _container(value: Any) -> Any:
    """A new value from the form as round-trip nodes (so the dumper lays it out like the rest)."""
    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = _container(item)
        return node
    if isinstance(value, list):
        node = CommentedSeq()
        node.extend(_container(item) for item in value)
        return node
    return value


def apply(document: Any, new: Any) -> Any:
    """`document` changed in place to hold `new`, touching only what differs; returns the document (or
    the replacement, when the top level itself changed type)."""
    if isinstance(document, dict) and isinstance(new, dict):
        for key in [k for k in document if k not in new]:
            del document[key]
        for key, value in new.items():
            if key not in document:
                document[key] = _container(value)
            elif not _same(document[key], value):
                document[key] = apply(document[key], value)
        return document
    if isinstance(document, list) and isinstance(new, list):
        # items matched by value, so an item deleted or added in the middle leaves the others (and
        # their styles and comments) where they are, rather than shifting every value along
        import json

        def key(value: Any) -> str:
            return json.dumps(to_plain(value), sort_keys=True, ensure_ascii=False)

        old_items = list(document)
        result: list[tuple[Any, int | None]] = []  # each item, and the old position whose comments it keeps
        opcodes = difflib.SequenceMatcher(None, [key(v) for v in old_items], [key(v) for v in new],
                                          autojunk=False).get_opcodes()
        for tag, a1, a2, b1, b2 in opcodes:
            if tag == "equal":
                result.extend((old_items[i], i) for i in range(a1, a2))
            elif tag == "insert":
                result.extend((_container(v), None) for v in new[b1:b2])
            elif tag == "replace":
                for offset in range(b2 - b1):
                    if a1 + offset < a2:
                        result.append((apply(old_items[a1 + offset], new[b1 + offset]), a1 + offset))
                    else:
                        result.append((_container(new[b1 + offset]), None))
        _replace_items(document, result)
        return document
    return _scalar(document, new)


def _replace_items(document: CommentedSeq, items: list[tuple[Any, int | None]]) -> None:
    """`document`'s items become `items`, each keeping the comments (and blank lines after it) of the
    old position it came from."""
    comments = getattr(document, "ca", None)
    old = dict(comments.items) if comments is not None else {}
    document[:] = [value for value, _ in items]
    if comments is not None:
        comments.items.clear()
        for index, (_, source) in enumerate(items):
            if source is not None and source in old:
                comments.items[index] = old[source]
        # the blank line or comment after the old last item belongs after the new last item
        last = len(items) - 1
        old_last = max(old, default=None)
        if old_last is not None and items and last not in comments.items and \
                all(source != old_last for _, source in items):
            comments.items[last] = old[old_last]


def dump(document: Any, layout: tuple[int, int, int] = LAYOUTS[0]) -> str:
    out = io.StringIO()
    _yaml(layout).dump(document, out)
    return out.getvalue()


def updated_text(text: str, new: Any, name: str) -> str:
    """The file's text holding the form's values `new`: only changed values rewritten."""
    document = load_document(text, name)
    if to_plain(document) == new:
        return text
    layout = next((lay for lay in LAYOUTS if dump(document, lay) == text), None)
    if layout is not None:  # the dumper writes this file's layout: only changed values differ
        return dump(apply(document, new), layout)
    before = dump(document)
    after = dump(apply(document, new))
    merged = _merge_lines(text, before, after)
    try:  # a merge that does not read back as the form's values gives way to the dumper's whole text
        if to_plain(load_document(merged, name)) == new:
            return merged
    except ContentError:
        pass
    return after


def _merge_lines(own: str, before: str, after: str) -> str:
    """Apply the line changes that turn `before` into `after` to `own`, the same document in the file's
    own layout. Lines are matched between `before` and `own` by their content with leading spaces
    set aside; a change whose lines cannot be found in `own` falls back to the dumper's whole text."""
    own_lines = own.splitlines(keepends=True)
    before_lines = before.splitlines(keepends=True)
    after_lines = after.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, [s.strip() for s in before_lines], [s.strip() for s in own_lines],
                                      autojunk=False)
    where: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            where[block.a + offset] = block.b + offset
    result: list[str] = []
    cursor = 0
    for tag, a1, a2, b1, b2 in difflib.SequenceMatcher(None, before_lines, after_lines,
                                                       autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        start = where.get(a1) if a1 < len(before_lines) else len(own_lines)
        end = where.get(a2 - 1, -1) + 1 if a2 > a1 else start
        if start is None or end is None or end < start or start < cursor:
            return after
        result.extend(own_lines[cursor:start])
        result.extend(after_lines[b1:b2])
        cursor = end
    result.extend(own_lines[cursor:])
    return "".join(result)
