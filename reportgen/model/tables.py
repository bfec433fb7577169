"""Tables of figures written in content, the grading scale, and the statistics book they share with prose.

A table has a caption, a header row (or rows), and rows whose cells are text (with the inline markup),
numbers, or the names of statistics. `total` adds a computed Total row and/or column. A named table's
numeric cells are statistics of their own, addressed `name.row.column` by the row's label (its first
cell) and the column's heading, case and punctuation aside: `[[grades.Q1.Good]]`,
`{percent: [grades.total.good_or_better, grades.total.total]}`. So a figure is typed once.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Iterator, Literal, Union

from pydantic import BeforeValidator, Field, PrivateAttr, WithJsonSchema, field_validator, model_validator

from reportgen.errors import Problem
from reportgen.model import inline
from reportgen.model.common import (Node, PathKey, RequiredText, Text, describe, did_you_mean, format_path,
                                    rule_error, texts)
from reportgen.model.statistics import NAME, REFERENCE, Definition, Statistics, StatisticError, Value

TOTAL = "Total"
"""The label of a computed total row or column (and `total` in an address)."""


def slug(label: str) -> str:
    """How a row label or column heading is written in an address: 'Requires improvement' -> 'requires_improvement'."""
    return re.sub(r"\W+", "_", inline.plain(label)).strip("_").lower()


def _cell(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        raise rule_error(f"expected text, a number or a statistic's name, got {describe(value)}")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise rule_error(f"expected a number a table can show, got {value}: write the figure itself")
        return float(value)
    if isinstance(value, str):
        if not value.strip():
            raise rule_error("expected text, a number or a statistic's name, got a blank value: a table has "
                             "no blank cells (write 0, 'none' or 'not known')")
        return value.strip()
    raise rule_error(f"expected text, a number or a statistic's name, got {describe(value)}")


Cell = Annotated[Union[float, str], BeforeValidator(_cell),
                 WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string", "minLength": 1}]})]
"""A table cell: a number, a statistic's name (or a table cell's address), or text with inline markup."""


def _header(value: Any) -> Any:
    # one header row may be written as a plain list of headings
    if isinstance(value, list) and value and not any(isinstance(v, list) for v in value):
        return [value]
    return value


def _totals(value: Any) -> Any:
    if value == "both":
        return ["row", "column"]
    if isinstance(value, str):
        return [value]
    return value


class Table(Node):
    """A numbered table of figures: caption, header row(s), rows, and optional computed totals."""

    caption: RequiredText
    """What the table shows; printed after 'Table N' above it: 'Audit grades by quarter'."""
    name: Text = ""
    """Optional: a name to refer to its cells from text and statistics, letters, digits and underscores: `grades` gives [[grades.Q1.Good]]."""
    header: Annotated[list[list[RequiredText]], BeforeValidator(_header), Field(min_length=1)]
    """The header row: [Quarter, Good, Inadequate]; several header rows as a list of rows. The last one names the columns. Repeated on each page."""
    rows: list[list[Cell]] = Field(min_length=1)
    """The rows, one per line starting '- ': [Q1, 5, 1]. The first cell labels the row; other cells are numbers, statistics' names, or text."""
    total: Annotated[list[Literal["row", "column"]], BeforeValidator(_totals)] = Field(default_factory=list)
    """Optional: `row` adds a Total row (each column added up), `column` a Total column (each row added up), `both` both. Computed, never typed."""
    grades: Literal["columns", "rows"] | None = None
    """Optional: `columns` when the column headings (after the first) are grades of the report's grading scale, `rows` when the row labels are; adds `good_or_better` to the table's addresses."""

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if value and not NAME.match(value):
            raise rule_error(f"expected a name of letters, digits and underscores starting with a letter, "
                             f"got {describe(value)}")
        return value

    @model_validator(mode="after")
    def _shape(self) -> "Table":
        width = len(self.header[-1])
        for h, row in enumerate(self.header):
            if len(row) != width:
                raise rule_error(f"expected every header row to have {width} headings (as the last one "
                                 f"has), got {len(row)} in header row {h + 1}", "header")
        return self

    @property
    def width(self) -> int:
        return len(self.header[-1])

    @property
    def label(self) -> str:
        """How the table is called in messages: its name, or its caption."""
        return self.name or repr(self.caption)

    def row_label(self, r: int) -> str:
        cell = self.rows[r][0]
        return cell if isinstance(cell, str) else _number_label(cell)


