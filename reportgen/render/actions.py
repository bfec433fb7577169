"""Renders an action plan (every recommendation across reports) into `action-plan.docx`."""

from __future__ import annotations

from typing import Any

from reportgen.actions import ActionPlan, action_table
from reportgen.oxml.properties import DocumentProperties
from reportgen.render.ooxml import OoxmlWriter

TEMPLATE = "action-plan.docx"


def properties(plan: ActionPlan) -> DocumentProperties:
    return DocumentProperties(title=plan.title, author="", date=plan.date)


def context(plan: ActionPlan, w: OoxmlWriter) -> dict[str, Any]:
    """The values and blocks `action-plan.docx` uses."""
    return {"title": plan.title, "count": len(plan.actions),
            "actions": w.block(action_table(w, plan.actions)) if plan.actions else ""}
