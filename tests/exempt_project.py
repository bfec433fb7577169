"""Small agenda projects for the exempt-material tests: covers, appendices and agendas written as files.

Every appendix document carries one marker word (`XQZ...`) and nothing else distinctive, so a test can
say exactly which documents reached an output by looking for their markers in every part of it.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

AUTHOR = {"name": "Example Officer", "job_title": "Example Job Title"}


def marker(name: str) -> str:
    """The word that stands for one document (or one report's text) in the outputs."""
    return "XQZ" + "".join(c for c in name.upper() if c.isalnum())


def write_docx(path: Path, word: str, *more: str) -> Path:
    """A small Word document (made by python-docx, a real client) holding `word`, then paragraphs `more`."""
    from docx import Document

    path.parent.mkdir(parents=True, exist_ok=True)
    document = Document()
    document.add_paragraph(f"EXAMPLE appendix {word} for the exempt-material tests.")
    for text in more:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def write_pdf(path: Path, word: str, *more: str) -> Path:
    """A one-page PDF (A4, Helvetica) whose text is `word`, then lines `more`, written by hand: no PDF
    library writes text."""
    lines = "".join(f" 0 -20 Td ({text}) Tj" for text in more)
    stream = f"BT /F1 10 Tf 72 720 Td (EXAMPLE appendix {word}) Tj{lines} ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
               b"/Contents 5 0 R >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(out))
    return path


def rezip(source: Path, target: Path) -> Path:
    """The same document parts in a new zip (other order, no compression): the same document, other bytes."""
    with zipfile.ZipFile(source) as zin:
        parts = [(info.filename, zin.read(info)) for info in zin.infolist()]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as zout:
        for name, data in reversed(parts):
            zout.writestr(name, data)
    return target


def cover(subject: str, *, public: bool = True, appendices: list[dict[str, Any]] | None = None,
          paragraphs: list[Any] | None = None) -> dict[str, Any]:
    """A covering report's content (made up, and marked as an example)."""
    report: dict[str, Any] = {
        "kind": "cover", "committee": "Example Committee", "dated": "10/02/2020",
        "subject": f"Example: {subject}", "access": "public" if public else "non-public",
        "report_of": "Example Officer (example only)", "purpose": "information",
        "summary": [f"EXAMPLE summary of {marker(subject)}."],
        "recommendations": ["Members are asked to note the report."],
        "main_report": [{"heading": "Background", "paragraphs": paragraphs or [f"EXAMPLE body {marker(subject)}."]}],
        "appendices": appendices or [], "author": AUTHOR,
    }
    if not public:
        report["exempt_paragraphs"] = [3]
    return report


def appendix(title: str, file: str, *, public: bool = True) -> dict[str, Any]:
    entry: dict[str, Any] = {"title": title, "file": file}
    if not public:
        entry.update(public=False, exempt_paragraphs=[3])
    return entry


def agenda(items: list[dict[str, Any]]) -> dict[str, Any]:
    """An agenda (made up, and marked as an example) with `items` numbered 1, 2, 3 ..."""
    return {"kind": "agenda", "committee": "Example Committee", "date": "10/02/2020", "time": "11.00 am (example)",
            "venue": "Example Room (example)",
            "items": [{"number": n, "title": f"Example item {n}", **item} for n, item in enumerate(items, start=1)]}


def write_yaml(path: Path, content: dict[str, Any]) -> Path:
    """Content as YAML (JSON is YAML), with the line saying it is made up."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# EXAMPLE content for the exempt-material tests: nothing in it is real.\n"
                    + json.dumps(content, indent=1) + "\n", encoding="utf-8")
    return path


def all_text(docx: Path) -> str:
    """Every part of a .docx decoded: text, headers, footers, properties; what any reader could find."""
    with zipfile.ZipFile(docx) as z:
        return "\n".join(z.read(name).decode("utf-8", "replace") for name in z.namelist())
