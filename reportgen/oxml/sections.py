"""Sections of a document's body: ending one with a section break, finding where added content starts.

Works on the body element of a document open in python-docx (or any lxml tree of document.xml):
new elements are made with the body's own `makeelement`, so they are of the document's element classes.
"""

from __future__ import annotations

import copy
from typing import Any, Iterable

from reportgen.oxml.ns import qn

_PER_SECTION = (qn("w:headerReference"), qn("w:footerReference"), qn("w:pgNumType"))
"""What a section break copies from the last section only when it keeps the header: its own header and
footer, and a page-number restart."""


def end_section(body: Any, *, keep_header: bool) -> None:
    """End the section so far with a copy of the body's last section properties (a next-page break).

    With `keep_header`, the section ended keeps the header and footer the body's section had; either
    way the body's last section then has none of its own, so sections after this one inherit the
    previous section's header and footer (and page numbers run on) until they are given their own.
    """
    sect_pr = body.find(qn("w:sectPr"))
    ended = copy.deepcopy(sect_pr)
    if not keep_header:
        _drop_own_header(ended)
    paragraph = body.makeelement(qn("w:p"), {})
    properties = body.makeelement(qn("w:pPr"), {})
    properties.append(ended)
    paragraph.append(properties)
    sect_pr.addprevious(paragraph)
    _drop_own_header(sect_pr)


def _drop_own_header(sect_pr: Any) -> None:
    for child in list(sect_pr):
        if child.tag in _PER_SECTION:
            sect_pr.remove(child)


def first_paragraph(blocks: Iterable[Any]) -> Any:
    """The first paragraph in `blocks` (body elements), looking inside tables (a table's first cell)."""
    return next(p for block in blocks for p in block.iter(qn("w:p")))

