"""Reads a .docx back as text: paragraphs with their list numbers, tables as rows, optionally with style names.

Used by the fidelity measure, redlining, the importer and the checks; it reads what Word would show,
with list numbers as Word computes them (oxml.numbering). The golden tests read documents with
python-docx and LibreOffice instead, and hold this reader to agree with them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from reportgen.oxml.ns import qn
from reportgen.oxml.contents import ContentsFollower
from reportgen.oxml.numbering import ListLabels, numbering_of
from reportgen.oxml.package import read_parts, xml_parser
from reportgen.oxml.styles import Styles, numbering_reference, styles_of

W_VAL = qn("w:val")


@dataclass
class Line:
    """One paragraph (or table row) as a reader sees it."""

    text: str
    style: str = ""
    label: str = ""
    kind: str = "p"  # "p" for a paragraph, "row" for a table row
    cells: list[str] = field(default_factory=list)

    def shown(self) -> str:
        return f"{self.label} {self.text}" if self.label else self.text


def style_and_numbering(p, styles: Styles) -> tuple[str, tuple[int, int] | None]:
    """A paragraph's style id, and its list (numId, level): its own numPr, else its style's."""
    ppr = p.find(qn("w:pPr"))
    ps = ppr.find(qn("w:pStyle")) if ppr is not None else None
    sid = ps.get(W_VAL) if ps is not None else ""
    num = numbering_reference(ppr)
    if num is None and sid in styles.lists:
        num = styles.lists[sid]
    return sid, num


_DELETIONS = (qn("w:del"), qn("w:moveFrom"))


def _deleted(el) -> bool:
    run = el.getparent()
    return run is not None and run.getparent() is not None and run.getparent().tag in _DELETIONS


def paragraph_text(p) -> str:
    """What a paragraph says: its text, tabs and line breaks, without deleted (tracked) text."""
    out = []
    for el in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:delText"), qn("w:noBreakHyphen")):
        if _deleted(el):
            continue  # a tab or break in a tracked deletion is gone, like the deleted text beside it
        if el.tag == qn("w:t"):
            out.append(el.text or "")
        elif el.tag == qn("w:tab"):
            if el.getparent().tag == qn("w:r"):
                out.append("\t")
        elif el.tag == qn("w:noBreakHyphen"):
            out.append("-")
        elif el.tag in (qn("w:br"), qn("w:cr")):
            if el.get(qn("w:type")) in (None, "textWrapping"):
                out.append("\n")
    return "".join(out)


def read_lines(source: str | Path | bytes | dict[str, bytes]) -> list[Line]:
    """The body of a document as lines: each paragraph, and each table row with its cells."""
    parts = source if isinstance(source, dict) else read_parts(source)
    styles = styles_of(parts)
    numbering = ListLabels(numbering_of(parts))
    body = etree.fromstring(parts["word/document.xml"], xml_parser()).find(qn("w:body"))
    lines: list[Line] = []
    contents = ContentsFollower()

    def paragraph(p) -> Line | None:
        sid, num = style_and_numbering(p, styles)
        # a table of contents is navigation Word fills in: not part of the report's text
        if contents.in_contents(p):
            return None
        text = paragraph_text(p)
        label = numbering.label(*num) if num and num[0] != 0 and text.strip() else ""
        return Line(text, styles.name(sid) if sid else "Normal", label)

    def walk(container) -> None:
        for child in container:
            if child.tag == qn("w:p"):
                line = paragraph(child)
                if line is not None:
                    lines.append(line)
            elif child.tag == qn("w:tbl"):
                for tr in child.iter(qn("w:tr")):
                    cells = [" ".join(paragraph_text(p) for p in tc.iter(qn("w:p"))).strip()
                             for tc in tr.iter(qn("w:tc"))]
                    lines.append(Line("\t".join(cells), "", kind="row", cells=cells))
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    walk(content)
            elif child.tag in (qn("w:ins"), qn("w:customXml")):
                walk(child)

    walk(body)
    return lines


def document_text(source: str | Path | bytes | dict[str, bytes]) -> str:
    """The document as plain text, one paragraph per line, list numbers included."""
    return "\n".join(line.shown() for line in read_lines(source) if line.shown().strip())


def golden_text(source: str | Path | bytes | dict[str, bytes]) -> str:
    """The document as 'style | text' lines and '| cell | cell |' rows: what golden files record."""
    out = []
    for line in read_lines(source):
        if line.kind == "row":
            out.append("| " + " | ".join(c.replace("\n", "⏎") for c in line.cells) + " |")
        elif line.shown().strip():
            out.append(f"[{line.style}] {line.shown()}".replace("\n", "⏎"))
    return "\n".join(out) + "\n"


_FIELD = re.compile(r"^\{\{\s*([A-Za-z_]\w*)\b(?:\s*(?:or|\|)\s*[^{}]*)?\s*\}\}$")  # {{ x }}, {{ x or 'N/A' }}
_LABELLED = re.compile(r"^([^{}%]+?):?\s*\{\{\s*([A-Za-z_]\w*)\s*\}\}$")


def field_labels(parts: dict[str, bytes]) -> dict[str, str]:
    """How a template labels the values it prints: {'report_of': 'Report of', 'dated': 'Dated'}.

    A value `{{ name }}` alone in a table cell is labelled by the nearest cell before it in its row
    that holds plain text (a cell holding a tag ends the search); one written 'Label: {{ name }}' in
    a paragraph, by the text before it. What a template does not label is left out.
    """
    root = etree.fromstring(parts["word/document.xml"])
    labels: dict[str, str] = {}
    for tr in root.iter(qn("w:tr")):
        cells = ["".join(t.text or "" for t in tc.iter(qn("w:t"))).strip() for tc in tr.iter(qn("w:tc"))]
        for k, cell in enumerate(cells):
            found = _FIELD.match(cell)
            if not found:
                continue
            for before in reversed(cells[:k]):
                if "{{" in before or "{%" in before:
                    break
                if before:
                    labels.setdefault(found.group(1), before.rstrip(":").strip())
                    break
    for p in root.iter(qn("w:p")):
        found = _LABELLED.match("".join(t.text or "" for t in p.iter(qn("w:t"))).strip())
        if found:
            labels.setdefault(found.group(2), found.group(1).strip())
    return labels


def comments(parts: dict[str, bytes]) -> list[tuple[str, str]]:
    """The document's review comments, each as (author, what it says); '' for an author not named."""
    xml = parts.get("word/comments.xml")
    if not xml:
        return []
    root = etree.fromstring(xml, xml_parser())
    return [(comment.get(qn("w:author")) or "",
             " ".join(paragraph_text(p) for p in comment.iter(qn("w:p"))).strip())
            for comment in root.iter(qn("w:comment"))]
