"""Finishing a PDF LibreOffice wrote: tagging fixes, XMP metadata, and the PDF/UA identifier when earned.

LibreOffice 7.4 tags a PDF from the document's paragraph styles, with a few faults this repairs:
- a paragraph in a style named "Figure" becomes a Figure element holding the picture's own Figure:
  the outer one (no alt text) is made a paragraph, so each picture is one Figure with its alt text;
- the Title style is mapped to a plain paragraph: it is mapped to H1, as the report's top heading;
- a style named like a standard structure type (Quote) remaps that type, which PDF/UA forbids: those
  elements take the type they were mapped to;
- a table cell whose paragraphs are in the template's "Row Header" style becomes a row header (TH,
  scope Row): label/value tables such as a covering report's header grid read label by label.
It also writes XMP metadata (title, language, producer), marks pages with annotations to be read in
structure order, and sets pdfuaid:part 1 only when `pdf_ua_findings` finds nothing.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportgen.pdf.inspect import STANDARD_TYPES, Pdf, PdfProblem, elements, kids

ROW_HEADER_STYLE = "/Row Header"
"""The structure type LibreOffice gives a paragraph in the template's "Row Header" style."""
MAPPED_TYPES = {"/Title": "/H1"}
"""Custom types LibreOffice maps to a plain paragraph that are headings for a reader."""


def finish_pdf(data: bytes, *, untagged_pages: Iterable[int] = ()) -> bytes:
    """`data` with its tagging repaired and XMP metadata written; the PDF/UA identifier only when it conforms
    as far as `pdf_ua_findings` can tell. `untagged_pages` are pages whose drawn content has no tags
    (a pack's PDF appendices): such a PDF is never claimed to be PDF/UA."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        writer = PdfWriter(clone_from=reader)
    except (PyPdfError, ValueError, KeyError):
        return data  # not a PDF this can read (a stand-in in tests): passed on as it is
    header = reader.pdf_header
    repair_tags(writer)
    _annotations_in_structure_order(writer)
    drawn_in = set(untagged_pages)
    for index, page in enumerate(writer.pages):
        if index not in drawn_in:
            mark_loose_lines_as_artifacts(writer, page)
    pdf = Pdf(writer)
    try:
        untagged = sorted(drawn_in | set(untagged_content_pages(pdf)))
        findings = pdf_ua_findings(pdf, untagged)
    except PdfProblem as exc:  # a drawn-in appendix beyond the bounds: nothing is claimed for it
        findings = [str(exc)]
    _write_xmp(writer, pdf_ua=not findings)
    writer.pdf_header = header if header >= "%PDF-1.6" else "%PDF-1.6"
    # what was replaced (an earlier XMP packet, LibreOffice's flat outline) is not left in the file
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def repair_tags(writer) -> None:
    """Make LibreOffice's structure tree say what the document is (see the module's docstring)."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    root = writer._root_object.get("/StructTreeRoot")
    if root is None:
        return
    root = root.get_object()
    role_map = root.get("/RoleMap")
    role_map = role_map.get_object() if role_map is not None else DictionaryObject()
    retype: dict[str, str] = {}
    for name, target in list(role_map.items()):
        if name in STANDARD_TYPES and str(target) != name:
            retype[name] = str(target)
            del role_map[NameObject(name)]
    for name, target in MAPPED_TYPES.items():
        if name in role_map:
            role_map[NameObject(name)] = NameObject(target)
    for element, _ in list(elements(root)):
        kind = str(element["/S"])
        if kind in retype:
            element[NameObject("/S")] = NameObject(retype[kind])
        elif kind == "/Figure" and any(str(k["/S"]) == "/Figure" for k, _ in elements(element)):
            element[NameObject("/S")] = NameObject("/P")  # the paragraph holding the picture
        elif kind == "/TD":
            cells = kids(element)
            if cells and all(str(k["/S"]) == ROW_HEADER_STYLE for k in cells):
                element[NameObject("/S")] = NameObject("/TH")
                scope = DictionaryObject({NameObject("/O"): NameObject("/Table"),
                                          NameObject("/Scope"): NameObject("/Row")})
                attributes = element.get("/A")
                if attributes is None:
                    element[NameObject("/A")] = scope
                else:
                    attributes = attributes.get_object()
                    listed = list(attributes) if isinstance(attributes, list) else [attributes]
                    element[NameObject("/A")] = ArrayObject([*listed, writer._add_object(scope)])
    if ROW_HEADER_STYLE in role_map:
        role_map[NameObject(ROW_HEADER_STYLE)] = NameObject("/P")