def _number_label(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


class TableItem(Node):
    """A table placed where a paragraph can stand."""

    table: Table
    """The table."""


class GradingScale(Node):
    """The report's grading scale, declared once: its grades in order, best first, and which count as good or better."""

    grades: list[RequiredText] = Field(min_length=2)
    """The grades, best first: [Outstanding, Good, Requires improvement, Inadequate]."""
    good_or_better: RequiredText
    """The lowest grade that counts as good or better: 'Good' (so Outstanding and Good do)."""

    @model_validator(mode="after")
    def _known(self) -> "GradingScale":
        if self.good_or_better not in self.grades:
            raise rule_error(f"expected one of the grades ({', '.join(self.grades)}), got "
                             f"{describe(self.good_or_better)}{did_you_mean(self.good_or_better, self.grades)}",
                             "good_or_better")
        return self

    def counts_as_good(self, grade: str) -> bool:
        return self.grades.index(grade) <= self.grades.index(self.good_or_better)

    def find(self, label: str) -> str | None:
        """The grade a heading names, ignoring case: 'requires improvement' -> 'Requires improvement'."""
        return next((g for g in self.grades if slug(g) == slug(label)), None)


class Tabulated(Node):
    """A report whose text may hold tables: their cells and any `statistics` make one book of figures."""

    _book: Statistics | None = PrivateAttr(default=None)
    _addresses: dict[str, tuple[Table, int, int]] | None = PrivateAttr(default=None)

    def own_statistics(self) -> dict[str, Definition]:
        """The statistics the report defines itself (none, unless a kind has `statistics:`)."""
        return {}

    def statistic_names(self) -> frozenset[str]:
        """The names of the report's own statistics: a table cell holding one shows its value."""
        return frozenset(self.own_statistics())

    def is_number(self, cell: Any) -> bool:
        return is_number(cell, self.statistic_names())

    def numeric_columns(self, table: Table) -> list[int]:
        return numeric_columns(table, self.statistic_names())

    def scale(self) -> GradingScale | None:
        return getattr(self, "grading_scale", None)

    def tables(self) -> Iterator[Table]:
        """Every table, in document order."""
        for node in self.walk():
            if isinstance(node, Table):
                yield node

    @property
    def book(self) -> Statistics:
        """Statistics and table cells by name, each worked out on first use."""
        if self._book is None:
            definitions = dict(self.own_statistics())
            for n, table in enumerate(self.tables(), start=1):
                definitions.update(table_definitions(table, n, self.scale(), self.statistic_names()))
            self._book = Statistics(definitions)
        return self._book

    def statistic(self, name: str) -> Value:
        return self.book.value(name)

    def statistic_text(self, name: str) -> str:
        """A statistic (or table cell) as the report prints it: '62.9%'."""
        return self.statistic(name).shown

    def table_key(self, table: Table) -> str:
        """The prefix of a table's cells in the book: its name, or a key no reference can spell."""
        for n, found in enumerate(self.tables(), start=1):
            if found is table:
                return table.name.lower() if table.name else f"#{n}"
        raise KeyError(table.caption)

    def table_problems(self) -> list[Problem]:
        """Tables that do not add up: rows wider than the header, totals over text, unknown grades, names
        that refer to nothing, duplicate addresses, and cells that cannot be worked out."""
        problems: list[Problem] = []
        names: dict[str, Table] = {}
        scale = self.scale()
        for n, table in enumerate(self.tables(), start=1):
            before = len(problems)
            if table.name:
                key = table.name.lower()
                if key in names:
                    problems.append(_at(table, ("name",), f"two tables are named {table.name!r}: the other is "
                                                          f"{names[key].label}; give each its own name"))
                elif key in self.own_statistics():
                    problems.append(_at(table, ("name",), f"a statistic is also called {table.name!r}: "
                                                          "give the table another name"))
                names[key] = table
            for r, row in enumerate(table.rows):
                if len(row) != table.width:
                    more = "more" if len(row) > table.width else "fewer"
                    problems.append(_at(table, ("rows", r),
                                        f"expected {table.width} cells, as the header has, got {len(row)}: the "
                                        f"row has {more} cells than the header"))
            if len(problems) > before:
                continue
            problems.extend(_total_problems(table, self.statistic_names()))
            problems.extend(_grade_problems(table, scale))
            if table.name:
                problems.extend(_duplicate_labels(table))
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row[1:], start=1):
                    if isinstance(cell, str) and _looks_like_reference(cell, self.statistic_names()) \
                            and cell not in self.book:
                        problems.append(_at(table, ("rows", r, c), self.unknown(cell)))
        return problems

    def reference_problems(self) -> list[Problem]:
        """Names that refer to nothing, and tables that do not add up (see table_problems)."""
        problems = self.table_problems() + self.text_reference_problems()
        return problems or self.cycle_problems()

    def text_reference_problems(self) -> list[Problem]:
        """[[references]] in text to statistics or table cells that do not exist."""
        problems = []
        for path, text in texts(self):
            for span in inline.statistic_references(text):
                if span.stat not in self.book and self.refers(span.stat or ""):
                    problems.append(Problem(f"[[{span.stat}]] {self.unknown(span.stat)}",
                                            self._source.position(path) if self._source else None,
                                            format_path(path)))
        return problems

    def refers(self, name: str) -> bool:
        """Whether [[name]] in this kind's text must name something: a table cell (`a.b.c`) always; a bare
        name only in a kind with `statistics:` (in a covering report `[[x]]` prints `x`, as it always has)."""
        return "." in name or "statistics" in type(self).model_fields

    def shown(self, name: str) -> str | None:
        """What [[name]] prints: the statistic or cell's value; None for a name this kind does not refer by."""
        return self.statistic_text(name) if name in self.book or self.refers(name) else None

    def unknown(self, name: str) -> str:
        """'x' is not a defined statistic (did you mean ...?)."""
        known = [n for n in self.book.definitions if not n.startswith("#")]
        hint = did_you_mean(name, known)
        own = sorted(self.own_statistics())
        if not hint and "." not in name:
            hint = f"; the statistics are {', '.join(own)}" if 0 < len(own) <= 12 else \
                "; add it under `statistics:`" if not own else ""
        elif not hint:
            tables = sorted(t.name for t in self.tables() if t.name)
            hint = f"; the named tables are {', '.join(tables)}" if tables else \
                "; name the table (`name:`) to refer to its cells"
        what = "a cell of a named table" if "." in name else "a defined statistic"
        return f"{name!r} is not {what}{hint}"

    def cycle_problems(self) -> list[Problem]:
        """Table cells naming statistics that cannot be worked out (a loop through the table, a division by 0)."""
        problems = []
        for table in self.tables():
            key = self.table_key(table)
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row[1:], start=1):
                    if isinstance(cell, str) and _looks_like_reference(cell, self.statistic_names()) \
                            and cell in self.book:
                        try:
                            self.statistic(_address(key, table, r, c))
                        except StatisticError as exc:
                            problems.append(_at(table, ("rows", r, c),
                                                f"the cell names {cell!r}, which cannot be worked out: {exc}"))
        return problems


