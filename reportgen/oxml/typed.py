"""A part's paragraphs as the characters typed in them: each paragraph's text pieces (its w:t elements)
as Word split them across runs, which a caller may hand back split differently.

Word splits what was typed in one go across runs (a spelling mark, an edit, a change of language in
the middle); a program looking for something typed (a template's tags) reads the whole paragraph, then
puts each piece where it belongs.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from reportgen.oxml.ns import NS, qn
from reportgen.oxml.package import xml_parser

_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


class NotWellFormed(ValueError):
    """The part is not well-formed XML (the message says where)."""


def typed(element: Any) -> str:
    """The characters typed in an element (a paragraph, a row): its w:t texts, joined."""
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


class TypedParagraph:
    """One paragraph of a TypedPart."""

    def __init__(self, element: Any, number: int) -> None:
        self.element = element
        self.number = number
        """Its place among the part's paragraphs, from 1 (table cells included, as an author counts)."""
        self._pieces = list(element.iter(qn("w:t")))

    @property
    def pieces(self) -> list[str]:
        """Its text pieces, one per w:t, in order."""
        return [t.text or "" for t in self._pieces]

    @property
    def row_text(self) -> str | None:
        """What the table row holding it says (its paragraphs' text, space-joined); None outside a table."""
        row = next(self.element.iterancestors(qn("w:tr")), None)
        return " ".join(typed(p) for p in row.iter(qn("w:p"))) if row is not None else None

    def retype(self, pieces: list[str]) -> None:
        """Give each w:t the text `pieces` says; a run left holding nothing but an empty w:t goes, and so do
        Word's spelling and grammar marks between runs."""
        for t, text in zip(self._pieces, pieces):
            if t.text == text:
                continue
            t.text = text
            t.set(_XML_SPACE, "preserve")
            run = t.getparent()
            if not text and run.tag == qn("w:r") and all(c.tag in (qn("w:rPr"), qn("w:t")) for c in run):
                run.getparent().remove(run)
        for mark in list(self.element.iter(qn("w:proofErr"))):
            mark.getparent().remove(mark)


class TypedPart:
    """A story part (document, header, footer ...) read for its paragraphs' typed text."""

    def __init__(self, xml: bytes) -> None:
        from lxml import etree

        try:
            self.root = etree.fromstring(xml, xml_parser())
        except etree.XMLSyntaxError as exc:
            raise NotWellFormed(str(exc)) from None

    def paragraphs(self) -> Iterator[TypedParagraph]:
        for number, p in enumerate(self.root.iter(qn("w:p")), start=1):
            yield TypedParagraph(p, number)

    def xml(self) -> str:
        """The part as it now stands, as text (no XML declaration)."""
        return xml_text(self.root)


def typed_paragraphs(xml: bytes) -> list[str] | None:
    """The typed text of each paragraph of a part, in order; None when the part is not well-formed."""
    try:
        return [typed(p.element) for p in TypedPart(xml).paragraphs()]
    except NotWellFormed:
        return None


def xml_text(element: Any) -> str:
    """An element tree (one a library built, too) as XML text."""
    from lxml import etree

    return etree.tostring(element, encoding="unicode")


def declare_namespaces(source: str, prefixes: tuple[str, ...]) -> str:
    """XML text whose root element declares the namespaces of `prefixes` ('w', 'wp' ...) it did not yet."""
    head_end = source.index(">")
    head = source[:head_end]
    extra = "".join(f' xmlns:{p}="{NS[p]}"' for p in prefixes if f"xmlns:{p}=" not in head)
    return head + extra + source[head_end:]


def a_line_each(source: str) -> str:
    """XML text with each paragraph and table row starting a line of its own (so a line number found in
    it names a paragraph)."""
    return re.sub(r"\n?<w:(p|tr)(?=[ >])", r"\n<w:\1", source)


def with_declaration(source: str) -> str:
    """XML text under the declaration Word writes."""
    return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + source
