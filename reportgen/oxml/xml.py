"""Builders for WordprocessingML fragments as strings: runs, paragraphs, tables, fields and pictures.

Strings rather than element trees because a report is thousands of small fragments written once;
joining strings is several times faster than building and serialising lxml elements.
"""

from __future__ import annotations

import re

# lone surrogates too: they cannot even be encoded as UTF-8
_INVALID_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    """Text safe inside an XML element or attribute; characters XML cannot hold are dropped."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return _INVALID_XML.sub("", text)


def inside_text(text: str) -> str:
    """`text` to print inside an open <w:t>: escaped, a line break or tab closing the w:t, putting Word's
    break or tab, and opening another."""
    return (escape(text).replace("\n", '</w:t><w:br/><w:t xml:space="preserve">')
            .replace("\t", '</w:t><w:tab/><w:t xml:space="preserve">'))


def text_runs(text: str) -> str:
    """The inside of runs for `text`: line breaks become <w:br/>, tabs <w:tab/>."""
    parts = []
    for i, line in enumerate(text.split("\n")):
        if i:
            parts.append("<w:br/>")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                parts.append("<w:tab/>")
            if chunk:
                parts.append(f'<w:t xml:space="preserve">{escape(chunk)}</w:t>')
    return "".join(parts)


def run(text: str, *, bold: bool = False, italic: bool = False, superscript: bool = False,
        style_id: str | None = None) -> str:
    props = ""
    if style_id:
        props += f'<w:rStyle w:val="{style_id}"/>'
    if bold:
        props += "<w:b/><w:bCs/>"
    if italic:
        props += "<w:i/><w:iCs/>"
    if superscript:
        props += '<w:vertAlign w:val="superscript"/>'
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f"<w:r>{rpr}{text_runs(text)}</w:r>"


def prepend_to_body(parts: dict[str, bytes], fragment: str) -> dict[str, bytes]:
    """`parts` with `fragment` (paragraphs) put first in the document's body."""
    document = parts["word/document.xml"].decode("utf-8")
    found = re.search(r"<w:body(?:\s[^>]*)?>", document)
    if found is None:
        raise ValueError("the document has no body")
    parts = dict(parts)
    parts["word/document.xml"] = (document[:found.end()] + fragment + document[found.end():]).encode("utf-8")
    return parts


KEEP_NEXT = "<w:keepNext/>"
"""Paragraph properties keeping a paragraph on the page of the paragraph after it."""


def internal_link(anchor: str, runs: str) -> str:
    """Runs made a link to the bookmark `anchor` in the same document."""
    return f'<w:hyperlink w:anchor="{escape(anchor)}" w:history="1">{runs}</w:hyperlink>'


def num_pr(num_id: int, level: int = 0) -> str:
    return f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'


def paragraph(runs: str, style_id: str | None = None, *, extra_ppr: str = "") -> str:
    ppr = (f'<w:pStyle w:val="{style_id}"/>' if style_id else "") + extra_ppr
    return f"<w:p>{'<w:pPr>' + ppr + '</w:pPr>' if ppr else ''}{runs}</w:p>"


