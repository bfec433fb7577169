"""The annual Quality Assurance report: audits and reviews with findings, recommendations, outcomes and statistics."""

from __future__ import annotations

import difflib
from typing import Annotated, Any, Iterator, Literal, Union

from pydantic import BeforeValidator, Discriminator, Field, PrivateAttr, Tag, model_validator

from reportgen.errors import Problem
from reportgen.model import inline
from reportgen.model.common import (Count, MonthYear, count_number, Node, PathKey, Person, RequiredText, ShorthandNode, Text,
                                    describe, format_path, month_year, rule_error)
from reportgen.model.statistics import NAME, Definition, Statistics, StatisticError, Value


def _operand(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return count_number(value)
    if isinstance(value, str) and NAME.match(value.strip()):
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
    Union[Annotated[Count, Tag("[number]")], Annotated[Formula, Tag("[mapping]")]],
    Discriminator(_shape, custom_error_type="statistic",
                  custom_error_message="expected a number, or one of {sum: [...]}, {percent: [part, whole]}, "
                                       "{change: [from, to]}"),
]


class Figure(Node):
    """A numbered figure: a bar or pie chart drawn from data, or a placeholder where the data was lost."""

    caption: RequiredText
    """What the figure shows; printed after 'Fig N'."""
    chart: Literal["bar", "pie"] | None = None
    """`bar` or `pie`."""
    categories: list[RequiredText] = Field(default_factory=list)
    """The labels of the bars or slices, in order: ['No further action', 'Early Help']."""
    values: list[StatisticOperand] = Field(default_factory=list)
    """One value per category: a number, or the name of a statistic."""
    alt: Text = ""
    """Alt text for readers who cannot see the chart; made from the data when left out: 'Bar chart of referrals by outcome'."""
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
        if not self.values:
            raise rule_error("expected the chart's values, got none", "values")
        if len(self.categories) != len(self.values):
            raise rule_error(f"expected one category per value: {len(self.categories)} categories, "
                             f"{len(self.values)} values", "categories")
        return self


class FigureItem(Node):
    """A figure placed among a section's narrative paragraphs."""

    figure: Figure
    """The figure."""


NarrativeItem = Annotated[
    Union[Annotated[RequiredText, Tag("[text]")], Annotated[FigureItem, Tag("[mapping]")]],
    Discriminator(_shape, custom_error_type="narrative",
                  custom_error_message="expected a paragraph of text or {figure: ...}"),
]


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
    closing: list[RequiredText] = Field(default_factory=list)
    """Paragraphs after the points, such as a recommendation drawn from them, one per line starting '- '."""


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
    """When it is due, as it should be printed: 'March 2020'."""

    @property
    def tracking(self) -> str:
        """'Status: in progress; owner: Team Manager; due: March 2020', or '' when not tracked."""
        parts = [f"status: {self.status}" if self.status else "", f"owner: {self.owner}" if self.owner else "",
                 f"due: {self.due}" if self.due else ""]
        shown = "; ".join(p for p in parts if p)
        return shown[:1].upper() + shown[1:]


class OutcomeItem(ShorthandNode):
    """A numbered outcome: what was done; it may name the recommendations it answers."""

    text: RequiredText
    """What was done: 'A case-mapping session is now held each month.'"""
    answers: list[int | str] = Field(default_factory=list)
    """The recommendations it answers, by number in the same section (1, 2 ...) or by id."""


class Outcome(Node):
    """What was done after an audit: paragraphs, then numbered items."""

    paragraphs: list[RequiredText] = Field(default_factory=list)
    """Unnumbered paragraphs, first, one per line starting '- '."""
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


SectionType = Literal["thematic audit", "independent audit", "multi-agency audit", "review", "survey", "section"]


