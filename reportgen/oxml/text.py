"""Reads a .docx back as text: paragraphs with their list numbers, tables as rows, optionally with style names.

Used by the golden tests, the fidelity measure, redlining and the checks; it reads what Word would show,
computing list numbers the way Word does (a w:num continues its abstract list unless it restarts it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from reportgen.lib.numbers import format_number
from reportgen.oxml.ns import qn
from reportgen.oxml.contents import ContentsFollower
from reportgen.oxml.package import read_parts, xml_parser

W_VAL = qn("w:val")


@dataclass
class Line:
    """One paragraph (or table row) as a reader sees it."""

    text: str
    style: str = ""
    label: str = ""
    kind: str = "p"  # "p" for a paragraph, "row" for a table row
    cells: list[str] = field(default_factory=list)

    def shown(self) -> str:
        return f"{self.label} {self.text}" if self.label else self.text


class Numbering:
    """List numbers as Word computes them."""

    def __init__(self, parts: dict[str, bytes]) -> None:
        self.levels: dict[int, dict[int, tuple[str, str, int]]] = {}
        self.nums: dict[int, tuple[int, dict[int, int]]] = {}
        self.counters: dict[int, dict[int, int]] = {}
        self.started: set[int] = set()
        xml = parts.get("word/numbering.xml")
        if xml is None:
            return
        root = etree.fromstring(xml, xml_parser())
        for abstract in root.iter(qn("w:abstractNum")):
            aid = int(abstract.get(qn("w:abstractNumId")))
            levels = {}
            for lvl in abstract.iter(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                text = lvl.find(qn("w:lvlText"))
                start = lvl.find(qn("w:start"))
                levels[int(lvl.get(qn("w:ilvl")))] = (
                    fmt.get(W_VAL) if fmt is not None else "decimal",
                    text.get(W_VAL) if text is not None else "",
                    int(start.get(W_VAL)) if start is not None else 1)
            self.levels[aid] = levels
        for num in root.iter(qn("w:num")):
            overrides = {}
            for override in num.iter(qn("w:lvlOverride")):
                start = override.find(qn("w:startOverride"))
                if start is not None:
                    overrides[int(override.get(qn("w:ilvl")))] = int(start.get(W_VAL))
            abstract = num.find(qn("w:abstractNumId"))
            if abstract is not None:
                self.nums[int(num.get(qn("w:numId")))] = (int(abstract.get(W_VAL)), overrides)

    def label(self, num_id: int, level: int) -> str:
        if num_id not in self.nums:
            return ""
        aid, overrides = self.nums[num_id]
        levels = self.levels.get(aid, {})
        counters = self.counters.setdefault(aid, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl, start in overrides.items():
                counters[lvl] = start - 1
        fmt, text, start = levels.get(level, ("decimal", f"%{level + 1}.", 1))
        counters[level] = counters.get(level, start - 1) + 1
        for deeper in [lvl for lvl in counters if lvl > level]:
            del counters[deeper]
        if fmt == "bullet":
            return "-"
        shown = text
        for lvl in range(level + 1):
            lfmt, _, lstart = levels.get(lvl, ("decimal", "", 1))
            shown = shown.replace(f"%{lvl + 1}", format_number(counters.get(lvl, lstart), lfmt))
        return shown


class _Styles:
    """styles.xml, parsed once: each style's name, and what it inherits through basedOn (its list,
    its outline level)."""

    def __init__(self, parts: dict[str, bytes]) -> None:
        self.names: dict[str, str] = {}
        self._raw: dict[str, etree._Element] = {}
        xml = parts.get("word/styles.xml")
        if xml is not None:
            for style in etree.fromstring(xml, xml_parser()).iter(qn("w:style")):
                sid = style.get(qn("w:styleId"))
                name = style.find(qn("w:name"))
                self.names[sid] = name.get(W_VAL) if name is not None else sid
                self._raw[sid] = style
        self.num: dict[str, tuple[int, int]] = self._inherited(_list_of)
        self._levels: dict[str, int] | None = None

    @property
    def levels(self) -> dict[str, int]:
        """Each paragraph style's outline level (Heading 1 is 0); worked out when first asked for."""
        if self._levels is None:
            self._levels = self._inherited(_outline_of)
        return self._levels

    def _inherited(self, pick) -> dict:
        """For each style, the first value `pick` finds on it or up its basedOn chain (None: look further)."""
        found = {}
        for sid, style in self._raw.items():
            current, seen = style, set()
            while current is not None:
                value = pick(current)
                if value is not None:
                    found[sid] = value
                    break
                based = current.find(qn("w:basedOn"))
                parent = based.get(W_VAL) if based is not None else None
                if parent is None or parent in seen:
                    break
                seen.add(parent)
                current = self._raw.get(parent)
        return found

    def name(self, sid: str) -> str:
        # Word stores built-in names in lower case ("heading 1") but shows them capitalised
        name = self.names.get(sid, sid)
        return name[:1].upper() + name[1:]


def _list_of(style) -> tuple[int, int] | None:
    num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
    if num_pr is None or num_pr.find(qn("w:numId")) is None:
        return None
    ilvl = num_pr.find(qn("w:ilvl"))
    return int(num_pr.find(qn("w:numId")).get(W_VAL)), int(ilvl.get(W_VAL)) if ilvl is not None else 0


def _outline_of(style) -> int | None:
    outline = style.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
    if outline is not None:
        return int(outline.get(W_VAL))
    name = style.find(qn("w:name"))
    words = (name.get(W_VAL, "") if name is not None else "").lower().split()
    if len(words) == 2 and words[0] == "heading" and words[1].isdigit():
        return int(words[1]) - 1
    return None


