"""How reportgen reads a PDF (`reportgen check`, `make pdf-check`): through pypdf, so what sits in a compressed
object stream or a compressed XMP packet is found as surely as what sits in plain bytes; and a hostile PDF
(a structure tree or page tree that loops or nests without end, a file too big) is a located error, not a hang.
The PDFs here are made with pypdf (no LibreOffice); the seed reports' own PDFs are re-saved so in test_pdf.py."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import (ArrayObject, BooleanObject, DecodedStreamObject, DictionaryObject, NameObject,
                           NumberObject, StreamObject, TextStringObject)

from conftest import ROOT, reportgen
from pdfread import catalog, raw_finds, with_object_streams, xmp
from reportgen.pdf.inspect import Pdf

TITLE = "Example: Inspection test report"
UA = ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">{description}</rdf:RDF></x:xmpmeta>'
      '<?xpacket end="w"?>')
CLAIM = ('<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">'
         '<pdfuaid:part>1</pdfuaid:part></rdf:Description>')


def _name(value: str) -> NameObject:
    return NameObject(value)


def tagged_pdf(path: Path, *, language: str | None = "en-GB", alt: str = "A red square", claim: bool = True,
               depth: int = 1) -> Path:
    """A one-page tagged PDF, as a tagging PDF writer makes it: a heading and a figure (a square drawn
    inside marked content) under a Document element (nested `depth` Div elements deep), /MarkInfo, the
    title shown, and XMP metadata claiming PDF/UA-1 when `claim`. No text, so no font to embed."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    stream = DecodedStreamObject()
    stream.set_data(b"/H1 <</MCID 0>> BDC EMC /Figure <</MCID 1>> BDC 1 0 0 rg 50 50 100 100 re f EMC")
    page[_name("/Contents")] = writer._add_object(stream)
    page_ref = page.indirect_reference
    root = writer._add_object(DictionaryObject({_name("/Type"): _name("/StructTreeRoot")}))
    parent = root
    for _ in range(depth):
        div = writer._add_object(DictionaryObject({_name("/Type"): _name("/StructElem"), _name("/S"): _name("/Div"),
                                                   _name("/P"): parent}))
        parent.get_object()[_name("/K")] = ArrayObject([div])
        parent = div
    kids = ArrayObject()
    for mcid, (kind, extra) in enumerate((("/H1", {}), ("/Figure", {"/Alt": alt}))):
        element = DictionaryObject({_name("/Type"): _name("/StructElem"), _name("/S"): _name(kind),
                                    _name("/P"): parent, _name("/Pg"): page_ref, _name("/K"): NumberObject(mcid)})
        element.update({_name(k): TextStringObject(v) for k, v in extra.items() if v})
        kids.append(writer._add_object(element))
    parent.get_object()[_name("/K")] = kids
    catalogue = writer._root_object
    catalogue[_name("/StructTreeRoot")] = root
    catalogue[_name("/MarkInfo")] = DictionaryObject({_name("/Marked"): BooleanObject(True)})
    catalogue[_name("/ViewerPreferences")] = DictionaryObject({_name("/DisplayDocTitle"): BooleanObject(True)})
    if language:
        catalogue[_name("/Lang")] = TextStringObject(language)
    metadata = StreamObject()
    metadata.set_data(UA.format(description=CLAIM if claim else "").encode("utf-8"))
    metadata[_name("/Type")] = _name("/Metadata")
    metadata[_name("/Subtype")] = _name("/XML")
    catalogue[_name("/Metadata")] = writer._add_object(metadata)
    writer.add_metadata({"/Title": TITLE})
    with path.open("wb") as out:
        writer.write(out)
    return path


def _check(path: Path) -> list[str]:
    from reportgen.pipeline.build import check_one

    return [p.message for p in check_one(path)]


def test_properties_inside_compressed_object_streams_are_found(tmp_path: Path) -> None:
    plain = tagged_pdf(tmp_path / "plain.pdf")
    packed = with_object_streams(plain, tmp_path / "packed.pdf")
    # the control: in the re-saved file no search of the bytes finds the catalogue's entries or the claim ...
    assert all(raw_finds(plain, p) for p in (rb"/Lang", rb"/StructTreeRoot", rb"/MarkInfo", rb"pdfuaid:part"))
    assert not any(raw_finds(packed, p) for p in (rb"/Lang", rb"/StructTreeRoot", rb"/MarkInfo", rb"pdfuaid:part",
                                                  TITLE.encode()))
    # ... which are all still there for a PDF reader (pypdf, read here independently of reportgen)
    assert catalog(packed)["/Lang"] == "en-GB" and catalog(packed)["/MarkInfo"]["/Marked"]
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp(packed)
    # reportgen reads them there: nothing to report, as for the plain file
    assert _check(plain) == [] and _check(packed) == []
    pdf = Pdf.open(packed)
    assert (pdf.language, pdf.title, pdf.marked, pdf.claims_pdf_ua) == ("en-GB", TITLE, True, True)
    assert [(e.kind, e.alt, e.heading_level) for e in pdf.structure()] == \
        [("/Div", "", None), ("/H1", "", 1), ("/Figure", "A red square", None)]
    assert pdf.page_count == 1 and pdf.page_sizes() == [(200.0, 200.0)]


