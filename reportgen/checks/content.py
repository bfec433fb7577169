"""Checks on valid content: dates out of order, figures that disagree with the data, Markdown pasted into text."""

from __future__ import annotations

import re
from typing import Callable, Iterable

from reportgen.errors import Position, Problem
from reportgen.model import AnnualReport, CoverReport, Node, inline
from reportgen.model.common import MONTHS, PathKey, dates_in, format_path, texts
from reportgen.model.tables import Tabulated
from reportgen.model.statistics import agrees

Check = Callable[[Node], list[Problem]]


def cover_dates(report: CoverReport) -> list[Problem]:
    """Background papers cannot be dated after the meeting they are papers for."""
    problems = []
    for i, paper in enumerate(report.background_papers):
        for when in dates_in(paper):
            if (when.year, when.month) > (report.dated.year, report.dated.month):
                problems.append(Problem(
                    f"the background paper is dated {MONTHS[when.month - 1]} {when.year}, after the "
                    f"report's own date ({report.dated.strftime('%d/%m/%Y')}): is the year right?",
                    report.where("background_papers", i), f"background_papers[{i + 1}]",
                    "warning", "date-order"))
    return problems


def recommendation_lead_in(report: CoverReport) -> list[Problem]:
    """'Members are asked to:' typed as the first recommendation would be numbered (a) like the others."""
    first = report.recommendations[0]
    if report.recommendations_lead_in or len(report.recommendations) < 2 or not first.text.rstrip().endswith(":"):
        return []
    return [Problem(f"{first.text!r} reads as a lead-in, but as the first recommendation it gets a number: "
                    "move it to `recommendations_lead_in:`", report.where("recommendations", 0),
                    "recommendations[1]", "warning", "recommendation-lead-in")]


def published_figures(report: Tabulated, *, strict: bool = False) -> list[Problem]:
    """A figure printed in the text ([[statistic|as published]]) that the data does not give.

    With `strict` (a Public build, `check --strict`) it is an error: the text or the data must be
    corrected before anything is published. It is placed at the line the figure is written on.
    """
    problems = []
    for path, text in texts(report):
        for span in inline.statistic_references(text):
            if span.published is None or span.stat not in report.book:
                continue  # a name this kind does not refer by prints as written
            value = report.statistic(span.stat)  # type: ignore[arg-type]
            if not agrees(value, span.published):
                name = span.stat or ""
                gives = f"the table gives {value.shown}" if "." in name and value.operation == "count" \
                    else f"the table gives {value.explained(name)}" if "." in name else value.explained(name)
                problems.append(Problem(
                    f"the text says {span.published.strip()} but {gives}; the report prints {value.shown}",
                    _line_of(report, path, f"[[{name}|"), format_path(path),
                    "error" if strict else "warning", "published-figure"))
    return problems


def _line_of(report: Node, path: PathKey, needle: str) -> Position | None:
    """Where `needle` is written inside the text at `path`: its own line, not the line its paragraph starts on."""
    source = report._source
    if source is None:
        return None
    return source.locate(path, needle)


def missing_figure_data(report: AnnualReport) -> list[Problem]:
    """A figure whose data was lost: the report shows a placeholder where the chart should be."""
    problems = []
    for number, figure in enumerate(report.figures(), start=1):
        if figure.data_missing:
            problems.append(Problem(
                f"Fig {number} ({figure.caption}) has no data: the report shows a placeholder "
                f"({figure.data_missing})", figure.where(), figure.key_path, "warning",
                "figure-data-missing"))
    return problems


_MARKDOWN_TABLE = re.compile(r"^\s*\|.*\|\s*$|\|\s*:?-{3,}:?\s*\|", re.MULTILINE)
_MARKDOWN_HEADING = re.compile(r"^\s*(#{1,6})\s+\S", re.MULTILINE)


def pasted_markdown(report: Node) -> list[Problem]:
    """A Markdown table or heading pasted into prose: it would print as typed, pipes and hashes and all."""
    problems = []
    for path, text in texts(report):
        if not path or path[-1] == "kind":
            continue
        table = _MARKDOWN_TABLE.search(text)
        if table is not None and text.count("|") >= 4:
            problems.append(Problem(
                "this looks like a Markdown table pasted into the text: it would print as typed, pipes and all. "
                "Write it as `- table: {caption: ..., header: [...], rows: [[...], ...]}` where a paragraph "
                "stands", _line_of(report, path, table.group().strip()[:20]), format_path(path), "warning",
                "markdown-in-text"))
            continue
        heading = _MARKDOWN_HEADING.search(text)
        if heading is not None:
            problems.append(Problem(
                f"this looks like a Markdown heading ({heading.group(1)} ...) pasted into the text: it would print "
                "as typed. Start a new section (`sections:` with its `title:`) or use the section's headings "
                "(key_findings themes, conclusion, outcome) instead",
                _line_of(report, path, heading.group().strip()), format_path(path), "warning",
                "markdown-in-text"))
    return problems


STRICT_CHECKS: set[Check] = {published_figures}  # type: ignore[arg-type]
"""Checks whose findings are errors under `strict` (a Public build, `check --strict`)."""


def check(report: Node, checks: Iterable[Check], *, strict: bool = False) -> list[Problem]:
    """Every finding of `checks` (the report's kind's, from reportgen.kinds), in the order they appear in the file.

    With `strict`, what must not be published (a figure the data does not give) is an error.
    """
    found = [p for c in checks
             for p in (c(report, strict=strict) if c in STRICT_CHECKS else c(report))]  # type: ignore[call-arg]
    return sorted(found, key=lambda p: (p.position is None, p.position or Position("")))
