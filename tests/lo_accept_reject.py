"""Test tooling, run by the system Python (Debian's python3-uno) in tests/lo_service.py's kept LibreOffice:
LibreOffice opens each document, accepts or rejects all its tracked changes, and reports what the document
then says.

A request (lo_client.KeptLibreOffice.accept_reject) is a list of {"path": ..., "actions": ["accept", "reject"]
or ["none"]}. One load serves a document's actions (Undo between them, or a reload where Undo falls short),
and the kept LibreOffice serves the whole list, so hundreds of documents take minutes, not a start-up each.
The answer gives, per document and action, what LibreOffice then holds, read from its own flat ODF
export: paragraphs (style, runs of text with bold/italic/underline/position, pictures' alt text,
size and image digest) and tables (rows of cells of blocks); its plain text, which shows every list label
as LibreOffice numbers it; and how many tracked changes are left.
"""

from __future__ import annotations

import hashlib
import os
import xml.etree.ElementTree as ET
from typing import Iterator

import uno  # noqa: F401  (Debian's python3-uno: only the system Python has it)
from com.sun.star.beans import PropertyValue

NS = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
      "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
      "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
      "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
      "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
      "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
      "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"}


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return "{%s}%s" % (NS[prefix], local)


def _props(**values: object) -> tuple:
    out = []
    for name, value in values.items():
        p = PropertyValue()
        p.Name, p.Value = name, value
        out.append(p)
    return tuple(out)


# -- what the document says, read from LibreOffice's own flat ODF -------------------------------------

class _Reader:
    """Blocks of a flat ODF body: paragraphs (style, runs of text by formatting, pictures) and tables."""

    def __init__(self, root: ET.Element) -> None:
        self.styles: dict[str, ET.Element] = {}
        for container in root.iter(_q("office:automatic-styles")):
            for st in container.iter(_q("style:style")):
                self.styles[st.get(_q("style:name"))] = st

    def paragraph_style(self, name: str) -> str:
        st = self.styles.get(name)
        return st.get(_q("style:parent-style-name"), name) if st is not None else name

    def format(self, name: str | None, inherited: tuple) -> tuple:
        st = self.styles.get(name or "")
        props = st.find(_q("style:text-properties")) if st is not None else None
        if props is None:
            return inherited
        bold, italic, underline, position = inherited
        weight = props.get(_q("fo:font-weight"))
        if weight is not None:
            bold = weight == "bold" or (weight.isdigit() and int(weight) >= 600)
        if props.get(_q("fo:font-style")) is not None:
            italic = props.get(_q("fo:font-style")) in ("italic", "oblique")
        if props.get(_q("style:text-underline-style")) is not None:
            underline = props.get(_q("style:text-underline-style")) != "none"
        if props.get(_q("style:text-position")) is not None:
            where = props.get(_q("style:text-position")).split()[0]
            raise_by = {"super": 1.0, "sub": -1.0}.get(where)
            if raise_by is None:
                try:
                    raise_by = float(where.rstrip("%"))
                except ValueError:
                    raise_by = 0.0
            position = "super" if raise_by > 0 else "sub" if raise_by < 0 else ""
        return bold, italic, underline, position

    def blocks(self, container: ET.Element) -> list:
        out: list = []
        for el in container:
            if el.tag in (_q("text:p"), _q("text:h")):
                name = el.get(_q("text:style-name"), "")
                runs: list = []
                pictures: list = []
                self.inline(el, self.format(name, (False, False, False, "")), runs, pictures)
                out.append({"style": self.paragraph_style(name), "runs": runs, "pictures": pictures})
            elif el.tag == _q("table:table"):
                out.append({"table": [[self.blocks(cell) for cell in row.iter(_q("table:table-cell"))]
                                      for row in el.iter(_q("table:table-row"))]})
            elif el.tag in (_q("text:table-of-content-source"), _q("text:sequence-decls")):
                continue
            else:
                out += self.blocks(el)  # lists, list items, sections, an index's body
        return out

    def inline(self, el: ET.Element, fmt: tuple, runs: list, pictures: list) -> None:
        def add(text: str | None, f: tuple) -> None:
            if not text:
                return
            if runs and runs[-1][1] == list(f):
                runs[-1][0] += text
            else:
                runs.append([text, list(f)])

        add(el.text, fmt)
        for child in el:
            if child.tag == _q("text:span"):
                self.inline(child, self.format(child.get(_q("text:style-name")), fmt), runs, pictures)
            elif child.tag == _q("text:s"):
                add(" " * int(child.get(_q("text:c"), "1")), fmt)
            elif child.tag == _q("text:tab"):
                add("\t", fmt)
            elif child.tag == _q("text:line-break"):
                add("\n", fmt)
            elif child.tag == _q("draw:frame"):
                desc = child.find(_q("svg:desc"))
                data = child.find(f"{_q('draw:image')}/{_q('office:binary-data')}")
                digest = hashlib.sha256("".join((data.text or "").split()).encode()).hexdigest()[:12] \
                    if data is not None else ""
                pictures.append([desc.text if desc is not None else "", child.get(_q("svg:width")),
                                 child.get(_q("svg:height")), digest])
            elif child.tag in (_q("text:bookmark"), _q("text:bookmark-start"), _q("text:bookmark-end"),
                               _q("text:soft-page-break"), _q("text:change-start"), _q("text:change-end"),
                               _q("text:change")):
                pass
            else:
                self.inline(child, fmt, runs, pictures)  # links, fields: their text
            add(child.tail, fmt)


