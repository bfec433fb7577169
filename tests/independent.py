"""Reading built documents back with real clients rather than reportgen's own reader: python-docx for
paragraphs, styles and tables, LibreOffice (through UNO, tests/lo_labels.py, in the tests' kept LibreOffice:
lo_client.py) for the list labels it shows.

`golden_text` gives the golden files' form ('[Style] label text' lines, '| cell | cell |' rows), so a
golden file is checked against what Word's and LibreOffice's readers see, not what reportgen thinks it wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import lo_client


@dataclass
class LoParagraph:
    text: str
    label: str
    bullet: bool


def libreoffice_paragraphs(*paths: Path) -> dict[Path, list[LoParagraph]]:
    """Each document's top-level paragraphs as LibreOffice numbers them (the tests' kept LibreOffice)."""
    found = lo_client.KEPT.labels(list(paths))
    return {path: [LoParagraph(**p) for p in found[str(path)]] for path in paths}


def list_labels(paragraphs: list[LoParagraph]) -> list[tuple[str, str]]:
    """(label, text) of each numbered or bulleted paragraph, bullets shown as '-'."""
    return [(_shown_label(p), p.text) for p in paragraphs if p.label or p.bullet]


def _shown_label(p: LoParagraph) -> str:
    return "-" if p.bullet else p.label


def _key(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Line:
    """A paragraph (style, label, text) or a table row (cells), as python-docx and LibreOffice read it."""

    text: str
    style: str = ""
    label: str = ""
    kind: str = "p"
    cells: list[str] = field(default_factory=list)

    def shown(self) -> str:
        return f"{self.label} {self.text}" if self.label else self.text


def read_lines(path: Path, labels: list[LoParagraph] | None = None) -> list[Line]:
    """The body as python-docx reads it: each paragraph with its style's name, and the list label
    LibreOffice shows for it (`labels`: its paragraphs from `libreoffice_paragraphs`, read here if not
    given); each table row with its cells. A table of contents is left out: navigation a program fills in."""
    import docx
    from docx.table import Table

    if labels is None:
        labels = libreoffice_paragraphs(path)[path]
    lines: list[Line] = []
    at = 0  # LibreOffice's paragraphs are met in the same order: each is looked for from the last one found
    for block in docx.Document(str(path)).iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells, seen = [], set()
                for cell in row.cells:  # a merged cell is listed for each column it spans: once is enough
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        cells.append(" ".join(p.text for p in cell.paragraphs).strip())
                lines.append(Line("\t".join(cells), kind="row", cells=cells))
            continue
        style = block.style.name if block.style is not None else "Normal"
        if re.fullmatch(r"toc \d", style.lower()):  # an entry of the table of contents
            continue
        label = ""
        found = next((i for i in range(at, len(labels)) if _key(labels[i].text) == _key(block.text)), None)
        if found is not None and block.text.strip():
            label, at = _shown_label(labels[found]), found + 1
        lines.append(Line(block.text, style, label))
    return lines


def golden_text(source: Path | list[Line]) -> str:
    """The document (or its lines from `read_lines`) as golden files record it: '[Style] label text'
    lines, '| cell | cell |' rows."""
    out = []
    for line in read_lines(source) if isinstance(source, Path) else source:
        if line.kind == "row":
            out.append("| " + " | ".join(c.replace("\n", "⏎") for c in line.cells) + " |")
        elif line.shown().strip():
            out.append(f"[{line.style}] {line.shown()}".replace("\n", "⏎"))
    return "\n".join(out) + "\n"
