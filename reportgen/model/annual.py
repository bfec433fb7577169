"""The annual Quality Assurance report: audits and reviews with findings, recommendations, outcomes and statistics."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Annotated, Any, Iterator, Literal, Union

from pydantic import BeforeValidator, Discriminator, Field, Tag, WithJsonSchema, model_validator

from reportgen.errors import Problem
from reportgen.model import inline
from reportgen.model.common import (MonthYear, Node, PathKey, Person, RequiredText, ShorthandNode, Text,
                                    dates_in, describe, did_you_mean, format_path, month_year, rule_error)
from reportgen.model.statistics import NAME, REFERENCE, Definition, StatisticError
from reportgen.model.tables import GradingScale, Table, TableItem, Tabulated, column_of, columns_hint, slug

_DAY_GIVEN = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")


@dataclass
class ChartData:
    """What one chart draws: its kind, the categories along its axis, its series (name, values) and axis titles."""

    kind: str
    categories: list[str]
    series: list[tuple[str, list[float]]] = field(default_factory=list)
    x_title: str = ""
    y_title: str = ""


def _operand(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and REFERENCE.match(value.strip()):
        return value.strip()
    raise rule_error(f"expected a number or the name of a statistic, got {describe(value)}")


StatisticOperand = Annotated[Union[float, str], BeforeValidator(_operand)]
"""A number, or the name of a statistic defined under `statistics:`."""


class Formula(Node):
    """A statistic worked out from others: exactly one of sum, percent or change."""

    sum: list[StatisticOperand] | None = None
    """Add these up: `{sum: [maternity_alerts, missing_children, other]}`."""
    percent: list[StatisticOperand] | None = Field(default=None, min_length=2, max_length=2)
    """The first as a percentage of the second: `{percent: [responses, eligible]}` -> 62.9%."""
    change: list[StatisticOperand] | None = Field(default=None, min_length=2, max_length=2)
    """The percentage change from the first to the second: `{change: [cases_before, cases_after]}` -> 25.8%."""

    @model_validator(mode="after")
    def _exactly_one(self) -> "Formula":
        given = [name for name in ("sum", "percent", "change") if getattr(self, name) is not None]
        if len(given) != 1:
            raise rule_error("expected exactly one of sum, percent or change, got "
                             + (", ".join(given) if given else "none"))
        if self.sum is not None and not self.sum:
            raise rule_error("expected at least one statistic to add up, got none", "sum")
        return self

    def definition(self) -> Definition:
        for operation in ("sum", "percent", "change"):
            operands = getattr(self, operation)
            if operands is not None:
                return Definition(operation, tuple(operands))  # type: ignore[arg-type]
        raise AssertionError("a validated formula has an operation")


def _shape(value: Any) -> str | None:
    """Which member of a union below a value is: told apart by its YAML shape, not by trial and error."""
    return {int: "[number]", float: "[number]", str: "[text]", dict: "[mapping]"}.get(type(value))


# The tags are bracketed so that validate.py drops them from error locations: the user never wrote them.
StatisticDefinition = Annotated[
    Union[Annotated[float, Tag("[number]")], Annotated[Formula, Tag("[mapping]")]],
    Discriminator(_shape, custom_error_type="statistic",
                  custom_error_message="expected a number, or one of {sum: [...]}, {percent: [part, whole]}, "
                                       "{change: [from, to]}"),
]


ChartType = Literal["bar", "grouped bar", "stacked bar", "line", "pie"]


class Series(Node):
    """One series of a chart given inline: its name (shown in the legend) and one value per category."""

    name: RequiredText
    """The series' name, shown in the legend: 'Good'."""
    values: list[StatisticOperand] = Field(min_length=1)
    """One value per category: a number, or the name of a statistic or table cell."""


def _series_shape(value: Any) -> str | None:
    return {str: "[text]", dict: "[mapping]"}.get(type(value))


