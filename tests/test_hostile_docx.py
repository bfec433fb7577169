"""Every .docx from elsewhere (templates, Word appendices, files given to check or redline) is opened one safe
way (reportgen.oxml.package.open_docx): limits judged before anything is inflated, no DTDs or entities,
well-formed XML or a located error, a plain document's content type, macros and external links removed
with a warning. Through the command line, each refusal is a located exit 2 that writes nothing."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from conftest import CASES, ROOT, reportgen, snapshot
from docx_strategies import zipped as raw_zip
from reportgen.errors import NotADocx
from reportgen.oxml import package
from reportgen.oxml.package import MAIN, open_docx, pack, read_parts

FACTORY = ROOT / "report_templates" / "committee-cover.docx"
NAME = "committee-cover-2020-02-qa-audits"
DOCM = b"application/vnd.ms-word.document.macroEnabled.main+xml"
DOTX = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b"]><w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
                    b"<w:style>&lol9;</w:style></w:styles>")


@pytest.fixture(scope="module")
def factory() -> dict[str, bytes]:
    return read_parts(FACTORY)


def _with(parts: dict[str, bytes], **changes: bytes) -> dict[str, bytes]:
    return {**parts, **{name.replace("__", "/").replace("_DOT_", "."): data for name, data in changes.items()}}


def _refusal(data: bytes) -> str:
    with pytest.raises(NotADocx) as caught:
        open_docx(data, "given.docx")
    problem = caught.value.problems[0]
    assert problem.position is not None and problem.position.file == "given.docx"
    return str(caught.value)


def test_a_file_changed_between_two_reads_is_opened_afresh(tmp_path: Path) -> None:
    """What opening a file gave is reused only for the same bytes: a file changed under the same name, size
    and modification time (as a copy that keeps times makes it) is opened, and refused, afresh."""
    import os

    given = tmp_path / "given.docx"
    given.write_bytes(pack(read_parts(FACTORY)))
    assert "word/document.xml" in read_parts(given)
    before = given.stat()
    given.write_bytes(given.read_bytes().replace(b"word/document.xml", b"word/documenX.xml"))  # same size
    os.utime(given, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert given.stat().st_size == before.st_size and given.stat().st_mtime_ns == before.st_mtime_ns
    with pytest.raises(NotADocx, match="no word/document.xml"):
        read_parts(given)


def test_a_file_grown_after_its_directory_was_judged_is_read_no_further_than_the_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The directory is judged first, then the file read to open it: a file replaced by a larger one in
    between is refused at the size limit, having read no more than the limit into memory."""
    grown = tmp_path / "grown.docx"
    grown.write_bytes(b"\0" * (16 * 1024 * 1024))
    monkeypatch.setattr(package, "_unzipped", lambda source, name, inflate=True: {})  # it was small when judged
    monkeypatch.setattr(package, "MAX_DOCX_BYTES", 1024 * 1024)
    tracemalloc.start()
    try:
        with pytest.raises(NotADocx, match="the file is larger than 1 MB"):
            open_docx(grown)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024, peak


# -- refused before anything is inflated ------------------------------------------------------------------

def test_a_part_declared_to_inflate_to_2_gb_is_refused_from_the_directory(factory: dict[str, bytes]) -> None:
    data = raw_zip(factory, declared={"word/document.xml": 2 * 1024 ** 3 - 1})
    said = _refusal(data)
    assert "word/document.xml: the part inflates to 2,048 MB, more than the 64 MB allowed" in said


def test_a_part_that_inflates_far_more_than_its_size_is_a_zip_bomb(factory: dict[str, bytes]) -> None:
    said = _refusal(raw_zip(_with(factory, word__media__big_DOT_bin=b"\0" * (20 * 1024 * 1024))))
    assert "word/media/big.bin: the part inflates" in said and "a zip bomb" in said