def _edited(path: Path, change) -> Path:
    """The PDF at `path` saved again after `change(catalogue)`."""
    writer = PdfWriter(clone_from=str(path))
    change(writer._root_object)
    with path.open("wb") as out:
        writer.write(out)
    return path


def test_a_machine_path_or_login_name_inside_an_object_stream_is_found(tmp_path: Path) -> None:
    from reportgen.checks.scan import personal_names, scan_file

    def leak(catalogue) -> None:  # a link to a file on the author's machine, the author's login name
        link = DictionaryObject({_name("/Type"): _name("/Annot"), _name("/Subtype"): _name("/Link"),
                                 _name("/Rect"): ArrayObject([NumberObject(0)] * 4),
                                 _name("/A"): DictionaryObject({_name("/S"): _name("/URI"), _name("/URI"):
                                                                TextStringObject("file:///C:/Users/someone/x.docx")})})
        catalogue["/Pages"]["/Kids"][0].get_object()[_name("/Annots")] = ArrayObject([link])

    path = _edited(tagged_pdf(tmp_path / "leaky.pdf"), leak)
    writer = PdfWriter(clone_from=str(path))
    writer.add_metadata({"/Author": personal_names()[-1]})
    with path.open("wb") as out:
        writer.write(out)
    packed = with_object_streams(path, tmp_path / "packed.pdf")
    assert not raw_finds(packed, rb"Users") and not raw_finds(packed, personal_names()[-1].encode())
    assert {p.rule for p in scan_file(packed)} == {"machine-path", "personal-metadata"}


def test_marked_false_is_not_tagged(tmp_path: Path) -> None:
    def unmark(catalogue) -> None:
        catalogue["/MarkInfo"][_name("/Marked")] = BooleanObject(False)
        catalogue["/ViewerPreferences"][_name("/DisplayDocTitle")] = BooleanObject(False)

    messages = _check(_edited(tagged_pdf(tmp_path / "unmarked.pdf"), unmark))
    assert any("the PDF is not tagged" in m for m in messages), messages
    assert any("/DisplayDocTitle" in m for m in messages), messages


def test_what_is_missing_from_a_compressed_pdf_is_still_reported(tmp_path: Path) -> None:
    bare = with_object_streams(tagged_pdf(tmp_path / "bare.pdf", language=None, alt=""), tmp_path / "packed.pdf")
    messages = _check(bare)
    assert any("does not say its language" in m for m in messages), messages
    assert any("a Figure has no alternative text" in m for m in messages), messages


def test_a_font_not_embedded_is_found(tmp_path: Path) -> None:
    def helvetica(catalogue) -> None:
        page = catalogue["/Pages"]["/Kids"][0].get_object()
        font = DictionaryObject({_name("/Type"): _name("/Font"), _name("/Subtype"): _name("/Type1"),
                                 _name("/BaseFont"): _name("/Helvetica")})
        page[_name("/Resources")] = DictionaryObject({_name("/Font"): DictionaryObject({_name("/F1"): font})})
        stream = page["/Contents"].get_object()
        stream.set_data(stream.get_data() + b" /P <</MCID 2>> BDC BT /F1 12 Tf 10 10 Td (Hello) Tj ET EMC")

    path = tagged_pdf(tmp_path / "plain.pdf")
    assert Pdf.open(path).fonts() == {}
    assert Pdf.open(_edited(path, helvetica)).fonts() == {"Helvetica": False}
    assert any("font(s) not embedded: Helvetica" in m for m in _check(path)), _check(path)


def _claims(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / ".ci" / "claims_pdfua.py"), str(path)], capture_output=True,
                          text=True, timeout=60)