def _annotations_in_structure_order(writer) -> None:
    """Pages with annotations (links) are read in structure order (/Tabs /S), and every annotation prints."""
    from pypdf.generic import NameObject, NumberObject

    for page in writer.pages:
        annots = page.get("/Annots")
        if annots is None:
            continue
        page[NameObject("/Tabs")] = NameObject("/S")
        for annot in annots.get_object():
            annot = annot.get_object()
            annot[NameObject("/F")] = NumberObject(int(annot.get("/F", 0)) | 4)


def pdf_ua_findings(pdf: Pdf, untagged_pages: Iterable[int] = (), *, basics: bool = True) -> list[str]:
    """The machine-checkable PDF/UA-1 (Matterhorn) conditions `pdf` fails, as sentences ([] when none).
    Without `basics`, leaves out tagged, language and title, which `check` reports under rules of their own.

    Checked: tagged (01-005, 06-001 MarkInfo), document language (11-006), title shown (07-001), every
    Figure has alt text (13-004), no Figure inside a Figure, no standard type remapped (02-004), table
    cells inside rows, every font embedded (31-009), and every page's content tagged (01-005: a pack's
    drawn-in PDF pages are not).
    Raises PdfProblem when the structure tree is beyond the bounds `inspect` reads within.
    """
    findings = []
    if basics and not pdf.marked:
        findings.append("not marked as tagged (/MarkInfo /Marked)")
    if not pdf.has_structure_tree:
        return findings + ["no structure tree"] if basics else []
    if basics and not pdf.language:
        findings.append("no document language (/Lang)")
    if not pdf.displays_title:
        findings.append("the viewer is not asked to show the document title (/DisplayDocTitle)")
    if basics and not pdf.title:
        findings.append("no document title")
    for name, target in pdf.role_map.items():
        if name in STANDARD_TYPES and target != name:
            findings.append(f"the standard structure type {name} is remapped to {target}")
    role_map = pdf.role_map
    structure = pdf.structure()
    for element in structure:
        if element.kind == "/Figure":
            if not element.alt:
                findings.append("a Figure has no alternative text")
            if any(role_map.get(str(k["/S"]), str(k["/S"])) == "/Figure" for k, _ in elements(element.node)):
                findings.append("a Figure holds another Figure")
        if element.kind == "/TR" and \
                not all(role_map.get(str(k["/S"]), str(k["/S"])) in ("/TH", "/TD") for k in kids(element.node)):
            findings.append("a table row holds something other than TH and TD cells")
    missing = sorted(name for name, embedded in pdf.fonts().items() if not embedded)
    if missing:
        findings.append(f"font(s) not embedded: {', '.join(missing)} (a reader may show other glyphs)")
    untagged_pages = sorted(untagged_pages)
    if untagged_pages:
        findings.append(f"page(s) {', '.join(str(p + 1) for p in untagged_pages)} hold content that is neither "
                        "tagged nor marked as an artifact (in an agenda pack: the drawn-in PDF appendices)")
    return findings


