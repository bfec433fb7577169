"""Test tooling, run by the system Python (Debian's python3-uno): LibreOffice opens each document,
accepts or rejects all its tracked changes, and reports what the document then says.

    /usr/bin/python3 tests/lo_accept_reject.py JOBS.json OUT.json

JOBS.json is a list of {"path": ..., "actions": ["accept", "reject"] or ["none"]}. One LibreOffice
process serves the whole list (a private profile, a pipe, stopped at the end), and one load serves a
document's actions (Undo between them, or a reload where Undo falls short), so hundreds of
documents take minutes, not a start-up each.
OUT.json gets, per document and action, what LibreOffice then holds, read from its own flat ODF
export: paragraphs (style, runs of text with bold/italic/underline/position, pictures' alt text,
size and image digest) and tables (rows of cells of blocks); the list labels it shows, in order; and
how many tracked changes are left.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
import xml.etree.ElementTree as ET
from typing import Iterator

import uno  # noqa: F401  (Debian's python3-uno: only the system Python has it)
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

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


def _connect(profile: str) -> tuple[subprocess.Popen, object]:
    pipe = f"reportgen-test-{uuid.uuid4().hex}"
    office = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
         f"-env:UserInstallation=file://{profile}", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 120
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return office, ctx
        except NoConnectException:
            if time.monotonic() > deadline or office.poll() is not None:
                raise
            time.sleep(0.2)


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


def _labels(doc: object) -> list[str]:
    """The list labels LibreOffice shows ("1.", "2."), in order: numbering restored or not."""
    return [label for el in body_paragraphs(doc) if (label := el.getPropertyValue("ListLabelString"))]


def _read(doc: object, scratch: str) -> dict:
    doc.storeToURL(uno.systemPathToFileUrl(scratch), _props(FilterName="OpenDocument Text Flat XML"))
    root = ET.parse(scratch).getroot()
    body = root.find(f"{_q('office:body')}/{_q('office:text')}")
    return {"left": doc.getRedlines().getCount(), "labels": _labels(doc), "blocks": _Reader(root).blocks(body)}


@contextlib.contextmanager
def office() -> Iterator[tuple[object, object, str]]:
    """A private LibreOffice (its own profile, a pipe): its component context, its desktop and a scratch
    folder; stopped, and its profile removed, afterwards."""
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    process, ctx = _connect(profile)
    desktop = None
    try:
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        yield ctx, desktop, profile
    finally:
        try:
            if desktop is not None:
                desktop.terminate()
        except Exception:  # the bridge goes down with the office
            pass
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(profile, ignore_errors=True)


def answer(out_path: str, results: object) -> int:
    """Write what was read for the test to take, as JSON; 0, the script's exit status."""
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(results, out, ensure_ascii=False)
    return 0


def main(jobs_path: str, out_path: str) -> int:
    jobs = json.loads(open(jobs_path, encoding="utf-8").read())
    results = []
    with office() as (ctx, desktop, profile):
        dispatcher = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
        scratch = os.path.join(profile, "read.fodt")
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
    return answer(out_path, results)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
