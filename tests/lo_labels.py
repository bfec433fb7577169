"""Test tooling, run by the system Python (Debian's python3-uno) in tests/lo_service.py's kept LibreOffice:
LibreOffice opens each document and reports the body's paragraphs as it numbers them, an independent reader
of list labels (lo_client.KeptLibreOffice.labels).

The answer gives, per document, its top-level paragraphs in order (tables left out), each as
{"text": what it says, "label": the list label LibreOffice shows ('1.', '(a)'; '' for none, and for
a bullet, which it gives no label string), "bullet": whether the paragraph is a bulleted list item}.
"""

from __future__ import annotations

# opened and read the same way as for accepting and rejecting changes
from lo_accept_reject import _props, _url, body_paragraphs

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


def labels(desktop: object, paths: list[str]) -> dict[str, list[dict]]:
    """Each document's top-level paragraphs as LibreOffice numbers them (see the module's docstring)."""
    results = {}
    for path in paths:
        doc = desktop.loadComponentFromURL(_url(path), "_blank", 0, _props(Hidden=True))
        try:
            results[path] = paragraphs(doc)
        finally:
            doc.close(True)
    return results