def test_all_parts_together_have_a_limit(factory: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(package, "MAX_TOTAL_BYTES", 512 * 1024)
    assert "more than the 512 kB allowed" in _refusal(pack(factory))


def test_too_many_parts(factory: dict[str, bytes]) -> None:
    many = {**factory, **{f"customXml/item{i}.xml": b"<x/>" for i in range(package.MAX_PARTS)}}
    assert f"more than the {package.MAX_PARTS:,} a Word document has" in _refusal(raw_zip(many))


def test_a_directory_that_understates_a_part_is_refused_without_inflating_it(factory: dict[str, bytes]) -> None:
    # the directory says 10 bytes; the stream holds 64 MB of zeros: zipfile stops at 10 bytes and the CRC fails
    data = raw_zip(_with(factory, word__media__x_DOT_bin=b"\0" * (64 * 1024 * 1024)), declared={"word/media/x.bin": 10})
    tracemalloc.start()
    try:
        said = _refusal(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "word/media/x.bin" in said or "not a Word .docx file" in said
    assert peak < 16 * 1024 * 1024, f"{peak / 2**20:.0f} MB held while refusing"


def test_two_parts_of_one_name_are_refused(factory: dict[str, bytes]) -> None:
    # one reader would take the first, another the last: refused rather than guessed
    buffer = io.BytesIO()
    with pytest.warns(UserWarning), zipfile.ZipFile(buffer, "w") as zf:
        for name, part in factory.items():
            zf.writestr(name, part)
        zf.writestr("word/document.xml", factory["word/document.xml"])
    assert "word/document.xml: the package holds two parts of this name" in _refusal(buffer.getvalue())


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 not really", b"Dear Members,\n"], ids=["empty", "torn", "text"])
def test_not_a_zip(data: bytes) -> None:
    assert "not a Word .docx file" in _refusal(data)


# -- the XML: well-formed, no DTD, no entities ------------------------------------------------------------

def test_a_dtd_is_refused_and_no_entity_is_expanded(factory: dict[str, bytes]) -> None:
    said = _refusal(pack(_with(factory, word__styles_DOT_xml=BILLION_LAUGHS)))
    assert "word/styles.xml: line 1: the XML holds a document type declaration (<!DOCTYPE>)" in said


def test_malformed_xml_is_located_by_part_line_and_column(factory: dict[str, bytes]) -> None:
    broken = factory["word/document.xml"].replace(b"<w:body>", b"<w:body>\n<w:p>", 1)
    said = _refusal(pack(_with(factory, word__document_DOT_xml=broken)))
    assert "given.docx: error: word/document.xml: line " in said
    assert "the part is not well-formed XML (Opening and ending tag mismatch" in said


def test_an_undeclared_namespace_prefix_is_malformed(factory: dict[str, bytes]) -> None:
    rels = factory["word/_rels/document.xml.rels"].replace(b"</Relationships>", b"<x:y/></Relationships>")
    said = _refusal(pack({**factory, "word/_rels/document.xml.rels": rels}))
    assert "word/_rels/document.xml.rels: line " in said and "the part is not well-formed XML" in said


def test_a_docx_or_part_opened_before_is_not_parsed_again_and_a_changed_part_always_is(
        factory: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    """open_docx remembers the packages it opened (by their bytes' digest and name) and the parts it found
    well-formed (by digest), a bounded number of each: the same template or appendix opened again is not
    unzipped or parsed again, and of a changed one only the changed part is parsed."""
    xml = sorted(n for n in factory if n.endswith((".xml", ".rels")))
    monkeypatch.setattr(package, "_checked", {})
    monkeypatch.setattr(package, "_packages", {})
    monkeypatch.setattr(package, "MAX_CHECKED", len(xml) + 1)
    monkeypatch.setattr(package, "MAX_REMEMBERED", 2)
    parsed: list[str] = []
    real = package.parse_xml
    monkeypatch.setattr(package, "parse_xml", lambda data, name, part: parsed.append(part) or real(data, name, part))
    first = open_docx(pack(factory), "given.docx")
    assert sorted(parsed) == xml and len(package._checked) == len(xml)
    first.parts.clear()  # the caller's own copy
    parsed.clear()
    assert open_docx(pack(factory), "given.docx").parts == factory and parsed == [], "nothing parsed again"
    broken = factory["word/document.xml"].replace(b"<w:body>", b"<w:body><w:p>", 1)
    for _ in range(2):  # refused each time: a part that failed is not remembered, nor is the package
        parsed.clear()
        said = _refusal(pack({**factory, "word/document.xml": broken}))
        assert "the part is not well-formed XML" in said and parsed == ["word/document.xml"]
    assert len(package._checked) == len(xml) and len(package._packages) == 1
    for spaces in (b" ", b"  "):
        parsed.clear()
        open_docx(pack({**factory, "word/document.xml": factory["word/document.xml"] + spaces}), "given.docx")
        assert parsed == ["word/document.xml"], "only the changed part is parsed"
    assert len(package._checked) == len(xml) + 1 and len(package._packages) == 2, "bounded: the oldest forgotten"


# -- converted or removed, with a warning ----------------------------------------------------------------

def _macro_enabled(parts: dict[str, bytes]) -> dict[str, bytes]:
    types = parts["[Content_Types].xml"].replace(MAIN.encode(), DOCM).replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    rels = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
                             b'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
    return {**parts, "[Content_Types].xml": types, "word/_rels/document.xml.rels": rels,
            "word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"}


def test_a_macro_enabled_document_becomes_a_plain_one_without_its_macros(factory: dict[str, bytes]) -> None:
    opened = open_docx(pack(_macro_enabled(factory)), "given.docm")
    assert "word/vbaProject.bin" not in opened.parts
    assert DOCM not in opened.parts["[Content_Types].xml"] and MAIN.encode() in opened.parts["[Content_Types].xml"]
    assert b"vbaProject" not in opened.parts["word/_rels/document.xml.rels"]
    assert [w.rule for w in opened.warnings] == ["macros-removed"]
    assert "macros removed (word/vbaProject.bin)" in str(opened.warnings[0])


def test_a_template_becomes_a_plain_document_silently(factory: dict[str, bytes]) -> None:
    types = factory["[Content_Types].xml"].replace(MAIN.encode(), DOTX)
    opened = open_docx(pack({**factory, "[Content_Types].xml": types}), "given.dotx")
    assert DOTX not in opened.parts["[Content_Types].xml"] and MAIN.encode() in opened.parts["[Content_Types].xml"]
    assert opened.warnings == []


def test_a_main_part_of_another_kind_is_refused(factory: dict[str, bytes]) -> None:
    types = factory["[Content_Types].xml"].replace(MAIN.encode(), b"application/vnd.example.sheet+xml")
    assert "the main part is not a Word document's" in _refusal(pack({**factory, "[Content_Types].xml": types}))


def _linked(parts: dict[str, bytes], target: bytes, kind: bytes = b"image") -> dict[str, bytes]:
    """A picture linked to `target` (not embedded), as Word writes 'Insert > Link to File', and a web link."""
    rels = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdLink" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        + kind + b'" Target="' + target + b'" TargetMode="External"/>'
        b'<Relationship Id="rIdWeb" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'hyperlink" Target="https://www.example.org/" TargetMode="External"/></Relationships>')
    document = parts["word/document.xml"].replace(
        b"<w:body>", b'<w:body><w:p><w:hyperlink r:id="rIdWeb"><w:r><w:t>site</w:t></w:r></w:hyperlink>'
                     b'<w:r><w:pict><v:imagedata xmlns:v="urn:schemas-microsoft-com:vml" r:id="rIdLink"/></w:pict>'
                     b"</w:r></w:p>", 1)
    return {**parts, "word/_rels/document.xml.rels": rels, "word/document.xml": document}


@pytest.mark.parametrize("target", [b"file:///etc/hostname", b"../../../etc/hostname", b"/etc/hostname",
                                    b"\\\\server\\share\\x.png", b"http://169.254.169.254/latest"])
def test_external_pictures_are_removed_with_their_references(factory: dict[str, bytes], target: bytes) -> None:
    opened = open_docx(pack(_linked(factory, target)), "given.docx")
    assert target not in opened.parts["word/_rels/document.xml.rels"]
    assert b'r:id="rIdLink"' not in opened.parts["word/document.xml"]
    assert b"https://www.example.org/" in opened.parts["word/_rels/document.xml.rels"], "web links are kept"
    assert b'r:id="rIdWeb"' in opened.parts["word/document.xml"]
    assert [w.rule for w in opened.warnings] == ["external-removed"]
    assert opened.warnings[0].path == "word/_rels/document.xml.rels"


def test_an_attached_template_on_another_machine_is_removed(factory: dict[str, bytes]) -> None:
    settings = factory["word/settings.xml"].replace(b"</w:settings>",
                                                    b'<w:attachedTemplate r:id="rIdT"></w:attachedTemplate></w:settings>')
    rels = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/relationships"><Relationship Id="rIdT" Type="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
            b'Target="file:///C:/Users/jsmith/Normal.dotm" TargetMode="External"/></Relationships>')
    opened = open_docx(pack({**factory, "word/settings.xml": settings, "word/_rels/settings.xml.rels": rels}))
    assert b"attachedTemplate" not in opened.parts["word/settings.xml"]
    assert b"jsmith" not in opened.parts["word/_rels/settings.xml.rels"]


# -- through the command line: located exit 2, nothing written ---------------------------------------------

def _template(project: Path, parts: dict[str, bytes]) -> None:
    (project / "report_templates" / "committee-cover.docx").write_bytes(pack(parts))


def _fails(project: Path, *args: str, expect: str, where: str) -> str:
    before = snapshot(project)
    run = reportgen(*args, cwd=project)
    assert run.status == 2, (run.status, run.err)
    assert "internal error" not in run.err and "Traceback" not in run.err, run.err
    assert expect in run.err, run.err
    assert run.err.startswith(where) or f"\n{where}" in run.err, run.err
    assert snapshot(project) == before
    return run.err


def test_a_template_with_a_dtd_in_its_styles_is_refused(project: Path, factory: dict[str, bytes]) -> None:
    _template(project, _with(factory, word__styles_DOT_xml=BILLION_LAUGHS))
    _fails(project, "build", f"content/{NAME}.yaml", expect="word/styles.xml: the template cannot be used: line 1: "
           "the XML holds a document type declaration", where="report_templates/committee-cover.docx: error:")


def test_a_template_declared_to_inflate_to_2_gb_is_refused(project: Path, factory: dict[str, bytes]) -> None:
    (project / "report_templates" / "committee-cover.docx").write_bytes(
        raw_zip(factory, declared={"word/styles.xml": 2 * 1024 ** 3 - 1}))
    _fails(project, "build", f"content/{NAME}.yaml", expect="the part inflates to 2,048 MB",
           where="report_templates/committee-cover.docx: error: word/styles.xml")


def test_a_macro_template_with_a_linked_picture_builds_a_clean_report(project: Path,
                                                                      factory: dict[str, bytes]) -> None:
    _template(project, _macro_enabled(_linked(factory, b"file:///etc/hostname")))
    run = reportgen("build", f"content/{NAME}.yaml", cwd=project)
    assert run.status == 0, run.err
    assert "report_templates/committee-cover.docx: warning: macros removed" in run.err
    assert "report_templates/committee-cover.docx: warning: word/_rels/document.xml.rels: external link(s) removed " \
           "(image 'file:///etc/hostname')" in run.err
    built = read_parts(project / "build" / f"{NAME}.docx")
    assert not any("vba" in name.lower() for name in built)
    assert b"hostname" not in b"".join(built.values())
    assert DOCM not in built["[Content_Types].xml"]
    check = reportgen("check", f"build/{NAME}.docx", cwd=project)
    assert check.status == 0, check.err


@pytest.mark.parametrize("command", ["check", "redline"])
def test_malformed_xml_in_a_docx_given_to_a_command(project: Path, factory: dict[str, bytes], command: str) -> None:
    broken = factory["word/styles.xml"][:-20]
    (project / "given.docx").write_bytes(pack(_with(factory, word__styles_DOT_xml=broken)))
    args = ["check", "given.docx"] if command == "check" else ["redline", f"content/{NAME}.yaml", "given.docx"]
    _fails(project, *args, expect="given.docx: error: word/styles.xml: line ", where="given.docx: error:")


def test_check_says_what_a_docx_would_carry_into_publication(project: Path, factory: dict[str, bytes]) -> None:
    (project / "given.docx").write_bytes(pack(_macro_enabled(_linked(factory, b"/etc/hostname"))))
    run = reportgen("check", "given.docx", cwd=project)
    assert run.status == 2
    assert "not publishable as it is: macros removed" in run.err
    assert "not publishable as it is: external link(s) removed (image '/etc/hostname')" in run.err


@pytest.fixture
def agenda_project(project: Path) -> Path:
    shutil_copy = __import__("shutil").copytree
    shutil_copy(ROOT / "content" / "appendices", project / "content" / "appendices")
    (project / "content" / "agenda.yaml").write_text(
        "kind: agenda\ncommittee: Example Committee\ndate: 10/02/2020\ntime: 11.00 am\nvenue: Example Room\n"
        "members: [Example Member]\nenquiries: Example Clerk\n"
        "items:\n  - number: 1\n    title: Example item\n    appendices: [appendices/given.docx]\n", encoding="utf-8")
    return project


@pytest.mark.parametrize("case", ["malformed", "one review comment"])
def test_a_bad_word_appendix_is_a_located_error_in_a_pack(agenda_project: Path, case: str) -> None:
    from docx import Document

    given = agenda_project / "content" / "appendices" / "given.docx"
    source = agenda_project / "content" / "appendices" / "example-appendix-word.docx"
    if case == "malformed":
        parts = read_parts(source)
        given.write_bytes(pack({**parts, "word/document.xml": parts["word/document.xml"][:-30]}))
        expect = "word/document.xml: line "
    else:
        document = Document(str(source))
        paragraph = document.paragraphs[0]
        document.add_comment(paragraph.runs[0] if paragraph.runs else paragraph.add_run("x"), text="check this",
                             author="Reviewer")
        document.save(str(given))
        expect = "it holds review comments or tracked changes"
    _fails(agenda_project, "pack", "content/agenda.yaml", "--no-pdf", expect=expect,
           where="content/agenda.yaml:11:18: error: items[1].appendices[1]")


def test_a_pdf_appendix_page_without_size_is_a_located_error(agenda_project: Path) -> None:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import RectangleObject

    writer = PdfWriter(clone_from=PdfReader(str(agenda_project / "content" / "appendices" / "example-appendix-pdf.pdf")))
    writer.pages[0].mediabox = RectangleObject([0, 0, 0, 0])
    with open(agenda_project / "content" / "appendices" / "given.pdf", "wb") as out:
        writer.write(out)
    agenda = agenda_project / "content" / "agenda.yaml"
    agenda.write_text(agenda.read_text().replace("given.docx", "given.pdf"))
    _fails(agenda_project, "pack", "content/agenda.yaml", "--no-pdf", expect="page 1 has a page box of 0 x 0",
           where="content/agenda.yaml:11:18: error: items[1].appendices[1]")


def test_every_factory_template_and_seed_opens_unchanged() -> None:
    for path in sorted((ROOT / "report_templates").glob("*.docx")):
        with zipfile.ZipFile(path) as zf:
            raw = {i.filename: zf.read(i) for i in zf.infolist()}
        opened = open_docx(path)
        assert opened.parts == raw and opened.warnings == [], path
    assert CASES.is_dir()


def _linked_picture(parts: dict[str, bytes], target: str) -> dict[str, bytes]:
    """A DrawingML picture linked (a:blip r:link), not embedded: LibreOffice loads such a file when it opens
    the document."""
    from reportgen.oxml.xml import picture

    rels = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdLink" Type="http://schemas.openxmlformats.org/officeDocument/'
                             b'2006/relationships/image" Target="' + target.encode() + b'" TargetMode="External"/>'
                             b"</Relationships>")
    drawing = picture("rIdLink", 990, "linked", "A linked picture", 914400 * 3, 914400 * 2).replace(
        'r:embed="rIdLink"', 'r:link="rIdLink"').replace("<w:drawing>", (
            '<w:drawing xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'))
    document = parts["word/document.xml"].replace(b"<w:body>", b"<w:body><w:p>" + drawing.encode() + b"</w:p>", 1)
    return {**parts, "word/_rels/document.xml.rels": rels, "word/document.xml": document}


@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="needs LibreOffice")
def test_libreoffice_never_fetches_a_file_a_template_links_to(project: Path, factory: dict[str, bytes],
                                                             warm_office: Path) -> None:
    from reportgen.pipeline.render import charts

    secret = project / "outside" / "secret.png"
    secret.parent.mkdir()
    secret.write_bytes(charts._draw(charts.drawing("bar", ["Private"], [1])))
    linked = _linked_picture(factory, secret.as_uri())
    # the control: LibreOffice, given the template as it is, draws the file from this machine's disk
    (project / "raw.docx").write_bytes(pack(linked))
    assert reportgen("pdf", "raw.docx", cwd=project).status == 0
    images = _images(project / "raw.pdf")
    assert images, "LibreOffice no longer loads linked pictures: this test shows nothing"
    _template(project, linked)
    run = reportgen("build", "--pdf", f"content/{NAME}.yaml", cwd=project)
    assert run.status == 0, run.err
    assert "external link(s) removed (image 'file://" in run.err
    images = _images(project / "build" / f"{NAME}.pdf")
    assert images == [], images


def _images(pdf: Path) -> list[str]:
    """The pictures drawn on the PDF's pages (read with pypdf), by name."""
    from pdfread import reader

    return [image.name for page in reader(pdf).pages for image in page.images]
