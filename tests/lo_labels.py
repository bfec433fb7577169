"""Test tooling, run by the system Python (Debian's python3-uno): LibreOffice opens each document and
reports the body's paragraphs as it numbers them, an independent reader of list labels.

    /usr/bin/python3 tests/lo_labels.py OUT.json DOC.docx [DOC.docx ...]

OUT.json gets, per document, its top-level paragraphs in order (tables left out), each as
{"text": what it says, "label": the list label LibreOffice shows ('1.', '(a)'; '' for none, and for
a bullet, which it gives no label string), "bullet": whether the paragraph is a bulleted list item}.
One LibreOffice process (a private profile, a pipe, stopped at the end) serves every document.
"""

from __future__ import annotations

import sys

# started, read and stopped the same way as for accepting and rejecting changes
from lo_accept_reject import _props, _url, answer, body_paragraphs, office

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
    for el in body_paragraphs(doc):
        # LibreOffice gives a bullet no label string: its numbering rules say it is one
        listed = el.getPropertyValue("NumberingIsNumber") is not None
        out.append({"text": el.getString(), "label": el.getPropertyValue("ListLabelString") or "",
                    "bullet": listed and _is_bullet(el)})
    return out


def main(out_path: str, paths: list[str]) -> int:
    results = {}
    with office() as (_, desktop, _):
        for path in paths:
            doc = desktop.loadComponentFromURL(_url(path), "_blank", 0, _props(Hidden=True))
            try:
                results[path] = paragraphs(doc)
            finally:
                doc.close(True)
    return answer(out_path, results)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
