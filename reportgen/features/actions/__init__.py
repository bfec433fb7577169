"""Action tracking: every recommendation across reports, with its id, status, owner and due date.

Each kind says how its recommendations are listed (reportgen.kinds, from reportgen.model.actions); the
list is shown as a table in the terminal, or written as .csv or .docx (the `actions` kind's template).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from pathlib import Path
from typing import Any, Iterable

from reportgen.errors import OutputError, Problem, ReportgenError, display_path
from reportgen.kinds import kind_of
from reportgen.model import Node
from reportgen.model.actions import COLUMNS, Action, ActionPlan

__all__ = ["Action", "ActionPlan", "actions_of", "collect", "csv_text", "spreadsheet_safe", "terminal_table", "write"]


def actions_of(report: Node, source: str, as_of: _dt.date | None = None) -> list[Action]:
    """The recommendations of one report (none for a kind that makes none, such as an agenda)."""
    listed = kind_of(report).recommendations
    return listed(report, source, as_of) if listed else []


def collect(files: Iterable[Path], as_of: _dt.date | None = None) -> tuple[list[Action], list[Problem]]:
    """The actions of every readable file, in file order; the problems of the ones that could not be read
    (errors), and warnings about recommendations that cannot be tracked (no id)."""
    from reportgen.pipeline import read_report

    actions: list[Action] = []
    problems: list[Problem] = []
    for path in files:
        try:
            report, _ = read_report(path)
        except ReportgenError as exc:
            problems.extend(exc.problems)
            continue
        actions.extend(actions_of(report, display_path(path), as_of))
        if (warn := kind_of(report).recommendation_warnings) is not None:
            problems.extend(warn(report, display_path(path)))
    return actions, problems


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
"""A cell starting with one of these is run as a formula by Excel, LibreOffice Calc and Google Sheets."""


def spreadsheet_safe(cell: str) -> str:
    """`cell` as text a spreadsheet will show, never run: a formula's first character gets a ' before it.

    What OWASP (CSV Injection) and ASVS 1.2.10 recommend: spreadsheets take the leading ' as
    "this is text" and do not show it. Content is typed by people and pasted from elsewhere, so a
    recommendation reading `=HYPERLINK(...)` or `-2 weeks` must arrive as those words.
    """
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def csv_text(actions: list[Action]) -> str:
    """The actions as CSV, one row each under a header row; no cell can run as a formula."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for action in actions:
        writer.writerow([spreadsheet_safe(cell) for cell in action.cells()])
    return out.getvalue()


def docx_parts(actions: list[Action], templates: Path | None = None) -> dict[str, bytes]:
    from reportgen.pipeline import render_report as render
    from reportgen.pipeline import template_path

    plan = ActionPlan(actions)
    return render(plan, template_path(plan, templates))  # type: ignore[arg-type]


def write(actions: list[Action], path: Path, templates: Path | None = None) -> Path:
    """Write the actions to `path`: .csv or .docx, chosen by its extension."""
    from reportgen.pipeline import write_bytes, write_docx

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
