"""The committee covering report ("cover sheet"): its header, summary, recommendations and main report."""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from reportgen.model.common import (ContentFile, ContentPath, Date, Node, Paragraph, Person, RequiredText,
                                    Text, rule_error)
from reportgen.model.tables import TableItem, Tabulated


def _paragraph_or_table(value: Any) -> str:
    return "[table]" if isinstance(value, dict) and "table" in value else "[paragraph]"


MainReportItem = Annotated[
    Union[Annotated[Paragraph, Tag("[paragraph]")], Annotated[TableItem, Tag("[table]")]],
    Discriminator(_paragraph_or_table),
]
"""A numbered paragraph of the Main Report, or a table standing among them (numbered 'Table N', not as a paragraph)."""


_FORMAT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class Section(Node):
    """A heading of the Main Report and its numbered paragraphs."""

    numbered_across: ClassVar[str] = "paragraphs"
    # the field whose items the report numbers in one run across all the sections (1, 2 ... 7):
    # a summary of changes names a paragraph by the number the reader sees

    heading: RequiredText
    """The sub-heading: Background, Current Position, Options, Proposals, Conclusion, or any other."""
    paragraphs: list[MainReportItem] = Field(min_length=1)
    """Paragraphs, numbered 1, 2, 3 ... in one run across all sections of the Main Report; each a line starting '- '. A table among them is `- table: {caption: ..., header: [...], rows: [[...]]}`."""


class Appendix(Node):
    """An appendix listed as 'Appendix 1 – title'."""

    listed_when_exempt: ClassVar[bool] = True
    # a Public report may list an exempt appendix (title and Schedule 12A citation, as councils do);
    # the appendix itself never goes into a Public document

    title: RequiredText
    """What the appendix is: 'Summary of Findings, December 2019'."""
    file: ContentFile = ContentPath("")
    """Optional: the appendix document (.docx or .pdf), relative to the content file, for agenda packs: 'appendices/summary.docx'."""
    public: bool = True
    """`true` for a public appendix; `false` for an exempt one, which then needs exempt_paragraphs."""
    exempt_paragraphs: list[int] = Field(default_factory=list)
    """For a non-public appendix: the Schedule 12A paragraph number(s) that make it exempt: [3]."""
    exempt_ground: Text = ""
    """Optional, for a non-public appendix: a free-text ground, where the paragraph numbers are not England's."""

    @field_validator("exempt_paragraphs")
    @classmethod
    def _paragraph_numbers(cls, value: list[int]) -> list[int]:
        return _schedule_12a_numbers(value)

    @model_validator(mode="after")
    def _exempt_needs_paragraphs(self) -> "Appendix":
        if not self.public and not self.exempt_paragraphs:
            raise rule_error("a non-public appendix must cite its Schedule 12A paragraph number(s), "
                             "e.g. exempt_paragraphs: [3]", "exempt_paragraphs")
        for name in ("exempt_paragraphs", "exempt_ground"):
            if self.public and getattr(self, name):
                raise rule_error(f"{name} applies only to a non-public appendix: add `public: false` if the "
                                 f"appendix is exempt, or delete {name}", name)
        return self


def _schedule_12a_numbers(value: list[int]) -> list[int]:
    if any(n < 1 for n in value):
        raise rule_error("Schedule 12A paragraph numbers start at 1")
    return value