SeriesItem = Annotated[
    Union[Annotated[RequiredText, Tag("[text]")], Annotated[Series, Tag("[mapping]")]],
    Discriminator(_series_shape, custom_error_type="series",
                  custom_error_message="expected a column of the table (`from:`) by its heading, or "
                                       "{name: ..., values: [...]}"),
]


class Chart(Node):
    """A chart of one or several series: drawn from a named table (`from:`) or from series given inline."""

    type: ChartType
    """`bar` (bars side by side when there are several series; `grouped bar` says the same), `stacked bar`, `line` or `pie` (one series)."""
    from_: Text = Field("", alias="from")
    """Optional: the name of a table to draw: its row labels are the categories, its columns the series."""
    series: list[SeriesItem] = Field(default_factory=list)
    """With `from:`, the columns to draw by heading (default every column of numbers, totals aside); without, each series as {name: ..., values: [...]}."""
    categories: list[RequiredText] = Field(default_factory=list)
    """Without `from:`, the categories along the axis, in order: [Q1, Q2, Q3, Q4]."""
    x_title: Text = ""
    """Optional: the title of the horizontal axis: 'Quarter'."""
    y_title: Text = ""
    """Optional: the title of the vertical axis: 'Number of audits'."""

    @model_validator(mode="after")
    def _data_given(self) -> "Chart":
        inline_series = [s for s in self.series if isinstance(s, Series)]
        if self.from_:
            if inline_series:
                raise rule_error("a chart drawn from a table names its columns (`series: [Good, Inadequate]`), "
                                 "not series of values: remove `from:` or the values", "series")
            if self.categories:
                raise rule_error("a chart drawn from a table takes its categories from the table's rows: "
                                 "remove `categories:`", "categories")
            return self
        if not self.series:
            raise rule_error("expected `from:` naming a table, or `series:` with values, got neither", "series")
        if len(inline_series) != len(self.series):
            raise rule_error("a series given by name needs `from:` naming the table it is a column of; "
                             "without it, give {name: ..., values: [...]}", "series")
        for n, one in enumerate(inline_series):
            if len(one.values) != len(self.categories):
                raise rule_error(f"expected one value per category: {len(self.categories)} categories, "
                                 f"{len(one.values)} values in the series {one.name!r}", "series")
        if self.type == "pie" and len(self.series) > 1:
            raise rule_error("a pie chart shows one series: use a bar or line chart for several", "type")
        return self


ChartField = Annotated[
    Union[Annotated[Literal["bar", "pie"], Tag("[text]")], Annotated[Chart, Tag("[mapping]")]],
    Discriminator(_shape, custom_error_type="chart",
                  custom_error_message="expected `bar` or `pie` (with categories and values), or "
                                       "{type: ..., from: table} or {type: ..., categories: [...], series: [...]}"),
]


class Figure(Node):
    """A numbered figure: a chart drawn from data, or a placeholder where the data was lost."""

    caption: RequiredText
    """What the figure shows; printed after 'Fig N'."""
    chart: ChartField | None = None
    """`bar` or `pie` with `categories` and `values`; or a chart of several series: {type: grouped bar, from: grades, x_title: Quarter, y_title: Audits}."""
    categories: list[RequiredText] = Field(default_factory=list)
    """With `chart: bar` or `chart: pie`: the labels of the bars or slices, in order: ['No further action', 'Early Help']."""
    values: list[StatisticOperand] = Field(default_factory=list)
    """With `chart: bar` or `chart: pie`: one value per category, a number or the name of a statistic."""
    alt: Text = ""
    """Alt text for readers who cannot see the chart; made from the data (every series) when left out."""
    data_missing: Text = ""
    """Set when the figure's data was lost: what happened. The report shows a marked placeholder."""

    @model_validator(mode="after")
    def _chart_or_missing(self) -> "Figure":
        if self.data_missing:
            if self.values or self.chart:
                raise rule_error("a figure whose data is missing cannot also give a chart or values: "
                                 "remove data_missing, or the chart", "data_missing")
            return self
        if self.chart is None:
            raise rule_error("expected `chart: bar` or `chart: pie` (or `data_missing:` saying why there is "
                             "no data), got nothing", "chart")
        if isinstance(self.chart, Chart):
            if self.values or self.categories:
                raise rule_error("a chart given as {type: ...} holds its own data: move `categories` and "
                                 "`values` into it as `categories` and `series`", "values")
            return self
        if not self.values:
            raise rule_error("expected the chart's values, got none", "values")
        if len(self.categories) != len(self.values):
            raise rule_error(f"expected one category per value: {len(self.categories)} categories, "
                             f"{len(self.values)} values", "categories")
        return self


