"""Checks on valid content that warn without stopping a build: dates out of order, figures that disagree."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Callable

from reportgen.errors import Position, Problem
from reportgen.model import AnnualReport, CoverReport, Node, inline
from reportgen.model.annual import texts
from reportgen.model.common import MONTHS, format_path
from reportgen.model.statistics import agrees

Check = Callable[[Node], list[Problem]]
_MONTH_YEAR = re.compile(r"\b(" + "|".join(MONTHS) + r")\s+(\d{4})\b")
_DMY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


def dates_in(text: str) -> list[_dt.date]:
    """Dates a text mentions: 'December 2020' (taken as the 1st) and '10/02/2020'."""
    found = [_dt.date(int(y), MONTHS.index(m) + 1, 1) for m, y in _MONTH_YEAR.findall(text)]
    for d, m, y in _DMY.findall(text):
        try:
            found.append(_dt.date(int(y), int(m), int(d)))
        except ValueError:
            pass
    return found


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


def published_figures(report: AnnualReport) -> list[Problem]:
    """A figure printed in the text ([[statistic|as published]]) that the data does not give."""
    problems = []
    for path, text in texts(report):
        for span in inline.statistic_references(text):
            if span.published is None:
                continue
            value = report.statistic(span.stat)  # type: ignore[arg-type]
            if not agrees(value, span.published):
                problems.append(Problem(
                    f"the text says {span.published.strip()} but {value.explained(span.stat or '')}; "
                    f"the report prints {value.shown}", report.where(*path), format_path(path),
                    "warning", "published-figure"))
    return problems


def missing_figure_data(report: AnnualReport) -> list[Problem]:
    """A figure whose data was lost: the report shows a placeholder where the chart should be."""
    problems = []
    number = 0
    for s, section in enumerate(report.sections):
        for i, figure in section.figures():
            number += 1
            if figure.data_missing:
                path = ("sections", s, "narrative", i, "figure")
                problems.append(Problem(
                    f"Fig {number} ({figure.caption}) has no data: the report shows a placeholder "
                    f"({figure.data_missing})", report.where(*path), format_path(path), "warning",
                    "figure-data-missing"))
    return problems


CHECKS: dict[str, list[Check]] = {"cover": [cover_dates, recommendation_lead_in],  # type: ignore[list-item]
                                  "annual": [published_figures, missing_figure_data]}
"""Each kind's checks, run by `reportgen check` and reported as warnings by `reportgen build`."""


def check(report: Node) -> list[Problem]:
    """Every warning the report's kind checks for, in the order they appear in the file."""
    found = [p for c in CHECKS.get(report.kind, []) for p in c(report)]  # type: ignore[attr-defined]
    return sorted(found, key=lambda p: (p.position is None, p.position or Position("")))
