"""The published PDFs read back with pypdf: their structure tree (one Figure per picture with its
alt text, the title a heading, label cells as row headers), XMP metadata and PDF/UA identifier, what an
independent PDF/UA checker says, and page breaks that keep the author block and lead-ins with their text.
Uses the PDFs test_pdf's module builds (the seeds) and one example covering report of its own."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import CASES, ROOT, OfficeServer, reportgen
from pdfread import page_lines
from reportgen.pdf.finish import pdf_ua_findings, untagged_content_pages
from reportgen.pdf.inspect import Pdf

COVER = "committee-cover-2020-02-qa-audits"
ANNUAL = "annual-qa-report-2018-19"
DECISION = "example-cover-2020-02-decision"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, office_server: OfficeServer) -> Path:
    project = tmp_path_factory.mktemp("tagging")
    (project / "content" / "appendices").mkdir(parents=True)
    shutil.copy(CASES / f"{COVER}.yaml", project / "content")
    for name in (f"{ANNUAL}.yaml", f"{DECISION}.yaml", "appendices/example-appendix-pdf.pdf"):
        shutil.copy(ROOT / "content" / name, project / "content" / name)
    with office_server.used():
        run = reportgen("build", "--pdf", "--draft", "--draft-date", "2020-02-01", cwd=project, timeout=600)
    assert run.status == 0, run.err
    return project / "build"


def _elements(node, role_map):
    kids = node.get_object().get("/K")
    if kids is None:
        return
    kids = kids.get_object()
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if hasattr(kid, "keys") and "/S" in kid:
            yield str(role_map.get(kid["/S"], kid["/S"])), kid
            yield from _elements(kid, role_map)


def _tree(pdf: Path) -> list[tuple[str, object]]:
    root = PdfReader(pdf).trailer["/Root"]["/StructTreeRoot"].get_object()
    return list(_elements(root, root.get("/RoleMap") or {}))


def test_one_figure_per_picture_with_its_alt_text(built: Path) -> None:
    figures = [(kind, el) for kind, el in _tree(built / f"{ANNUAL}.pdf") if kind == "/Figure"]
    assert len(figures) == 1  # the report's one chart (the other figure is a text placeholder)
    assert str(figures[0][1]["/Alt"]).startswith("Bar chart: Maternity alerts 12")
    assert not [k for k, _ in _elements(figures[0][1], {}) if k == "/Figure"]


def test_the_title_is_a_heading(built: Path) -> None:
    tree = _tree(built / f"{ANNUAL}.pdf")
    headings = [(kind, el) for kind, el in tree if re.fullmatch(r"/H\d?", kind)]
    assert str(headings[0][1]["/S"]) == "/Title" and headings[0][0] == "/H1"


def test_label_cells_are_row_headers_and_no_data_row_is_a_header(built: Path) -> None:
    tree = _tree(built / f"{COVER}.pdf")
    table = next(el for kind, el in tree if kind == "/Table")
    rows = [el for kind, el in _elements(table, {}) if kind == "/TR"]
    assert len(rows) == 4
    for row in rows:
        cells = [(kind, el) for kind, el in _elements(row, {}) if kind in ("/TH", "/TD")]
        assert [kind for kind, _ in cells][:2] == ["/TH", "/TD"]  # "Committee:" | its value
        assert not all(kind == "/TH" for kind, _ in cells)
        scope = cells[0][1]["/A"]
        attributes = [a.get_object() for a in (scope if isinstance(scope, list) else [scope])]
        assert any(a.get("/O") == "/Table" and a.get("/Scope") == "/Row" for a in attributes)


@pytest.mark.parametrize("name", [COVER, ANNUAL, DECISION])
def test_xmp_metadata_and_the_pdf_ua_identifier(built: Path, name: str) -> None:
    reader = PdfReader(built / f"{name}.pdf")
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert f'<rdf:li xml:lang="x-default">{reader.metadata.title}</rdf:li>' in xmp
    assert "<dc:language><rdf:Bag><rdf:li>en-GB</rdf:li>" in xmp
    pdf = Pdf.open(built / f"{name}.pdf")
    assert pdf_ua_findings(pdf, untagged_content_pages(pdf)) == []
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp  # claimed only because the checks above pass


def test_every_font_is_embedded(built: Path) -> None:
    for pdf in sorted(built.glob("*.pdf")):
        for page in PdfReader(pdf).pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                described = [font] + [d.get_object() for d in font.get("/DescendantFonts", [])]
                descriptor = next(d["/FontDescriptor"] for d in described if "/FontDescriptor" in d)
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), (pdf.name, font["/BaseFont"])


def test_an_independent_checker_passes_them(built: Path, tmp_path: Path) -> None:
    """outloud (PyPI; not written on this project) checks PDF/UA-1's machine-checkable conditions."""
    outloud = Path(sys.executable).parent / "outloud"  # installed with the test extras (pyproject.toml)
    report = tmp_path / "outloud.json"
    pdfs = sorted(str(p) for p in built.glob("*.pdf"))
    done = subprocess.run([str(outloud), "--layer", "conformance", "--json", str(report), *pdfs],
                          capture_output=True, text=True, timeout=300)
    results = json.loads(report.read_text())["results"]
    assert len(results) == 3
    assert [(r["path"], r["findings"]) for r in results if r["findings"]] == [], done.stdout
    assert done.returncode == 0


