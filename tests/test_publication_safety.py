"""Publication safety: confidential content never reaches a Public build; quotations' consent is checked;
the output scan finds personal metadata, machine paths, comments, hidden text and template leftovers."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Literal

import pytest

from conftest import ROOT, reportgen, snapshot
from reportgen.pipeline.load import parse_text
from reportgen.model import Node
from reportgen.model.common import RequiredText, ShorthandNode
from reportgen.oxml.package import pack, read_parts
from reportgen.oxml.properties import DocumentProperties, set_properties
from reportgen.oxml.text import document_text
from reportgen.checks.safety import publication_problems
from reportgen.checks.scan import personal_names, scan_file, scan_parts
from reportgen.pipeline.validate import validate_as

COVER = "content/committee-cover-2020-02-qa-audits.yaml"
CONFIDENTIAL = ("      - text: The social worker's home address is 1 Example Street.\n"
                "        public: false\n")


def _add_confidential(project: Path) -> int:
    """Add a confidential paragraph to the cover's Background; the line of its `public: false`."""
    source = project / COVER
    text = source.read_text(encoding="utf-8")
    anchor = "  - heading: Current Position\n"
    text = text.replace(anchor, CONFIDENTIAL + anchor, 1)
    source.write_text(text, encoding="utf-8")
    return text.splitlines().index("        public: false") + 1


def test_confidential_paragraph_stops_a_public_build(project: Path) -> None:
    line = _add_confidential(project)
    before = snapshot(project)
    run = reportgen("build", COVER, cwd=project)
    assert run.status == 2
    assert (f"{COVER}:{line}:17: error: main_report[1].paragraphs[3]: this is marked `public: false` "
            "(confidential), and the report is Public") in run.err, run.err
    assert snapshot(project) == before  # nothing written
    check = reportgen("check", COVER, cwd=project)
    assert check.status == 2 and f"{COVER}:{line}:17: error" in check.err


def test_confidential_paragraph_builds_in_a_non_public_report(project: Path) -> None:
    _add_confidential(project)
    source = project / COVER
    source.write_text(source.read_text().replace("access: public", "access: non-public\nexempt_paragraphs: [1]"))
    run = reportgen("build", COVER, cwd=project)
    assert run.status == 0, run.err
    assert "1 Example Street" in document_text(project / "build" / "committee-cover-2020-02-qa-audits.docx")


def test_public_report_lists_an_exempt_appendix_without_its_contents(project: Path) -> None:
    source = project / COVER
    text = source.read_text().replace(
        "background_papers:", "  - title: Costs of the external auditors\n    public: false\n"
                              "    exempt_paragraphs: [3]\n    file: costs.docx\n\nbackground_papers:")
    source.write_text(text)
    (project / "content" / "costs.docx").write_bytes(b"")  # an appendix's file must exist (issue 8)
    run = reportgen("build", COVER, cwd=project)
    assert run.status == 0, run.err
    shown = document_text(project / "build" / "committee-cover-2020-02-qa-audits.docx")
    assert "Appendix 2 \u2013 Costs of the external auditors (Non-Public)" in shown
    assert ("Non-Public: Appendix 2 \u2013 by virtue of paragraph(s) 3 of Part 1 of Schedule 12A of the Local "
            "Government Act 1972") in shown  # cited under the header grid
    assert "Public report; Non-Public appendix" in shown


# -- quotations' consent, on a small model of its own (any node with a `consent` field is a quotation) -----

class Quotation(ShorthandNode):
    """A quotation: a string, or text with consent."""

    text: RequiredText
    """The words."""
    consent: bool | None = None
    """Whether the person quoted agreed to publication."""


class QuotedReport(Node):
    """A report that quotes people."""

    access: Literal["public", "non-public"] = "public"
    """Public or not."""
    quotes: list[Quotation]
    """Quotations."""


QUOTES = """\
access: public
quotes:
  - "She's new but she's good."
  - text: She understands me.
    consent: true
  - text: I did not want this printed.
    consent: false
"""


def _quoted(text: str) -> Node:
    return validate_as(QuotedReport, (loaded := parse_text(text, "quotes.yaml")).values, loaded)


def test_public_build_warns_for_each_quotation_without_consent() -> None:
    errors, warnings = publication_problems(_quoted(QUOTES), consent=True)
    assert [str(p) for p in warnings] == [
        "quotes.yaml:3:5: warning: quotes[1]: this quotation does not record consent to publish it: once given, "
        "write it as `text:` with `consent: true`"]
    assert [str(p).split(": this")[0] for p in errors] == ["quotes.yaml:7:14: error: quotes[3]"]


def test_consent_is_not_asked_of_plain_check_or_non_public_reports() -> None:
    assert publication_problems(_quoted(QUOTES.replace("  - text: I did not want this printed.\n"
                                                       "    consent: false\n", "")), consent=False) == ([], [])
    assert publication_problems(_quoted(QUOTES.replace("access: public", "access: non-public")),
                                consent=True) == ([], [])


