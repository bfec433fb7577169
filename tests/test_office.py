"""Contents page numbers from the warm LibreOffice (reportgen.features.publish.office), read back from the PDF
and the .docx. The LibreOffice processes themselves (a crash, a hang, the server, nothing left behind, the
one-off fallback) are tested in test_office_process.py.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import CASES, ROOT, OfficeServer
from pdfread import page_texts
from reportgen.oxml.contents import contents_entries, fill_page_numbers
from reportgen.oxml.package import read_parts
from reportgen.features.publish import convert
from reportgen.pipeline.write import edited_since_written

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")

COVER = "committee-cover-2020-02-qa-audits"
ANNUAL = "annual-qa-report-2018-19"
ENTRY = re.compile(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$")


def _build(name: str, folder: Path) -> Path:
    from reportgen.pipeline.build import build_one

    source = ROOT / "content" / f"{name}.yaml" if (ROOT / "content" / f"{name}.yaml").exists() else CASES / f"{name}.yaml"
    return build_one(source, folder, templates=ROOT / "report_templates").output


@pytest.fixture(scope="module")
def annual(tmp_path_factory: pytest.TempPathFactory, office_server: OfficeServer) -> tuple[Path, Path, bytes]:
    """The annual report built, then converted by the warm LibreOffice: its .docx, its PDF, the .docx before."""
    folder = tmp_path_factory.mktemp("annual")
    docx = _build(ANNUAL, folder)
    before = docx.read_bytes()
    with office_server.used():
        done = convert([docx])
    assert done[0].warnings == []
    return docx, done[0].output, before


def _contents_in_pdf(pdf: Path) -> list[tuple[str, int]]:
    text = page_texts(pdf)[1]
    return [(m.group(1), int(m.group(2))) for m in map(ENTRY.match, text.splitlines()) if m]


def _outline(pdf: Path) -> list[tuple[str, int]]:
    """The PDF's bookmarks (LibreOffice makes one per heading, pointing at its page), in order, pages from 1."""
    reader = PdfReader(str(pdf))
    found: list[tuple[str, int]] = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append((" ".join(item.title.split()), reader.get_destination_page_number(item) + 1))

    walk(reader.outline)
    return found


def test_each_contents_number_is_the_page_of_its_heading_in_the_pdf(annual: tuple[Path, Path, bytes]) -> None:
    _, pdf, _ = annual
    contents = _contents_in_pdf(pdf)
    assert len(contents) == 28 and contents[0] == ("Introduction", 3)
    headings = _outline(pdf)
    pages = page_texts(pdf)  # read once: each page's text is looked at for every heading on it
    position = 0
    for text, page in contents:  # the headings, in order, as the bookmarks place them
        while headings[position][0] != text:
            position += 1
        assert headings[position][1] == page, text
        on_page = pages[page - 1]
        assert text in " ".join(on_page.split())
        position += 1
    assert len({page for _, page in contents}) > 8  # numbers that vary: not one page for all


def test_the_docx_shows_the_same_numbers_and_asks_word_for_nothing(annual: tuple[Path, Path, bytes]) -> None:
    docx, pdf, before = annual
    parts = read_parts(docx)
    document = parts["word/document.xml"].decode("utf-8")
    numbers = [int(n) for n in re.findall(r"PAGEREF _Toc\d+ \\h </w:instrText></w:r><w:r><w:fldChar "
                                          r'w:fldCharType="separate"/></w:r><w:r><w:t>(\d+)</w:t>', document)]
    assert numbers == [page for _, page in _contents_in_pdf(pdf)]
    assert b"updateFields" not in parts["word/settings.xml"]
    assert b"updateFields" in read_parts(before)["word/settings.xml"]  # the build alone still asks Word
    assert " TOC " in document  # the field is kept: Word can still update it
    assert not edited_since_written(docx)  # reportgen's own: the next build may replace it


def test_libreoffice_reading_the_docx_as_it_is_shows_those_numbers(annual: tuple[Path, Path, bytes], tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    docx, pdf, _ = annual
    copy = Path(shutil.copy(docx, tmp_path / docx.name))
    monkeypatch.setenv("REPORTGEN_PDF_CONVERTER", "cold")  # LibreOffice's command line: fields shown as saved
    shown = convert([copy])[0].output
    assert _contents_in_pdf(shown) == _contents_in_pdf(pdf)


def test_readers_skip_the_numbered_contents_as_they_skipped_it_unnumbered(annual: tuple[Path, Path, bytes]) -> None:
    from reportgen.oxml.blocks import read_blocks
    from reportgen.oxml.text import document_text

    docx, _, before = annual
    # each numbered entry holds a PAGEREF field of its own: the contents ends at the TOC field's end
    assert document_text(docx) == document_text(before)
    assert [str(b) for b in read_blocks(docx)] == [str(b) for b in read_blocks(before)]


def test_a_rebuild_of_unchanged_content_leaves_the_laid_out_docx_alone(annual: tuple[Path, Path, bytes]) -> None:
    from reportgen.pipeline.build import build_one

    docx, _, _ = annual
    filled = docx.read_bytes()
    again = build_one(ROOT / "content" / f"{ANNUAL}.yaml", docx.parent, templates=ROOT / "report_templates")
    assert again.unchanged and docx.read_bytes() == filled


def test_page_numbers_are_written_only_where_the_entries_match(annual: tuple[Path, Path, bytes]) -> None:
    _, _, before = annual
    parts = read_parts(before)
    entries = contents_entries(parts)
    assert fill_page_numbers(parts, [(t, 1) for t in entries[:-1]]) is None  # one short
    assert fill_page_numbers(parts, [("Not a heading", 1)] + [(t, 1) for t in entries[1:]]) is None
    once = fill_page_numbers(parts, [(t, 5) for t in entries])
    twice = fill_page_numbers(once, [(t, 7) for t in entries])  # numbers replaced, not added
    assert contents_entries(twice) == entries
    assert twice["word/document.xml"].count(b"PAGEREF") == len(entries)
    assert b"<w:t>7</w:t>" in twice["word/document.xml"] and b"<w:t>5</w:t>" not in twice["word/document.xml"]
