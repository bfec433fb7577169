"""Action tracking: every recommendation across reports, with its id, status, owner and due date.

Each kind says where its recommendations are (ACTION_SOURCES); the list is shown as a table in the
terminal, or written as .csv or .docx (through the `action-plan.docx` template). An annual report can
print the same table as its action plan: `action_table(writer, actions)` gives the block.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from reportgen.errors import OutputError, Problem, ReportgenError
from reportgen.load import display_path
from reportgen.model import AnnualReport, CoverReport, Node
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
    from reportgen.oxml.text import format_number

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


ACTION_SOURCES: dict[str, Callable[..., list[Action]]] = {"cover": cover_actions, "annual": annual_actions}
"""Each kind that makes recommendations, and how to list them."""


@dataclass
class ActionPlan:
    """The actions of a set of reports, as rendered into `action-plan.docx`."""

    actions: list[Action]
    title: str = "Action Plan"
    date: _dt.date = _dt.date(2000, 1, 1)
    """The file's date property: a fixed date, so the same actions always give the same bytes."""
    kind: str = "actions"


def actions_of(report: Node, source: str, as_of: _dt.date | None = None) -> list[Action]:
    """The recommendations of one report (none for a kind that makes none, such as an agenda)."""
    make = ACTION_SOURCES.get(report.kind)  # type: ignore[attr-defined]
    return make(report, source, as_of) if make else []


def collect(files: Iterable[Path], as_of: _dt.date | None = None) -> tuple[list[Action], list[Problem]]:
    """The actions of every readable file, in file order; the problems of the ones that could not be read
    (errors), and warnings about recommendations that cannot be tracked (no id)."""
    from reportgen.build import read_report

    actions: list[Action] = []
    problems: list[Problem] = []
    for path in files:
        try:
            report, _ = read_report(path)
        except ReportgenError as exc:
            problems.extend(exc.problems)
            continue
        actions.extend(actions_of(report, display_path(path), as_of))
        if isinstance(report, AnnualReport):
            problems.extend(annual_warnings(report, display_path(path)))
    return actions, problems


def csv_text(actions: list[Action]) -> str:
    """The actions as CSV, one row each under a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for action in actions:
        writer.writerow(action.cells())
    return out.getvalue()


def action_table(w: Any, actions: list[Action], *, with_report: bool = True) -> str:
    """The action table's XML (header row repeated on each page), for any report's template."""
    columns = list(COLUMNS) if with_report else list(COLUMNS[:-1])
    return w.table([columns, *(a.cells(with_report) for a in actions)], "Report Table")


def docx_parts(actions: list[Action], templates: Path | None = None) -> dict[str, bytes]:
    from reportgen.render import render, template_path

    plan = ActionPlan(actions)
    return render(plan, template_path(plan, templates))  # type: ignore[arg-type]


def write(actions: list[Action], path: Path, templates: Path | None = None) -> Path:
    """Write the actions to `path`: .csv or .docx, chosen by its extension."""
    from reportgen.write import write_bytes, write_docx

    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_bytes(csv_text(actions).encode("utf-8-sig"), path).path  # the BOM tells Excel it is UTF-8
    if suffix == ".docx":
        return write_docx(docx_parts(actions, templates), path).path
    raise OutputError.at(f"expected an output file ending .csv or .docx, got {path.name!r}", path)


def terminal_table(actions: list[Action]) -> Any:
    """A rich table of the actions for the terminal."""
    from rich.table import Table

    table = Table(title=f"{len(actions)} recommendation(s)", show_lines=False)
    for column in COLUMNS:
        table.add_column(column, overflow="fold")
    for action in actions:
        table.add_row(*action.cells())
    return table
