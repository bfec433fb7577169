"""Action tracking: every recommendation across reports, with its id, status, owner and due date.

Each kind says where its recommendations are (ACTION_SOURCES); the list is shown as a table in the
terminal, or written as .csv or .docx (through the `action-plan.docx` template). An annual report can
print the same table as its action plan: `action_table(writer, actions)` gives the block.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from reportgen.errors import OutputError, Problem, ReportgenError
from reportgen.load import display_path
from reportgen.model import CoverReport, Node
from reportgen.model.common import long_date, short_date
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
    due: _dt.date | None = None

    def cells(self, dates: Callable[[_dt.date], str] = short_date) -> list[str]:
        return [self.id, self.text, self.status, self.owner, dates(self.due) if self.due else "", self.report]


def cover_actions(report: CoverReport, source: str) -> list[Action]:
    """A covering report's recommendations: numbered (or lettered) as printed, no status of their own."""
    from reportgen.oxml.text import format_number

    style = "decimal" if report.recommendation_numbering == "numbered" else "lowerLetter"
    stem = Path(source).stem
    return [Action(f"{stem}/{format_number(n, style)}", plain(r.text), report.title, source)
            for n, r in enumerate(report.recommendations, start=1)]


ACTION_SOURCES: dict[str, Callable[[Any, str], list[Action]]] = {"cover": cover_actions}
"""Each kind that makes recommendations, and how to list them."""


@dataclass
class ActionPlan:
    """The actions of a set of reports, as rendered into `action-plan.docx`."""

    actions: list[Action]
    title: str = "Action Plan"
    date: _dt.date = field(default_factory=lambda: _dt.date(2000, 1, 1))
    kind: str = "actions"


def actions_of(report: Node, source: str) -> list[Action]:
    """The recommendations of one report (none for a kind that makes none, such as an agenda)."""
    make = ACTION_SOURCES.get(report.kind)  # type: ignore[attr-defined]
    return make(report, source) if make else []


def collect(files: Iterable[Path]) -> tuple[list[Action], list[Problem]]:
    """The actions of every readable file, in file order; the problems of the ones that could not be read."""
    from reportgen.build import read_report

    actions: list[Action] = []
    problems: list[Problem] = []
    for path in files:
        try:
            report, _ = read_report(path)
        except ReportgenError as exc:
            problems.extend(exc.problems)
            continue
        actions.extend(actions_of(report, display_path(path)))
    return actions, problems


def csv_text(actions: list[Action]) -> str:
    """The actions as CSV, dates as yyyy-mm-dd so spreadsheets sort them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for action in actions:
        writer.writerow(action.cells(lambda d: d.isoformat()))
    return out.getvalue()


def action_table(w: Any, actions: list[Action]) -> str:
    """The action table's XML (header row repeated on each page), for any report's template."""
    return w.table([list(COLUMNS), *(a.cells(long_date) for a in actions)], "Report Table")


def docx_parts(actions: list[Action], templates: Path | None = None) -> dict[str, bytes]:
    from reportgen.render import render, template_path

    plan = ActionPlan(actions, date=max((a.due for a in actions if a.due), default=_dt.date(2000, 1, 1)))
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
