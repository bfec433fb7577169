"""Recommendations as actions to follow up: each with its id, status, owner and due date, wherever it was made.

What `reportgen actions` lists and an annual report prints as its action plan. Pure functions of the
content model; the registry of kinds (reportgen.kinds) says which function lists a kind's recommendations.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

from reportgen.errors import Problem
from reportgen.lib.numbers import format_number
from reportgen.model.annual import AnnualReport
from reportgen.model.cover import CoverReport
from reportgen.model.inline import plain

COLUMNS = ("ID", "Recommendation", "Status", "Owner", "Due", "Report")
"""The columns of the action table, in every output."""


@dataclass
class Action:
    """One recommendation to act on, wherever it was made."""

    id: str
    text: str
    report: str
    source: str
    status: str = ""
    owner: str = ""
    due: str = ""
    """When it is due, as the report prints it: 'March 2020'."""
    carried_over_from: str = ""
    """The year of the earlier report it was first made in, when carried over: '2017 to 2018'."""
    overdue: bool = False
    """Its due date has passed (before the report's date, or the date asked about) and it is not completed."""

    def cells(self, with_report: bool = True) -> list[str]:
        text = f"{self.text} (carried over from {self.carried_over_from})" if self.carried_over_from else self.text
        status = f"{self.status or 'open'}, overdue" if self.overdue else self.status
        cells = [self.id, text, status, self.owner, self.due]
        return cells + [self.report] if with_report else cells


def _prefix(source: str) -> str:
    """Ids made up for recommendations that have none start with the file's name, to stay unique."""
    return f"{Path(source).stem}/" if source else ""


def cover_actions(report: CoverReport, source: str, as_of: _dt.date | None = None) -> list[Action]:
    """A covering report's recommendations: numbered (or lettered) as printed, no status of their own."""
    style = "decimal" if report.recommendation_numbering == "numbered" else "lowerLetter"
    return [Action(f"{_prefix(source)}{format_number(n, style)}", plain(r.text), report.title, source)
            for n, r in enumerate(report.recommendations, start=1)]


def annual_actions(report: AnnualReport, source: str, as_of: _dt.date | None = None) -> list[Action]:
    """An annual report's recommendations, section by section: their own id, or section.number.

    One is overdue when its due date is before `as_of` (default: the report's own date) and it is not completed.
    """
    when = as_of or report.date
    return [Action(rec.id or f"{_prefix(source)}{s}.{n}", plain(rec.text), report.title, source,
                   rec.status or "", rec.owner, rec.due, rec.carried_over_from,
                   rec.status != "completed" and rec.due_date is not None and rec.due_date < when)
            for s, section in enumerate(report.sections, start=1)
            for n, rec in enumerate(section.recommendations, start=1)]


def annual_warnings(report: AnnualReport, source: str) -> list[Problem]:
    """Recommendations with no id of their own: their made-up id changes when the file is renamed or a
    section is added, so they cannot be followed from year to year. One warning per report, at the first."""
    missing = [rec for section in report.sections for rec in section.recommendations if not rec.id]
    if not missing:
        return []
    return [Problem(f"{len(missing)} recommendation(s) have no `id:`, so they are listed by file and place "
                    f"('{_prefix(source)}2.1') and lose track when the file is renamed or sections move: give "
                    "each an id that stays with it across years (e.g. 'QA-2019-01'); this is the first",
                    missing[0].where(), missing[0].key_path, "warning", "recommendation-id")]


@dataclass
class ActionPlan:
    """The actions of a set of reports, as rendered into `action-plan.docx`."""

    actions: list[Action]
    title: str = "Action Plan"
    date: _dt.date = _dt.date(2000, 1, 1)
    """The file's date property: a fixed date, so the same actions always give the same bytes."""
    kind: str = "actions"
