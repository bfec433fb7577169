"""A house format's settings: what a council's template needs besides its Word styles and words.

They live in a small YAML file beside the template (`committee-cover.yaml` beside
`committee-cover.docx`), written by report_templates/make_templates.py and edited like the
template itself: structure that varies between councils is configuration, not code.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from reportgen.model.common import Node, RequiredText, rule_error


class ImplicationsSettings(Node):
    """The Corporate & Strategic Implications block: its heading and the council's headings in order."""

    heading: RequiredText
    """The block's heading in the Main Report: 'Corporate & Strategic Implications'."""
    headings: dict[RequiredText, RequiredText] = Field(min_length=1)
    """Each heading a report may give (its key in `implications:`) and the bold lead label printed
    before its text, in the order printed: {Strategic: 'Strategic implications'}."""
    separator: str = " \u2013 "
    """What stands between the bold label and the text, spaces included: ' – ' or ': '."""
    required: list[RequiredText] = Field(default_factory=list)
    """The headings every report must give (`check` warns when one is missing): [Strategic, Financial]."""

    @model_validator(mode="after")
    def _required_are_headings(self) -> "ImplicationsSettings":
        unknown = [name for name in self.required if name not in self.headings]
        if unknown:
            raise rule_error(f"required names {', '.join(map(repr, unknown))}, which is not among the "
                             "headings", "required")
        return self


class HouseFormat(Node):
    """The settings of one template (a file beside it with the same name, ending .yaml)."""

    council: RequiredText
    """Whose house format this is, for people reading the file: 'City of London Corporation'."""
    implications: ImplicationsSettings | None = None
    """Optional: the implications block; without it, a report's `implications:` is an error."""