def _pages(pdf: Path) -> list[list[str]]:
    return page_lines(pdf)


@pytest.mark.parametrize("name", [COVER, DECISION])
def test_author_block_whole_and_never_alone_on_a_page(built: Path, name: str) -> None:
    pages = _pages(built / f"{name}.pdf")
    last = pages[-1]
    email = next(i for i, line in enumerate(last) if line.startswith("E: "))
    # the whole block (name, job title, department, T:, E:) is on the last page ...
    assert last[email - 1].startswith("T: ") and email >= 4
    name_at = email - 4
    # ... with at least one line of the report's text before it (besides the header and draft lines)
    body_before = [line for line in last[:name_at] if not line.startswith("DRAFT") and "Item " not in line][1:]
    assert body_before, last


def test_a_lead_in_is_never_the_last_line_of_a_page(built: Path) -> None:
    for name in (COVER, ANNUAL, DECISION):
        for page in _pages(built / f"{name}.pdf")[:-1]:
            body = [line for line in page if not re.fullmatch(r"Page \d+ of \d+", line)]
            assert not re.search(r"(:|social worker;)$", body[-1]), (name, body[-3:])


def test_draft_mark_on_every_page_including_the_title_page(built: Path) -> None:
    for name in (COVER, ANNUAL):
        pages = _pages(built / f"{name}.pdf")
        assert all(any(line.startswith("DRAFT") for line in page) for page in pages), name


@pytest.mark.parametrize("stream, loose, only_lines", [
    (b"/P <</MCID 0>> BDC BT /F1 12 Tf (a (nested) string \\) Tj) Tj ET EMC", 0, None),
    (b"/P <</MCID 0>> BDC BT (tagged) Tj ET EMC BT (not tagged) Tj ET", 1, False),
    (b"/Artifact BMC 0 0 m 9 9 l S EMC q 1 w 0 0 m 5 5 l S Q /P <</MCID 1>> BDC (x) Tj EMC", 1, True),
    (b"q BI /W 1 /H 1 /BPC 8 /CS /G ID \x00EMC\xff EI Q", 1, False),
    (b"% a comment with BDC in it\n0 0 m 1 1 l S", 1, True),
])
def test_content_outside_marked_content_is_found(stream: bytes, loose: int, only_lines: bool | None) -> None:
    from reportgen.pdf.finish import _loose_runs

    runs = _loose_runs(stream)
    assert len(runs) == loose
    if runs:
        assert runs[0].only_lines is only_lines
        assert stream[runs[0].start:runs[0].end].strip()  # the run's bytes are the loose content itself


def test_the_paragraph_before_an_author_block_keeps_with_it() -> None:
    from reportgen.oxml.xml import keep_before

    block = '<w:p><w:pPr><w:pStyle w:val="AuthorBlock"/></w:pPr><w:r><w:t>{}</w:t></w:r></w:p>'
    document = ('<w:body><w:p><w:r><w:t>Background papers: none.</w:t></w:r></w:p><w:p/>'
                '<w:p><w:r><w:t xml:space="preserve"> </w:t></w:r></w:p>'
                + block.format("Pat Dixon") + block.format("Manager") + "</w:body>").encode()
    kept = keep_before(document, "AuthorBlock").decode()
    assert kept.count("<w:keepNext/>") == 1
    assert kept.startswith("<w:body><w:p><w:pPr><w:keepNext/></w:pPr><w:r><w:t>Background papers")