def style_and_numbering(p, styles: _Styles) -> tuple[str, tuple[int, int] | None]:
    """A paragraph's style id, and its list (numId, level): its own numPr, else its style's."""
    ppr = p.find(qn("w:pPr"))
    sid = ""
    num: tuple[int, int] | None = None
    if ppr is not None:
        ps = ppr.find(qn("w:pStyle"))
        sid = ps.get(W_VAL) if ps is not None else ""
        num_pr = ppr.find(qn("w:numPr"))
        if num_pr is not None and num_pr.find(qn("w:numId")) is not None:
            ilvl = num_pr.find(qn("w:ilvl"))
            num = (int(num_pr.find(qn("w:numId")).get(W_VAL)), int(ilvl.get(W_VAL)) if ilvl is not None else 0)
    if num is None and sid in styles.num:
        num = styles.num[sid]
    return sid, num


_DELETIONS = (qn("w:del"), qn("w:moveFrom"))


def _deleted(el) -> bool:
    run = el.getparent()
    return run is not None and run.getparent() is not None and run.getparent().tag in _DELETIONS


def paragraph_text(p) -> str:
    """What a paragraph says: its text, tabs and line breaks, without deleted (tracked) text."""
    out = []
    for el in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:delText"), qn("w:noBreakHyphen")):
        if _deleted(el):
            continue  # a tab or break in a tracked deletion is gone, like the deleted text beside it
        if el.tag == qn("w:t"):
            out.append(el.text or "")
        elif el.tag == qn("w:tab"):
            if el.getparent().tag == qn("w:r"):
                out.append("\t")
        elif el.tag == qn("w:noBreakHyphen"):
            out.append("-")
        elif el.tag in (qn("w:br"), qn("w:cr")):
            if el.get(qn("w:type")) in (None, "textWrapping"):
                out.append("\n")
    return "".join(out)


def read_lines(source: str | Path | bytes | dict[str, bytes]) -> list[Line]:
    """The body of a document as lines: each paragraph, and each table row with its cells."""
    parts = source if isinstance(source, dict) else read_parts(source)
    styles = _Styles(parts)
    numbering = Numbering(parts)
    body = etree.fromstring(parts["word/document.xml"], xml_parser()).find(qn("w:body"))
    lines: list[Line] = []
    contents = ContentsFollower()

    def paragraph(p) -> Line | None:
        sid, num = style_and_numbering(p, styles)
        # a table of contents is navigation Word fills in: not part of the report's text
        if contents.in_contents(p):
            return None
        text = paragraph_text(p)
        label = numbering.label(*num) if num and num[0] != 0 and text.strip() else ""
        return Line(text, styles.name(sid) if sid else "Normal", label)

    def walk(container) -> None:
        for child in container:
            if child.tag == qn("w:p"):
                line = paragraph(child)
                if line is not None:
                    lines.append(line)
            elif child.tag == qn("w:tbl"):
                for tr in child.iter(qn("w:tr")):
                    cells = [" ".join(paragraph_text(p) for p in tc.iter(qn("w:p"))).strip()
                             for tc in tr.iter(qn("w:tc"))]
                    lines.append(Line("\t".join(cells), "", kind="row", cells=cells))
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    walk(content)
            elif child.tag in (qn("w:ins"), qn("w:customXml")):
                walk(child)

    walk(body)
    return lines


def document_text(source: str | Path | bytes | dict[str, bytes]) -> str:
    """The document as plain text, one paragraph per line, list numbers included."""
    return "\n".join(line.shown() for line in read_lines(source) if line.shown().strip())


def golden_text(source: str | Path | bytes | dict[str, bytes]) -> str:
    """The document as 'style | text' lines and '| cell | cell |' rows: what golden files record."""
    out = []
    for line in read_lines(source):
        if line.kind == "row":
            out.append("| " + " | ".join(c.replace("\n", "⏎") for c in line.cells) + " |")
        elif line.shown().strip():
            out.append(f"[{line.style}] {line.shown()}".replace("\n", "⏎"))
    return "\n".join(out) + "\n"


_FIELD = re.compile(r"^\{\{\s*([A-Za-z_]\w*)\b(?:\s*(?:or|\|)\s*[^{}]*)?\s*\}\}$")  # {{ x }}, {{ x or 'N/A' }}
_LABELLED = re.compile(r"^([^{}%]+?):?\s*\{\{\s*([A-Za-z_]\w*)\s*\}\}$")


def field_labels(parts: dict[str, bytes]) -> dict[str, str]:
    """How a template labels the values it prints: {'report_of': 'Report of', 'dated': 'Dated'}.

    A value `{{ name }}` alone in a table cell is labelled by the nearest cell before it in its row
    that holds plain text (a cell holding a tag ends the search); one written 'Label: {{ name }}' in
    a paragraph, by the text before it. What a template does not label is left out.
    """
    root = etree.fromstring(parts["word/document.xml"])
    labels: dict[str, str] = {}
    for tr in root.iter(qn("w:tr")):
        cells = ["".join(t.text or "" for t in tc.iter(qn("w:t"))).strip() for tc in tr.iter(qn("w:tc"))]
        for k, cell in enumerate(cells):
            found = _FIELD.match(cell)
            if not found:
                continue
            for before in reversed(cells[:k]):
                if "{{" in before or "{%" in before:
                    break
                if before:
                    labels.setdefault(found.group(1), before.rstrip(":").strip())
                    break
    for p in root.iter(qn("w:p")):
        found = _LABELLED.match("".join(t.text or "" for t in p.iter(qn("w:t"))).strip())
        if found:
            labels.setdefault(found.group(2), found.group(1).strip())
    return labels
