"""The content model's shared parts: nodes that know where they came from, text, dates and people."""

from __future__ import annotations

import ast
import datetime as _dt
import functools
import inspect
import math
import os
import re
from pathlib import Path
from typing import Annotated, Any, Iterator

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError, core_schema

from reportgen.errors import Position

PathKey = tuple[str | int, ...]


class SourceMap:
    """Where each value of one content file sits: key path -> (line, col), counted from 1."""

    def __init__(self, file: str, values: dict[PathKey, tuple[int, int]],
                 keys: dict[PathKey, tuple[int, int]] | None = None, text: str = "") -> None:
        self.file = file
        self.values = values
        self.keys = keys or {}
        self.text = text
        """The file's text, for finding a word inside a long value (see locate)."""

    def locate(self, path: PathKey, needle: str) -> Position:
        """Where `needle` is first written at or after the value at `path`: a figure inside a folded
        paragraph is on a line of its own, below the `- >-` its value starts at. Falls back to the value."""
        start = self.position(path)
        if not self.text or not needle:
            return start
        lines = self.text.split("\n")
        for n in range(max(start.line - 1, 0), len(lines)):
            at = lines[n].find(needle, start.col - 1 if n == start.line - 1 else 0)
            if at >= 0:
                return Position(self.file, n + 1, at + 1)
            if n > start.line - 1 and lines[n].strip() and len(lines[n]) - len(lines[n].lstrip()) < start.col - 1:
                break  # out of the value: it is written some other way (escaped in quotes)
        return start

    def position(self, path: PathKey, *, key: bool = False) -> Position:
        """The place of `path` (its key when `key`), or of its nearest ancestor that has one."""
        table = self.keys if key else self.values
        for end in range(len(path), -1, -1):
            found = table.get(path[:end]) or self.values.get(path[:end])
            if found:
                return Position(self.file, *found)
        return Position(self.file, 1, 1)


def field_docstrings(model: type) -> dict[str, str]:
    """Each field of `model` and the docstring written under it (as pydantic's use_attribute_docstrings reads them)."""
    found: dict[str, str] = {}
    for cls in reversed(model.__mro__):  # a subclass's own declaration of a field wins
        if isinstance(cls, type) and issubclass(cls, Node) and cls is not Node:
            own_docs = _own_docstrings(cls)
            for name in cls.__dict__.get("__annotations__", {}):
                if name in own_docs:
                    found[name] = own_docs[name]
                else:
                    found.pop(name, None)
    return found


def _own_docstrings(cls: type) -> dict[str, str]:
    """The docstrings under the fields a class declares itself, read from its source."""
    try:
        file = inspect.getsourcefile(cls)
        stat = os.stat(file) if file else None
    except (OSError, TypeError):
        return {}
    if stat is None:
        return {}
    return _docstrings_in(file, stat.st_mtime_ns, stat.st_size).get(cls.__qualname__, {})


@functools.lru_cache(maxsize=64)
def _docstrings_in(file: str, mtime_ns: int, size: int) -> dict[str, dict[str, str]]:
    """Each class of a module (by qualified name) and its fields' docstrings: the module parsed once for all
    its classes (inspect.getsource parses the whole module again for each class it is asked about)."""
    try:
        tree = ast.parse(Path(file).read_bytes())
    except (OSError, SyntaxError, ValueError):
        return {}
    found: dict[str, dict[str, str]] = {}
    classes = [(node, node.name) for node in tree.body if isinstance(node, ast.ClassDef)]
    while classes:
        node, qualname = classes.pop()
        docs = found.setdefault(qualname, {})
        for statement, following in zip(node.body, node.body[1:]):
            if (isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
                    and isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)
                    and isinstance(following.value.value, str)):
                docs[statement.target.id] = inspect.cleandoc(following.value.value)
        classes += [(inner, f"{qualname}.{inner.name}") for inner in node.body if isinstance(inner, ast.ClassDef)]
    return found


def _describe_fields(schema: dict[str, Any], model: type) -> None:
    """Put each field's docstring in the JSON Schema as its description (pydantic's json_schema_extra hook)."""
    properties = schema.get("properties", {})
    docs = field_docstrings(model)
    for name, info in model.model_fields.items():  # type: ignore[attr-defined]
        prop = properties.get(info.alias or name)
        if prop is not None and name in docs and "description" not in prop:
            prop["description"] = docs[name]


class Node(BaseModel):
    """A piece of content. Unknown fields are errors; after validation it knows its source position."""

    # Speed (see benchmarks/README.md): a build validates one kind, so each model's validator is built
    # when first used (defer_build) rather than every kind's at import; and field docstrings are read
    # from the source only when a JSON Schema is asked for (editor support), not on every import as
    # pydantic's use_attribute_docstrings does (about 40 ms of each build).
    model_config = ConfigDict(extra="forbid", validate_default=False, defer_build=True,
                              json_schema_extra=_describe_fields)

    _path: PathKey = PrivateAttr(default=())
    _source: SourceMap | None = PrivateAttr(default=None)

    def where(self, *sub: str | int) -> Position | None:
        """Where this node (or one of its fields or items, given as `sub`) was written."""
        if self._source is None:
            return None
        return self._source.position(self._path + sub)

    @property
    def key_path(self) -> str:
        return format_path(self._path)

    def walk(self) -> Iterator["Node"]:
        """This node and every node beneath it, in document order."""
        yield self
        for name in type(self).model_fields:
            yield from _walk_value(getattr(self, name))