def field(instruction: str, shown: str = "", *, run_props: str = "") -> str:
    """A complex field (PAGE, SEQ, TOC ...) with `shown` as its current result."""
    rpr = f"<w:rPr>{run_props}</w:rPr>" if run_props else ""
    return (f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r>{rpr}<w:instrText xml:space="preserve"> {escape(instruction)} </w:instrText></w:r>'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
            f"<w:r>{rpr}{text_runs(shown)}</w:r>"
            f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>')


def bookmark(bookmark_id: int, name: str, inner: str) -> str:
    return (f'<w:bookmarkStart w:id="{bookmark_id}" w:name="{escape(name)}"/>{inner}'
            f'<w:bookmarkEnd w:id="{bookmark_id}"/>')


def table(rows: list[list[str]], style_id: str | None, *, header_rows: int = 1,
          widths: list[int] | None = None, last_row: bool = False, last_column: bool = False) -> str:
    """A table whose cells hold paragraph XML; the first `header_rows` rows repeat on each page.

    `last_row` / `last_column` switch on the table style's formatting of them (a Total row or column).
    """
    columns = max((len(r) for r in rows), default=0)
    widths = widths or [int(9000 / max(columns, 1))] * columns
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    style = f'<w:tblStyle w:val="{style_id}"/>' if style_id else ""
    # the same switches as a bitmask, which some readers (LibreOffice) go by: first row 0x20, last row
    # 0x40, first column 0x80, last column 0x100, no vertical banding 0x400
    look = 0x20 | 0x80 | 0x400 | (0x40 if last_row else 0) | (0x100 if last_column else 0)
    out = [f'<w:tbl><w:tblPr>{style}<w:tblW w:w="0" w:type="auto"/>'
           f'<w:tblLook w:val="{look:04X}" w:firstRow="1" w:lastRow="{int(last_row)}" w:firstColumn="1" '
           f'w:lastColumn="{int(last_column)}" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>']
    for i, row in enumerate(rows):
        # a row is never split across pages (a figure must not be parted from its label); header rows repeat
        trpr = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if i < header_rows else "<w:trPr><w:cantSplit/></w:trPr>"
        cells = "".join(f'<w:tc><w:tcPr><w:tcW w:w="{widths[j]}" w:type="dxa"/></w:tcPr>{cell or "<w:p/>"}</w:tc>'
                        for j, cell in enumerate(row))
        out.append(f"<w:tr>{trpr}{cells}</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


CHAR_TWIPS = 120
"""About the width of one character of 11 pt Arial (bold), in twentieths of a point."""
CELL_MARGINS_TWIPS = 260
TEXT_WIDTH_TWIPS = 9000
"""The width a table spans: the text width of an A4 page with the house margins."""


def fit_widths(columns: list[list[str]], width: int = TEXT_WIDTH_TWIPS) -> list[int]:
    """Column widths from the text the columns hold: each wide enough for its longest word, the rest of
    the width shared in proportion to its longest cell (a column of words is wider than one of figures)."""
    least = [max((len(word) for text in col for word in text.split()), default=1) * CHAR_TWIPS + CELL_MARGINS_TWIPS
             for col in columns]
    longest = [max((len(text) for text in col), default=1) or 1 for col in columns]
    spare = width - sum(least)
    if spare <= 0:  # the words alone are wider than the page: share it in proportion to them
        return [int(width * w / sum(least)) for w in least]
    return [w + int(spare * n / sum(longest)) for w, n in zip(least, longest)]


EMU_PER_INCH = 914400


def picture(rel_id: str, pic_id: int, name: str, alt: str, width_emu: int, height_emu: int) -> str:
    """An inline picture (in the text flow, so reading order is document order) with alt text."""
    alt = escape(alt)
    name = escape(name)
    return (
        f'<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{width_emu}" cy="{height_emu}"/><wp:docPr id="{pic_id}" name="{name}" descr="{alt}"/>'
        f'<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        f'<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{pic_id}" name="{name}" descr="{alt}"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:embed="{rel_id}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{width_emu}" cy="{height_emu}"/></a:xfrm>'
        f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
        f'</wp:inline></w:drawing></w:r>'
    )


def highest_picture_id(document: bytes) -> int:
    """The highest drawing id (wp:docPr) in a part's XML, 0 when it has no picture: a picture added gets a
    higher one, as Word wants each id once."""
    return max((int(m) for m in re.findall(rb'<wp:docPr id="(\d+)"', document)), default=0)


PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'


def bookmark_paragraph(p, bookmark_id: int, name: str) -> None:
    """Put a (zero-length) bookmark at the start of paragraph element `p`: LibreOffice exports it as a
    named destination pointing at the page the paragraph starts on."""
    from lxml import etree

    from reportgen.oxml.ns import qn

    start = etree.SubElement(p, qn("w:bookmarkStart"), {qn("w:id"): str(bookmark_id), qn("w:name"): name})
    end = etree.SubElement(p, qn("w:bookmarkEnd"), {qn("w:id"): str(bookmark_id)})
    ppr = p.find(qn("w:pPr"))
    at = 0 if ppr is None else list(p).index(ppr) + 1
    p.insert(at, start)
    p.insert(at + 1, end)


_PARAGRAPH = re.compile(r"<w:p(?: [^>]*[^/])?>.*?</w:p>", re.DOTALL)  # not a self-closing <w:p/>


def keep_before(document: bytes, style_id: str) -> bytes:
    """The document with keep-with-next set on the paragraph just before each run of `style_id` paragraphs
    (the last one with text, skipping empty ones), so such a run never starts a page on its own.
    Plain text work, no XML parser: a rebuild from the cache loads none."""
    text = document.decode("utf-8")
    marker = f'<w:pStyle w:val="{style_id}"/>'
    if marker not in text:
        return document
    pieces: list[str] = []
    at = 0
    previous: tuple[int, int] | None = None  # span of the last paragraph with text
    in_run = False
    for match in _PARAGRAPH.finditer(text):
        paragraph = match.group()
        if marker in paragraph:
            if not in_run and previous is not None and previous[0] >= at:
                pieces += [text[at:previous[0]], keep_next(text[previous[0]:previous[1]])]
                at = previous[1]
            in_run = True
            continue
        if "<w:t" in paragraph and re.search(r"<w:t(?: [^>]*)?>\s*[^\s<]", paragraph):
            previous, in_run = match.span(), False
    pieces.append(text[at:])
    return "".join(pieces).encode("utf-8")


def keep_next(paragraph_xml: str) -> str:
    """A paragraph made to stay on the page of the paragraph after it."""
    if KEEP_NEXT in paragraph_xml:
        return paragraph_xml
    opening = paragraph_xml.index(">") + 1
    if paragraph_xml.startswith("<w:pPr>", opening):
        inside = opening + len("<w:pPr>")
        if paragraph_xml.startswith("<w:pStyle", inside):
            inside = paragraph_xml.index("/>", inside) + 2
        return paragraph_xml[:inside] + KEEP_NEXT + paragraph_xml[inside:]
    return paragraph_xml[:opening] + f"<w:pPr>{KEEP_NEXT}</w:pPr>" + paragraph_xml[opening:]
