"""Agenda packs: front sheet, items in order with their papers, a header per item, pages numbered on."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

from conftest import ROOT, OfficeServer, reportgen, snapshot
from pdfread import page_texts
from reportgen.oxml.ns import qn
from reportgen.oxml.package import read_parts
from reportgen.oxml.text import document_text, read_lines
from reportgen.features.pack import build_pack

AGENDA = "agenda-2020-02-10"
EXAMPLE_FILES = ["agenda-2020-02-10.yaml", "committee-cover-2020-02-qa-audits.yaml",
                 "example-cover-2020-02-training.yaml", "example-cover-2020-02-decision.yaml",
                 "appendices/example-appendix-word.docx", "appendices/example-appendix-pdf.pdf"]


def _example_project(folder: Path) -> Path:
    for name in EXAMPLE_FILES:
        (folder / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "content" / name, folder / "content" / name)
    return folder


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory, office_server: OfficeServer) -> Path:
    """The example agenda's pack, .docx and PDF, built once for this module."""
    folder = _example_project(tmp_path_factory.mktemp("pack"))
    with office_server.used():
        result = build_pack(folder / "content" / f"{AGENDA}.yaml", folder / "build")
    assert result.pdf is not None
    return folder


def _headers(docx: Path) -> list[str]:
    """The header text of each section in order ('' where a section inherits its header)."""
    parts = read_parts(docx)
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    targets = {r.get("Id"): r.get("Target") for r in rels}
    body = etree.fromstring(parts["word/document.xml"]).find(qn("w:body"))
    out = []
    for sect in body.iter(qn("w:sectPr")):
        ref = sect.find(qn("w:headerReference"))
        header = ""
        if ref is not None:
            xml = etree.fromstring(parts["word/" + targets[ref.get(qn("r:id"))]])
            header = "".join(t.text or "" for t in xml.iter(qn("w:t")))
        out.append(header)
    return out


def test_front_sheet_then_items_in_order(example: Path) -> None:
    docx = example / "build" / f"{AGENDA}.docx"
    lines = read_lines(docx)
    assert lines[0].style == "Title" and lines[0].text == "Safeguarding Sub Committee"
    items = [line.text for line in lines if line.style == "Heading 2"][:5]
    assert items == ["1. Apologies", "2. Members' Declarations of Interest",
                     "3. Quality Assurance Report on Audits Completed December 2019",
                     "4. Example: Update on Safeguarding Training", "5. Example: Proposal for Decision"]
    text = document_text(docx)
    order = ["Items of Business", "Aidhour Quality Assurance Report on Audits Completed December 2019",
             "Example: Update on Safeguarding Training (example report)",
             "EXAMPLE appendix — not a real document",  # the Word appendix, inside item 4
             "Example: Proposal for Decision (example report)", "This appendix is a PDF document of 2 page(s)"]
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_front_sheet_says_whose_report_for_what_and_its_appendices(example: Path) -> None:
    """Under each item's title: what the report's kind says of it (the registry's front_sheet: a covering
    report's author and purpose), then its own appendices (the registry's appendices), numbered."""
    text = document_text(example / "build" / f"{AGENDA}.docx")
    front = text[:text.index("Aidhour Quality Assurance Report on Audits Completed December 2019")]
    assert "Report of Andrew Carter, Director of Community and Children's Services. For Information." in front
    assert "Report of Example Officer, Example Director (example only). For Decision." in front
    said = front.index("Report of Example Officer, Example Director (example only). For Information.")
    assert front.index("Appendix 1 \u2013 Example appendix held as a Word document") > said


def test_a_kind_without_appendices_or_a_front_sheet_line_gives_none() -> None:
    from reportgen import kinds
    from reportgen.pipeline import read_report

    annual, _ = read_report(ROOT / "content" / "annual-qa-report-2018-19.yaml")
    assert kinds.KINDS["annual"].appendices is None and kinds.own_appendices(annual) == []
    assert kinds.front_sheet_line(annual) == ""


def test_each_item_has_its_own_header_and_pages_number_on(example: Path) -> None:
    docx = example / "build" / f"{AGENDA}.docx"
    headers = _headers(docx)
    assert headers == ["Safeguarding Sub Committee: agenda, 10 February 2020",
                       "Item 3: Quality Assurance Report on Audits Completed December 2019",
                       "Item 4: Example: Update on Safeguarding Training",
                       "Item 4: Example: Update on Safeguarding Training \u2013 Appendix 1 \u2013 Example appendix "
                       "held as a Word document",
                       "Item 5: Example: Proposal for Decision",
                       "Item 5: Example: Proposal for Decision \u2013 Appendix 1 \u2013 Example appendix held as a "
                       "PDF document"]
    document = read_parts(docx)["word/document.xml"].decode()
    assert document.count("<w:footerReference") == 1, "later sections inherit the numbered footer"
    assert not re.search(r"<w:pgNumType [^>]*w:start=", document), "page numbers never restart"


