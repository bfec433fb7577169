"""Test tooling, run by the system Python (Debian's python3-uno): a reviewer's edits made in LibreOffice
itself, with change tracking on, and the document saved back as .docx.

    /usr/bin/python3 tests/lo_edit.py IN.docx OUT.docx EDITS.json

EDITS.json is a list of {"replace": [OLD, NEW]}, {"delete": STARTS} (the paragraph starting so, its
mark included) and {"add_after": [STARTS, TEXT]} (a new paragraph after that one, in its list).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import uno  # noqa: F401  (Debian's python3-uno: only the system Python has it)
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.text.ControlCharacter import PARAGRAPH_BREAK


def _property(name: str, value: object) -> PropertyValue:
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _office(profile: str):
    pipe = f"reportgen-edit-{uuid.uuid4().hex}"
    process = subprocess.Popen(["soffice", "--headless", "--norestore", "--nologo", "--nodefault",
                                f"-env:UserInstallation=file://{profile}",
                                f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    here = uno.getComponentContext()
    resolver = here.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", here)
    for _ in range(600):
        try:
            return process, resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            time.sleep(0.2)
    raise SystemExit("LibreOffice did not start")


def _paragraph(document, starts: str):
    for paragraph in _paragraphs(document.Text):
        if paragraph.getString().startswith(starts):
            return paragraph
    raise SystemExit(f"no paragraph starts {starts!r}")


def _paragraphs(text):
    found = text.createEnumeration()
    while found.hasMoreElements():
        element = found.nextElement()
        if element.supportsService("com.sun.star.text.Paragraph"):
            yield element


def main(source: str, target: str, edits_file: str) -> None:
    edits = json.loads(Path(edits_file).read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as profile:
        process, context = _office(profile)
        try:
            desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
            document = desktop.loadComponentFromURL(Path(source).resolve().as_uri(), "_blank", 0,
                                                    (_property("Hidden", True),))
            document.RecordChanges = True
            text = document.Text
            for edit in edits:
                if "replace" in edit:
                    search = document.createReplaceDescriptor()
                    search.SearchString, search.ReplaceString = edit["replace"]
                    if document.replaceAll(search) == 0:
                        raise SystemExit(f"not found: {edit['replace'][0]!r}")
                elif "delete" in edit:
                    paragraph = _paragraph(document, edit["delete"])
                    cursor = text.createTextCursorByRange(paragraph.getStart())
                    cursor.gotoEndOfParagraph(True)
                    cursor.goRight(1, True)  # the paragraph mark too: the paragraph goes, not just its words
                    cursor.setString("")
                elif "add_after" in edit:
                    starts, words = edit["add_after"]
                    cursor = text.createTextCursorByRange(_paragraph(document, starts).getEnd())
                    text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
                    text.insertString(cursor, words, False)
            document.storeToURL(Path(target).resolve().as_uri(), (_property("FilterName", "MS Word 2007 XML"),))
            document.close(True)
        finally:
            try:
                desktop.terminate()
            except Exception:  # noqa: BLE001 - it may be gone already
                pass
            process.wait(timeout=60)


if __name__ == "__main__":
    main(*sys.argv[1:4])
