"""Renders a committee covering report into `committee-cover.docx`."""

from __future__ import annotations

from typing import Any

from reportgen.model.common import short_date
from reportgen.model.cover import CoverReport
from reportgen.model.tables import TableItem
from reportgen.oxml.properties import DocumentProperties
from reportgen.render.ooxml import OoxmlWriter
from reportgen.render.tables import table_blocks

TEMPLATE = "committee-cover.docx"


def schedule_12a(paragraphs: list[int], ground: str = "") -> str:
    """'by virtue of paragraph(s) 3 of Part 1 of Schedule 12A of the Local Government Act 1972'."""
    numbers = ", ".join(str(n) for n in paragraphs)
    text = f"by virtue of paragraph(s) {numbers} of Part 1 of Schedule 12A of the Local Government Act 1972"
    return f"{text} ({ground})" if ground else text


def properties(report: CoverReport) -> DocumentProperties:
    return DocumentProperties(title=report.subject, author=report.author.name, date=report.dated,
                              subject=", ".join(report.committees))


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

    if len(report.recommendations) == 1 and not report.recommendations[0].items:
        recommendations = w.paragraph(report.recommendations[0].text)
    else:
        style = "List Number" if report.recommendation_numbering == "numbered" else "List Letter"
        listed = w.new_list(style)
        recommendations = "".join(
            w.list_item(r.text, listed) + "".join(w.list_item(i, listed, 1) for i in r.items)
            for r in report.recommendations)

    appendices = []
    for n, appendix in enumerate(report.appendices, start=1):
        label = f"Appendix {n} \u2013 {appendix.title}"
        if not appendix.public:
            label += f" (Non-Public: {schedule_12a(appendix.exempt_paragraphs)})"
        appendices.append(label)

    access = "Public"
    if report.access == "non-public":
        access = f"Non-Public: {schedule_12a(report.exempt_paragraphs, report.exempt_ground)}"

    def yes_no(value: bool | None) -> str:
        return "" if value is None else ("Y" if value else "N")

    return {
        "committee": ", ".join(report.committees),
        "committees": report.committees,
        "dated": short_date(report.dated),
        "subject": report.subject,
        "access": access,
        "public": report.access == "public",
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