def test_check_publication_adds_the_consent_warnings() -> None:
    annual = "content/annual-qa-report-2018-19.yaml"
    plain = reportgen("check", annual, cwd=ROOT)
    publication = reportgen("check", "--publication", annual, cwd=ROOT)
    assert plain.status == publication.status == 0
    added = [line for line in publication.err.splitlines() if line not in plain.err.splitlines()]
    assert len(added) == 16  # a warning for each of 15 quotations, and the new count
    assert all(line.startswith(f"{annual}:") and "does not record consent" in line
               for line in added[:-1])
    assert added[-1] == "0 error(s), 16 warning(s)"  # and the lost chart's


# -- the output scan: failing examples (every real output is scanned in test_pdf.py) ------------------------

def _built_parts() -> dict[str, bytes]:
    from reportgen.pipeline.build import read_report
    from reportgen.pipeline.render import render, template_path

    report, _ = read_report(ROOT / "tests" / "cases" / "committee-cover-2020-02-qa-audits.yaml")
    return render(report, template_path(report, ROOT / "report_templates"))


@pytest.fixture(scope="module")
def clean_parts() -> dict[str, bytes]:
    return _built_parts()


def _edit(parts: dict[str, bytes], name: str, old: bytes, new: bytes) -> dict[str, bytes]:
    assert old in parts[name], (name, old)
    return {**parts, name: parts[name].replace(old, new, 1)}


LEAKS = {
    "personal-metadata": lambda p: _edit(p, "docProps/core.xml", b"</cp:coreProperties>",
                                         b"<cp:lastModifiedBy>jsmith</cp:lastModifiedBy></cp:coreProperties>"),
    "machine-path": lambda p: _edit(p, "word/settings.xml", b"</w:settings>",
                                    b'<w:attachedTemplate r:id="x" w:val="C:\\Users\\jsmith\\Normal.dotm"/>'
                                    b"</w:settings>"),
    "comments": lambda p: {**p, "word/comments.xml": b"<w:comments/>"},
    "hidden-text": lambda p: _edit(p, "word/document.xml", b"<w:r><w:t", b"<w:r><w:rPr><w:vanish/></w:rPr><w:t"),
    "tracked-changes": lambda p: _edit(p, "word/document.xml", b"<w:r><w:t",
                                       b'<w:del w:id="1" w:author="x"><w:r><w:delText>old</w:delText></w:r></w:del>'
                                       b"<w:r><w:t"),
    "template-leftover": lambda p: _edit(p, "word/document.xml", b"Members are asked", b"{{ members }} are asked"),
}


def test_a_built_report_scans_clean(clean_parts: dict[str, bytes]) -> None:
    assert scan_parts(clean_parts, Path("cover.docx")) == []


@pytest.mark.parametrize("rule", sorted(LEAKS))
def test_scan_finds(rule: str, clean_parts: dict[str, bytes]) -> None:
    found = scan_parts(LEAKS[rule](clean_parts), Path("cover.docx"))
    assert {p.rule for p in found} == {rule}, found


def test_scan_finds_the_login_name_in_properties(clean_parts: dict[str, bytes]) -> None:
    name = personal_names()[0]
    props = DocumentProperties("A title", name, _dt.date(2020, 2, 10))
    found = scan_parts(set_properties(dict(clean_parts), props), Path("cover.docx"))
    assert "personal-metadata" in {p.rule for p in found}