class FigureItem(Node):
    """A figure placed where a paragraph can stand."""

    figure: Figure
    """The figure."""


def _block_shape(value: Any) -> str | None:
    """A paragraph, a figure or a table, told apart by the YAML's shape and its one key."""
    if isinstance(value, str):
        return "[text]"
    if isinstance(value, dict):
        return "[table]" if "table" in value else "[mapping]"
    return None


Block = Annotated[
    Union[Annotated[RequiredText, Tag("[text]")], Annotated[FigureItem, Tag("[mapping]")],
          Annotated[TableItem, Tag("[table]")]],
    Discriminator(_block_shape, custom_error_type="block",
                  custom_error_message="expected a paragraph of text, {figure: ...} or {table: ...}"),
]
"""A paragraph, or a figure or table standing where a paragraph can."""

NarrativeItem = Block


class Point(ShorthandNode):
    """A bullet point of findings: a string, or `text` with a quoted passage or paragraphs that continue it."""

    text: RequiredText
    """The bullet point: 'Assessments were completed within timescales.'"""
    quote: Text = ""
    """A passage quoted under the point, in the quotation style: '"The visits helped us."'"""
    continued: list[RequiredText] = Field(default_factory=list)
    """Paragraphs that carry the point on, printed under it without bullets: ['This was seen in most cases.']."""


class ThemeGroup(Node):
    """Findings under one theme heading (Assessment, Planning and review ...); the theme may be left out."""

    theme: Text = ""
    """The theme heading; leave out for points not grouped under a theme: 'Assessment'."""
    points: list[Point] = Field(min_length=1)
    """Bullet points."""
    closing: list[Block] = Field(default_factory=list)
    """Paragraphs (or tables, figures) after the points, such as a recommendation drawn from them, one per line starting '- '."""


class KeyFindings(Node):
    """An audit's key findings: strengths and areas for development, each grouped under themes."""

    strengths: list[ThemeGroup] = Field(default_factory=list)
    """What is working well."""
    areas_for_development: list[ThemeGroup] = Field(default_factory=list)
    """What needs to improve."""


class Recommendation(ShorthandNode):
    """A numbered recommendation; an id and a status let it be tracked from year to year."""

    text: RequiredText
    """What is recommended: 'Introduce case-mapping in group supervision.'"""
    id: Text = ""
    """An id that stays with the recommendation across years, e.g. 'QA-2019-04'."""
    status: Literal["open", "in progress", "completed"] | None = None
    """`open`, `in progress` or `completed`."""
    owner: Text = ""
    """Who is responsible for it: 'Team Manager'."""
    due: Text = ""
    """When it is due, as it should be printed: 'March 2020' or '31/03/2020'; `reportgen actions` marks it overdue after then."""
    carried_over_from: Text = ""
    """Optional: the year of the earlier report it was first made in, when it is carried over: '2017 to 2018'. Keep its `id` from that report."""

    @model_validator(mode="after")
    def _carried_over_keeps_id(self) -> "Recommendation":
        if self.carried_over_from and not self.id:
            raise rule_error("a recommendation carried over from an earlier report keeps the id it had there: "
                             "add `id:` (e.g. 'QA-2018-03')", "id")
        return self

    @property
    def due_date(self) -> _dt.date | None:
        """The date `due` names (a month counts to its last day), or None when it names none."""
        found = dates_in(self.due)
        if not found:
            return None
        when = found[0]
        if not _DAY_GIVEN.search(self.due):  # 'March 2020' is due by the end of March
            when = (when.replace(day=28) + _dt.timedelta(days=4)).replace(day=1) - _dt.timedelta(days=1)
        return when

    @property
    def tracking(self) -> str:
        """'Status: in progress; owner: Team Manager; due: March 2020', or '' when not tracked."""
        parts = [f"status: {self.status}" if self.status else "", f"owner: {self.owner}" if self.owner else "",
                 f"due: {self.due}" if self.due else ""]
        shown = "; ".join(p for p in parts if p)
        if self.carried_over_from:
            shown = f"carried over from {self.carried_over_from}" + (f"; {shown}" if shown else "")
        return shown[:1].upper() + shown[1:]