LINES = frozenset((b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"))
"""Operators that stroke or fill a path."""
PAINTING = LINES | frozenset((b"Tj", b"TJ", b"'", b'"', b"Do", b"sh", b"BI"))
"""Content-stream operators that put something on the page."""
_TOKEN = re.compile(rb"\s*(?:(%[^\r\n]*)|(<<|>>|\[|\]|\{|\})|(<[0-9A-Fa-f\s]*>)|(/[^\s/\[\]()<>{}%]*)|(\()|"
                    rb"([^\s/\[\]()<>{}%]+))")


@dataclass
class _Run:
    """Operators painted outside any marked content, from byte `start` to `end` of a content stream."""

    start: int
    end: int
    operators: set[bytes] = field(default_factory=set)

    @property
    def only_lines(self) -> bool:
        return bool(self.operators & LINES) and not self.operators & (PAINTING - LINES)


def _loose_runs(data: bytes) -> list[_Run]:
    """The stretches of a content stream outside marked content that paint something. A small tokenizer of
    its own: pypdf's parses every string into an object and takes seconds over a long report."""
    runs: list[_Run] = []
    depth, pos, operands_at = 0, 0, 0
    current = _Run(0, 0)
    size = len(data)
    while pos < size:
        match = _TOKEN.match(data, pos)
        if match is None or match.end() == pos:
            pos += 1
            continue
        token_start = match.start(match.lastindex)
        pos = match.end()
        if match.lastindex == 5:  # a literal string: balanced parentheses, backslash escapes
            nesting = 1
            while pos < size and nesting:
                char = data[pos]
                if char == 0x5C:
                    pos += 1
                elif char == 0x28:
                    nesting += 1
                elif char == 0x29:
                    nesting -= 1
                pos += 1
            continue
        if match.lastindex != 6:
            continue
        word = match.group(6)
        if word in (b"BDC", b"BMC"):
            if depth == 0 and current.operators:
                current.end = operands_at
                runs.append(current)
            depth += 1
        elif word == b"EMC":
            depth = max(0, depth - 1)
            if depth == 0:
                current = _Run(pos, pos)
        elif word == b"ID":  # inline image data: skip to its EI
            found = re.compile(rb"\sEI(?=[\s]|$)").search(data, pos)
            pos = found.end() if found else size
            if depth == 0:
                current.operators.add(b"BI")
        elif depth == 0 and word in PAINTING:
            current.operators.add(word)
        if not (word[:1].isdigit() or word[:1] in b"+-." or word in (b"true", b"false", b"null")):
            operands_at = pos  # an operator: the next one's operands start after it
    if depth == 0 and current.operators:
        current.end = size
        runs.append(current)
    return runs


def mark_loose_lines_as_artifacts(writer, page) -> None:
    """LibreOffice draws paragraph borders and shading outside any marked content: mark such runs of lines
    and fills (never text or pictures) as artifacts, the decoration they are (Matterhorn 01-005)."""
    from pypdf.generic import DecodedStreamObject, NameObject

    contents = page.get_contents()
    if contents is None:
        return
    data = contents.get_data()
    runs = [run for run in _loose_runs(data) if run.only_lines]
    if not runs:
        return
    pieces, at = [], 0
    for run in runs:
        pieces += [data[at:run.start], b"\n/Artifact BMC\n", data[run.start:run.end], b"\nEMC\n"]
        at = run.end
    pieces.append(data[at:])
    stream = DecodedStreamObject()
    stream.set_data(b"".join(pieces))
    page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())


def untagged_content_pages(pdf: Pdf) -> list[int]:
    """Indices of pages that paint something outside any marked content (neither tagged nor an artifact)."""
    return [index for index, page in enumerate(pdf.pages()) if _loose_runs(pdf.content(page))]


def _write_xmp(writer, *, pdf_ua: bool) -> None:
    """XMP metadata with the title and language (PDF/UA reads the title from here, not /Info)."""
    from pypdf.generic import NameObject, StreamObject

    info = writer.metadata or {}
    title = escape(str(info.get("/Title") or ""))
    language = escape(str(writer._root_object.get("/Lang") or "x-default"))
    producer = escape(str(info.get("/Producer") or "reportgen"))
    ua = ('<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">'
          "<pdfuaid:part>1</pdfuaid:part></rdf:Description>") if pdf_ua else ""
    xmp = ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
           '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
           f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>'
           f"<dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>"
           "<dc:format>application/pdf</dc:format></rdf:Description>"
           '<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">'
           f"<pdf:Producer>{producer}</pdf:Producer></rdf:Description>"
           f'{ua}</rdf:RDF></x:xmpmeta><?xpacket end="w"?>')
    stream = StreamObject()
    stream.set_data(xmp.encode("utf-8"))
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    writer._root_object[NameObject("/Metadata")] = writer._add_object(stream)
