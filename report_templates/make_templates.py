"""Regenerates the factory Word templates in report_templates/ (run `make templates`).

The templates are the house format: every look (fonts, spacing, numbering, margins, header and
footer) is set here once, in Word styles, so that the reviewable recipe and the .docx agree.
After this, clerks restyle the templates in Word; reportgen only refers to styles by name.
"""

from __future__ import annotations

import functools
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from reportgen.oxml.package import pack, read_parts

HERE = Path(__file__).resolve().parent
FONT = "Arial"
TEXT = RGBColor(0, 0, 0)
MUTED = RGBColor(0x59, 0x59, 0x59)  # 7:1 on white: passes WCAG AA for small text

# Numbering definitions, one per kind of list. lvlText is what Word shows before the item.
BULLET, DECIMAL, LETTER, PARAGRAPH = 1, 2, 3, 4
NUMBERING = {
    BULLET: [("bullet", "\u2022", 720), ("bullet", "\u2013", 1440), ("bullet", "\u25e6", 2160)],
    DECIMAL: [("decimal", "%1.", 720), ("lowerLetter", "%2)", 1440), ("lowerRoman", "%3.", 2160)],
    LETTER: [("lowerLetter", "(%1)", 720), ("lowerRoman", "%2.", 1440), ("decimal", "%3.", 2160)],
    PARAGRAPH: [("decimal", "%1.", 567), ("lowerLetter", "%2)", 1134), ("lowerRoman", "%3.", 1701)],
}
LIST_STYLES = {  # style name -> (numbering, level)
    "List Bullet": (BULLET, 0), "List Bullet 2": (BULLET, 1), "List Bullet 3": (BULLET, 2),
    "List Number": (DECIMAL, 0), "List Number 2": (DECIMAL, 1), "List Number 3": (DECIMAL, 2),
    "List Letter": (LETTER, 0), "Numbered Paragraph": (PARAGRAPH, 0),
}


def _set_font(rpr_parent, size: float | None = None, bold: bool | None = None, color: RGBColor | None = TEXT,
              italic: bool | None = None) -> None:
    font = rpr_parent.font
    font.name = FONT
    rfonts = rpr_parent.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:cs"), FONT)
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if color is not None:
        font.color.rgb = color
        font.color.theme_color = None


def house_styles(doc) -> None:
    """Arial 12 body, black headings, British English, list styles with their own numbering."""
    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for lang in rpr.findall(qn("w:lang")):
        rpr.remove(lang)
    rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="en-GB" w:eastAsia="en-GB" w:bidi="ar-SA"/>'))
    for fonts in rpr.findall(qn("w:rFonts")):
        rpr.remove(fonts)
    rpr.insert(0, parse_xml(f'<w:rFonts {nsdecls("w")} w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'))

    normal = styles["Normal"]
    _set_font(normal, 12)
    normal.paragraph_format.space_after = Pt(8)
    normal.paragraph_format.line_spacing = 1.15
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT

    for level, size in ((1, 16), (2, 14), (3, 13), (4, 12)):
        style = styles[f"Heading {level}"]
        _set_font(style, size, bold=True, italic=False)
        style.paragraph_format.space_before = Pt(18 if level == 1 else 12)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    title = styles["Title"]
    _set_font(title, 26, bold=True)
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    title.paragraph_format.space_after = Pt(12)
    subtitle = styles["Subtitle"]
    _set_font(subtitle, 16, italic=False, color=MUTED)
    for name in ("Header", "Footer"):
        _set_font(styles[name], 10, color=MUTED)
    quote = styles["Quote"]
    _set_font(quote, 12, italic=False)
    quote.paragraph_format.left_indent = Cm(1.27)
    quote.paragraph_format.right_indent = Cm(1.27)
    caption = styles["Caption"]
    _set_font(caption, 11, bold=True)
    caption.paragraph_format.space_after = Pt(12)
    caption.paragraph_format.space_before = Pt(12)  # a caption after a table stands clear of it
    for name in ("Strong", "Emphasis"):
        _set_font(styles[name], None, color=None)

    _numbering(doc)
    for name, (num_id, level) in LIST_STYLES.items():
        style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.quick_style = True
        ppr = style.element.get_or_add_pPr()
        for old in ppr.findall(qn("w:numPr")) + ppr.findall(qn("w:ind")):
            ppr.remove(old)
        num = parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
        ppr.insert(0, num)
        style.paragraph_format.space_after = Pt(6)

    _table_styles(doc)


