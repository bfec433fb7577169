"""The PDF agenda pack: PDF appendices placed by structure, at full size, bounded, stripped of actions;
a nested outline; written whole or not at all. Read back with pypdf (tests/pdfread.py), not with our own code."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject,
                           RectangleObject, TextStringObject)

from conftest import OfficeServer, reportgen, snapshot
from pdfread import everything, page_texts, word_heights
from test_pack import AGENDA, _example_project

A4 = (595.3, 841.9)
LETTER = (612.0, 792.0)
A3 = (841.9, 1190.6)
LONG_NAME = ("a very long appendix file name that would wrap over two lines on the divider page "
             "(draft 3) [final] – résumé")


def make_pdf(path: Path, pages: list[tuple[float, float, str]], *, hostile: bool = False) -> Path:
    """A PDF whose pages each show one line of text in 20 pt Helvetica near the top left; `hostile` adds
    a JavaScript OpenAction, a JavaScript link, a launch link and a URI link on every page."""
    writer = PdfWriter()
    for width, height, text in pages:
        page = writer.add_blank_page(width, height)
        font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                                 NameObject("/BaseFont"): NameObject("/Helvetica")})
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
            {NameObject("/F1"): writer._add_object(font)})})
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 20 Tf 72 {height - 100:.0f} Td ({text}) Tj ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        if hostile:
            annots = ArrayObject()
            for action in ({"/S": "/JavaScript", "/JS": "app.alert('appendix script')"},
                           {"/S": "/Launch", "/F": "calc.exe"}, {"/S": "/URI", "/URI": "https://example.invalid/track"}):
                act = DictionaryObject({NameObject(k): (NameObject(v) if v.startswith("/") else TextStringObject(v))
                                        for k, v in action.items()})
                annots.append(writer._add_object(DictionaryObject({
                    NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
                    NameObject("/Rect"): RectangleObject([0, 0, 100, 100]), NameObject("/A"): act})))
            page[NameObject("/Annots")] = annots
    if hostile:
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(DictionaryObject({
            NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('open')")}))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        writer.write(out)
    return path


AGENDA_TAIL = """
  - number: 6
    title: Papers from elsewhere
    appendices:
      - appendices/one/x.pdf
      - appendices/two/x.pdf
      - "appendices/{long}.pdf"
      - appendices/a3.pdf
"""


@pytest.fixture(scope="module")
def tricky(tmp_path_factory: pytest.TempPathFactory, office_server: OfficeServer) -> Path:
    """The example pack plus an item of four PDF appendices: two both named x.pdf, one with a long, wrapping,
    unusual name, one A3; the decision report's own text names the old text marker of its PDF appendix."""
    folder = _example_project(tmp_path_factory.mktemp("tricky-pack"))
    content = folder / "content"
    make_pdf(content / "appendices" / "one" / "x.pdf", [(*LETTER, "ONE-X page 1 of 2"), (*LETTER, "ONE-X page 2 of 2")],
             hostile=True)
    make_pdf(content / "appendices" / "two" / "x.pdf", [(*A4, "TWO-X page 1 of 1")])
    make_pdf(content / "appendices" / f"{LONG_NAME}.pdf", [(*LETTER, "LONG-NAME page 1 of 1")])
    make_pdf(content / "appendices" / "a3.pdf", [(*A3, "A3 page 1 of 1")])
    agenda = content / f"{AGENDA}.yaml"
    agenda.write_text(agenda.read_text(encoding="utf-8") + AGENDA_TAIL.format(long=LONG_NAME), encoding="utf-8")
    decision = content / "example-cover-2020-02-decision.yaml"
    decision.write_text(decision.read_text(encoding="utf-8").replace(
        "includes page for page.", "includes page for page. PDF appendix: example-appendix-pdf.pdf "
        "PDF appendix: x.pdf"), encoding="utf-8")
    with office_server.used():
        run = reportgen("pack", f"content/{AGENDA}.yaml", cwd=folder, timeout=600)
    assert run.status == 0, run.err
    return folder


def _pages(pdf: Path) -> list[str]:
    return page_texts(pdf)


def test_each_appendix_page_lands_on_its_own_page_after_its_divider(tricky: Path) -> None:
    pdf = tricky / "build" / f"{AGENDA}.pdf"
    pages = _pages(pdf)
    where = {marker: [n for n, text in enumerate(pages, start=1) if marker in text]
             for marker in ("ONE-X page 1", "ONE-X page 2", "TWO-X page 1", "LONG-NAME page 1", "A3 page 1",
                            "Second page of the example PDF appendix")}
    assert all(len(found) == 1 for found in where.values()), where  # each drawn once, never over another
    one = where["ONE-X page 1"][0]
    assert where["ONE-X page 2"] == [one + 1]
    assert "Appendix 1 \u2013 x" in pages[one - 2] and "2 page(s)" in pages[one - 2]  # its divider
    assert where["TWO-X page 1"] == [one + 3]  # the second x.pdf: its divider, then its page
    assert where["LONG-NAME page 1"] == [one + 5]
    assert where["A3 page 1"] == [one + 7]
    total = len(pages)
    for n, text in enumerate(pages, start=1):
        assert f"Page {n} of {total}" in text
    # the report whose own text carries the old marker keeps its own pages: nothing drawn over them
    decision = [n for n, text in enumerate(pages, start=1) if "PDF appendix: x.pdf" in text]
    assert len(decision) == 1 and not any(m in pages[decision[0] - 1] for m in ("ONE-X", "TWO-X"))


