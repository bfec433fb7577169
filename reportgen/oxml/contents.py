"""The table of contents (a TOC field): its entries' texts, and page numbers written into its result.

Word keeps a table of contents as a TOC field whose result is one paragraph per entry; each entry
ends with a tab and a PAGEREF field to its heading's bookmark, whose result is the page number. Page
numbers need a page layout, which only a word processor has: reportgen gets them from LibreOffice
(reportgen.features.publish.layout) and writes them here the way Word itself writes them, so Word shows them as they
are, updates them when asked, and has no reason to ask to update fields on opening.
"""

from __future__ import annotations

import re

from lxml import etree

from reportgen.oxml.ns import qn
from reportgen.oxml.xml import escape

DOCUMENT = "word/document.xml"
SETTINGS = "word/settings.xml"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_UPDATE_FIELDS = re.compile(rb"<w:updateFields\b[^>]*/>")
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _instruction(run) -> str:
    return "".join(t.text or "" for t in run.iter(qn("w:instrText")))


def _entries(body) -> list:
    """The paragraphs showing the result of the body's first TOC field (its entries), in order."""
    depth = 0
    toc_depth = None
    showing = False
    found: list = []
    for node in body.iter(qn("w:fldChar"), qn("w:instrText"), qn("w:t")):
        if node.tag == qn("w:instrText"):
            if toc_depth is None and re.match(r"\s*TOC\b", node.text or ""):
                toc_depth = depth
        elif node.tag == qn("w:fldChar"):
            kind = node.get(qn("w:fldCharType"))
            if kind == "begin":
                depth += 1
            elif kind == "separate" and toc_depth == depth:
                showing = True
            elif kind == "end":
                if toc_depth == depth:
                    return found
                depth -= 1
        elif showing:
            paragraph = next(node.iterancestors(qn("w:p")), None)
            if paragraph is not None and (not found or found[-1] is not paragraph):
                found.append(paragraph)
    return found


class ContentsFollower:
    """Follows complex fields through a body, paragraph by paragraph, to tell which paragraphs are the table
    of contents (its TOC field, begin to end). Depth is counted: each entry of a numbered contents holds
    a PAGEREF field of its own, whose end is not the end of the contents."""

    def __init__(self) -> None:
        self.depth = 0
        self.toc_depth: int | None = None

    def in_contents(self, paragraph) -> bool:
        inside = self.toc_depth is not None
        for node in paragraph.iter(qn("w:fldChar"), qn("w:instrText")):
            if node.tag == qn("w:instrText"):
                if self.toc_depth is None and re.match(r"\s*TOC\b", node.text or ""):
                    self.toc_depth, inside = self.depth, True
                continue
            kind = node.get(qn("w:fldCharType"))
            if kind == "begin":
                self.depth += 1
            elif kind == "end":
                if self.toc_depth == self.depth:
                    self.toc_depth = None
                self.depth = max(0, self.depth - 1)
        return inside


def _page_fields(paragraph) -> list:
    """The runs of PAGEREF fields (begin to end) and lone tab runs in an entry: its page number part."""
    runs = list(paragraph.iter(qn("w:r")))
    doomed: list = []
    i = 0
    while i < len(runs):
        run = runs[i]
        char = run.find(qn("w:fldChar"))
        if char is not None and char.get(qn("w:fldCharType")) == "begin" and i + 1 < len(runs) \
                and "PAGEREF" in _instruction(runs[i + 1]):
            j = i
            while j < len(runs):
                end = runs[j].find(qn("w:fldChar"))
                doomed.append(runs[j])
                if end is not None and end.get(qn("w:fldCharType")) == "end":
                    break
                j += 1
            i = j + 1
            continue
        if [c.tag for c in run if c.tag != qn("w:rPr")] == [qn("w:tab")]:
            doomed.append(run)
        i += 1
    return doomed


def _text(paragraph, skip: list | None = None) -> str:
    skipped = set(skip or [])
    return "".join(t.text or "" for r in paragraph.iter(qn("w:r")) if r not in skipped for t in r.iter(qn("w:t")))


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def contents_entries(parts: dict[str, bytes]) -> list[str]:
    """The texts of the table of contents' entries (without page numbers); [] when there is none."""
    if DOCUMENT not in parts:
        return []
    body = etree.fromstring(parts[DOCUMENT], _PARSER).find(qn("w:body"))
    return [_text(p, _page_fields(p)) for p in _entries(body)] if body is not None else []


def has_contents(parts: dict[str, bytes]) -> bool:
    return DOCUMENT in parts and b"TOC" in parts[DOCUMENT] and bool(contents_entries(parts))


def fill_page_numbers(parts: dict[str, bytes], pages: list[tuple[str, int]]) -> dict[str, bytes] | None:
    """`parts` with each contents entry ending in its page number (a PAGEREF field to its heading, as Word
    writes it) and Word no longer asked to update fields on opening. None when the entries are not
    those of `pages` (text by text, in order): then nothing is written rather than a wrong number."""
    root = etree.fromstring(parts[DOCUMENT], _PARSER)
    body = root.find(qn("w:body"))
    entries = _entries(body) if body is not None else []
    if not entries or len(entries) != len(pages):
        return None
    for paragraph, (text, _) in zip(entries, pages):
        if not _same(_text(paragraph, _page_fields(paragraph)), text):
            return None
    for paragraph, (_, page) in zip(entries, pages):
        for run in _page_fields(paragraph):
            run.getparent().remove(run)
        link = paragraph.find(qn("w:hyperlink"))
        anchor = link.get(qn("w:anchor")) if link is not None else None
        runs = '<w:r><w:tab/></w:r>' + (_pageref(anchor, page) if anchor else f"<w:r><w:t>{page}</w:t></w:r>")
        holder = link if link is not None else paragraph
        for run in etree.fromstring(f'<w:x xmlns:w="{_W}">{runs}</w:x>', _PARSER):
            holder.append(run)
    out = dict(parts)
    out[DOCUMENT] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if SETTINGS in out:
        out[SETTINGS] = _UPDATE_FIELDS.sub(b"", out[SETTINGS])
    return out


def _pageref(bookmark: str, page: int) -> str:
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> PAGEREF {escape(bookmark)} \\h </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r><w:t>{page}</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
