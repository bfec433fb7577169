"""A document's parts cut down to what a reader of its text and structure needs (for a quick HTML
preview): the body, its relationships, numbering, and only the styles the body uses.

A factory template's styles part holds hundreds of styles (about 350 kB); readers that parse it with a
DOM spend most of their time there. The cut styles part is remembered per (styles part, styles used).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from lxml import etree

from reportgen.oxml.ns import qn

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
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(styles, parser)
    by_id = {s.get(qn("w:styleId")): s for s in root.iter(qn("w:style"))}
    wanted = {u.decode() for u in used}
    wanted |= {s.get(qn("w:styleId")) for s in by_id.values() if s.get(qn("w:default")) == "1"}
    queue = list(wanted)
    while queue:  # follow basedOn and linked styles, so inherited formatting is still found
        style = by_id.get(queue.pop())
        if style is None:
            continue
        for tag in ("w:basedOn", "w:link"):
            ref = style.find(qn(tag))
            if ref is not None and ref.get(qn("w:val")) not in wanted:
                wanted.add(ref.get(qn("w:val")))
                queue.append(ref.get(qn("w:val")))
    for child in list(root):
        if child.tag == qn("w:latentStyles") or (child.tag == qn("w:style")
                                                 and child.get(qn("w:styleId")) not in wanted):
            root.remove(child)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