def test_appendix_pages_are_labelled_in_the_item_header(tricky: Path) -> None:
    pages = _pages(tricky / "build" / f"{AGENDA}.pdf")
    page = next(text for text in pages if "TWO-X page 1" in text)
    assert "Item 6: Papers from elsewhere \u2013 Appendix 2 \u2013 x" in page
    page = next(text for text in pages if "Second page of the example PDF appendix" in text)
    assert "Item 5: Example: Proposal for Decision \u2013 Appendix 1 \u2013 Example appendix held as a PDF" in page


def test_letter_and_a4_drawn_at_full_size_larger_pages_scaled(tricky: Path) -> None:
    pdf = tricky / "build" / f"{AGENDA}.pdf"
    reader = PdfReader(pdf)
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages} == {(595, 842)}
    pages = _pages(pdf)

    def height(marker: str, word: str) -> float:
        n = next(i for i, text in enumerate(pages, start=1) if marker in text)
        return word_heights(pdf, n)[word]

    full = height("TWO-X page 1", "TWO-X")  # an A4 page: 100% by definition
    assert height("ONE-X page 1", "ONE-X") == pytest.approx(full, rel=0.01)  # Letter: also 100%
    assert height("LONG-NAME page 1", "LONG-NAME") == pytest.approx(full, rel=0.01)
    assert height("A3 page 1", "A3") == pytest.approx(full * (595.3 - 72) / 841.9, rel=0.03)  # A3 scaled to fit


def test_no_action_from_an_appendix_survives(tricky: Path) -> None:
    reader = PdfReader(tricky / "build" / f"{AGENDA}.pdf")
    root = reader.trailer["/Root"]
    assert "/AA" not in root and "/JavaScript" not in (root.get("/Names") or {})
    assert isinstance(root.get("/OpenAction", ArrayObject()).get_object(), list)  # at most "open at page 1"
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            assert action is None or action.get_object().get("/S") not in ("/JavaScript", "/Launch", "/URI")
    stored = everything(tricky / "build" / f"{AGENDA}.pdf")  # object streams and compressed streams too
    assert "app.alert" not in stored and "calc.exe" not in stored and "example.invalid" not in stored


def test_outline_nests_items_and_points_each_heading_at_its_page(tricky: Path) -> None:
    reader = PdfReader(tricky / "build" / f"{AGENDA}.pdf")
    pages = _pages(tricky / "build" / f"{AGENDA}.pdf")
    top = [entry for entry in reader.outline if not isinstance(entry, list)]
    titles = [entry.title for entry in top]
    assert titles[:2] == ["Members", "Items of Business"]
    assert titles[2:] == ["Item 3: Quality Assurance Report on Audits Completed December 2019",
                          "Item 4: Example: Update on Safeguarding Training", "Item 5: Example: Proposal for Decision",
                          "Item 6: Papers from elsewhere"]
    assert titles.count("Summary") == 0  # no longer three "Summary" side by side at the top

    def walk(outline, depth=0):
        for entry in outline:
            if isinstance(entry, list):
                yield from walk(entry, depth + 1)
            else:
                yield depth, entry.title, reader.get_destination_page_number(entry) + 1

    entries = list(walk(reader.outline))
    for depth, title, page in entries:
        first_line = title.split(":")[0] if title.startswith("Item ") else title
        assert first_line in " ".join(pages[page - 1].split()), (title, page)  # a wrapped header joined
    item5 = [e for e in entries if e[1] == "Item 5: Example: Proposal for Decision"][0]
    children = entries[entries.index(item5) + 1:]
    summary = next(e for e in children if e[1] == "Summary")
    assert summary[0] == 1 and summary[2] == item5[2]
    appendix = next(e for e in children if e[1].startswith("Appendix 1 \u2013 Example appendix held as a PDF"))
    assert appendix[0] == 1 and appendix[2] > item5[2]


def test_pdf_version_and_no_pdf_ua_claim_over_untagged_pages(tricky: Path) -> None:
    pdf = tricky / "build" / f"{AGENDA}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-1.6")
    reader = PdfReader(pdf)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert "Safeguarding Sub Committee: agenda, 10 February 2020" in xmp and "<rdf:li>en-GB</rdf:li>" in xmp
    assert "pdfuaid" not in xmp  # drawn-in appendix pages are untagged: not claimed
    run = reportgen("check", f"build/{AGENDA}.pdf", cwd=tricky)
    assert run.status == 2
    assert re.search(r"error: PDF structure: page\(s\) [\d, ]+ hold content that is neither tagged", run.err), run.err