class OutcomeItem(ShorthandNode):
    """A numbered outcome: what was done; it may name the recommendations it answers."""

    text: RequiredText
    """What was done: 'A case-mapping session is now held each month.'"""
    answers: list[int | str] = Field(default_factory=list)
    """The recommendations it answers, by number in the same section (1, 2 ...) or by id."""


class Outcome(Node):
    """What was done after an audit: paragraphs, then numbered items."""

    paragraphs: list[Block] = Field(default_factory=list)
    """Unnumbered paragraphs (or tables, figures), first, one per line starting '- '."""
    items: list[OutcomeItem] = Field(default_factory=list)
    """Numbered items, restarting at 1 in each section."""

    @model_validator(mode="after")
    def _says_something(self) -> "Outcome":
        if not self.paragraphs and not self.items:
            raise rule_error("expected paragraphs or items, got neither")
        return self


class Quotation(ShorthandNode):
    """A quotation from a child or family; whether they consented to its publication may be recorded."""

    text: RequiredText
    """The words quoted, with their quotation marks: '"My worker listened to me."'"""
    consent: bool | None = None
    """`true` when consent to publish was given, `false` when refused; unknown when left out."""


SECTION_TYPES = ("thematic audit", "independent audit", "multi-agency audit", "review", "survey", "section",
                 "recommendations")
"""The section types editors suggest; any other words are allowed (each council names its own)."""

SectionType = Annotated[RequiredText, WithJsonSchema(
    {"anyOf": [{"enum": list(SECTION_TYPES)}, {"type": "string", "minLength": 1}]})]


class Section(Node):
    """One audit, review or survey of the year, or a free section such as the summary."""

    title: RequiredText
    """The section heading: 'Independent Auditing Completed October/November 2018'."""
    type: SectionType
    """What kind of section it is, in your council's words: e.g. `thematic audit`, `independent audit`, `multi-agency audit`, `review`, `survey`, `recommendations`, `section`."""
    dates: Text = ""
    """When it took place, as it should be printed: '10 October to 14 November 2018'."""
    narrative: list[NarrativeItem] = Field(default_factory=list)
    """Paragraphs, figures and tables, in order: a paragraph is a line starting '- '; a figure is `- figure: {caption: ..., chart: bar, categories: [...], values: [...]}`; a table is `- table: {caption: ..., header: [...], rows: [[...]]}`."""
    cases: list[RequiredText] = Field(default_factory=list)
    """Case summaries, printed 'Case 1 – ...', 'Case 2 – ...'."""
    quotes: list[Quotation] = Field(default_factory=list)
    """Quotations, in the quotation style: `- text: '"It helped."'` with `consent: true`."""
    key_findings: KeyFindings | None = None
    """Strengths and areas for development."""
    conclusion: list[Block] = Field(default_factory=list)
    """Concluding paragraphs (or tables, figures) after the key findings, one per line starting '- '."""
    recommendations: list[Recommendation] = Field(default_factory=list)
    """Numbered recommendations, restarting at 1 in each section."""
    outcome: Outcome | None = None
    """What was done."""

    @property
    def only_carried_over(self) -> bool:
        """Whether the section lists earlier years' recommendations: it needs no 'Recommendations' heading of its own."""
        return bool(self.recommendations) and (
            all(r.carried_over_from for r in self.recommendations)
            or "recommendation" in self.title.lower() or self.type.lower() == "recommendations")


