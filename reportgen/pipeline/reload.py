"""Watch mode's parser: re-reads only the pieces of a content file that changed since the last save.

A content file is split at its top-level keys, and a top-level list (an annual report's sections)
at its items. Each piece is parsed on its own and remembered by its text, so a save that changes
one section re-parses that section only. The pieces' values and positions are put together exactly
as a whole-file parse gives them. Anything this does not follow — anchors used across pieces,
document markers, complex keys, any error at all — falls back to the whole-file parse, so what a
user sees (values, positions, error messages) is always what `reportgen build` gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.errors import ContentError, Problem
from reportgen.model.common import PathKey, SourceMap
from reportgen.pipeline.load import LoadedContent, parse_text

_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*):(?:[ \t]|$)")
_ITEM = re.compile(r"^( *)- ")
_MAX_PIECES = 4096  # remembered pieces; a long session's old versions are forgotten beyond this


@dataclass
class _Piece:
    """Some lines of the file: a whole top-level key, a list's header line, or one item of a list."""

    start: int  # 0-based line where the piece starts
    text: str
    key: str
    item: int | None = None  # the item's index in the top-level list `key`
    indent: int = 0


def split(text: str) -> list[_Piece] | None:
    """The file's pieces, or None when its layout is not one this splits safely."""
    lines = text.split("\n")
    starts: list[tuple[int, str]] = []
    for n, line in enumerate(lines):
        if not line.strip() or line.startswith("#") or line[0] in " \t":
            continue
        m = _TOP_KEY.match(line)
        if m is None or line.startswith(("---", "...", "%")):
            return None
        starts.append((n, m.group(1)))
    names = [name for _, name in starts]
    if not starts or len(set(names)) != len(names):
        return None  # duplicate keys: the whole-file parse reports them
    pieces: list[_Piece] = []
    if starts[0][0] > 0:  # comments before the first key
        pieces.append(_Piece(0, "\n".join(lines[:starts[0][0]]), ""))
    for k, (begin, name) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        pieces.extend(_split_list(lines, begin, end, name))
    return pieces


def _split_list(lines: list[str], begin: int, end: int, name: str) -> list[_Piece]:
    """A top-level key whose value is a block list, split into its header and one piece per item."""
    whole = [_Piece(begin, "\n".join(lines[begin:end]), name)]
    if lines[begin].rstrip() != f"{name}:":
        return whole
    body = [(n, lines[n]) for n in range(begin + 1, end) if lines[n].strip() and not lines[n].lstrip().startswith("#")]
    if not body or not (m := _ITEM.match(body[0][1])) or not m.group(1):
        return whole
    indent = len(m.group(1))
    item_starts = [n for n, line in body if line.startswith(" " * indent + "- ")]
    if any(len(line) - len(line.lstrip(" ")) < indent for _, line in body):
        return whole
    out = [_Piece(begin, "\n".join(lines[begin:item_starts[0]]), name)]
    for i, first in enumerate(item_starts):
        last = item_starts[i + 1] if i + 1 < len(item_starts) else end
        out.append(_Piece(first, "\n".join(lines[first:last]), name, i, indent))
    return out


@dataclass
class Reloader:
    """Remembers parsed pieces between saves; `parse_text` is a drop-in for load.parse_text."""

    pieces: dict[str, LoadedContent] = field(default_factory=dict)

    def parse_text(self, text: str, name: str, path: Path | None = None,
                   warnings: list[Problem] | None = None) -> LoadedContent:
        pieces = split(text)
        if pieces is None:
            return parse_text(text, name, path, warnings)
        try:
            return self._join(pieces, name, path or Path(name), warnings or [], text)
        except ContentError:
            return parse_text(text, name, path, warnings)  # the whole-file parse words every error

    def _parsed(self, piece: _Piece, name: str) -> LoadedContent:
        found = self.pieces.get(piece.text)
        if found is None:
            if len(self.pieces) >= _MAX_PIECES:
                self.pieces.clear()
            found = self.pieces[piece.text] = parse_text(piece.text if piece.text.strip() else "{}", name)
        return found

    def _join(self, pieces: list[_Piece], name: str, path: Path, warnings: list[Problem],
              text: str = "") -> LoadedContent:
        values: dict = {}
        spots: dict[PathKey, tuple[int, int]] = {(): (1, 1)}
        keys: dict[PathKey, tuple[int, int]] = {}
        for piece in pieces:
            if not piece.key:
                continue  # leading comments
            parsed = self._parsed(piece, name)
            if piece.item is None:
                if not isinstance(parsed.values, dict) or list(parsed.values) != [piece.key]:
                    raise ContentError([])
                prefix: PathKey = ()
                value = parsed.values[piece.key]
                values[piece.key] = [] if value is None and _is_list_header(pieces, piece) else value
                if _is_list_header(pieces, piece):
                    first = next(p for p in pieces if p.key == piece.key and p.item == 0)
                    _shift(parsed.source.keys, keys, prefix, piece.start)
                    spots[(piece.key,)] = (first.start + 1, first.indent + 1)
                    continue
            else:
                if not isinstance(parsed.values, list) or len(parsed.values) != 1:
                    raise ContentError([])
                values[piece.key].append(parsed.values[0])
                prefix = (piece.key, piece.item)
            _shift(parsed.source.values, spots, prefix, piece.start, skip_root=True)
            _shift(parsed.source.keys, keys, prefix, piece.start)
        return LoadedContent(path, values, SourceMap(name, spots, keys, text), list(warnings))


def _is_list_header(pieces: list[_Piece], piece: _Piece) -> bool:
    return piece.item is None and any(p.key == piece.key and p.item is not None for p in pieces)


def _shift(source: dict[PathKey, tuple[int, int]], into: dict[PathKey, tuple[int, int]], prefix: PathKey,
           lines: int, skip_root: bool = False) -> None:
    """Positions of one piece, moved to where the piece sits in the file and under its key path."""
    for path, (line, col) in source.items():
        if skip_root and path == ():
            continue
        if prefix and path and isinstance(path[0], int):
            path = prefix + path[1:]  # an item piece parses as a one-item list: item 0 is item `prefix`
        elif prefix:
            path = prefix + path
        into[path] = (line + lines, col)
