"""The agenda of a committee meeting: when and where it meets, who sits on it, and its items in order."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema, model_validator

from reportgen.model.common import Date, Node, RequiredText, Text, rule_error


def _item_number(value: Any) -> Any:
    # `number: 3` is how people write it; keep it as text so '4a' and '3' are the same kind of thing
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


ItemNumber = Annotated[RequiredText, BeforeValidator(_item_number),
                       WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 1},
                                                 {"type": "string", "minLength": 1}]})]
"""An agenda item's number as printed: 3, or '4a'."""


class AgendaItem(Node):
    """One item of business, with its covering report and appendices, if it has papers."""

    number: ItemNumber
    """The item's number as printed on the agenda and on each of its pages: 3, or '4a'."""
    title: Text = ""
    """The item's title on the agenda: 'Quality Assurance Report on Audits'. Optional for an item with a
    report: it then reads as the report's subject (`check` warns when a title given differs from it)."""
    report: Text = ""
    """Optional: the covering report's content file, relative to this agenda: 'committee-cover-2020-02-qa-audits.yaml'."""
    appendices: list[RequiredText] = Field(default_factory=list)
    """Optional: appendix documents (.docx or .pdf), relative to this agenda: 'appendices/audit-summary.docx'."""
    note: Text = ""
    """Optional: a line printed under the title on the front sheet: 'To be moved by the Chairman'."""

    @model_validator(mode="after")
    def _titled(self) -> "AgendaItem":
        if not self.title and not self.report:
            raise rule_error("expected a title: an item without a report has nothing to take its title from",
                             "title")
        return self


class Agenda(Node):
    """A committee meeting's agenda: the front sheet, and the order of the papers in the agenda pack."""

    kind: Literal["agenda"]
    """Always `agenda` for an agenda."""
    committee: RequiredText
    """The committee that meets: 'Safeguarding Sub Committee'."""
    date: Date
    """The meeting date, dd/mm/yyyy: 10/02/2020."""
    time: RequiredText
    """When the meeting starts, as printed: '11.00 am'."""
    venue: RequiredText
    """Where the meeting is held: 'Committee Room 1, Guildhall'."""
    members: list[RequiredText] = Field(default_factory=list)
    """The committee's members, one per line, as printed: 'Councillor Alex Example (Chair)'."""
    enquiries: Text = ""
    """Optional: who to contact about the agenda: 'Sam Example, Committee Clerk, 020 7946 0000'."""
    items: list[AgendaItem] = Field(min_length=1)
    """The items of business in order: `- number: 1` with `title: Apologies`, then the others."""

    @model_validator(mode="after")
    def _numbers_unique(self) -> "Agenda":
        seen: set[str] = set()
        for item in self.items:
            if item.number in seen:
                raise rule_error(f"the item number {item.number} is used twice: each item needs its own number",
                                 "items")
            seen.add(item.number)
        return self

    @property
    def title(self) -> str:
        return f"{self.committee} agenda"
