"""Renders an action plan (every recommendation across reports) into `action-plan.docx`."""

from __future__ import annotations

from typing import Any

from reportgen.model.actions import COLUMNS, Action, ActionPlan
from reportgen.oxml.properties import DocumentProperties
from reportgen.pipeline.render.ooxml import OoxmlWriter


def properties(plan: ActionPlan) -> DocumentProperties:
    return DocumentProperties(title=plan.title, author="", date=plan.date)


def context(plan: ActionPlan, w: OoxmlWriter) -> dict[str, Any]:
    """The values and blocks `action-plan.docx` uses."""
    return {"title": plan.title, "count": len(plan.actions),
            "actions": w.block(action_table(w, plan.actions)) if plan.actions else ""}


def action_table(w: Any, actions: list[Action], *, with_report: bool = True) -> str:
    """The action table's XML (header row repeated on each page), for any report's template."""
    columns = list(COLUMNS) if with_report else list(COLUMNS[:-1])
    return w.table([columns, *(a.cells(with_report) for a in actions)], "Report Table")
