"""Renders an agenda's front sheet into `agenda.docx`: the first pages of the agenda pack."""

from __future__ import annotations

from typing import Any

from reportgen.model.agenda import Agenda
from reportgen.model.common import long_date
from reportgen.oxml.properties import DocumentProperties
from reportgen.pipeline.render.ooxml import OoxmlWriter


def title(agenda: Agenda) -> str:
    """The pack's title, in its properties and its front sheet's header."""
    return f"{agenda.committee}: agenda, {long_date(agenda.date)}"


def properties(agenda: Agenda) -> DocumentProperties:
    # the agenda is the clerk's document, not the committee's: its author is the contact for enquiries
    # (the name before the first comma), else left blank rather than guessed
    author = agenda.enquiries.split(",")[0].strip() if agenda.enquiries else ""
    return DocumentProperties(title=title(agenda), author=author, date=agenda.date, subject=agenda.committee)


def context(agenda: Agenda, w: OoxmlWriter, papers: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """The values and blocks `agenda.docx` uses; `papers` gives lines to print under each item's title."""
    items = []
    for item in agenda.items:
        items.append(w.heading(f"{item.number}. {item.title}", 2))
        if item.note:
            items.append(w.paragraph(item.note))
        items.extend(w.paragraph(line) for line in (papers or {}).get(item.number, []))
    return {
        "committee": agenda.committee,
        "date": long_date(agenda.date),
        "time": agenda.time,
        "venue": agenda.venue,
        "members": w.block(w.list_items(agenda.members, "List Bullet")) if agenda.members else "",
        "enquiries": agenda.enquiries,
        "items": w.block(*items),
    }