def _walk_value(value: Any) -> Iterator[Node]:
    if isinstance(value, Node):
        yield from value.walk()
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _walk_value(item)


def attach_source(node: Node, source: SourceMap, path: PathKey = ()) -> None:
    """Give every node beneath `node` its key path and the source map, so it can say where it is."""
    node._path = path
    node._source = source
    for name, info in type(node).model_fields.items():
        key = info.alias or name
        value = getattr(node, name)
        if isinstance(value, Node):
            attach_source(value, source, path + (key,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, Node):
                    attach_source(item, source, path + (key, i))


def format_path(path: PathKey) -> str:
    """`('main_report', 0, 'heading')` -> `main_report[1].heading` (items counted from 1, as people count)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def describe(value: Any) -> str:
    """How a value reads in an error message: 'a number (5)', 'a list', "'text'"."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"yes/no ({'true' if value else 'false'})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        if not value.strip():
            return "a blank value"
        shown = value if len(value) <= 40 else value[:37] + "..."
        return repr(shown)
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping of fields"
    if isinstance(value, _dt.date):
        return f"a date ({value.isoformat()})"
    return type(value).__name__


def _distance(a: str, b: str) -> int:
    """Edits (insert, delete, change, swap two neighbours) that turn `a` into `b`."""
    previous, current = list(range(len(b) + 1)), [0] * (len(b) + 1)
    before: list[int] = []
    for i, x in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, y in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                current[j] = min(current[j], before[j - 2] + 1)
        before, previous = previous, current
    return previous[len(b)]


def did_you_mean(word: str, options: list[str] | tuple[str, ...]) -> str:
    """' (did you mean 'committee'?)' for a slip of the keyboard; '' when no option is that close.

    Close means a few letters apart for the word's length (one for a short word), the same words in
    another case or with spaces for underscores, or one starting the other: never a merely similar word
    ('type' is not offered for 'title', nor 'tables' for 'labels'), so a caller lists the options instead.
    """
    def norm(text: str) -> str:
        return "".join(ch for ch in text.lower() if ch.isalnum())

    target = norm(word)
    best: tuple[int, str] | None = None
    for option in options:
        candidate = norm(option)
        if not candidate or not target:
            continue
        allowed = 1 if len(target) <= 6 else 2 if len(target) <= 10 else 3
        if candidate == target or (min(len(candidate), len(target)) >= 4
                                   and (candidate.startswith(target) or target.startswith(candidate))):
            distance = 0
        else:
            distance = _distance(target, candidate)
            # a slip of the keyboard rarely changes the first letter: 'labels' is not 'tables'
            if distance > allowed or candidate[0] != target[0]:
                continue
        if best is None or distance < best[0]:
            best = (distance, option)
    return f" (did you mean {best[1]!r}?)" if best else ""


def rule_error(message: str, field: str | None = None) -> PydanticCustomError:
    """An error from a content rule; `field` points it at one field of the node being checked."""
    return PydanticCustomError("content_rule", message, {"field": field} if field else {})


def count_number(value: Any) -> float:
    """A number that counts something: finite, not negative, at most MAX_COUNT (a located error otherwise).

    YAML reads `.nan`, `.inf` and `1e999` as numbers, and Python cannot even turn a 400-digit whole
    number into one: none of them can be printed as a figure or drawn in a chart.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise rule_error(f"expected a number, got {describe(value)}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if math.isnan(number):
        raise rule_error("expected a finite number, got .nan (not a number)")
    if math.isinf(number):
        raise rule_error("expected a finite number, got a number too large to use")
    if number < 0:
        raise rule_error(f"expected a count (0 or more), got {number:g}")
    if number > MAX_COUNT:  # beyond this, sums lose whole units and a chart's scale overflows
        raise rule_error(f"expected a count no larger than {MAX_COUNT:,.0f}, got {number:g}")
    return number


MAX_COUNT = 1e15
"""The largest count content may give: a thousand million million (every whole number up to it is exact)."""


Count = Annotated[float, BeforeValidator(count_number)]
"""A count written in the content: a finite number, 0 or more."""


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    hint = ": put it in quotes to keep it as text" if isinstance(value, (int, float)) else ""
    raise PydanticCustomError("text", "expected text, got {got}{hint}", {"got": describe(value), "hint": hint})


def _required_text(value: Any) -> Any:
    value = _text(value)
    if not value:
        raise PydanticCustomError("text", "expected text, got a blank value", {})
    return value


Text = Annotated[str, BeforeValidator(_text)]
"""Text that may be blank; surrounding whitespace is trimmed."""

RequiredText = Annotated[str, BeforeValidator(_required_text), WithJsonSchema({"type": "string", "minLength": 1})]
"""Text that must say something: blank is an error."""


class ContentPath(str):
    """A file the content names (an appendix, a figure's image), as written: relative to the content file.

    The model only records the words; `reportgen.checks.linked_files` checks, before anything is built, that
    it names a regular file inside the content folder, and sets `resolved` to that file. Nothing reads
    a ContentPath except through `resolved`, so `../../etc/passwd` can never be embedded.
    """

    resolved: Path | None = None

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return core_schema.no_info_after_validator_function(cls, core_schema.str_schema())


ContentFile = Annotated[ContentPath, BeforeValidator(_text)]
"""A path to a file beside the content (blank for none); see ContentPath."""


_DMY = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def _date(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        m = _DMY.match(value)
        parts = (m.group(3), m.group(2), m.group(1)) if m else None
        if not m and (m := _ISO.match(value)):
            parts = (m.group(1), m.group(2), m.group(3))
        if parts:
            try:
                return _dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                raise PydanticCustomError(
                    "date", "expected a real date (dd/mm/yyyy), got {got}: there is no such day",
                    {"got": repr(value.strip())}) from None
    raise PydanticCustomError("date", "expected a date as dd/mm/yyyy, got {got}", {"got": describe(value)})


# The JSON Schema says what a person types (dd/mm/yyyy), not pydantic's ISO `format: date`,
# so an editor checking against it accepts what validation accepts.
_DATE_SCHEMA = {"type": "string", "pattern": r"^\s*(\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{1,2}-\d{1,2})\s*$"}
Date = Annotated[_dt.date, BeforeValidator(_date), WithJsonSchema(_DATE_SCHEMA)]
"""A calendar date, written dd/mm/yyyy (as in the cover header) or yyyy-mm-dd."""

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_MONTH_YEAR = re.compile(r"^\s*(" + "|".join(MONTHS) + r")\s+(\d{4})\s*$")


def _month_year(value: Any) -> Any:
    if isinstance(value, _dt.date):
        return value.replace(day=1)
    if isinstance(value, str) and (m := _MONTH_YEAR.match(value)):
        return _dt.date(int(m.group(2)), MONTHS.index(m.group(1)) + 1, 1)
    raise PydanticCustomError("date", "expected a month and year such as 'August 2019', got {got}",
                              {"got": describe(value)})


MonthYear = Annotated[_dt.date, BeforeValidator(_month_year),
                      WithJsonSchema({"type": "string", "pattern": _MONTH_YEAR.pattern})]
"""A month and year, written 'August 2019'."""


_MONTH_YEAR_IN_TEXT = re.compile(r"\b(" + "|".join(MONTHS) + r")\s+(\d{4})\b")
_DMY_IN_TEXT = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


def dates_in(text: str) -> list[_dt.date]:
    """Dates a text mentions: 'December 2020' (taken as the 1st) and '10/02/2020'."""
    found = [_dt.date(int(y), MONTHS.index(m) + 1, 1) for m, y in _MONTH_YEAR_IN_TEXT.findall(text)]
    for d, m, y in _DMY_IN_TEXT.findall(text):
        try:
            found.append(_dt.date(int(y), int(m), int(d)))
        except ValueError:
            pass
    return found


def long_date(value: _dt.date) -> str:
    """House style for dates in text: '10 February 2020'."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def month_year(value: _dt.date) -> str:
    return f"{MONTHS[value.month - 1]} {value.year}"


def short_date(value: _dt.date) -> str:
    """House style for the cover header's 'Dated:': '10/02/2020'."""
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


class Person(Node):
    """Someone named in a report: an author, a report's owner."""

    name: RequiredText
    """Full name, as signed: 'Pat Dixon'."""
    job_title: RequiredText
    """Job title: 'Safeguarding and Quality Assurance Service Manager'."""
    department: Text = ""
    """Department: "Department of Community and Children's Services"."""
    telephone: Text = ""
    """Telephone number as it should be printed: '020 7332 1215'."""
    email: Text = ""
    """Email address: 'pat.dixon@cityoflondon.gov.uk'."""


class ShorthandNode(Node):
    """A node that may also be written as a bare string, which fills its first field."""

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {next(iter(cls.model_fields)): value}
        return value

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        # the schema an editor checks against must allow the bare-string shorthand too
        return {"anyOf": [{"type": "string", "minLength": 1}, handler(core_schema)]}


class Paragraph(ShorthandNode):
    """A paragraph: a string, or `text` with lettered sub-items (a, b, c)."""

    text: RequiredText
    """The paragraph's words. Inline markup: **bold**, *italic*, ^superscript^."""
    items: list[RequiredText] = Field(default_factory=list)
    """Optional: sub-items listed under the paragraph, lettered a, b, c: ['first point', 'second point']."""
    public: bool = True
    """`false` marks the paragraph confidential: a Public report then refuses to build until it is removed."""


def texts(value: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    """Every piece of text beneath `value` and its key path, in document order."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Node):
        for name, info in type(value).model_fields.items():
            yield from texts(getattr(value, name), path + (info.alias or name,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from texts(item, path + (i,))