def _at(table: Table, sub: PathKey, message: str) -> Problem:
    return Problem(message, table.where(*sub), format_path(table._path + sub))


def _looks_like_reference(text: str, known: frozenset[str] = frozenset()) -> bool:
    """A cell naming a statistic: the name of one the report defines, or one word with an underscore or a
    dot (`survey_responses`, `grades.q1.good`), so a misspelt name is an error rather than text.

    Any other cell of one ordinary word ('Good', 'Q1') is text, so a table of words needs no quoting.
    """
    return bool(REFERENCE.match(text)) and (text in known or "_" in text or "." in text)


def is_number(cell: Any, known: frozenset[str] = frozenset()) -> bool:
    """Whether a cell holds a figure: a number, or the name of a statistic (`known`: the report's own)."""
    return isinstance(cell, float) or (isinstance(cell, str) and _looks_like_reference(cell, known))


def _address(key: str, table: Table, r: int, c: int) -> str:
    return f"{key}.{slug(table.row_label(r))}.{slug(table.header[-1][c])}"


def numeric_columns(table: Table, known: frozenset[str] = frozenset()) -> list[int]:
    """The columns (after the labels) whose every cell is a number or names a statistic."""
    return [c for c in range(1, table.width)
            if all(len(row) > c and is_number(row[c], known) for row in table.rows)]


