"""Stage 1, load: read a YAML content file into plain values and a map of where each one was written."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from reportgen.errors import ContentError, Position, Problem, display_path
from reportgen.model.common import PathKey, SourceMap
from reportgen.pipeline.yaml_rules import (
    CONTROL,
    CORE_TAGS,
    LINE_BREAK_MARK,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_TEXT,
    MAX_VALUES,
    cleaned_value,
    without_controls,
)


@dataclass
class LoadedContent:
    """A content file read from disk: its values, where they sit, and any warnings found on the way."""

    path: Path
    values: Any
    source: SourceMap
    warnings: list[Problem] = field(default_factory=list)


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
    """Parse YAML text already in memory (a file's contents, or an old version read from git).

    Windows and old Mac line endings become plain line breaks, and control characters pasted from
    Word are cleaned (with a warning each) wherever the text came from.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    text, cleaned = _clean_controls(text.replace("\r\n", "\n").replace("\r", "\n"), name)
    if not text.strip():
        raise ContentError.at("the file is empty: expected a report's fields, starting with `kind:`",
                              name, 1, 1)
    warnings = list(warnings or []) + cleaned
    from reportgen.pipeline.fastload import may_nest_deeply, parse_fast

    def too_deep() -> ContentError:
        return ContentError.at(f"lists or mappings are nested more than {MAX_DEPTH} levels deep: "
                               "a report needs only a few levels", name, *(_deepest(text) or (1, 1)))

    if may_nest_deeply(text) and _deepest(text) is not None:
        raise too_deep()  # before either parser composes it: see fastload.may_nest_deeply
    controls: list[tuple[str, tuple[int, int]]] = []
    fast = parse_fast(text, controls)  # libyaml, several times faster; None for anything unusual (see fastload.py)
    if fast is not None:
        plain, values, keys = fast
        warnings += [_control_warning(char, Position(name, *at)) for char, at in controls]
        return LoadedContent(path or Path(name), plain, SourceMap(name, values, keys, text), warnings)
    yaml = YAML(typ="rt")
    yaml.Constructor = _constructor()
    values: dict[PathKey, tuple[int, int]] = {(): (1, 1)}
    keys: dict[PathKey, tuple[int, int]] = {}
    problems: list[Problem] = []

    try:
        document = yaml.load(text)
    except MarkedYAMLError as exc:
        raise ContentError([_yaml_problem(exc, name, text)]) from None
    except (YAMLError, ValueError, TypeError) as exc:
        raise ContentError([_construction_problem(text, exc, name)]) from None
    except RecursionError:  # the YAML parser recurses once per level, before _plain's limit can apply
        raise too_deep() from None
    try:
        _refuse_bombs(document, name)
        plain = _plain(document, (), values, keys, problems, name, warnings)
    except RecursionError:
        raise too_deep() from None
    if problems:
        raise ContentError(problems)
    return LoadedContent(path or Path(name), plain, SourceMap(name, values, keys, text), warnings)


def _deepest(text: str) -> tuple[int, int] | None:
    """(line, col) where lists or mappings first nest deeper than MAX_DEPTH, from the parser's events:
    the event parser keeps its own stack, where composing the file calls itself once per level (and
    libyaml's event parser, used when installed, takes linear time where the pure one takes quadratic)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent

    depth = 0
    try:
        for event in YAML(typ="safe").parse(text):
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark.line + 1, event.start_mark.column + 1
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except Exception:  # a syntax error before any nesting too deep: the parser will say what it is
        pass
    return None


def _construction_problem(text: str, exc: Exception, name: str) -> Problem:
    """The parser read the file but could not build its values (a list or mapping used as a key,
    `? [a]: b`, is the usual cause); find the place from the parsed nodes, which keep their marks."""
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import MappingNode, ScalarNode

    try:
        stack = [YAML(typ="rt").compose(text)]
    except Exception:  # the parser fails the same way: say what it said, at the top
        stack = []
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if not isinstance(key, ScalarNode):
                    mark = key.start_mark
                    return Problem("expected a field name, got a list or mapping used as a key: "
                                   "write a plain name", Position(name, mark.line + 1, mark.column + 1))
                stack.append(value)
        elif isinstance(node, ScalarNode) and len(node.value) > 4000 and node.value.lstrip("+-").isdigit():
            # Python will not turn more than 4,300 digits into a number (it would take quadratic time)
            mark = node.start_mark
            return Problem(f"expected a number of sensible size, got one with {len(node.value):,} digits",
                           Position(name, mark.line + 1, mark.column + 1))
        elif isinstance(node.value, list):
            stack.extend(node.value)
    return Problem(f"not valid YAML: {exc}", Position(name, 1, 1))


def _refuse_bombs(document: Any, name: str) -> None:
    """Refuse a file whose aliases (*name) stand for too much, before anything is expanded: counting each
    shared node once per use, with the count of each node kept, takes time in the file's size, not the expansion's."""
    sizes: dict[int, tuple[int, int]] = {}
    count, chars = _expanded(document, sizes)
    if count <= MAX_VALUES and chars <= MAX_TEXT:
        return
    what = f"{MAX_VALUES:,} values" if count > MAX_VALUES else f"{MAX_TEXT:,} characters of text"
    where = (1, 1)
    if isinstance(document, (dict, list)) and document:  # point at the biggest top-level entry
        keys = list(document) if isinstance(document, dict) else list(range(len(document)))
        biggest = max(keys, key=lambda k: sizes[id(document[k])])
        lookup = document.lc.key if isinstance(document, dict) else document.lc.item
        where = _place(lookup, biggest, where)
    raise ContentError.at(f"more than {what} once aliases (*name) are expanded: the file repeats "
                          "itself too much to be a report", name, *where)


def _expanded(node: Any, sizes: dict[int, tuple[int, int]]) -> tuple[int, int]:
    """Values and characters of text `node` stands for once aliases are expanded."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    count, chars = 1, len(node) if isinstance(node, str) else 0
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        c, t = _expanded(child, sizes)
        count, chars = count + c, chars + t
    sizes[id(node)] = (count, chars)
    return count, chars


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
    return text


def _clean_controls(text: str, name: str) -> tuple[str, list[Problem]]:
    warnings: list[Problem] = []
    if not CONTROL.search(text):
        return text, warnings
    for m in CONTROL.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        warnings.append(_control_warning(m.group(), Position(name, line, col)))
    return without_controls(text, LINE_BREAK_MARK), warnings


def _control_warning(char: str, where: Position) -> Problem:
    action = "turned into a line break" if char in "\x0b\x0c" else "dropped"
    return Problem(f"control character U+{ord(char):04X} (pasted from Word or email) {action}",
                   where, severity="warning")


def _yaml_problem(exc: Any, name: str, text: str = "") -> Problem:
    """The parser's complaint, placed where the mistake is rather than where the parser gave up.

    An unclosed quote makes the parser read on to the end of the file (or to the next quote, lines
    later); its own "while scanning a quoted scalar" mark is the opening quote, and a quote whose text
    runs on over lines that look like keys or list items opened where it went wrong.
    """
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "not valid YAML"
    context = exc.context or ""
    hint = ""
    opened = _unclosed_quote(text, exc.problem_mark.line if exc.problem_mark else None)
    if "found character '\\t'" in problem or "\\t" in problem:
        problem, hint = "a tab character is not allowed here", ": indent with spaces, not tabs"
    elif "found duplicate key" in problem or "duplicate key" in str(exc):
        key = re.search(r'duplicate key "?(.+?)"? with', str(exc))
        problem = f"the key {key.group(1)!r} appears twice" if key else "a key appears twice"
        hint = " in the same mapping: keep one"
    elif context.startswith("while scanning a quoted scalar") and exc.context_mark is not None:
        mark = exc.context_mark
        quote = text.splitlines()[mark.line][mark.column] if text else '"'
        problem, hint = f"the quote {quote} opened here is never closed", f": end the text with {quote}"
    elif (early := _closed_early(text, exc.problem_mark)) is not None:
        (line, col), quote, closed = early
        other = '"' if quote == "'" else "'"
        doubled = " write '' for an apostrophe inside it, or" if quote == "'" else ""
        return Problem(f"YAML syntax: the text quoted with {quote} here ends at column {closed}, "
                       f"before the line does:{doubled} quote it with {other} instead", Position(name, line, col))
    elif opened is not None:
        (line, col), quote, until = opened
        problem = f"the quote {quote} opened here is not closed on its line"
        hint = f": the text runs on to line {until}; end it with {quote}"
        return Problem(f"YAML syntax: {problem}{hint}", Position(name, line, col))
    elif context.startswith("while scanning") and exc.context_mark is not None:
        mark = exc.context_mark  # an anchor, alias, tag or block scalar that starts wrong: its start
        problem = f"{problem} {context[len('while '):]}"
    elif context.startswith("while parsing a flow") and exc.context_mark is not None and exc.problem_mark is not None \
            and exc.problem_mark.line > exc.context_mark.line:
        mark = exc.context_mark
        bracket = "]" if "sequence" in context else "}"
        problem, hint = "the bracket opened here is never closed", f": end the list with {bracket} on the same line"
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    return Problem(f"YAML syntax: {problem}{hint}", Position(name, line, col))


_QUOTE_START = re.compile(r"""(?:^|:[ \t]+|^[ \t]*-[ \t]+|[\[{,][ \t]*)(["'])""")
_KEY_OR_ITEM = re.compile(r"^[ \t]*(?:-[ \t]|[\w\- ]+:(?:[ \t]|$))")


def _closed_early(text: str, mark: Any) -> tuple[tuple[int, int], str, int] | None:
    """((line, col), quote, closing col) when the parser stumbled on the line of a quoted value, after
    its closing quote: an apostrophe (or a quote) inside the text ended it early."""
    if not text or mark is None:
        return None
    lines = text.splitlines()
    if mark.line >= len(lines):
        return None
    line = lines[mark.line]
    found = _QUOTE_START.search(line)
    if not found or found.start(1) >= mark.column:
        return None
    quote, start = found.group(1), found.start(1)
    k = start + 1
    while k < len(line):
        if line[k] == quote:
            if quote == "'" and line[k + 1:k + 2] == "'":
                k += 2
                continue
            if quote == '"' and line[k - 1] == "\\":
                k += 1
                continue
            break
        k += 1
    if k >= mark.column or k >= len(line) - 1:
        return None
    return (mark.line + 1, start + 1), quote, k + 1


def _unclosed_quote(text: str, before: int | None) -> tuple[tuple[int, int], str, int] | None:
    """((line, col), quote, last line) of the first quoted value, at or before line `before` (0-based),
    that does not close on its own line and whose text swallows a line shaped like a key or list item."""
    if not text or before is None:
        return None
    lines = text.splitlines()
    for n, line in enumerate(lines[:before + 1]):
        if line.lstrip().startswith("#"):
            continue
        found = _QUOTE_START.search(line)
        if not found:
            continue
        quote, start = found.group(1), found.start(1)
        rest = line[start + 1:]
        closes = re.search(r'(?<!\\)"' if quote == '"' else r"'(?!')", rest.replace("''", "")) is not None
        if closes:
            continue
        indent = len(line) - len(line.lstrip())
        for m in range(n + 1, min(len(lines), before + 1)):
            following = lines[m]
            if following.strip() and len(following) - len(following.lstrip()) <= indent \
                    and _KEY_OR_ITEM.match(following):
                return (n + 1, start + 1), quote, before + 1
    return None


def _plain(node: Any, path: PathKey, values: dict, keys: dict, problems: list[Problem], name: str,
           warnings: list[Problem]) -> Any:
    """ruamel's round-trip node -> plain dict/list/str/int/float/bool/date, recording positions."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar

    here = Position(name, *values.get(path, (1, 1)))
    if len(path) > MAX_DEPTH:
        if not any(p.rule == "too-deep" for p in problems):
            problems.append(Problem(f"lists or mappings are nested more than {MAX_DEPTH} levels deep: "
                                    "a report needs only a few levels", here, rule="too-deep"))
        return None
    tag = getattr(getattr(node, "tag", None), "value", None) if not isinstance(node, str) else None
    if tag and tag not in CORE_TAGS:
        problems.append(Problem(f"YAML tags such as {tag or '!tag'} are not allowed: write plain values", here))
        return None
    if isinstance(node, TaggedScalar):  # an explicit core tag such as !!str on a scalar
        node = str(node.value)
    if isinstance(node, CommentedMap):
        out: dict[str, Any] = {}
        for k in node:
            key_at = _place(node.lc.key, k, values[path])
            if not isinstance(k, str):
                problems.append(Problem(f"expected a field name, got {k!r}", Position(name, *key_at)))
                continue
            keys[path + (k,)] = key_at
            values[path + (k,)] = _place(node.lc.value, k, key_at)
            out[k] = _plain(node[k], path + (k,), values, keys, problems, name, warnings)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, item in enumerate(node):
            values[path + (i,)] = _place(node.lc.item, i, values[path])
            items.append(_plain(item, path + (i,), values, keys, problems, name, warnings))
        return items
    if isinstance(node, str):
        text, found = cleaned_value(str(node))  # escapes the raw-text cleaning let past: warned of at the value
        warnings.extend(_control_warning(char, here) for char in found)
        return text
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, _dt.datetime):
        return node
    if isinstance(node, _dt.date):
        return _dt.date(node.year, node.month, node.day)
    problems.append(Problem(f"expected text, a number, yes/no or a date, got {type(node).__name__} "
                            f"{str(node)[:40]!r}", here))
    return None


def _place(lookup: Any, key: Any, fallback: tuple[int, int]) -> tuple[int, int]:
    """A key's or item's (line, col) from 1, or `fallback` where ruamel kept none (e.g. in !!omap, or a
    key a merge (`<<: *name`) brought in, which is placed at the mapping that merged it)."""
    try:
        found = lookup(key)
    except (KeyError, IndexError):
        return fallback
    return (found[0] + 1, found[1] + 1) if found else fallback