def test_make_pdf_check_asks_pypdf_whether_a_pdf_claims_pdf_ua(tmp_path: Path) -> None:
    claimed = with_object_streams(tagged_pdf(tmp_path / "claimed.pdf"), tmp_path / "claimed-packed.pdf")
    assert not raw_finds(claimed, rb"pdfuaid")  # `grep -qa pdfuaid:part` (the old check) would say no claim
    assert _claims(claimed).returncode == 0
    assert _claims(tagged_pdf(tmp_path / "unclaimed.pdf", claim=False)).returncode == 1
    (tmp_path / "text.pdf").write_text("pdfuaid:part 1, but not a PDF")
    done = _claims(tmp_path / "text.pdf")
    assert done.returncode == 2 and "text.pdf: error: not a readable PDF" in done.stderr
    assert "claims_pdfua.py" in (ROOT / "Makefile").read_text()


def test_an_entity_in_the_xmp_claims_nothing(tmp_path: Path) -> None:
    one = tmp_path / "one.txt"
    one.write_text("1")  # were the entity read, the packet would say <pdfuaid:part>1</pdfuaid:part>
    packet = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "' + one.as_uri() + '">]>'
              + UA.format(description=CLAIM.replace(">1<", ">&e;<")).split("?>", 1)[1])
    path = _edited(tagged_pdf(tmp_path / "entity.pdf", claim=False),
                   lambda catalogue: catalogue["/Metadata"].get_object().set_data(packet.encode()))
    assert not Pdf.open(path).claims_pdf_ua


def _looped_structure(catalogue) -> None:
    root = catalogue["/StructTreeRoot"].get_object()
    div = root["/K"][0].get_object()
    div[_name("/K")] = ArrayObject([root["/K"][0], *div["/K"]])  # the Div holds itself


def _looped_pages(catalogue) -> None:
    pages = catalogue.raw_get("/Pages")  # the reference, so the tree holds itself
    pages.get_object()[_name("/Kids")] = ArrayObject([pages, *pages.get_object()["/Kids"]])


def _damaged_catalogue(catalogue) -> None:
    catalogue[_name("/MarkInfo")] = NumberObject(5)  # a number where a dictionary belongs


def _encrypted(path: Path) -> Path:
    writer = PdfWriter(clone_from=str(tagged_pdf(path)))
    writer.encrypt("secret", algorithm="RC4-128")
    with path.open("wb") as out:
        writer.write(out)
    return path


def _truncated(path: Path) -> Path:
    path.write_bytes(tagged_pdf(path).read_bytes()[:300])
    return path


@pytest.mark.parametrize("make, message", [
    (_encrypted, "the PDF is encrypted"),
    (_truncated, "not a readable PDF"),
    (lambda p: _edited(tagged_pdf(p), _damaged_catalogue), "not a readable PDF"),
    (lambda p: tagged_pdf(p, depth=200), "its structure tree is nested more than 64 levels deep"),
    (lambda p: _edited(tagged_pdf(p), _looped_structure), "its structure tree holds the same element twice"),
    (lambda p: _edited(tagged_pdf(p), _looped_pages), "refers to the same node twice"),
])
def test_a_hostile_pdf_is_a_located_error_not_a_hang(tmp_path: Path, make, message: str) -> None:
    path = make(tmp_path / "hostile.pdf")
    started = time.monotonic()
    run = reportgen("check", "hostile.pdf", cwd=tmp_path, timeout=60)
    assert time.monotonic() - started < 30
    assert run.status == 2 and "Traceback" not in run.err and "internal error" not in run.err, run.err
    assert "hostile.pdf: error: " in run.err and message in run.err, run.err
    assert len(run.err.strip().splitlines()) == 2, run.err  # the error and the count: no library's log lines


def test_drawing_instructions_beyond_the_bound_are_a_located_error(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from reportgen.errors import ContentError
    from reportgen.pdf import inspect

    path = tagged_pdf(tmp_path / "busy.pdf")
    assert _check(path) == []
    monkeypatch.setattr(inspect, "MAX_CONTENT_BYTES", 40)  # the page draws 80 bytes of instructions
    with pytest.raises(ContentError) as raised:
        _check(path)
    assert "busy.pdf: error: cannot read the PDF: its pages hold more than" in str(raised.value)


def test_a_pdf_over_the_size_bound_is_refused_before_it_is_read(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from reportgen.errors import ContentError
    from reportgen.pdf import inspect

    path = tagged_pdf(tmp_path / "big.pdf")
    monkeypatch.setattr(inspect, "MAX_BYTES", 100)
    with pytest.raises(ContentError) as raised:
        _check(path)
    assert "big.pdf: error: cannot read the PDF: the PDF is" in str(raised.value) and "at most" in str(raised.value)