HEADER_FILL = "DEEAF6"  # pale blue behind black text: 15:1, and it prints in greyscale


def _table_styles(doc) -> None:
    """'Report Table': the house table. Its header row is bold on a pale fill with a rule below, a Total
    row (the last row, when a table has one) bold with a rule above; 'Table Text' and 'Table Number'
    (right-aligned, so figures line up) are the paragraphs in its cells."""
    styles = doc.styles
    table = styles.add_style("Report Table", WD_STYLE_TYPE.TABLE)
    table.base_style = styles["Table Grid"]
    _set_font(table, 11)
    table.quick_style = True
    element = table.element
    margins = parse_xml(f'<w:tblPr {nsdecls("w")}><w:tblCellMar><w:top w:w="40" w:type="dxa"/>'
                        '<w:left w:w="100" w:type="dxa"/><w:bottom w:w="40" w:type="dxa"/>'
                        '<w:right w:w="100" w:type="dxa"/></w:tblCellMar></w:tblPr>')
    existing = element.find(qn("w:tblPr"))
    if existing is None:
        element.append(margins)
    else:
        existing.append(margins[0])
    for kind, rule in (("firstRow", "bottom"), ("lastRow", "top"), ("lastCol", None)):
        fill = f'<w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/>' if kind == "firstRow" else ""
        border = f'<w:tcBorders><w:{rule} w:val="single" w:sz="12" w:space="0" w:color="000000"/></w:tcBorders>' \
            if rule else ""
        element.append(parse_xml(
            f'<w:tblStylePr {nsdecls("w")} w:type="{kind}"><w:rPr><w:b/><w:bCs/></w:rPr>'
            f'<w:tcPr>{border}{fill}</w:tcPr></w:tblStylePr>'))
    for name, align in (("Table Text", WD_ALIGN_PARAGRAPH.LEFT), ("Table Number", WD_ALIGN_PARAGRAPH.RIGHT)):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        _set_font(style, 11)
        style.paragraph_format.space_before = Pt(0)
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.line_spacing = 1.0
        style.paragraph_format.alignment = align


def _numbering(doc) -> None:
    numbering = doc.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    for num_id, levels in NUMBERING.items():
        xml = [f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{num_id}"><w:multiLevelType w:val="multilevel"/>']
        for lvl in range(9):
            fmt, text, indent = levels[min(lvl, len(levels) - 1)]
            indent += 720 * max(0, lvl - len(levels) + 1)
            hanging = 567 if num_id in (PARAGRAPH, LETTER) and fmt != "bullet" else 360  # room for '(a)' 
            font = f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}"/></w:rPr>' if fmt == "bullet" else ""
            xml.append(f'<w:lvl w:ilvl="{lvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                       f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                       f'<w:pPr><w:ind w:left="{indent}" w:hanging="{hanging}"/></w:pPr>{font}</w:lvl>')
        xml.append("</w:abstractNum>")
        numbering.append(parse_xml("".join(xml)))
    for num_id in NUMBERING:
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/></w:num>'))


def page_setup(doc, header_text: str) -> None:
    """A4, 2.54 cm margins, the title in the header, 'Page N of M' in the footer."""
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.54))
    header = section.header.paragraphs[0]
    header.text = header_text
    header.style = doc.styles["Header"]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _draft_line(section.header)
    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["Footer"]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES", "1")


def _draft_line(header) -> None:
    """A `reportgen build --draft` shows 'DRAFT – date – revision' at the top of every page; a build without none."""
    for text in ("{%p if draft %}", "{{ draft.line }}", "{%p endif %}"):
        paragraph = header.add_paragraph(style="Header")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(text)
        run.bold = text.startswith("{{")


