"""Renders a committee covering report into `committee-cover.docx`."""

from __future__ import annotations

import difflib
from typing import Any

from reportgen.errors import Problem
from reportgen.model.common import long_date, short_date
from reportgen.model.cover import CoverReport
from reportgen.model.tables import TableItem
from reportgen.oxml.properties import DocumentProperties
from reportgen.pipeline.render.house_format import house_format
from reportgen.pipeline.render.ooxml import OoxmlWriter
from reportgen.pipeline.render.tables import table_blocks
from reportgen.pipeline.render.template import WordTemplate



def schedule_12a(paragraphs: list[int], ground: str = "") -> str:
    """'by virtue of paragraph(s) 3 of Part 1 of Schedule 12A of the Local Government Act 1972'."""
    numbers = ", ".join(str(n) for n in paragraphs)
    text = f"by virtue of paragraph(s) {numbers} of Part 1 of Schedule 12A of the Local Government Act 1972"
    return f"{text} ({ground})" if ground else text


def properties(report: CoverReport) -> DocumentProperties:
    return DocumentProperties(title=report.subject, author=report.author.name, date=report.dated,
                              subject=", ".join(report.committees))


SHOWN_FIELDS = {"corporate_plan_outcomes": "corporate_plan_outcomes", "extra_spending": "extra_spending",
                "spending_amount": "spending_amount", "funding_source": "funding_source",
                "funding_agreed": "funding_agreed", "implications": "implications",
                "exempt_appendices": "exempt_citations"}
"""Optional content fields and the template tag that shows each: a template without the tag cannot show it."""


def access_cell(report: CoverReport) -> str:
    """The header's access cell, as councils write it."""
    if report.access == "non-public":
        return f"Non-Public: {schedule_12a(report.exempt_paragraphs, report.exempt_ground)}"
    if report.exempt_appendices:
        return "Public report; Non-Public " + ("appendix" if len(report.exempt_appendices) == 1 else "appendices")
    return "Public"


def exempt_citations(report: CoverReport) -> list[str]:
    """The line under the header for each non-public appendix."""
    return [f"Non-Public: Appendix {n} \u2013 {schedule_12a(a.exempt_paragraphs, a.exempt_ground)}"
            for n, a in report.exempt_appendices]


def template_problems(report: CoverReport, template: WordTemplate) -> list[Problem]:
    """What the report asks of its template that the template's house format does not have.

    Errors: an implications heading the house format does not list. Warnings: a heading it requires
    that the report leaves out; an optional field the template has nowhere to show."""
    problems = []
    settings = house_format(template.path)
    implications = settings.implications if settings else None
    if report.implications and implications is None:
        problems.append(Problem(f"the template {template.name} has no implications headings (its settings file "
                                f"{template.path.with_suffix('.yaml').name} lists none): use a house format "
                                "that has them (template:), or delete implications",
                                report.where("implications"), "implications"))
    if implications is not None:
        known = list(implications.headings)
        for name in report.implications:
            if name not in implications.headings:
                close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(Problem(f"expected one of the template's implications headings ({', '.join(known)}),"
                                        f" got {name!r}{hint}", report.where("implications", name),
                                        f"implications.{name}"))
        if report.implications or report.purpose == "decision":
            missing = [name for name in implications.required if name not in report.implications]
            if missing:
                problems.append(Problem(f"the house format requires the implications heading(s) "
                                        f"{', '.join(missing)}: give each its text, or 'None'",
                                        report.where("implications") if report.implications else report.where(),
                                        "implications", "warning", "implications-missing"))
    shown = template.variables()
    for field, tag in SHOWN_FIELDS.items():
        value = getattr(report, field)
        if value not in (None, "", [], {}) and tag not in shown:
            problems.append(Problem(f"the template {template.name} has no place for {field}: it is left out of "
                                    "the document; use a house format that shows it (template:)",
                                    report.where(field if field != "exempt_appendices" else "appendices"),
                                    field if field != "exempt_appendices" else "appendices", "warning",
                                    "template-field"))
    return problems


