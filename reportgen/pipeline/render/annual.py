"""Renders an annual Quality Assurance report into `annual-qa-report.docx`: contents, sections, findings, figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reportgen.model.annual import AnnualReport, Figure, FigureItem, KeyFindings, Recommendation, Section
from reportgen.model.tables import Table, TableItem
from reportgen.oxml import xml
from reportgen.oxml.properties import DocumentProperties
from reportgen.pipeline.render import charts
from reportgen.pipeline.render.ooxml import OoxmlWriter
from reportgen.pipeline.render.tables import table_blocks


CONTENTS_LEVELS = 3
"""Headings down to this level are listed in the table of contents (the template's TOC field says the same)."""


def properties(report: AnnualReport) -> DocumentProperties:
    return DocumentProperties(title=report.title, author=report.author.name, date=report.date,
                              subject=report.service)


def context(report: AnnualReport, w: OoxmlWriter) -> dict[str, Any]:
    """The values and blocks `annual-qa-report.docx` uses."""
    w.resolve_stat = report.statistic_text
    body = ReportBody(w, report)
    body.heading("Introduction", 1)
    body.blocks(report.introduction)
    for section in report.sections:
        body.section(section)
    if report.action_plan:
        from reportgen.model.actions import annual_actions
        from reportgen.pipeline.render.actions import action_table

        body.heading("Action Plan", 1)
        body.out.append(action_table(w, annual_actions(report, ""), with_report=False))
    return {
        "title": report.title,
        "service": report.service,
        "period": report.period,
        "contents": w.block(*body.contents()),
        "body": w.block(*body.out),
        "author": {"name": report.author.name, "job_title": report.author.job_title},
        "date": report.signed,
        # each section's title and type, for a template that lists them (a council's own contents page)
        "sections": [{"title": s.title, "type": s.type} for s in report.sections],
    }


@dataclass
class Heading:
    """A heading written into the body, remembered for the table of contents."""

    text: str
    level: int
    bookmark: str


@dataclass
class ReportBody:
    """The report's body in document order: headings (bookmarked for the contents), paragraphs, lists, figures."""

    w: OoxmlWriter
    report: AnnualReport
    out: list[str] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    figures: int = 0
    tables: int = 0

    def heading(self, text: str, level: int) -> None:
        bookmark_id = self.w.bookmark_id()
        name = f"_Toc{bookmark_id}"
        self.headings.append(Heading(text, level, name))
        runs = xml.bookmark(bookmark_id, name, self.w.runs(text))
        self.out.append(xml.paragraph(runs, self.w.style_id(f"Heading {level}")))

    def paragraphs(self, texts: list[str], style: str = "Normal") -> None:
        self.out.extend(self.w.paragraph(t, style) for t in texts)

    def blocks(self, items: list[str | FigureItem | TableItem], style: str = "Normal") -> None:
        """Paragraphs, and the figures and tables standing among them, in order."""
        for item in items:
            if isinstance(item, FigureItem):
                self.figure(item.figure)
            elif isinstance(item, TableItem):
                self.table(item.table)
            else:
                self.out.append(self.w.paragraph(item, style))

    def table(self, table: Table) -> None:
        self.tables += 1
        self.out.extend(table_blocks(self.w, self.report, table, self.tables))

    def contents(self) -> list[str]:
        """The table of contents' entries, linked to their headings (Word adds page numbers when it updates)."""
        return [xml.paragraph(xml.internal_link(h.bookmark, self.w.runs(h.text)),
                              self.w.style_id(f"toc {h.level}"))
                for h in self.headings if h.level <= CONTENTS_LEVELS]

    # sections -----------------------------------------------------------------------------------
    def section(self, section: Section) -> None:
        self.heading(section.title, 1)
        if section.dates:
            self.out.append(self.w.paragraph(section.dates))
        self.blocks(section.narrative)
        for n, case in enumerate(section.cases, start=1):
            self.out.append(xml.paragraph(xml.run(f"Case {n} \u2013 ") + self.w.runs(case), self.w.style_id("Normal")))
        if section.quotes and self.out:
            # the paragraph that introduces the quotations stays on their page
            self.out[-1] = xml.keep_next(self.out[-1])
        self.paragraphs([q.text for q in section.quotes], "Quote")
        if section.key_findings is not None:
            self.key_findings(section.key_findings)
        if section.conclusion:
            self.heading("Conclusion", 2)
            self.blocks(section.conclusion)
        if section.recommendations:
            if not section.only_carried_over:  # a section of last year's recommendations is its own heading
                self.heading("Recommendations", 2)
            numbered = self.w.new_list("List Number")  # a list of its own: numbering restarts at 1
            for rec in section.recommendations:
                self.out.append(self.numbered(rec.text, numbered, _tracking(rec)))
        if section.outcome is not None:
            self.heading("Outcome", 2)
            self.blocks(section.outcome.paragraphs)
            if section.outcome.items:
                numbered = self.w.new_list("List Number")
                for item in section.outcome.items:
                    self.out.append(self.numbered(item.text, numbered, _answers(item.answers)))

    def numbered(self, text: str, in_list: Any, note: str = "") -> str:
        runs = self.w.runs(text) + (xml.run(f" ({note})") if note else "")
        return xml.paragraph(runs, in_list.style_id, extra_ppr=xml.num_pr(in_list.num_id, 0))

    def key_findings(self, findings: KeyFindings) -> None:
        self.heading("Key Findings", 2)
        for label, groups in (("Strengths", findings.strengths),
                              ("Areas for Development", findings.areas_for_development)):
            if not groups:
                continue
            self.heading(label, 3)
            for group in groups:
                if group.theme:  # no theme, no Heading 4: a level is never skipped or left empty
                    self.heading(group.theme, 4)
                bullets = self.w.new_list("List Bullet")
                for point in group.points:
                    self.out.append(self.w.list_item(point.text, bullets))
                    if point.quote:
                        self.out.append(self.w.paragraph(point.quote, "Quote"))
                    self.paragraphs(point.continued, "List Continue")
                self.blocks(group.closing)

    # figures ------------------------------------------------------------------------------------
    def figure(self, figure: Figure) -> None:
        """Caption 'Fig N ...' (a SEQ field, so Word renumbers), then the chart or a marked placeholder."""
        self.figures += 1
        caption = xml.run("Fig ") + xml.field("SEQ Figure \\* ARABIC", str(self.figures)) + self.w.runs(f" {figure.caption}")
        self.out.append(xml.paragraph(caption, self.w.style_id("Caption")))
        if figure.data_missing:
            runs = xml.run("Chart not available: ", bold=True) + self.w.runs(figure.data_missing)
            self.out.append(xml.paragraph(runs, self.w.style_id("Figure Placeholder")))
            return
        assert figure.chart is not None  # the model requires a chart when data is present
        data = self.report.figure_data(figure)
        drawn = charts.Drawing(data.kind, tuple(data.categories),  # type: ignore[arg-type]
                               tuple((name, tuple(values)) for name, values in data.series),
                               data.x_title, data.y_title, self.w.template.body_font)
        alt = figure.alt or charts.alt_text(drawn)
        width, height = charts.size_emu(xml.EMU_PER_INCH)
        picture = self.w.picture(charts.chart_png(drawn), alt, width, height)
        self.out.append(xml.paragraph(picture, self.w.style_id("Figure")))


def _tracking(rec: Recommendation) -> str:
    return "; ".join(p for p in (rec.id, rec.tracking) if p)


def _answers(answers: list[int | str]) -> str:
    if not answers:
        return ""
    names = [str(a) for a in answers]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"answers recommendation{'s' if len(names) > 1 else ''} {listed}"
