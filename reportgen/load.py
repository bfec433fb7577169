"""Stage 1, load: read a YAML content file into plain values and a map of where each one was written."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from reportgen.errors import ContentError, Position, Problem
from reportgen.model.common import PathKey, SourceMap

MAX_FILE_BYTES = 4 * 1024 * 1024
"""A content file larger than this is refused: an annual report is about 100 kB."""
MAX_VALUES = 200_000
"""Values after aliases are expanded; stops a 'billion laughs' file before it eats the memory."""

# Characters XML cannot hold, as pasted from Word or email. A vertical tab is Word's manual
# line break and a form feed its page break: both become line breaks, the rest are dropped.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_LINE_BREAK_MARK = "\ue000"
# Explicit tags that only say what YAML would infer anyway; any other tag (!!python/...) is refused.
_CORE_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}  # stands for a pasted line break while the YAML parser reads the text


@dataclass
class LoadedContent:
    """A content file read from disk: its values, where they sit, and any warnings found on the way."""

    path: Path
    values: Any
    source: SourceMap
    warnings: list[Problem] = field(default_factory=list)


def display_path(path: Path) -> str:
    """The file name as error messages show it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load(path: str | Path, parse: "Callable[..., LoadedContent] | None" = None) -> LoadedContent:
    """Read and parse one content file; every problem that stops it is raised as a located ContentError.

    `parse` stands in for parse_text (watch mode's reloader re-parses only what changed)."""
    path = Path(path)
    name = display_path(path)
    try:
        raw = path.read_bytes() if path.stat().st_size <= MAX_FILE_BYTES else None
    except OSError as exc:
        raise ContentError.at(f"cannot read the content file: {exc.strerror or exc}", name) from None
    if raw is None:
        raise ContentError.at(f"the file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB; "
                              "content files are a few hundred kB at most", name)
    text = _decode(raw, name)
    text, warnings = _clean_controls(text, name)
    return (parse or parse_text)(text, name, path, warnings)