def context(report: CoverReport, w: OoxmlWriter) -> dict[str, Any]:
    """The values and blocks `committee-cover.docx` uses."""
    w.resolve_stat = report.shown  # [[table.row.column]] in text: a cell of a named table
    main = []
    numbered = w.new_list("Numbered Paragraph")  # one run of numbers across every section
    tables = 0
    for section in report.main_report:
        main.append(w.heading(section.heading, 2))
        for para in section.paragraphs:
            if isinstance(para, TableItem):  # a table is numbered 'Table N', not as a paragraph
                tables += 1
                main.extend(table_blocks(w, report, para.table, tables))
                continue
            main.append(w.list_item(para.text, numbered, 0))
            main.extend(w.list_item(item, numbered, 1) for item in para.items)

    # the implications carry on the Main Report's numbering, in the house format's order and words
    implications = []
    settings = house_format(w.template.path)
    if report.implications and settings is not None and settings.implications is not None:
        implications.append(w.heading(settings.implications.heading, 2))
        for name, label in settings.implications.headings.items():
            if name in report.implications:
                implications.append(w.list_item(settings.implications.separator + report.implications[name],
                                                numbered, lead=label))

    listed_recommendations = bool(report.recommendations_lead_in) or len(report.recommendations) > 1 \
        or bool(report.recommendations[0].items)
    recommendations = w.paragraph(report.recommendations_lead_in) if report.recommendations_lead_in else ""
    if not listed_recommendations:
        recommendations = w.paragraph(report.recommendations[0].text)
    else:
        style = "List Number" if report.recommendation_numbering == "numbered" else "List Letter"
        listed = w.new_list(style)
        recommendations += "".join(
            w.list_item(r.text, listed) + "".join(w.list_item(i, listed, 1) for i in r.items)
            for r in report.recommendations)

    appendices = []
    for n, appendix in enumerate(report.appendices, start=1):
        label = f"Appendix {n} \u2013 {appendix.title}"
        if not appendix.public:
            label += " (Non-Public)"
        appendices.append(label)

    def yes_no(value: bool | None) -> str:
        return "" if value is None else ("Y" if value else "N")

    return {
        "committee": ", ".join(report.committees),
        "committees": report.committees,
        "dated": short_date(report.dated),
        "subject": report.subject,
        "dated_long": long_date(report.dated),
        "access": access_cell(report),
        "public": report.access == "public",
        "exempt_citations": w.block(*(w.paragraph(line) for line in exempt_citations(report))),
        "report_of": report.report_of,
        "purpose": "For Information" if report.purpose == "information" else "For Decision",
        "report_author": report.author_line,
        "corporate_plan_outcomes": "\n".join(report.corporate_plan_outcomes),
        "extra_spending": yes_no(report.extra_spending),
        "spending_amount": report.spending_amount,
        "funding_source": report.funding_source,
        "funding_agreed": yes_no(report.funding_agreed),
        "has_corporate_rows": bool(report.corporate_plan_outcomes or report.extra_spending is not None
                                   or report.spending_amount or report.funding_source
                                   or report.funding_agreed is not None),
        "recommendation_count": len(report.recommendations),
        # a summary paragraph's sub-items are lettered a, b, c under it, as in the Main Report
        "summary": w.block(*(w.paragraph(p.text) + (w.list_items(p.items, "List Letter") if p.items else "")
                             for p in report.summary)),
        "recommendations": w.block(recommendations),
        "main_report": w.block(*main),
        "implications": w.block(*implications),
        "appendices": w.block(w.list_items(appendices, "List Bullet")) if appendices else "",
        "background_papers": w.block(*(w.paragraph(p) for p in report.background_papers)),
        "author": {
            "name": report.author.name,
            "job_title": report.author.job_title,
            "department": report.author.department,
            "telephone": report.author.telephone,
            "email": report.author.email,
        },
    }