def _pdf(info: str) -> bytes:
    """A one-page PDF with the given Info dictionary entries, offsets computed so any PDF reader reads it as is."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>", f"<< {info} >>"]
    out = b"%PDF-1.4\n"
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 4 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_scan_of_a_pdf(tmp_path: Path) -> None:
    clean = tmp_path / "clean.pdf"
    clean.write_bytes(_pdf("/Title (Annual Report) /Producer (LibreOffice 7.4)"))
    assert scan_file(clean) == []
    leaky = tmp_path / "leaky.pdf"
    leaky.write_bytes(_pdf(f"/Title (report.docx) /Author ({personal_names()[-1]}) "
                           "/Subject (file:///tmp/reportgen-pdf-1/in/report.docx)"))
    assert {p.rule for p in scan_file(leaky)} == {"personal-metadata", "machine-path"}
    run = reportgen("check", str(leaky), cwd=tmp_path)
    assert run.status == 2 and "[machine-path]" in run.err


def test_an_untagged_pdf_without_language_fails_the_accessibility_check(tmp_path: Path) -> None:
    from reportgen.checks.accessibility import check_pdf

    untagged = tmp_path / "untagged.pdf"
    untagged.write_bytes(_pdf("/Title (Annual Report)"))
    assert [p.rule for p in check_pdf(untagged)] == ["pdf-tagged", "language"]
    untitled = tmp_path / "untitled.pdf"
    untitled.write_bytes(_pdf("/Producer (LibreOffice 7.4)"))
    assert "title" in [p.rule for p in check_pdf(untitled)]


def test_check_on_a_leaky_docx_names_the_part(tmp_path: Path, clean_parts: dict[str, bytes]) -> None:
    path = tmp_path / "edited.docx"
    path.write_bytes(pack(LEAKS["hidden-text"](clean_parts)))
    run = reportgen("check", str(path), cwd=tmp_path)
    assert run.status == 2
    assert f"{path}: error: word/document.xml: hidden text (Font > Hidden) [hidden-text]" in run.err


def test_build_warns_when_the_template_would_leak(project: Path) -> None:
    # a clerk hid a note in the template in Word: every report built from it would carry it
    template = project / "report_templates" / "committee-cover.docx"
    parts = read_parts(template)
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"<w:r><w:t>Summary", b"<w:r><w:rPr><w:vanish/></w:rPr><w:t>Note to self </w:t></w:r><w:r><w:t>Summary", 1)
    assert b"w:vanish" in parts["word/document.xml"]
    template.write_bytes(pack(parts))
    run = reportgen("build", COVER, cwd=project)
    assert run.status == 0, run.err
    assert ("build/committee-cover-2020-02-qa-audits.docx: warning: word/document.xml: hidden text (Font > Hidden) "
            "[hidden-text]") in run.err


# -- what a document keeps out of sight (issue 19): each found by the scan, and so refused by `check` -------

def _styled_hidden(parts: dict[str, bytes]) -> dict[str, bytes]:
    """A paragraph style made hidden (Font > Hidden in the style), and a paragraph in it."""
    styles = parts["word/styles.xml"]
    style = (b'<w:style w:type="paragraph" w:customStyle="1" w:styleId="Secret"><w:name w:val="Secret note"/>'
             b'<w:rPr><w:vanish/></w:rPr></w:style>')
    derived = (b'<w:style w:type="paragraph" w:customStyle="1" w:styleId="Secret2"><w:name w:val="Secret child"/>'
               b'<w:basedOn w:val="Secret"/></w:style>')
    parts = {**parts, "word/styles.xml": styles.replace(b"</w:styles>", style + derived + b"</w:styles>")}
    return _edit(parts, "word/document.xml", b"<w:body>",
                 b'<w:body><w:p><w:pPr><w:pStyle w:val="Secret2"/></w:pPr><w:r><w:t>Exempt note</w:t></w:r></w:p>')


OUT_OF_SIGHT = {
    "moved-from text": (lambda p: _edit(p, "word/document.xml", b"<w:r><w:t",
                                        b'<w:moveFrom w:id="7" w:author="x"><w:r><w:t>old place</w:t></w:r>'
                                        b"</w:moveFrom><w:r><w:t"), "tracked-changes"),
    "text hidden through a style": (_styled_hidden, "hidden-text"),
    "document variables": (lambda p: _edit(p, "word/settings.xml", b"</w:settings>",
                                           b'<w:docVars><w:docVar w:name="Owner" w:val="J Smith"/></w:docVars>'
                                           b"</w:settings>"), "hidden-data"),
    "people.xml": (lambda p: {**p, "word/people.xml": (
        b'<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">'
        b'<w15:person w15:author="Jane Reviewer"/></w15:people>')}, "personal-metadata"),
    "a path in customXml (UTF-16)": (lambda p: {**p, "customXml/item1.xml": (
        '<?xml version="1.0" encoding="utf-16"?><p>C:\\Users\\jsmith\\Documents\\draft.docx</p>'
        .encode("utf-16"))}, "machine-path"),
    "a forward-slash Windows path": (lambda p: {**p, "customXml/item1.xml": b"<p>D:/Reports/x/draft.docx</p>"},
                                     "machine-path"),
    "attachedTemplate, not self-closing": (lambda p: _edit(p, "word/settings.xml", b"</w:settings>",
                                                           b'<w:attachedTemplate r:id="rId9"></w:attachedTemplate>'
                                                           b"</w:settings>"), "machine-path"),
}


@pytest.mark.parametrize("case", sorted(OUT_OF_SIGHT))
def test_scan_finds_what_is_out_of_sight(case: str, clean_parts: dict[str, bytes]) -> None:
    leak, rule = OUT_OF_SIGHT[case]
    found = scan_parts(leak(clean_parts), Path("cover.docx"))
    assert {p.rule for p in found} == {rule}, found
    assert all(p.severity == "error" for p in found)


def test_a_style_that_is_not_hidden_is_not_reported(clean_parts: dict[str, bytes]) -> None:
    parts = _styled_hidden(clean_parts)
    parts["word/styles.xml"] = parts["word/styles.xml"].replace(b"<w:vanish/>", b'<w:vanish w:val="0"/>')
    assert scan_parts(parts, Path("cover.docx")) == []


def test_built_outputs_drop_the_attached_template_and_document_variables(clean_parts: dict[str, bytes]) -> None:
    from reportgen.oxml.properties import set_properties

    leaky = OUT_OF_SIGHT["document variables"][0](OUT_OF_SIGHT["attachedTemplate, not self-closing"][0](clean_parts))
    props = DocumentProperties("A title", "An author", _dt.date(2020, 2, 10))
    settings = set_properties(dict(leaky), props)["word/settings.xml"]
    assert b"attachedTemplate" not in settings and b"docVar" not in settings
