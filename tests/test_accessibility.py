"""Accessibility checks: each rule fails on a small bad document and passes on its corrected twin;
the factory templates and the seed reports pass; findings on content point at the content line."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pytest

from conftest import ROOT, reportgen
from reportgen.checks.accessibility import check_docx, check_parts, contrast_ratio
from reportgen.pipeline.build import check_one
from reportgen.errors import display_path
from reportgen.oxml import xml
from reportgen.oxml.package import pack, read_parts
from reportgen.oxml.properties import DocumentProperties, set_properties

TEMPLATE = ROOT / "report_templates" / "committee-cover.docx"
DOCUMENT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
            'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
            'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
            'xmlns:v="urn:schemas-microsoft-com:vml" '
            'xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative">'
            '<w:body>{body}<w:sectPr/></w:body></w:document>')


def document(body: str, *, title: str = "A test report", language: str = "en-GB") -> dict[str, bytes]:
    """The factory template's styles around `body` (WordprocessingML), with title and language set."""
    parts = read_parts(TEMPLATE)
    parts = {k: v for k, v in parts.items() if not k.startswith("word/header") and not k.startswith("word/footer")}
    parts["word/document.xml"] = DOCUMENT.format(body=body).encode("utf-8")
    parts["word/_rels/document.xml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
        b'"http://schemas.openxmlformats.org/package/2006/relationships"/>')
    return set_properties(parts, DocumentProperties(title, "Pat Dixon", _dt.date(2020, 2, 10), language))