def test_pdf_pages_carry_item_numbers_and_running_page_numbers(example: Path) -> None:
    pdf = example / "build" / f"{AGENDA}.pdf"
    pages = [p for p in page_texts(pdf) if p.strip()]
    total = len(pages)
    for n, page in enumerate(pages, start=1):
        assert f"Page {n} of {total}" in page, (n, page[-200:])
        if n > 1:
            assert re.search(r"Item [345]: ", page), (n, page[:200])
    # the PDF appendix's two pages are drawn in, under item 5's header
    appendix = [n for n, page in enumerate(pages, start=1) if "Second page of the example PDF appendix" in page]
    assert appendix == [total]
    assert "Item 5: Example: Proposal for Decision" in pages[-1]
    assert "EXAMPLE appendix" in pages[-2] and "Item 5:" in pages[-2]


def test_pack_is_deterministic(example: Path, tmp_path: Path) -> None:
    again = build_pack(example / "content" / f"{AGENDA}.yaml", tmp_path, pdf=False)
    assert again.docx.read_bytes() == (example / "build" / f"{AGENDA}.docx").read_bytes()


def test_document_properties_from_the_agenda(example: Path) -> None:
    core = read_parts(example / "build" / f"{AGENDA}.docx")["docProps/core.xml"].decode()
    assert "<dc:title>Safeguarding Sub Committee: agenda, 10 February 2020</dc:title>" in core
    assert "2020-02-10T00:00:00Z" in core
    assert "<dc:language>en-GB</dc:language>" in core


@pytest.fixture
def agenda_project(tmp_path: Path) -> Path:
    return _example_project(tmp_path)


def _edit(project: Path, old: str, new: str) -> None:
    path = project / "content" / f"{AGENDA}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("bad, message", [
    ("../outside.yaml", "points outside it"),
    ("/etc/passwd.yaml", "got the absolute path"),
    ("no-such-report.yaml", "expected an existing file, got 'no-such-report.yaml'"),
    ("appendices/example-appendix-word.docx", "expected a .yaml or .yml file"),
])
def test_bad_paths_are_refused_and_nothing_written(agenda_project: Path, bad: str, message: str) -> None:
    (agenda_project / "outside.yaml").write_text("kind: cover\n")
    _edit(agenda_project, "report: example-cover-2020-02-training.yaml", f"report: {bad}")
    before = snapshot(agenda_project)
    run = reportgen("pack", f"content/{AGENDA}.yaml", "--no-pdf", cwd=agenda_project)
    assert run.status == 2, run.err
    assert f"content/{AGENDA}.yaml:" in run.err and "items[4].report" in run.err
    assert message in run.err
    assert snapshot(agenda_project) == before


@pytest.mark.parametrize("name", ["example-appendix-word.docx", "example-appendix-pdf.pdf"])
def test_unreadable_appendix_refused(agenda_project: Path, name: str) -> None:
    (agenda_project / "content" / "appendices" / name).write_bytes(b"not really a document")
    before = snapshot(agenda_project)
    run = reportgen("pack", f"content/{AGENDA}.yaml", "--no-pdf", cwd=agenda_project)
    assert run.status == 2, run.err
    assert f"cannot read 'appendices/{name}'" in run.err and "Traceback" not in run.err
    assert ".yaml:" in run.err  # located where the file is named
    assert snapshot(agenda_project) == before


def test_non_public_report_left_out_with_a_warning(agenda_project: Path) -> None:
    path = agenda_project / "content" / "example-cover-2020-02-training.yaml"
    path.write_text(path.read_text().replace("access: public", "access: non-public\nexempt_paragraphs: [3]"))
    run = reportgen("pack", f"content/{AGENDA}.yaml", "--no-pdf", cwd=agenda_project)
    assert run.status == 0, run.err
    assert "item 4's report is non-public: left out of the public pack" in run.err
    text = document_text(agenda_project / "build" / f"{AGENDA}.docx")
    assert "Update on Safeguarding Training (example report)" not in text


def test_build_makes_the_pack_docx_too(agenda_project: Path) -> None:
    run = reportgen("build", cwd=agenda_project)
    assert run.status == 0, run.err
    assert f"built build/{AGENDA}.docx" in run.out
    assert "Items of Business" in document_text(agenda_project / "build" / f"{AGENDA}.docx")