def _field(paragraph, instruction: str, shown: str) -> None:
    for xml in (f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>',
                f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>',
                f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
                f'<w:r {nsdecls("w")}><w:t>{shown}</w:t></w:r>',
                f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'):
        paragraph._p.append(parse_xml(xml))


def _column_widths(table, widths) -> None:
    """Widths on the grid (LibreOffice reads it) and on every cell (Word reads those)."""
    table.autofit = False
    for grid_col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        grid_col.set(qn("w:w"), str(width.twips))
    for column, width in zip(table.columns, widths):
        for cell in column.cells:
            cell.width = width


def _label(cell, text: str) -> None:
    run = cell.paragraphs[0].add_run(text)
    run.bold = True


def _row_tag(table, tag: str) -> None:
    row = table.add_row()
    row.cells[0].paragraphs[0].add_run(tag)


def _clean(doc, title: str = "Report template") -> None:
    """Core properties that say nothing about who made the template or where; a title and language,
    so the template itself passes `reportgen check` (a build replaces both from the content)."""
    props = doc.core_properties
    props.author = ""
    props.last_modified_by = ""
    props.comments = ""
    props.title = title
    props.language = "en-GB"
    props.keywords = ""
    props.revision = 1


def _blank_template(header: str, description: str = "Report template") -> Document:
    """A document in house styles and page setup, with `header` in its header and an empty body."""
    doc = Document()
    _clean(doc, description)
    house_styles(doc)
    page_setup(doc, header)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    return doc


# --- committee covering reports: one recipe, a house format per council -------------------------------
#
# A format is a folder of templates: the factory folder holds the City's 2020 format (the seed's grid);
# city-current/ the City's current one; example-borough/ a second, made-up council's. Each template's
# settings (its implications headings) sit beside it in a .yaml file of the same name.

N_A = "N/A"


@dataclass
class CoverFormat:
    """What differs between councils' covering reports: grid rows and widths, fonts, numbering, header."""

    folder: str
    description: str
    grid: list[tuple[str, ...]]
    """Rows of label, value pairs (labels bold); a row that starts with '{%tr' is a condition row."""
    widths: tuple[float, ...]
    settings: str
    font: str = "Arial"
    heading_colour: RGBColor = TEXT
    numbered_sections: bool = False
    """Number Main Report sub-headings 1., 2. and their paragraphs 1.1, 1.2 (instead of 1, 2, 3 throughout)."""
    logo: str = ""
    """Alt text of a logo placeholder picture in the page header ('' for none)."""
    header_text: str = "{{ subject }}"


def _refont(doc, font: str) -> None:
    """Every font the styles and list numbering name becomes `font` (a council with another typeface)."""
    for part in (doc.styles.element, doc.part.numbering_part.element):
        for fonts in part.iter(qn("w:rFonts")):
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                if fonts.get(qn(attr)) is not None:
                    fonts.set(qn(attr), font)


def _grid(doc, fmt: CoverFormat) -> None:
    """The header grid: label/value pairs, labels bold, marked as a grid whose first column holds
    headers (Word's Table Design > First Column; no Header Row) so each value is read with its label."""
    columns = len(fmt.widths)
    table = doc.add_table(rows=0, cols=columns)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for values in fmt.grid:
        if values[0].startswith("{%tr"):
            _row_tag(table, values[0])
            continue
        row = table.add_row()
        for i, (cell, value) in enumerate(zip(row.cells, values)):
            if i % 2 == 0:
                _label(cell, value)
            else:
                for n, line in enumerate(value.split("\n")):
                    paragraph = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
                    paragraph.add_run(line)
    _column_widths(table, tuple(Cm(w) for w in fmt.widths))
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblLook")):
        tbl_pr.remove(old)
    tbl_pr.append(parse_xml(f'<w:tblLook {nsdecls("w")} w:val="0080" w:firstRow="0" w:lastRow="0" '
                            'w:firstColumn="1" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'))
    tbl_pr.append(parse_xml(f'<w:tblCaption {nsdecls("w")} w:val="Report details"/>'))
    tbl_pr.append(parse_xml(f'<w:tblDescription {nsdecls("w")} w:val="Each label is followed by its value."/>'))


def _logo_png(text: str) -> bytes:
    """A placeholder logo: a grey box saying what goes there (the council puts its own in, in Word)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure = pyplot.figure(figsize=(1.6, 0.6), dpi=100)
    figure.patch.set_facecolor("#E7E6E6")
    figure.text(0.5, 0.5, text, ha="center", va="center", fontsize=9, color="#262626", family="DejaVu Sans")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor=figure.get_facecolor(), metadata={"Software": None})
    pyplot.close(figure)
    return buffer.getvalue()


def _header_logo(doc, alt: str) -> None:
    """The logo placeholder first in the page header, inline (read in order), with alt text."""
    header = doc.sections[0].header
    paragraph = header.paragraphs[0].insert_paragraph_before(style="Header")
    run = paragraph.add_run()
    run.add_picture(io.BytesIO(_logo_png("Council logo")), width=Cm(3.2))
    doc_pr = run._r.find(".//" + qn("wp:docPr"))
    doc_pr.set("descr", alt)
    doc_pr.set("name", "Logo placeholder")


def _section_numbering(doc) -> None:
    """Sub-headings numbered 1., 2. (Heading 2) with their paragraphs 1.1, 1.2 (Numbered Paragraph): one
    list, so a paragraph's number restarts under each heading; its sub-items are lettered (a), (b)."""
    numbering = doc.part.numbering_part.element
    abstract, num = 9, 9
    levels = [("decimal", "%1.", 0, 567), ("decimal", "%1.%2", 567, 567), ("lowerLetter", "(%3)", 1134, 567)]
    xml = [f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract}"><w:multiLevelType w:val="multilevel"/>']
    for lvl in range(9):
        fmt, text, left, hanging = levels[min(lvl, 2)]
        xml.append(f'<w:lvl w:ilvl="{lvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                   f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                   f'<w:pPr><w:ind w:left="{left + hanging}" w:hanging="{hanging}"/></w:pPr></w:lvl>')
    xml.append("</w:abstractNum>")
    first_num = numbering.find(qn("w:num"))
    first_num.addprevious(parse_xml("".join(xml)))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num}"><w:abstractNumId w:val="{abstract}"/></w:num>'))
    for name, level in (("Heading 2", 0), ("Numbered Paragraph", 1)):
        ppr = doc.styles[name].element.get_or_add_pPr()
        for old in ppr.findall(qn("w:numPr")) + ppr.findall(qn("w:ind")):
            ppr.remove(old)
        ppr.insert(0, parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>'))


def cover_template(fmt: "CoverFormat | None" = None) -> Document:
    """committee-cover.docx: header grid, Summary, Recommendation(s), Main Report, Appendices, author."""
    fmt = fmt or COVER_FORMATS[0]
    doc = _blank_template(fmt.header_text, fmt.description)
    if fmt.font != FONT:
        _refont(doc, fmt.font)
    for level in (1, 2, 3, 4):
        doc.styles[f"Heading {level}"].font.color.rgb = fmt.heading_colour
    if fmt.logo:
        _header_logo(doc, fmt.logo)
    if fmt.numbered_sections:
        _section_numbering(doc)

    _grid(doc, fmt)
    # a public report's non-public appendices are cited under the grid
    doc.add_paragraph("{%p if exempt_citations %}")
    doc.add_paragraph("{{p exempt_citations }}")
    doc.add_paragraph("{%p endif %}")

    def heading(text: str) -> None:
        doc.add_paragraph(text, style="Heading 1")

    heading("Summary")
    doc.add_paragraph("{{p summary }}")
    heading("{{ 'Recommendations' if recommendation_count > 1 else 'Recommendation' }}")
    doc.add_paragraph("{{p recommendations }}")
    heading("Main Report")
    doc.add_paragraph("{{p main_report }}")
    doc.add_paragraph("{%p if implications %}")
    doc.add_paragraph("{{p implications }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if appendices %}")
    heading("Appendices")
    doc.add_paragraph("{{p appendices }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if background_papers %}")
    heading("Background Papers")
    doc.add_paragraph("{{p background_papers }}")
    doc.add_paragraph("{%p endif %}")
    author = doc.add_paragraph("{{ author.name }}")
    author.paragraph_format.space_before = Pt(24)
    doc.add_paragraph("{{ author.job_title }}")
    for field, prefix in (("department", ""), ("telephone", "T: "), ("email", "E: ")):
        doc.add_paragraph(f"{{%p if author.{field} %}}")
        doc.add_paragraph(f"{prefix}{{{{ author.{field} }}}}")
        doc.add_paragraph("{%p endif %}")
    return doc


def _optional_row(field: str, label: str, value: str) -> list[tuple[str, ...]]:
    return [(f"{{%tr if {field} %}}",), (label, value), ("{%tr endif %}",)]


CITY_IMPLICATIONS = ("Strategic", "Financial", "Resource", "Legal", "Risk", "Equalities", "Climate", "Security")
CITY_SETTINGS = """\
# House format settings for committee-cover.docx beside this file ({council}).
# Written by report_templates/make_templates.py; edit them here (or there, and run `make templates`).
council: {council}
implications:
  # the Main Report's last sub-heading, its paragraphs numbered on from the Main Report's
  heading: Corporate & Strategic Implications
  # each heading a report may give under `implications:`, and the bold label its paragraph starts with
  headings:
{headings}
  separator: " \u2013 "
  # `reportgen check` warns when a For Decision report (or one with implications) leaves one out
  required: [{required}]
"""


def _city_settings(council: str, required: tuple[str, ...]) -> str:
    headings = "\n".join(f"    {name}: {name} implications" for name in CITY_IMPLICATIONS)
    return CITY_SETTINGS.format(council=council, headings=headings, required=", ".join(required))


QUESTIONS = [
    ("corporate_plan_outcomes",
     "Which outcomes in the City Corporation's Corporate Plan does this proposal aim to impact directly?"),
    ("extra_spending", "Does this proposal require extra revenue and/or capital spending?"),
    ("spending_amount", "If so, how much?"),
    ("funding_source", "What is the source of Funding?"),
    ("funding_agreed", "Has this Funding Source been agreed with the Chamberlain's Department?"),
]

COVER_FORMATS = [
    CoverFormat(
        "", "Committee covering report (City of London Corporation, 2020)",
        grid=[("{{ 'Committees:' if committees|length > 1 else 'Committee:' }}", "{{ committee }}", "Dated:", "{{ dated }}"),
              ("Subject:", "{{ subject }}", "", "{{ access }}"),
              ("Report of:", "{{ report_of }}", "", "{{ purpose }}"),
              ("Report author:", "{{ report_author }}", "", "")],
        widths=(3.4, 7.6, 2.0, 3.0),
        settings=_city_settings("City of London Corporation (the 2020 template)", ())),
    CoverFormat(
        "city-current", "Committee covering report (City of London Corporation, current template)",
        grid=[("Committee(s):", "{{ committee }}", "Dated:", "{{ dated }}"),
              ("Subject:", "{{ subject }}", "", "{{ access }}"),
              *[(label, f"{{{{ {field} or '{N_A}' }}}}", "", "") for field, label in QUESTIONS],
              ("Report of:", "{{ report_of }}", "", "{{ purpose }}"),
              ("Report author:", "{{ report_author }}", "", "")],
        widths=(5.6, 5.1, 2.0, 3.3),
        settings=_city_settings("City of London Corporation (the current template)", CITY_IMPLICATIONS)),
    CoverFormat(
        "example-borough", "Committee report (EXAMPLE: Example Borough Council, a made-up council's format)",
        grid=[("Report to:", "{{ committee }}"),
              ("Date of meeting:", "{{ dated_long }}"),
              ("Report title:", "{{ subject }}"),
              ("Report by:", "{{ report_of }}"),
              ("Contact officer:", "{{ report_author }}"),
              ("Status:", "{{ access }}"),
              ("Purpose:", "{{ purpose }}"),
              *_optional_row("corporate_plan_outcomes", "Council Plan priorities:", "{{ corporate_plan_outcomes }}"),
              *_optional_row("extra_spending", "Extra spending needed?", "{{ extra_spending }}"),
              *_optional_row("spending_amount", "Amount:", "{{ spending_amount }}"),
              *_optional_row("funding_source", "Funded from:", "{{ funding_source }}"),
              *_optional_row("funding_agreed", "Funding agreed with the Section 151 Officer?", "{{ funding_agreed }}")],
        widths=(5.5, 10.5),
        font="Verdana", heading_colour=RGBColor(0x1F, 0x38, 0x64), numbered_sections=True,
        logo="Example Borough Council logo (placeholder)",
        header_text="Example Borough Council \u2013 {{ subject }}",
        settings="""\
# House format settings for committee-cover.docx beside this file.
# EXAMPLE: Example Borough Council is a made-up council; its format shows that another council's
# house format is a template and this file, not code. Written by report_templates/make_templates.py.
council: Example Borough Council (example)
implications:
  heading: Implications
  headings:
    Financial: Financial
    Legal: Legal
    Risk: Risk management
    Equalities: Equality and diversity
    Climate: Climate and environment
    Health and Wellbeing: Health and wellbeing
    Strategic: Council Plan
    Resource: Staffing
    Security: Community safety
  separator: ": "
  required: [Financial, Legal, Equalities]
"""),
]


def _toc_styles(doc) -> None:
    """'toc 1' to 'toc 3' (Word's own names, so Word uses them when it updates the table of contents)."""
    styles = doc.styles
    for level in (1, 2, 3):
        name = f"toc {level}"
        style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.next_paragraph_style = styles["Normal"]
        style.paragraph_format.left_indent = Cm(0.5 * (level - 1))
        style.paragraph_format.space_after = Pt(3 if level > 1 else 6)
        style.paragraph_format.tab_stops.add_tab_stop(Cm(15.9), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        style.font.bold = level == 1


def _update_fields_on_open(doc) -> None:
    """Ask Word (and LibreOffice) to refresh fields, the table of contents among them, when the file opens."""
    settings = doc.settings.element
    update = parse_xml(f'<w:updateFields {nsdecls("w")} w:val="true"/>')
    # the schema orders settings: updateFields comes before these
    for later in ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids"):
        found = settings.find(qn(later))
        if found is not None:
            found.addprevious(update)
            return
    settings.append(update)


def _field_paragraph(doc, *runs: str) -> None:
    paragraph = doc.add_paragraph()
    for xml in runs:
        paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}>{xml}</w:r>'))


def annual_template() -> Document:
    """annual-qa-report.docx: title page, table of contents, the report's body, the author's sign-off."""
    doc = Document()
    _clean(doc, "Annual Quality Assurance report")
    house_styles(doc)
    _toc_styles(doc)
    styles = doc.styles
    styles["Caption"].paragraph_format.keep_with_next = True  # a caption sits above its figure
    figure = styles.add_style("Figure", WD_STYLE_TYPE.PARAGRAPH)
    figure.base_style = styles["Normal"]
    figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    figure.quick_style = True
    continued = styles["List Continue"] if "List Continue" in [s.name for s in styles] \
        else styles.add_style("List Continue", WD_STYLE_TYPE.PARAGRAPH)
    continued.base_style = styles["Normal"]  # a paragraph that carries a bullet on, aligned with its text
    continued.paragraph_format.left_indent = Cm(1.27)
    continued.paragraph_format.space_after = Pt(6)
    placeholder = styles.add_style("Figure Placeholder", WD_STYLE_TYPE.PARAGRAPH)
    placeholder.base_style = styles["Normal"]
    placeholder.quick_style = True
    ppr = placeholder.element.get_or_add_pPr()
    ppr.append(parse_xml(
        f'<w:pBdr {nsdecls("w")}>' + "".join(
            f'<w:{side} w:val="dashed" w:sz="8" w:space="6" w:color="000000"/>'
            for side in ("top", "left", "bottom", "right")) + "</w:pBdr>"))
    ppr.append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="F2F2F2"/>'))
    _update_fields_on_open(doc)
    page_setup(doc, "{{ title }}")
    doc.sections[0].different_first_page_header_footer = True  # no header or page number on the title page
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)

    title = doc.add_paragraph("{{ title }}", style="Title")
    title.paragraph_format.space_before = Pt(120)
    for field in ("service", "period"):
        doc.add_paragraph(f"{{%p if {field} %}}")
        doc.add_paragraph(f"{{{{ {field} }}}}", style="Subtitle")
        doc.add_paragraph("{%p endif %}")
    doc.add_page_break()
    doc.add_paragraph("Contents", style="TOC Heading")
    # The table of contents: a TOC field over Heading 1-3. reportgen writes its entries at build time
    # (without page numbers); Word and LibreOffice recompute them, page numbers included, on opening.
    _field_paragraph(doc, '<w:fldChar w:fldCharType="begin"/>',
                     '<w:instrText xml:space="preserve"> TOC \\o "1-3" \\h \\z \\u </w:instrText>',
                     '<w:fldChar w:fldCharType="separate"/>')
    doc.add_paragraph("{{p contents }}")
    _field_paragraph(doc, '<w:fldChar w:fldCharType="end"/>')
    doc.add_page_break()
    doc.add_paragraph("{{p body }}")
    signed = doc.add_paragraph("{{ author.name }}")
    signed.paragraph_format.space_before = Pt(24)
    doc.add_paragraph("{{ author.job_title }}")
    doc.add_paragraph("{{ date }}")
    return doc


def agenda_template() -> Document:
    """agenda.docx: the agenda pack's front sheet: committee, date, time, venue, members, items in order."""
    doc = _blank_template("{{ committee }}: agenda, {{ date }}")
    doc.add_paragraph("{{ committee }}", style="Title")
    doc.add_paragraph("Agenda", style="Subtitle")
    for label, value in (("Date", "{{ date }}"), ("Time", "{{ time }}"), ("Venue", "{{ venue }}")):
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    doc.add_paragraph("{%p if members %}")
    doc.add_paragraph("Members", style="Heading 1")
    doc.add_paragraph("{{p members }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if enquiries %}")
    paragraph = doc.add_paragraph()
    paragraph.add_run("Enquiries: ").bold = True
    paragraph.add_run("{{ enquiries }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("Items of Business", style="Heading 1")
    doc.add_paragraph("{{p items }}")
    return doc


def action_plan_template() -> Document:
    """action-plan.docx: every recommendation across reports in one table (`reportgen actions -o`)."""
    doc = _blank_template("{{ title }}")
    doc.add_paragraph("{{ title }}", style="Title")
    doc.add_paragraph("{{ count }} recommendation(s), with their status, owner and due date.")
    doc.add_paragraph("{{p actions }}")
    return doc


TEMPLATES = {"committee-cover.docx": cover_template, "annual-qa-report.docx": annual_template,
             "agenda.docx": agenda_template, "action-plan.docx": action_plan_template,
             **{f"{fmt.folder}/committee-cover.docx": functools.partial(cover_template, fmt)
                for fmt in COVER_FORMATS if fmt.folder}}
SETTINGS = {(f"{fmt.folder}/" if fmt.folder else "") + "committee-cover.yaml": fmt.settings for fmt in COVER_FORMATS}
"""Each template's house format settings, written beside it."""


def main(names: list[str]) -> None:
    for name, make in TEMPLATES.items():
        if names and name not in names:
            continue
        # repacked with fixed zip times, so the same recipe always gives the same bytes (and
        # branches that both regenerate a template do not conflict)
        buffer = io.BytesIO()
        make().save(buffer)
        (HERE / name).parent.mkdir(exist_ok=True)
        (HERE / name).write_bytes(pack(read_parts(buffer.getvalue())))
        print(f"wrote {HERE / name}")
        settings = SETTINGS.get(name[:-len(".docx")] + ".yaml")
        if settings:
            (HERE / name).with_suffix(".yaml").write_text(settings, encoding="utf-8")
            print(f"wrote {(HERE / name).with_suffix('.yaml')}")


if __name__ == "__main__":
    main(sys.argv[1:])
