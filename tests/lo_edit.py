"""Test tooling, run by the system Python (Debian's python3-uno) in tests/lo_service.py's kept LibreOffice:
a reviewer's edits made in LibreOffice itself, with change tracking on, and the document saved back as .docx
(lo_client.KeptLibreOffice.edit).

The edits are a list of {"replace": [OLD, NEW]}, {"delete": STARTS} (the paragraph starting so, its
mark included) and {"add_after": [STARTS, TEXT]} (a new paragraph after that one, in its list).
"""

from __future__ import annotations

from pathlib import Path

from com.sun.star.text.ControlCharacter import PARAGRAPH_BREAK

from lo_accept_reject import _props, body_paragraphs


def _paragraph(document, starts: str):
    for paragraph in body_paragraphs(document):
        if paragraph.getString().startswith(starts):
            return paragraph
    raise LookupError(f"no paragraph starts {starts!r}")


def edit(desktop: object, source: str, target: str, edits: list[dict]) -> None:
    """Open `source`, make `edits` with change tracking on, and save the document as .docx to `target`."""
    document = desktop.loadComponentFromURL(Path(source).resolve().as_uri(), "_blank", 0, _props(Hidden=True))
    try:
        document.RecordChanges = True
        text = document.Text
        for change in edits:
            if "replace" in change:
                search = document.createReplaceDescriptor()
                search.SearchString, search.ReplaceString = change["replace"]
                if document.replaceAll(search) == 0:
                    raise LookupError(f"not found: {change['replace'][0]!r}")
            elif "delete" in change:
                paragraph = _paragraph(document, change["delete"])
                cursor = text.createTextCursorByRange(paragraph.getStart())
                cursor.gotoEndOfParagraph(True)
                cursor.goRight(1, True)  # the paragraph mark too: the paragraph goes, not just its words
                cursor.setString("")
            elif "add_after" in change:
                starts, words = change["add_after"]
                cursor = text.createTextCursorByRange(_paragraph(document, starts).getEnd())
                text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
                text.insertString(cursor, words, False)
        document.storeToURL(Path(target).resolve().as_uri(), _props(FilterName="MS Word 2007 XML"))
    finally:
        document.close(True)