def _url(path: str) -> str:
    return uno.systemPathToFileUrl(os.path.abspath(path))


def body_paragraphs(doc: object) -> Iterator[object]:
    """The paragraphs of the document's body text, in order (tables passed over)."""
    elements = doc.getText().createEnumeration()
    while elements.hasMoreElements():
        el = elements.nextElement()
        if el.supportsService("com.sun.star.text.Paragraph"):
            yield el


def _read(doc: object, scratch: str) -> dict:
    doc.storeToURL(uno.systemPathToFileUrl(scratch), _props(FilterName="OpenDocument Text Flat XML"))
    root = ET.parse(scratch).getroot()
    body = root.find(f"{_q('office:body')}/{_q('office:text')}")
    # LibreOffice's plain text has every list label as LibreOffice numbers it, in one export (reading each
    # paragraph's ListLabelString over UNO cost a round trip per paragraph)
    text = scratch + ".txt"
    doc.storeToURL(uno.systemPathToFileUrl(text), _props(FilterName="Text (encoded)", FilterOptions="UTF8,LF,,,"))
    with open(text, encoding="utf-8-sig") as exported:
        return {"left": doc.getRedlines().getCount(), "text": exported.read(), "blocks": _Reader(root).blocks(body)}


def accept_reject(ctx: object, desktop: object, folder: str, jobs: list[dict]) -> list[dict]:
    """What LibreOffice holds of each job's document after each of its actions (see the module's docstring);
    `folder` is a scratch folder of the kept LibreOffice's."""
    results = []
    dispatcher = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
    scratch = os.path.join(folder, "read.fodt")
    for job in jobs:
        # one load serves a document's actions, Undo between them; if Undo does not bring back
        # every tracked change (LibreOffice's undo of a paragraph-properties change may not), reload
        doc = desktop.loadComponentFromURL(_url(job["path"]), "_blank", 0, _props(Hidden=True))
        try:
            tracked = doc.getRedlines().getCount()
            for n, action in enumerate(job["actions"]):
                if n:
                    dispatcher.executeDispatch(doc.getCurrentController().getFrame(), ".uno:Undo", "", 0, ())
                    if doc.getRedlines().getCount() != tracked:
                        doc.close(True)
                        doc = desktop.loadComponentFromURL(_url(job["path"]), "_blank", 0, _props(Hidden=True))
                if action != "none":
                    command = ".uno:AcceptAllTrackedChanges" if action == "accept" else ".uno:RejectAllTrackedChanges"
                    dispatcher.executeDispatch(doc.getCurrentController().getFrame(), command, "", 0, ())
                results.append(dict(_read(doc, scratch), path=job["path"], action=action))
        finally:
            doc.close(True)
    return results