def para(text: str, style: str | None = None, run_props: str = "") -> str:
    rpr = f"<w:rPr>{run_props}</w:rPr>" if run_props else ""
    return xml.paragraph(f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>', style)


def heading(text: str, level: int) -> str:
    return para(text, f"Heading{level}")


def link(text: str) -> str:
    return (f'<w:p><w:r><w:t xml:space="preserve">See </w:t></w:r><w:hyperlink r:id="rId99">'
            f'<w:r><w:rPr><w:u w:val="single"/><w:color w:val="0563C1"/></w:rPr><w:t>{text}</w:t></w:r>'
            f'</w:hyperlink></w:p>')


PICTURE = xml.picture("rId1", 7, "Picture 7", "ALT", 914400, 914400)
DECORATIVE = PICTURE.replace(
    'descr="ALT"/>', 'descr="ALT"><a:extLst><a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}">'
                  '<adec:decorative val="1"/></a:ext></a:extLst></wp:docPr>', 1)
FLOATING = (PICTURE.replace("<wp:inline ", '<wp:anchor simplePos="0" relativeHeight="1" behindDoc="0" locked="0" '
                            'layoutInCell="1" allowOverlap="1" ')
            .replace("</wp:inline>", "</wp:anchor>")
            .replace('<wp:extent', '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0'
                                   '</wp:posOffset></wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>'
                                   '0</wp:posOffset></wp:positionV><wp:extent'))


def with_alt(picture: str, alt: str) -> str:
    return picture.replace('descr="ALT"', f'descr="{alt}"')


ROWS = [["Audit", "Cases"], ["Thematic", "9"], ["Independent", "19"]]


def merged_table() -> str:
    table = xml.table([[para("Audit"), para("Cases")], [para("All audits")]], None)
    # the second row's one cell spans both columns
    merged = table.replace('<w:tc><w:tcPr><w:tcW w:w="4500" w:type="dxa"/></w:tcPr><w:p><w:r><w:t xml:space='
                           '"preserve">All', '<w:tc><w:tcPr><w:tcW w:w="9000" w:type="dxa"/><w:gridSpan w:val="2"/>'
                           '</w:tcPr><w:p><w:r><w:t xml:space="preserve">All')
    assert merged != table
    return merged


def table(header_rows: int) -> str:
    return xml.table([[para(c) for c in row] for row in ROWS], None, header_rows=header_rows)


# rule -> (a document breaking it, the same document put right)
CASES: dict[str, tuple[dict[str, bytes], dict[str, bytes]]] = {
    "title": (document(heading("Summary", 1), title=""), document(heading("Summary", 1))),
    "language": (document(heading("Summary", 1), language=""), document(heading("Summary", 1))),
    "heading-style": (document(heading("Summary", 1) + para("Next steps", run_props="<w:b/>")),
                      document(heading("Summary", 1) + heading("Next steps", 2))),
    "heading-empty": (document(heading("Summary", 1) + xml.paragraph("", "Heading2")),
                      document(heading("Summary", 1) + heading("Background", 2))),
    "heading-order": (document(heading("Summary", 1) + heading("Strengths", 3)),
                      document(heading("Summary", 1) + heading("Key Findings", 2) + heading("Strengths", 3))),
    "image-alt": (document(heading("Figures", 1) + f"<w:p>{with_alt(PICTURE, '')}</w:p>"),
                  document(heading("Figures", 1) + f"<w:p>{with_alt(PICTURE, 'Bar chart of cases by grade')}</w:p>"
                           + f"<w:p>{with_alt(DECORATIVE, '')}</w:p>")),
    "table-header": (document(heading("Audits", 1) + table(0)), document(heading("Audits", 1) + table(1))),
    "merged-cells": (document(heading("Audits", 1) + merged_table()), document(heading("Audits", 1) + table(1))),
    "link-text": (document(heading("Links", 1) + link("click here") + link("https://www.cityoflondon.gov.uk")),
                  document(heading("Links", 1) + link("the City of London accessibility statement"))),
    "floating": (document(heading("Figures", 1) + f"<w:p>{with_alt(FLOATING, 'A map of the City')}</w:p>"),
                 document(heading("Figures", 1) + f"<w:p>{with_alt(PICTURE, 'A map of the City')}</w:p>")),
    "colour-only": (document(heading("Status", 1) + "<w:p>" + para("Overall: ")[5:-6]
                             + para("inadequate", run_props='<w:color w:val="C00000"/>')[5:-6] + "</w:p>"),
                    document(heading("Status", 1) + "<w:p>" + para("Overall: ")[5:-6]
                             + para("inadequate", run_props='<w:b/><w:color w:val="C00000"/>')[5:-6] + "</w:p>")),
    "contrast": (document(heading("Notes", 1) + para("Draft wording", run_props='<w:color w:val="AAAAAA"/>')),
                 document(heading("Notes", 1) + para("Draft wording", run_props='<w:color w:val="595959"/>'))),
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_fails_on_the_bad_example(rule: str) -> None:
    bad, _ = CASES[rule]
    found = check_parts(bad)
    assert [f.rule for f in found] and {f.rule for f in found} == {rule}, [(f.rule, f.message) for f in found]


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_passes_on_the_corrected_example(rule: str) -> None:
    _, good = CASES[rule]
    assert check_parts(good) == []


def test_findings_name_the_place_and_rule(tmp_path: Path) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(pack(document(heading("Summary", 1) + para("Some text.") + table(0)
                                   + para("Next steps", run_props="<w:b/>"))))
    shown = [str(p) for p in check_docx(path)]
    assert len(shown) == 2, shown  # paragraphs first, then the tables met on the way
    assert shown[0].startswith(f"{path}: error: paragraph 3 ('Next steps'): ") and shown[0].endswith("[heading-style]")
    assert shown[1].startswith(f"{path}: error: table 1 ('Audit | Cases'): ") and shown[1].endswith("[table-header]")
    run = reportgen("check", str(path), cwd=tmp_path)
    assert run.status == 2
    assert "paragraph 3 ('Next steps')" in run.err and "[table-header]" in run.err


def test_table_cells_are_placed_by_row_and_cell() -> None:
    bad = document(heading("Audits", 1) + xml.table([[para("Audit"), para("Link")],
                                                     [para("Thematic"), link("here")[5:-6].join(["<w:p>", "</w:p>"])]],
                                                    None))
    places = {(f.rule, f.place) for f in check_parts(bad)}
    assert ("link-text", "table 1, row 2, cell 2, paragraph 1") in places


def test_contrast_ratio_matches_wcag() -> None:
    assert round(contrast_ratio("000000"), 1) == 21.0
    assert round(contrast_ratio("767676"), 2) == 4.54  # the lightest grey that passes AA on white
    assert contrast_ratio("777777") < 4.5


def test_factory_templates_pass() -> None:
    for template in (ROOT / "report_templates").glob("*.docx"):
        assert check_docx(template) == [], template


def test_seed_reports_pass(project: Path) -> None:
    for source in sorted((project / "content").glob("*.yaml")) + [ROOT / "content" / "annual-qa-report-2018-19.yaml"]:
        found = check_one(source, templates=project / "report_templates")
        assert [p for p in found if p.severity == "error"] == [], source
        assert not [p for p in found if p.rule and p.rule in CASES], source


def test_content_finding_points_at_the_content_line(project: Path) -> None:
    source = project / "content" / "committee-cover-2020-02-qa-audits.yaml"
    text = source.read_text(encoding="utf-8")
    text = text.replace("recommendations:\n", "  - '**Next steps**'\n\nrecommendations:\n", 1)
    source.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  - '**Next steps**'") + 1
    run = reportgen("check", str(source.relative_to(project)), cwd=project)
    assert run.status == 2
    assert (f"content/committee-cover-2020-02-qa-audits.yaml:{line}:5: error: summary[2]: this short all-bold "
            "paragraph looks like a heading") in run.err, run.err
    assert "[heading-style]" in run.err
    assert not (project / "build").exists()  # check writes nothing


def test_template_finding_names_the_rendered_place(project: Path) -> None:
    # a clerk's template whose header grid lost its First Column marking (so it is neither a label/value
    # grid nor a table with a header row): the finding is the template's, not the content's
    from reportgen.oxml.package import pack as pack_parts

    template = project / "report_templates" / "committee-cover.docx"
    parts = read_parts(template)
    assert b'w:firstColumn="1"' in parts["word/document.xml"]
    parts["word/document.xml"] = parts["word/document.xml"].replace(b'w:firstColumn="1"', b'w:firstColumn="0"', 1)
    template.write_bytes(pack_parts(parts))
    source = project / "content" / "committee-cover-2020-02-qa-audits.yaml"
    found = [p for p in check_one(source, templates=project / "report_templates") if p.severity == "error"]
    assert [p.rule for p in found] == ["table-header"]
    assert found[0].position.file == display_path(template)
    assert found[0].path.startswith("rendered document, table 1 ('Committee: | Safeguarding Sub Committee")


def test_header_grid_is_label_value_pairs_with_row_headers(project: Path) -> None:
    # the cover's grid has no repeating header row of data: its first column holds the headers, and
    # every row starts with a bold label; a row that loses its label's bold is found
    from reportgen.checks.accessibility import check_docx
    from reportgen.pipeline.build import build_one
    from reportgen.oxml.package import pack as pack_parts

    built = build_one(project / "content" / "committee-cover-2020-02-qa-audits.yaml", project / "build",
                      templates=project / "report_templates").output
    parts = read_parts(built)
    document = parts["word/document.xml"]
    assert b"<w:tblHeader/>" not in document and b'w:firstRow="0"' in document
    assert [p for p in check_docx(built) if p.rule == "table-header"] == []
    start = document.index(b"Subject:")
    bold = document.rindex(b"<w:b/>", 0, start)
    parts["word/document.xml"] = document[:bold] + document[bold + len(b"<w:b/>"):]
    built.write_bytes(pack_parts(parts))
    found = [p for p in check_docx(built) if p.rule == "table-header"]
    assert len(found) == 1 and "row 2 of this label/value table has no bold label" in found[0].message, found


def test_picture_without_alt_is_placed_at_its_figure() -> None:
    from reportgen.pipeline.build import read_report
    from reportgen.pipeline.render import render, template_path
    from reportgen.checks.accessibility import check_report

    source = ROOT / "content" / "annual-qa-report-2018-19.yaml"
    report, _ = read_report(source)
    template = template_path(report, ROOT / "report_templates")
    parts = render(report, template)
    document_xml = parts["word/document.xml"].decode("utf-8")
    first = document_xml.index("<wp:docPr ")
    descr = document_xml.index(' descr="', first)
    end = document_xml.index('"', descr + len(' descr="'))
    parts["word/document.xml"] = (document_xml[:descr] + ' descr=""' + document_xml[end + 1:]).encode("utf-8")
    found = check_report(report, parts, template)
    assert [p.rule for p in found] == ["image-alt"]
    lines = source.read_text(encoding="utf-8").splitlines()
    caption = next(i for i, line in enumerate(lines) if "caption: Contacts received between May" in line) + 1
    assert (found[0].position.line, found[0].path) == (caption, "sections[1].narrative[4].figure.caption"), found
