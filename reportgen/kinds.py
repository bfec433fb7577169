"""The registry of report kinds: for each `kind:` a content file may name, everything that differs by kind.

One table, read wherever the kind matters (validate: the model; render: the template; build
and check: the checks, and whether it builds into a pack; actions: its recommendations; new: which kinds a
person writes). Its renderer is the module of its name in reportgen/pipeline/render/ (`cover.py`).
Adding a kind: its model (model/), a row here, its renderer, its factory template (report_templates/,
made by make_templates.py) and its JSON Schema (`reportgen schema -o schemas`); see README "How it works".

What varies between councils within a kind (header rows, labels, implications, numbering) is not here:
it lives in the kind's Word templates and their settings files.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Callable

from reportgen.checks import content as checks
from reportgen.checks.content import Check
from reportgen.errors import Problem
from reportgen.model import Agenda, AnnualReport, CoverReport, Node
from reportgen.model.cover import Appendix
from reportgen.model.actions import Action, ActionPlan, annual_actions, annual_warnings, cover_actions

Recommendations = Callable[[Node, str, "_dt.date | None"], list[Action]]


@dataclass(frozen=True)
class Kind:
    """One report kind."""

    name: str
    """As content names it: `kind: cover`."""
    model: type
    """The content model its files validate into."""
    template: str
    """The factory template's file name (and the name a house-format folder's template has)."""
    checks: tuple[Check, ...] = ()
    """Its content checks (reportgen.checks.content): warnings on build, all of them on `reportgen check`."""
    recommendations: Recommendations | None = None
    """Its recommendations as actions (`reportgen actions`); None for a kind that makes none."""
    recommendation_warnings: Callable[[Node, str], list[Problem]] | None = None
    """What makes its recommendations hard to follow up (said by `reportgen actions`)."""
    written: bool = True
    """Written by people as content (`reportgen new` offers it); False for documents reportgen makes itself."""
    pack: bool = False
    """It builds into a pack of other reports and their appendices (reportgen.pipeline.agenda)."""
    appendices: Callable[[Node], list[Appendix]] | None = None
    """Its own appendices, which an agenda packs after it as Appendix 1, 2 ...; None for a kind that has none."""
    front_sheet: Callable[[Node], str] | None = None
    """What an agenda's front sheet says of it under its item's title; None for nothing."""


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("cover", CoverReport, "committee-cover.docx",
         checks=(checks.cover_dates, checks.recommendation_lead_in, checks.published_figures, checks.pasted_markdown),
         recommendations=cover_actions,
         appendices=CoverReport.own_appendices, front_sheet=CoverReport.front_sheet_line),
    Kind("annual", AnnualReport, "annual-qa-report.docx",
         checks=(checks.published_figures, checks.missing_figure_data, checks.pasted_markdown),
         recommendations=annual_actions, recommendation_warnings=annual_warnings),
    Kind("agenda", Agenda, "agenda.docx", pack=True),
    Kind("actions", ActionPlan, "action-plan.docx", written=False),
)}
"""Every kind, by name."""

WRITTEN = tuple(name for name, kind in KINDS.items() if kind.written)
"""The kinds content files may name, in the order they are offered."""


def kind_of(report: object) -> Kind:
    """The registry's entry for a model (its `kind`)."""
    return KINDS[report.kind]  # type: ignore[attr-defined]


def own_appendices(report: Node) -> list[Appendix]:
    """A report's own appendices, by its kind (none for a kind that has none)."""
    found = kind_of(report).appendices
    return found(report) if found is not None else []


def front_sheet_line(report: Node) -> str:
    """What an agenda's front sheet says of a report under its item's title, by its kind ('' for nothing)."""
    found = kind_of(report).front_sheet
    return found(report) if found is not None else ""


MODELS: dict[str, type] = {name: KINDS[name].model for name in WRITTEN}
"""The model of each kind content files may name."""
