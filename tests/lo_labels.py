"""Test tooling, run by the system Python (Debian's python3-uno): LibreOffice opens each document and
reports the body's paragraphs as it numbers them, an independent reader of list labels.

    /usr/bin/python3 tests/lo_labels.py OUT.json DOC.docx [DOC.docx ...]

OUT.json gets, per document, its top-level paragraphs in order (tables left out), each as
{"text": what it says, "label": the list label LibreOffice shows ('1.', '(a)'; '' for none, and for
a bullet, which it gives no label string), "bullet": whether the paragraph is a bulleted list item}. One LibreOffice process (a private
profile, a pipe, stopped at the end) serves every document.
"""

from __future__ import annotations

import json
import sys

from lo_accept_reject import _connect, _props, _url  # the same way of starting and stopping LibreOffice

CHAR_SPECIAL = 6
"""com.sun.star.style.NumberingType.CHAR_SPECIAL: a bullet character."""
BITMAP = 9
"""com.sun.star.style.NumberingType.BITMAP: a picture bullet."""


def _is_bullet(paragraph: object) -> bool:
    rules = paragraph.getPropertyValue("NumberingRules")
    if rules is None:
        return False
    level = rules.getByIndex(paragraph.getPropertyValue("NumberingLevel"))
    kind = next((p.Value for p in level if p.Name == "NumberingType"), None)
    return kind in (CHAR_SPECIAL, BITMAP)


def paragraphs(doc: object) -> list[dict]:
    out = []
    elements = doc.getText().createEnumeration()
    while elements.hasMoreElements():
        el = elements.nextElement()
        if el.supportsService("com.sun.star.text.Paragraph"):
            label = el.getPropertyValue("ListLabelString") or ""
            # LibreOffice gives a bullet no label string: its numbering rules say it is one
            listed = el.getPropertyValue("NumberingIsNumber") is not None
            out.append({"text": el.getString(), "label": label, "bullet": listed and _is_bullet(el)})
    return out


def main(out_path: str, paths: list[str]) -> int:
    import shutil
    import subprocess
    import tempfile

    profile = tempfile.mkdtemp(prefix="lo-profile-")
    office, ctx = _connect(profile)
    results = {}
    try:
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        for path in paths:
            doc = desktop.loadComponentFromURL(_url(path), "_blank", 0, _props(Hidden=True))
            try:
                results[path] = paragraphs(doc)
            finally:
                doc.close(True)
    finally:
        try:
            desktop.terminate()
        except Exception:  # the bridge goes down with the office
            pass
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()
        shutil.rmtree(profile, ignore_errors=True)
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(results, out, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