# -- without LibreOffice: bounds on what an appendix may be ---------------------------------------------


@pytest.fixture
def with_pdf_appendix(tmp_path: Path) -> Path:
    return _example_project(tmp_path)


def _refused(project: Path, message: str) -> None:
    before = snapshot(project)
    run = reportgen("pack", f"content/{AGENDA}.yaml", "--no-pdf", cwd=project)
    assert run.status == 2, run.err
    assert "cannot read 'appendices/example-appendix-pdf.pdf'" in run.err and message in run.err, run.err
    assert "example-cover-2020-02-decision.yaml:" in run.err and "Traceback" not in run.err
    assert snapshot(project) == before


def test_too_many_pages_refused(with_pdf_appendix: Path) -> None:
    make_pdf(with_pdf_appendix / "content" / "appendices" / "example-appendix-pdf.pdf", [(*A4, "p")] * 301)
    _refused(with_pdf_appendix, "more than 300 pages")


def test_page_tree_claiming_many_pages_in_a_small_file_refused_quickly(with_pdf_appendix: Path) -> None:
    # one page object listed 10,000 times: a tiny file that expands to a huge document
    path = make_pdf(with_pdf_appendix / "content" / "appendices" / "example-appendix-pdf.pdf", [(*A4, "p")])
    writer = PdfWriter(clone_from=PdfReader(path))
    pages = writer._root_object["/Pages"].get_object()
    kid = pages["/Kids"][0]
    pages[NameObject("/Kids")] = ArrayObject([kid] * 10_000)
    pages[NameObject("/Count")] = NumberObject(10_000)
    with path.open("wb") as out:
        writer.write(out)
    assert path.stat().st_size < 100_000
    _refused(with_pdf_appendix, "the same node twice")


def test_zero_size_page_box_refused(with_pdf_appendix: Path) -> None:
    path = make_pdf(with_pdf_appendix / "content" / "appendices" / "example-appendix-pdf.pdf", [(*A4, "p")])
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.pages[0][NameObject("/MediaBox")] = RectangleObject([0, 0, 0, 0])
    with path.open("wb") as out:
        writer.write(out)
    _refused(with_pdf_appendix, "page 1 has a page box of 0 x 0 pt")


def test_oversized_file_refused(with_pdf_appendix: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reportgen.pdf import appendix as pdf_appendix
    from reportgen.errors import ContentError
    from reportgen.features.pack import read_agenda

    monkeypatch.setattr(pdf_appendix, "MAX_PDF_BYTES", 1000)
    with pytest.raises(ContentError) as raised:
        read_agenda(with_pdf_appendix / "content" / f"{AGENDA}.yaml")
    assert "a PDF appendix may be at most" in str(raised.value)


def test_a_pack_stopped_after_conversion_leaves_no_pdf_without_its_appendices(
        with_pdf_appendix: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reportgen.pdf import appendix as pdf_appendix
    from reportgen.features.pack import build_pack

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # as if the process were stopped between conversion and drawing in

    monkeypatch.setattr(pdf_appendix, "place", killed)
    with pytest.raises(KeyboardInterrupt):
        build_pack(with_pdf_appendix / "content" / f"{AGENDA}.yaml", with_pdf_appendix / "build")
    assert not (with_pdf_appendix / "build" / f"{AGENDA}.pdf").exists()
    assert list((with_pdf_appendix / "build").glob("*.pdf")) == []


def test_independent_checker_finds_only_the_untagged_appendix_pages(tricky: Path, tmp_path: Path) -> None:
    """outloud's findings on a pack with PDF appendices are the ones README lists, and nothing else:
    text drawn in from the PDF appendices is untagged (TAG-001, on those pages only), so no PDF/UA
    identifier is claimed (DOC-012); the covering reports' header grids repeat on several pages and
    look to it like running headers (PAG-001, a warning). This test's appendices use Helvetica without
    embedding it, which the checker reports too (TXT-001): a fault of the appendix, carried over as it is."""
    import json
    import sys

    pdf = tricky / "build" / f"{AGENDA}.pdf"
    report = tmp_path / "outloud.json"
    subprocess.run([str(Path(sys.executable).parent / "outloud"), "--layer", "conformance", "--json", str(report),
                    str(pdf)], capture_output=True, text=True, timeout=300)
    findings = json.loads(report.read_text())["results"][0]["findings"]
    assert {f["rule"] for f in findings} <= {"DOC-012", "TAG-001", "PAG-001", "TXT-001"}
    pages = _pages(pdf)
    drawn = set()  # the pages after each divider: "a PDF document of N page(s)"
    for n, text in enumerate(pages, start=1):
        if (count := re.search(r"a PDF document of (\d+) page\(s\)", text)):
            drawn.update(range(n + 1, n + 1 + int(count.group(1))))
    flagged = {f["page"] for f in findings if f["rule"] == "TAG-001"}
    assert flagged and flagged <= drawn