def table_definitions(table: Table, n: int, scale: GradingScale | None,
                      known: frozenset[str] = frozenset()) -> dict[str, Definition]:
    """A table's numeric cells as statistics, with each row's, each column's and the table's totals."""
    key = table.name.lower() if table.name else f"#{n}"
    if any(len(row) != table.width for row in table.rows):
        return {}
    found: dict[str, Definition] = {}
    columns = numeric_columns(table, known)
    for r, row in enumerate(table.rows):
        for c in range(1, table.width):
            cell = row[c]
            if isinstance(cell, float):
                found[_address(key, table, r, c)] = Definition("count", (cell,))
            elif is_number(cell, known):
                found[_address(key, table, r, c)] = Definition("same", (str(cell),))
    rows = [slug(table.row_label(r)) for r in range(len(table.rows))]
    heads = {c: slug(table.header[-1][c]) for c in columns}
    numeric_rows = [r for r, row in enumerate(table.rows) if all(is_number(x, known) for x in row[1:])]
    for c in columns:
        found[f"{key}.total.{heads[c]}"] = Definition("sum", tuple(f"{key}.{row}.{heads[c]}" for row in rows))
    for r in numeric_rows:
        found[f"{key}.{rows[r]}.total"] = Definition(
            "sum", tuple(f"{key}.{rows[r]}.{slug(table.header[-1][c])}" for c in range(1, table.width)))
    if columns and len(columns) == table.width - 1:
        found[f"{key}.total.total"] = Definition("sum", tuple(f"{key}.total.{heads[c]}" for c in columns))
    if scale is not None and table.grades == "columns":
        good = [c for c in columns if (g := scale.find(table.header[-1][c])) and scale.counts_as_good(g)]
        for r in numeric_rows:
            found[f"{key}.{rows[r]}.good_or_better"] = Definition(
                "sum", tuple(f"{key}.{rows[r]}.{heads[c]}" for c in good))
        found[f"{key}.total.good_or_better"] = Definition("sum", tuple(f"{key}.total.{heads[c]}" for c in good))
    if scale is not None and table.grades == "rows":
        good = [r for r in numeric_rows if (g := scale.find(table.row_label(r))) and scale.counts_as_good(g)]
        for c in columns:
            found[f"{key}.good_or_better.{heads[c]}"] = Definition(
                "sum", tuple(f"{key}.{rows[r]}.{heads[c]}" for r in good))
    return found


def _total_problems(table: Table, known: frozenset[str]) -> list[Problem]:
    """A Total row adds up each column, a Total column each row: the first cell of each that is not a
    number (a total over text cannot be worked out)."""
    rows, columns = range(len(table.rows)), range(1, table.width)
    lines = {"row": [[(r, c) for r in rows] for c in columns], "column": [[(r, c) for c in columns] for r in rows]}
    problems = []
    for total in ("row", "column"):
        if total not in table.total:
            continue
        for line in lines[total]:
            bad = next(((r, c) for r, c in line if not is_number(table.rows[r][c], known)), None)
            if bad is None:
                continue
            r, c = bad
            added = f"column {inline.plain(table.header[-1][c])!r}" if total == "row" else f"row {table.row_label(r)!r}"
            problems.append(_at(table, ("rows", r, c), f"expected a number (the table's Total {total} adds up the "
                                f"{added}), got {describe(table.rows[r][c])}: a total over text cannot be worked out"))
    return problems


def _grade_problems(table: Table, scale: GradingScale | None) -> list[Problem]:
    if table.grades is None:
        return []
    if scale is None:
        return [_at(table, ("grades",), "the table's headings are grades, but the report declares no "
                                        "`grading_scale:` (grades in order, and which count as good or better)")]
    problems = []
    if table.grades == "columns":
        for c, heading in enumerate(table.header[-1][1:], start=1):
            if scale.find(heading) is None:
                problems.append(_at(table, ("header", len(table.header) - 1, c),
                                    f"{heading!r} is not a grade of the report's grading scale "
                                    f"({', '.join(scale.grades)}){did_you_mean(heading, scale.grades)}"))
    else:
        for r in range(len(table.rows)):
            label = table.row_label(r)
            if scale.find(label) is None:
                problems.append(_at(table, ("rows", r, 0),
                                    f"{label!r} is not a grade of the report's grading scale "
                                    f"({', '.join(scale.grades)}){did_you_mean(label, scale.grades)}"))
    return problems


def _duplicate_labels(table: Table) -> list[Problem]:
    computed = ("total", "good_or_better") if table.grades else ("total",)
    problems = []
    seen: dict[str, int] = {}
    for r in range(len(table.rows)):
        key = slug(table.row_label(r))
        if key in seen or key in computed:
            problems.append(_at(table, ("rows", r, 0),
                                f"the row label {table.row_label(r)!r} is used twice (or is a computed row's): "
                                f"each row of a named table needs its own label, so its cells can be named"))
        seen[key] = r
    heads: set[str] = set()
    for c, heading in enumerate(table.header[-1][1:], start=1):
        key = slug(heading)
        if key in heads or key in computed:
            problems.append(_at(table, ("header", len(table.header) - 1, c),
                                f"the heading {heading!r} is used twice (or is a computed column's): each "
                                "column of a named table needs its own heading, so its cells can be named"))
        heads.add(key)
    return problems


def column_of(table: Table, name: str) -> int | None:
    """The column a chart series names, by its heading (case and punctuation aside)."""
    return next((c for c in range(1, table.width) if slug(table.header[-1][c]) == slug(name)), None)


def columns_hint(table: Table, name: str) -> str:
    headings = [inline.plain(h) for h in table.header[-1][1:]]
    return did_you_mean(name, headings) or f"; its columns are {', '.join(headings)}"