def parse_text(text: str, name: str, path: Path | None = None,
               warnings: list[Problem] | None = None) -> LoadedContent:
    """Parse YAML text already in memory (a file's contents, or an old version read from git)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    if not text.strip():
        raise ContentError.at("the file is empty: expected a report's fields, starting with `kind:`",
                              name, 1, 1)
    from reportgen.fastload import parse_fast

    fast = parse_fast(text)  # libyaml, several times faster; None for anything unusual (see fastload.py)
    if fast is not None:
        plain, values, keys = fast
        return LoadedContent(path or Path(name), plain, SourceMap(name, values, keys), warnings or [])
    yaml = YAML(typ="rt")
    yaml.Constructor = _constructor()
    try:
        document = yaml.load(text)
    except MarkedYAMLError as exc:
        raise ContentError([_yaml_problem(exc, name)]) from None
    except (YAMLError, ValueError, TypeError) as exc:
        raise ContentError.at(f"not valid YAML: {exc}", name) from None
    values: dict[PathKey, tuple[int, int]] = {(): (1, 1)}
    keys: dict[PathKey, tuple[int, int]] = {}
    counter = [0]
    problems: list[Problem] = []
    plain = _plain(document, (), values, keys, counter, problems, name)
    if problems:
        raise ContentError(problems)
    return LoadedContent(path or Path(name), plain, SourceMap(name, values, keys), warnings or [])


_CONSTRUCTOR = None


def _constructor() -> type:
    """ruamel's round-trip constructor, except that dates stay text for the model to check.

    ruamel would turn 2020-02-31 into a crash with no position; the model's Date type gives a
    located 'there is no such day' instead.
    """
    global _CONSTRUCTOR
    if _CONSTRUCTOR is None:
        from ruamel.yaml.constructor import RoundTripConstructor

        class ContentConstructor(RoundTripConstructor):
            pass

        ContentConstructor.add_constructor(
            "tag:yaml.org,2002:timestamp", lambda self, node: self.construct_scalar(node))
        _CONSTRUCTOR = ContentConstructor
    return _CONSTRUCTOR


def _decode(raw: bytes, name: str) -> str:
    try:
        # utf-8-sig drops a byte-order mark that Windows editors put at the start
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ContentError.at(
            f"expected UTF-8 text, got byte 0x{raw[exc.start]:02x}: save the file as UTF-8 "
            "(in Notepad: Save As, Encoding UTF-8)", name, line, col) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _clean_controls(text: str, name: str) -> tuple[str, list[Problem]]:
    warnings: list[Problem] = []
    if not _CONTROL.search(text):
        return text, warnings
    for m in _CONTROL.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        char = m.group()
        action = "turned into a line break" if char in "\x0b\x0c" else "dropped"
        warnings.append(Problem(f"control character U+{ord(char):04X} (pasted from Word or email) {action}",
                                Position(name, line, col), severity="warning"))
    text = _CONTROL.sub(lambda m: _LINE_BREAK_MARK if m.group() in "\x0b\x0c" else "", text)
    return text, warnings


def _yaml_problem(exc: Any, name: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "not valid YAML"
    hint = ""
    if "found character '\\t'" in problem or "\\t" in problem:
        problem, hint = "a tab character is not allowed here", ": indent with spaces, not tabs"
    elif "found duplicate key" in problem or "duplicate key" in str(exc):
        key = re.search(r'duplicate key "?(.+?)"? with', str(exc))
        problem = f"the key {key.group(1)!r} appears twice" if key else "a key appears twice"
        hint = " in the same mapping: keep one"
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    return Problem(f"YAML syntax: {problem}{hint}", Position(name, line, col))


def _plain(node: Any, path: PathKey, values: dict, keys: dict, counter: list[int],
           problems: list[Problem], name: str) -> Any:
    """ruamel's round-trip node -> plain dict/list/str/int/float/bool/date, recording positions."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar

    counter[0] += 1
    if counter[0] > MAX_VALUES:
        if counter[0] == MAX_VALUES + 1:
            problems.append(Problem(f"more than {MAX_VALUES:,} values once aliases (*name) are expanded: "
                                    "the file repeats itself too much to be a report",
                                    Position(name, *values.get(path, (1, 1)))))
        return None
    tag = getattr(getattr(node, "tag", None), "value", None) if not isinstance(node, str) else None
    if tag and tag not in _CORE_TAGS:
        problems.append(Problem(f"YAML tags such as {tag or '!tag'} are not allowed: write plain values",
                                Position(name, *values.get(path, (1, 1)))))
        return None
    if isinstance(node, TaggedScalar):  # an explicit core tag such as !!str on a scalar
        return str(node.value)
    if isinstance(node, CommentedMap):
        out: dict[str, Any] = {}
        for k in node:
            line, col = node.lc.key(k)
            kv_line, kv_col = node.lc.value(k)
            if not isinstance(k, str):
                problems.append(Problem(f"expected a field name, got {k!r}", Position(name, line + 1, col + 1)))
                continue
            keys[path + (k,)] = (line + 1, col + 1)
            values[path + (k,)] = (kv_line + 1, kv_col + 1)
            out[k] = _plain(node[k], path + (k,), values, keys, counter, problems, name)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, item in enumerate(node):
            line, col = node.lc.item(i) or values.get(path, (0, 0))
            values[path + (i,)] = (line + 1, col + 1)
            items.append(_plain(item, path + (i,), values, keys, counter, problems, name))
        return items
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node).replace(_LINE_BREAK_MARK, "\n")
    if isinstance(node, _dt.datetime):
        return node
    if isinstance(node, _dt.date):
        return _dt.date(node.year, node.month, node.day)
    problems.append(Problem(f"unsupported value {node!r}", Position(name, *values.get(path, (1, 1)))))
    return None
