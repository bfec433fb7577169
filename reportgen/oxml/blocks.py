"""A document's body as blocks a reader of reports needs: paragraphs (style, outline level, list label,
text in reportgen's inline markup), tables (rows of cells, header rows marked) and pictures (alt text).

What Word shows is what is read: tracked changes taken as accepted (or, asked, as rejected), content
controls unwrapped, fields read by their results, a table of contents skipped as navigation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from reportgen.oxml.ns import qn
from reportgen.oxml.contents import ContentsFollower
from reportgen.oxml.package import read_parts, xml_parser
from reportgen.oxml.numbering import ListLabels, numbering_of
from reportgen.oxml.styles import styles_of
from reportgen.oxml.text import style_and_numbering

W_VAL = qn("w:val")
_MARKUP = str.maketrans({c: "\\" + c for c in "\\*^[]"})


@dataclass
class Paragraph:
    """One paragraph: its style's name, outline level (0 for Heading 1, None for body text), its list
    label as Word shows it ('1.', '(a)', '-' for a bullet), and its text in inline markup."""

    text: str
    style: str = "Normal"
    level: int | None = None
    label: str = ""
    list_level: int = 0
    plain: str = ""
    pictures: list[str] = field(default_factory=list)  # alt texts of pictures in it

    @property
    def is_heading(self) -> bool:
        return self.level is not None


@dataclass
class Table:
    rows: list[list[list[Paragraph]]]
    header_rows: int = 0
    style: str = ""

    def cell_text(self, row: int, col: int) -> str:
        return "\n".join(p.text for p in self.rows[row][col]).strip()

    def plain_rows(self) -> list[list[str]]:
        return [["\n".join(p.plain for p in cell).strip() for cell in row] for row in self.rows]


Block = Paragraph | Table


class _Reader:
    def __init__(self, parts: dict[str, bytes], accept: bool) -> None:
        self.styles = styles_of(parts)
        self.numbering = ListLabels(numbering_of(parts))
        self.levels = self.styles.outline_levels
        self.gone = (qn("w:del"), qn("w:moveFrom")) if accept else (qn("w:ins"), qn("w:moveTo"))
        self.kept_text = qn("w:t") if accept else qn("w:delText")
        self.accept = accept
        self.contents = ContentsFollower()

    def blocks(self, container) -> list[Block]:
        out: list[Block] = []
        carry: Paragraph | None = None  # a paragraph whose mark is gone: it joins the next one
        for child in container:
            if child.tag == qn("w:p"):
                para = self.paragraph(child)
                if para is None:
                    continue
                if carry is not None:  # the next paragraph's mark survives, and with it its style
                    para.text, para.plain = carry.text + para.text, carry.plain + para.plain
                    para.pictures[:0] = carry.pictures
                    carry = None
                mark = child.find(f"{qn('w:pPr')}/{qn('w:rPr')}")
                if mark is not None and any(mark.find(t) is not None for t in self.gone):
                    carry = para
                    continue
                out.append(para)
            elif child.tag == qn("w:tbl"):
                out.append(self.table(child))
            elif child.tag in (qn("w:sdt"),):
                gallery = child.find(f"{qn('w:sdtPr')}/{qn('w:docPartObj')}/{qn('w:docPartGallery')}")
                if gallery is not None and gallery.get(W_VAL) == "Table of Contents":
                    continue  # navigation a program fills in, not the report's text
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    out.extend(self.blocks(content))
            elif child.tag in (qn("w:customXml"), qn("w:ins"), qn("w:moveTo")):
                out.extend(self.blocks(child))
        return out

    def table(self, tbl) -> Table:
        rows = []
        header = 0
        for tr in tbl.iter(qn("w:tr")):
            trpr = tr.find(qn("w:trPr"))
            if trpr is not None:
                if any(trpr.find(t) is not None for t in self.gone):
                    continue  # a row inserted (rejecting) or deleted (accepting)
                if trpr.find(qn("w:tblHeader")) is not None and header == len(rows):
                    header += 1
            cells = []
            for tc in tr.findall(qn("w:tc")) + [c for sdt in tr.findall(qn("w:sdt")) for c in
                                                 sdt.iter(qn("w:tc"))]:
                cells.append([p for p in self.blocks(tc) if isinstance(p, Paragraph)])
            rows.append(cells)
        style_el = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}")
        return Table(rows, header, self.styles.name(style_el.get(W_VAL)) if style_el is not None else "")

    def paragraph(self, p) -> Paragraph | None:
        if self.contents.in_contents(p):  # navigation Word fills in, not the report's text
            return None
        ppr = p.find(qn("w:pPr"))
        sid, num = style_and_numbering(p, self.styles)
        text, plain, pictures = self.runs(p)
        label = self.numbering.label(*num) if num and num[0] != 0 and plain.strip() else ""
        level = self.levels.get(sid)
        if ppr is not None and (outline := ppr.find(qn("w:outlineLvl"))) is not None:
            level = int(outline.get(W_VAL))
        if level is not None and level >= 9:
            level = None
        return Paragraph(text.strip(), self.styles.name(sid) if sid else "Normal", level, label,
                         num[1] if num else 0, plain.strip(), pictures)

    def runs(self, p) -> tuple[str, str, list[str]]:
        """The paragraph's text in inline markup, its plain text, and its pictures' alt texts."""
        pieces: list[tuple[str, tuple[bool, bool, bool]]] = []
        pictures: list[str] = []
        fields: list[str] = []  # open complex fields: 'code' until their separator, then 'result'

        def walk(el) -> None:
            for child in el:
                tag = child.tag
                if tag in self.gone:
                    continue
                if tag == qn("w:r"):
                    run(child)
                elif tag in (qn("w:hyperlink"), qn("w:smartTag"), qn("w:customXml"), qn("w:ins"), qn("w:del"),
                             qn("w:moveTo"), qn("w:moveFrom"), qn("w:fldSimple")):
                    walk(child)
                elif tag == qn("w:sdt"):
                    content = child.find(qn("w:sdtContent"))
                    if content is not None:
                        walk(content)

        def run(r) -> None:
            rpr = r.find(qn("w:rPr"))
            fmt = (_on(rpr, "w:b"), _on(rpr, "w:i"), _sup(rpr))
            for el in r:
                if el.tag == qn("w:fldChar"):
                    kind = el.get(qn("w:fldCharType"))
                    if kind == "begin":
                        fields.append("code")  # a field's code is not shown; its result is
                    elif kind == "separate" and fields:
                        fields[-1] = "result"
                    elif kind == "end" and fields:
                        fields.pop()
                elif "code" in fields:
                    continue
                elif el.tag in (qn("w:t"), qn("w:delText")):
                    pieces.append((el.text or "", fmt))
                elif el.tag == qn("w:tab"):
                    pieces.append(("\t", fmt))
                elif el.tag in (qn("w:br"), qn("w:cr")) and el.get(qn("w:type")) in (None, "textWrapping"):
                    pieces.append(("\n", fmt))
                elif el.tag == qn("w:noBreakHyphen"):
                    pieces.append(("-", fmt))
                elif el.tag == qn("w:drawing"):
                    for doc_pr in el.iter(qn("wp:docPr")):
                        pictures.append(doc_pr.get("descr") or doc_pr.get("title") or "")

        walk(p)
        marked, plain = [], []
        for text, (bold, italic, sup) in _merge(pieces):
            plain.append(text)
            escaped = text.translate(_MARKUP)
            core = escaped.strip()
            if not core or not (bold or italic or sup):
                marked.append(escaped)
                continue
            lead, trail = escaped[:len(escaped) - len(escaped.lstrip())], escaped[len(escaped.rstrip()):]
            if sup:
                core = f"^{core}^"
            if italic:
                core = f"*{core}*"
            if bold:
                core = f"**{core}**"
            marked.append(lead + core + trail)
        return "".join(marked), "".join(plain), pictures


def _merge(pieces: list[tuple[str, tuple[bool, bool, bool]]]) -> list[tuple[str, tuple[bool, bool, bool]]]:
    out: list[tuple[str, tuple[bool, bool, bool]]] = []
    for text, fmt in pieces:
        if out and out[-1][1] == fmt:
            out[-1] = (out[-1][0] + text, fmt)
        else:
            out.append((text, fmt))
    return out


def _on(rpr, tag: str) -> bool:
    el = rpr.find(qn(tag)) if rpr is not None else None
    return el is not None and el.get(W_VAL) not in ("0", "false", "off")


def _sup(rpr) -> bool:
    el = rpr.find(qn("w:vertAlign")) if rpr is not None else None
    return el is not None and el.get(W_VAL) == "superscript"


def read_blocks(source: str | Path | bytes | dict[str, bytes], *, accept: bool = True) -> list[Block]:
    """The document body as blocks, tracked changes accepted (or rejected with `accept=False`)."""
    parts = source if isinstance(source, dict) else read_parts(source)
    body = etree.fromstring(parts["word/document.xml"], xml_parser()).find(qn("w:body"))
    return _Reader(parts, accept).blocks(body)