class Section(Node):
    """One audit, review or survey of the year, or a free section such as the summary."""

    title: RequiredText
    """The section heading: 'Independent Auditing Completed October/November 2018'."""
    type: SectionType
    """`thematic audit`, `independent audit`, `multi-agency audit`, `review`, `survey`, or `section`."""
    dates: Text = ""
    """When it took place, as it should be printed: '10 October to 14 November 2018'."""
    narrative: list[NarrativeItem] = Field(default_factory=list)
    """Paragraphs and figures, in order: a paragraph is a line starting '- '; a figure is `- figure: {caption: ..., chart: bar, categories: [...], values: [...]}`."""
    cases: list[RequiredText] = Field(default_factory=list)
    """Case summaries, printed 'Case 1 – ...', 'Case 2 – ...'."""
    quotes: list[Quotation] = Field(default_factory=list)
    """Quotations, in the quotation style: `- text: '"It helped."'` with `consent: true`."""
    key_findings: KeyFindings | None = None
    """Strengths and areas for development."""
    conclusion: list[RequiredText] = Field(default_factory=list)
    """Concluding paragraphs after the key findings, one per line starting '- '."""
    recommendations: list[Recommendation] = Field(default_factory=list)
    """Numbered recommendations, restarting at 1 in each section."""
    outcome: Outcome | None = None
    """What was done."""

    def figures(self) -> Iterator[tuple[int, Figure]]:
        """Each figure and its index among the narrative items."""
        for i, item in enumerate(self.narrative):
            if isinstance(item, FigureItem):
                yield i, item.figure


class AnnualReport(Node):
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
    """Named counts, and statistics worked out from them; text shows them with [[name]]."""
    introduction: list[RequiredText] = Field(min_length=1)
    """The Introduction's paragraphs."""
    sections: list[Section] = Field(min_length=1)
    """The audits, reviews and other sections, in order."""
    action_plan: bool = False
    """`true` to end the report with an Action Plan: every recommendation's id, status, owner and due date."""

    _statistics: Statistics | None = PrivateAttr(default=None)

    @property
    def book(self) -> Statistics:
        """The statistics, worked out on first use."""
        if self._statistics is None:
            definitions = {name: value.definition() if isinstance(value, Formula) else Definition("count", (value,))
                           for name, value in self.statistics.items()}
            self._statistics = Statistics(definitions)
        return self._statistics

    def statistic(self, name: str) -> Value:
        return self.book.value(name)

    def statistic_text(self, name: str) -> str:
        """A statistic as the report prints it: '62.9%'."""
        return self.statistic(name).shown

    def figure_values(self, figure: Figure) -> list[float]:
        return [self.statistic(v).number if isinstance(v, str) else float(v) for v in figure.values]

    @property
    def signed(self) -> str:
        return month_year(self.date)

    def reference_problems(self) -> list[Problem]:
        """Names that refer to nothing: statistics, [[references]] in text, recommendations answered."""
        problems = self._statistic_problems()
        for path, text in texts(self):
            for span in inline.statistic_references(text):
                if span.stat not in self.book:
                    problems.append(self._problem(path, f"[[{span.stat}]] {self._unknown(span.stat)}"))
        for s, section in enumerate(self.sections):
            for i, figure in section.figures():
                for v, value in enumerate(figure.values):
                    path = ("sections", s, "narrative", i, "figure", "values", v)
                    if isinstance(value, str) and value not in self.book:
                        problems.append(self._problem(path, self._unknown(value)))
                    elif isinstance(value, str) and (charted := self._charted(value)) is not None:
                        problems.append(self._problem(path, charted))
                if figure.chart == "pie" and self._all_zero(figure):
                    problems.append(self._problem(("sections", s, "narrative", i, "figure", "values"),
                                                  "a pie chart needs at least one value above 0: every value "
                                                  "is 0, so there is nothing to draw; use a bar chart"))
            problems.extend(self._answer_problems(s, section))
        return problems

    def _charted(self, name: str) -> str | None:
        """Why the statistic `name` cannot be a bar or slice of a chart (a negative change), if it cannot."""
        try:
            value = self.statistic(name)
        except StatisticError:
            return None  # said once, at the statistic
        if value.number < 0:
            return f"expected a count (0 or more) to chart, got {name} = {value.shown}"
        return None

    def _all_zero(self, figure: Figure) -> bool:
        try:
            return not any(self.figure_values(figure))
        except (StatisticError, KeyError):
            return False  # an unknown or broken statistic: said at the value

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
                        problems.append(self._problem(("statistics", name, operation, i), self._unknown(operand)))
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

    def _unknown(self, name: str) -> str:
        close = difflib.get_close_matches(name, list(self.statistics), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else \
            f"; add it under `statistics:`" if not self.statistics else ""
        return f"{name!r} is not a defined statistic{hint}"

    def _problem(self, path: PathKey, message: str, *, key: bool = False) -> Problem:
        position = self._source.position(path, key=key) if self._source else None
        return Problem(message, position, format_path(path))


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
