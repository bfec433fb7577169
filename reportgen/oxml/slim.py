"""A document's parts cut down to what a reader of its text and structure needs (for a quick HTML
preview): the body, its relationships, numbering, and only the styles the body uses.

A factory template's styles part holds hundreds of styles (about 350 kB); readers that parse it with a
DOM spend most of their time there. The cut styles part is remembered per (styles part, styles used).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from reportgen.oxml.ns import qn
from reportgen.oxml.package import xml_parser
from reportgen.oxml.styles import styles_of

KEPT = ("[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels",
        "word/styles.xml", "word/numbering.xml")
"""The parts a text-and-structure reader (e.g. mammoth) looks at; pictures are kept too."""

_STYLE_REFERENCE = re.compile(rb'<w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"')


def slim_parts(parts: dict[str, bytes]) -> dict[str, bytes]:
    """`parts` with only the KEPT parts and media, and the styles part holding only the styles used."""
    slim = {name: data for name, data in parts.items() if name in KEPT or name.startswith("word/media/")}
    if "word/styles.xml" in slim and "word/document.xml" in slim:
        used = frozenset(_STYLE_REFERENCE.findall(slim["word/document.xml"]))
        styles = slim["word/styles.xml"]
        slim["word/styles.xml"] = _styles_used(hashlib.sha256(styles).digest(), styles, used)
    return slim


@lru_cache(maxsize=32)
def _styles_used(_digest: bytes, styles: bytes, used: frozenset[bytes]) -> bytes:
    from lxml import etree

    wanted = styles_of({"word/styles.xml": styles}).closure(u.decode() for u in used)  # inherited formatting kept
    root = etree.fromstring(styles, xml_parser())
    for child in list(root):
        if child.tag == qn("w:latentStyles") or (child.tag == qn("w:style")
                                                 and child.get(qn("w:styleId")) not in wanted):
            root.remove(child)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