class CoverReport(Tabulated):
    """A committee covering report: the standard cover sheet for an agenda item."""

    kind: Literal["cover"]
    """The kind of content: always `cover` for a covering report."""
    committee: RequiredText | Annotated[list[RequiredText], Field(min_length=1)]
    """The committee, or a list of committees, the report goes to: 'Safeguarding Sub Committee'."""
    dated: Date
    """The meeting date, dd/mm/yyyy: 10/02/2020."""
    subject: RequiredText
    """The report's subject line, also the document title: 'Quality Assurance Report on Audits'."""
    access: Literal["public", "non-public"] = "public"
    """`public`, or `non-public` (then exempt_paragraphs is required). A public report with an exempt
    appendix stays `public` and marks the appendix `public: false`."""
    exempt_paragraphs: list[int] = Field(default_factory=list)
    """For a non-public report only: the paragraph number(s) of Part 1 of Schedule 12A, Local Government Act 1972: [1, 2]."""
    exempt_ground: Text = ""
    """Optional, for a non-public report only: a free-text ground, where the paragraph numbers are not England's: 'information relating to an individual'."""
    report_of: RequiredText
    """Whose report it is: 'Andrew Carter, Director of Community and Children's Services'."""
    purpose: Literal["information", "decision"]
    """`information` or `decision`."""
    report_author: Text = ""
    """The 'Report author:' row; when left blank, built from the author block: 'Pat Dixon, Service Manager'."""
    corporate_plan_outcomes: list[RequiredText] = Field(default_factory=list)
    """Optional: the Corporate Plan outcomes the proposal aims to impact directly: ['People are safe and feel safe']."""
    extra_spending: bool | None = None
    """Optional: does the proposal require extra revenue and/or capital spending? (yes/no)"""
    spending_amount: Text = ""
    """Optional: if so, how much? '£25,000'."""
    funding_source: Text = ""
    """Optional: what is the source of funding? 'Local risk budget'."""
    funding_agreed: bool | None = None
    """Optional: has this funding source been agreed with the Chamberlain's Department? (yes/no)"""
    summary: list[Paragraph] = Field(min_length=1)
    """The Summary: unnumbered paragraphs, each a line starting '- '."""
    recommendations_lead_in: Text = ""
    """Optional: the line before the listed recommendations, unnumbered: 'Members are asked to:'."""
    recommendations: list[Paragraph] = Field(min_length=1)
    """What Members are asked to do: 'Members are asked to note the report.' Several (or any after a
    lead-in) are numbered or lettered."""
    recommendation_numbering: Literal["numbered", "lettered"] = "numbered"
    """How several recommendations are marked: `numbered` (1, 2, 3) or `lettered` (a, b, c)."""
    main_report: list[Section] = Field(min_length=1)
    """The Main Report's sections in order: Background, Current Position, Conclusion."""
    implications: dict[RequiredText, RequiredText] = Field(default_factory=dict)
    """Optional: the Corporate & Strategic Implications, heading -> text, or 'None' where there are none:
    {Strategic: ..., Financial: None}. The headings, their order and which are required come from the
    template's house format settings (report_templates/committee-cover.yaml)."""
    appendices: list[Appendix] = Field(default_factory=list)
    """Appendices, listed as 'Appendix 1 – title'."""
    background_papers: list[RequiredText] = Field(default_factory=list)
    """Background papers, one per line: 'Quality Assurance Framework December 2019.'"""
    author: Person
    """The author block that ends the report: name, job title, department, telephone, email."""
    template: Text = ""
    """Optional: the house format to build with, a folder of templates: 'city-current' or 'example-borough'
    (looked for in the --templates folder, then report_templates/). Blank: the default format."""

    @field_validator("exempt_paragraphs")
    @classmethod
    def _paragraph_numbers(cls, value: list[int]) -> list[int]:
        return _schedule_12a_numbers(value)

    @field_validator("template")
    @classmethod
    def _format_name(cls, value: str) -> str:
        if value and not _FORMAT_NAME.match(value):
            raise rule_error("expected the name of a house format folder such as 'example-borough' (letters, "
                             "digits, '-', '_'; no path), got " + repr(value[:40]))
        return value

    @model_validator(mode="after")
    def _non_public_cites_schedule_12a(self) -> "CoverReport":
        if self.access == "non-public" and not self.exempt_paragraphs:
            raise rule_error("a non-public report must cite its Schedule 12A paragraph number(s), "
                             "e.g. exempt_paragraphs: [1, 2]", "exempt_paragraphs")
        for name in ("exempt_paragraphs", "exempt_ground"):
            if self.access == "public" and getattr(self, name):
                where = ("; an exempt appendix cites its own paragraphs (appendices[N].exempt_paragraphs)"
                         if self.exempt_appendices else "")
                raise rule_error(f"{name} applies only to a non-public report, and this one is public: "
                                 f"set `access: non-public`, or delete {name}{where}", name)
        return self

    def own_appendices(self) -> list[Appendix]:
        """Its appendices, which an agenda packs after it (Appendix 1, 2 ...)."""
        return self.appendices

    def front_sheet_line(self) -> str:
        """What an agenda's front sheet says of it under its item's title: whose report, and for what."""
        purpose = "For Information" if self.purpose == "information" else "For Decision"
        return f"Report of {self.report_of}. {purpose}."

    @property
    def exempt_appendices(self) -> list[tuple[int, Appendix]]:
        """The non-public appendices and their numbers (Appendix 1, 2 ...)."""
        return [(n, a) for n, a in enumerate(self.appendices, start=1) if not a.public]

    @property
    def committees(self) -> list[str]:
        return [self.committee] if isinstance(self.committee, str) else list(self.committee)

    @property
    def title(self) -> str:
        return self.subject

    @property
    def author_line(self) -> str:
        if self.report_author:
            return self.report_author
        return ", ".join(p for p in (self.author.name, self.author.job_title, self.author.department) if p)