class AnnualReport(Tabulated):
    """The annual Quality Assurance report of a council's children's services."""

    kind: Literal["annual"]
    """Always `annual` for an annual report."""
    title: RequiredText
    """The report's title; also the document title."""
    service: Text = ""
    """The service reported on: "Children's Social Care and Early Help"."""
    period: Text = ""
    """The period covered: 'May 2018 to June 2019'."""
    author: Person
    """Who signs the report off."""
    date: MonthYear
    """The month of the report: 'August 2019'."""
    statistics: dict[str, StatisticDefinition] = Field(default_factory=dict)
    """Named counts, and statistics worked out from them (also from named tables' cells: `grades.q1.good`); text shows them with [[name]]."""
    grading_scale: GradingScale | None = None
    """Optional: the grading scale the report's audits use, declared once: {grades: [Outstanding, Good, Requires improvement, Inadequate], good_or_better: Good}."""
    introduction: list[Block] = Field(min_length=1)
    """The Introduction's paragraphs (or tables, figures)."""
    sections: list[Section] = Field(min_length=1)
    """The audits, reviews and other sections, in order."""
    action_plan: bool = False
    """`true` to end the report with an Action Plan: every recommendation's id, status, owner and due date."""

    def own_statistics(self) -> dict[str, Definition]:
        return {name: value.definition() if isinstance(value, Formula) else Definition("count", (value,))
                for name, value in self.statistics.items()}

    def figures(self) -> Iterator[Figure]:
        """Every figure, in document order."""
        for node in self.walk():
            if isinstance(node, Figure):
                yield node

    def figure_data(self, figure: Figure) -> ChartData:
        """What a figure's chart draws: its kind, categories and series of numbers, and axis titles."""
        chart = figure.chart
        if not isinstance(chart, Chart):
            values = [self._number(v) for v in figure.values]
            return ChartData(chart or "bar", list(figure.categories), [("", values)])
        kind = "bar" if chart.type == "grouped bar" else chart.type
        if chart.from_:
            table = self._named_table(chart.from_)
            assert table is not None  # reference_problems has checked the name
            key = table.name.lower()
            columns = [column_of(table, s) for s in chart.series if isinstance(s, str)] if chart.series \
                else [c for c in self.numeric_columns(table)]
            categories = [inline.plain(table.row_label(r)) for r in range(len(table.rows))]
            series = [(inline.plain(table.header[-1][c]),
                       [self.statistic(f"{key}.{slug(table.row_label(r))}.{slug(table.header[-1][c])}").number
                        for r in range(len(table.rows))]) for c in columns if c is not None]
            return ChartData(kind, categories, series, chart.x_title, chart.y_title)
        series = [(s.name, [self._number(v) for v in s.values]) for s in chart.series if isinstance(s, Series)]
        return ChartData(kind, list(chart.categories), series, chart.x_title, chart.y_title)

    def _number(self, value: float | str) -> float:
        return self.statistic(value).number if isinstance(value, str) else float(value)

    def _named_table(self, name: str) -> Table | None:
        return next((t for t in self.tables() if t.name and t.name.lower() == name.lower()), None)

    @property
    def signed(self) -> str:
        return month_year(self.date)

    def reference_problems(self) -> list[Problem]:
        """Names that refer to nothing: statistics, [[references]] in text, recommendations answered."""
        table_problems = self.table_problems()
        problems = table_problems + self._statistic_problems() + self.text_reference_problems()
        for figure in self.figures():
            problems.extend(self._figure_problems(figure))
        for s, section in enumerate(self.sections):
            problems.extend(self._answer_problems(s, section))
        if not table_problems:  # a loop through a table is named at the cell too, where it closes
            problems.extend(self.cycle_problems())
        return problems

    def _figure_problems(self, figure: Figure) -> list[Problem]:
        problems = []
        for v, value in enumerate(figure.values):
            if isinstance(value, str) and value not in self.book:
                problems.append(self._problem(figure._path + ("values", v), self.unknown(value)))
        chart = figure.chart
        if not isinstance(chart, Chart):
            return problems
        if chart.from_:
            table = self._named_table(chart.from_)
            if table is None:
                named = [t.name for t in self.tables() if t.name]
                hint = did_you_mean(chart.from_, named) or \
                    (f"; the named tables are {', '.join(named)}" if named else "; no table has a `name:`")
                return problems + [self._problem(chart._path + ("from",),
                                                 f"{chart.from_!r} is not the name of a table{hint}")]
            for n, series in enumerate(chart.series):
                if isinstance(series, str):
                    c = column_of(table, series)
                    if c is None:
                        problems.append(self._problem(chart._path + ("series", n),
                                                      f"the table {table.name} has no column {series!r}"
                                                      f"{columns_hint(table, series)}"))
                    elif c not in self.numeric_columns(table):
                        problems.append(self._problem(chart._path + ("series", n),
                                                      f"the column {series!r} of the table {table.name} holds "
                                                      "text, not numbers: a chart cannot draw it"))
            if not chart.series and not self.numeric_columns(table):
                problems.append(self._problem(chart._path + ("from",),
                                              f"the table {table.name} has no column of numbers to draw"))
            if chart.type == "pie" and (len(chart.series) > 1 or (not chart.series and len(self.numeric_columns(table)) > 1)):
                problems.append(self._problem(chart._path + ("type",), "a pie chart shows one series: name "
                                              "one column (`series: [Good]`) or use a bar or line chart"))
            return problems
        for n, series in enumerate(chart.series):
            if isinstance(series, Series):
                for v, value in enumerate(series.values):
                    if isinstance(value, str) and value not in self.book:
                        problems.append(self._problem(series._path + ("values", v), self.unknown(value)))
        return problems

    def _statistic_problems(self) -> list[Problem]:
        problems = []
        for name, value in self.statistics.items():
            if not NAME.match(name):
                problems.append(self._problem(("statistics", name), f"the statistic name {name!r} must be letters, "
                                              "digits and underscores, starting with a letter", key=True))
                continue
            if isinstance(value, Formula):
                operation = value.definition().operation
                for i, operand in enumerate(value.definition().operands):
                    if isinstance(operand, str) and operand not in self.book:
                        problems.append(self._problem(("statistics", name, operation, i), self.unknown(operand)))
        if problems:
            return problems
        for name in self.statistics:
            try:
                self.statistic(name)
            except StatisticError as exc:
                problems.append(self._problem(("statistics", name), str(exc)))
        return problems

    def _answer_problems(self, s: int, section: Section) -> list[Problem]:
        if section.outcome is None:
            return []
        ids = {r.id for r in section.recommendations if r.id}
        problems = []
        for i, item in enumerate(section.outcome.items):
            for a, answer in enumerate(item.answers):
                if isinstance(answer, int) and 1 <= answer <= len(section.recommendations) or answer in ids:
                    continue
                known = f"recommendations 1 to {len(section.recommendations)}" if section.recommendations \
                    else "no recommendations"
                problems.append(self._problem(("sections", s, "outcome", "items", i, "answers", a),
                                              f"expected a recommendation of this section by number or id, got "
                                              f"{describe(answer)}: the section has {known}"
                                              + (f" and ids {', '.join(sorted(ids))}" if ids else "")))
        return problems

    def _problem(self, path: PathKey, message: str, *, key: bool = False) -> Problem:
        position = self._source.position(path, key=key) if self._source else None
        return Problem(message, position, format_path(path))
