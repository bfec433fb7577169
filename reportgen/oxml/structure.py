"""A document as assistive technology meets it: its stories (the body, then headers and footers) as
paragraphs in reading order, each with a place a person can find ('table 2, row 1, cell 3, paragraph 1'),
its heading level, its runs' formatting, its pictures, links and anything floating out of the reading
order; and its tables, with their header marks and merged cells.

The accessibility checks judge what this reads; nothing here decides what is a problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from reportgen.oxml.ns import qn
from reportgen.oxml.package import xml_parser
from reportgen.oxml.properties import core_property
from reportgen.oxml.styles import RunFormat, Styles, on, styles_of
from reportgen.oxml.text import paragraph_text

W_VAL = qn("w:val")
_DECORATIVE = "http://schemas.microsoft.com/office/drawing/2017/decorative"
_FALLBACK = qn("mc:Fallback")
_STORY_NAME = re.compile(r"word/|\d*\.xml")
_STORIES = re.compile(r"word/(header|footer)\d*\.xml$")


@dataclass
class Run:
    """A run with text, and how it looks (through the styles)."""

    text: str
    format: RunFormat


@dataclass
class Picture:
    """A picture or shape with no alt text and not marked decorative."""

    name: str
    vml: bool = False
    """An old-style (VML) picture, which has no name to show."""


@dataclass
class Paragraph:
    place: str
    text: str
    in_body: bool
    """In the body, not in a table, header or footer."""
    style_name: str
    """The paragraph style's name as stored ('heading 1')."""
    body_style: bool
    """In the default paragraph style (Normal)."""
    heading_level: int | None
    """1-9 for a heading (a 'Heading N' style, or an outline level), None for body text."""
    list_item: bool
    runs: list[Run] = field(default_factory=list)
    unlabelled_pictures: list[Picture] = field(default_factory=list)
    floating: list[str] = field(default_factory=list)
    """What is positioned outside the reading order: 'text box', 'picture', 'vml' (a VML text box or
    positioned shape), 'frame' (the paragraph is in a text frame)."""
    links: list[str] = field(default_factory=list)
    """Each link's text."""


@dataclass
class Table:
    place: str
    first_row_text: str
    header_row: bool
    """Its first row is marked as a header row that repeats on each page."""
    label_value: bool
    """Marked as label/value pairs: first column on, header row off (Word's Table Design)."""
    unlabelled_row: tuple[int, str] | None
    """The first row (from 1, and its text) whose first cell has no text in bold; None if all have."""
    merged_cell: tuple[int, int] | None
    """The first merged cell (row, cell, from 1), if any."""


@dataclass
class Story:
    paragraphs: list[Paragraph]
    tables: list[Table]


@dataclass
class Structure:
    title: str
    language: str
    """The language the document properties say (dc:language)."""
    styles_language: str
    """The language the styles' defaults say (w:lang)."""
    stories: list[Story]


def read_structure(parts: dict[str, bytes]) -> Structure:
    from lxml import etree

    styles = styles_of(parts)
    stories = []
    for name in ["word/document.xml"] + sorted(n for n in parts if _STORIES.match(n)):
        if name not in parts:
            continue
        root = etree.fromstring(parts[name], xml_parser())
        body = name == "word/document.xml"
        container = root.find(qn("w:body")) if body else root
        if container is None:
            continue
        prefix = "" if body else f"page {_STORY_NAME.sub('', name)}, "
        tables: list[tuple[Any, str]] = []
        paragraphs = [_paragraph(p, place, in_body, styles)
                      for p, place, in_body in _paragraphs(container, prefix, {"p": 0, "table": 0}, body, tables)]
        stories.append(Story(paragraphs, [_table(t, place) for t, place in tables]))
    return Structure(core_property(parts, "dc:title") or "", core_property(parts, "dc:language") or "",
                     styles.language, stories)


def _paragraphs(container: Any, place: str, counters: dict[str, int], in_body: bool,
                tables: list[tuple[Any, str]]) -> Iterator[tuple[Any, str, bool]]:
    """Every paragraph in reading order, with a place a person can find; tables are collected on the way."""
    for child in container:
        if child.tag == qn("w:p"):
            counters["p"] += 1
            yield child, f"{place}paragraph {counters['p']}", in_body
        elif child.tag == qn("w:tbl"):
            counters["table"] += 1
            table_place = f"{place}table {counters['table']}"
            tables.append((child, table_place))
            for r, tr in enumerate(child.findall(qn("w:tr")), start=1):
                for c, tc in enumerate(tr.findall(qn("w:tc")), start=1):
                    inner = {"p": 0, "table": counters["table"]}
                    yield from _paragraphs(tc, f"{table_place}, row {r}, cell {c}, ", inner, False, tables)
                    counters["table"] = inner["table"]
        elif child.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:ins"), qn("w:customXml")):
            yield from _paragraphs(child, place, counters, in_body, tables)


def _paragraph(p: Any, place: str, in_body: bool, styles: Styles) -> Paragraph:
    ppr = p.find(qn("w:pPr"))
    ps = ppr.find(qn("w:pStyle")) if ppr is not None else None
    sid = ps.get(W_VAL) if ps is not None else styles.default_paragraph
    runs = [Run(text, styles.run_format(sid, r)) for r in p.iter(qn("w:r")) if (text := paragraph_text(r)).strip()]
    return Paragraph(place, paragraph_text(p), in_body, styles.stored_name(sid),
                     not sid or sid == styles.default_paragraph, _heading_level(styles, sid, ppr),
                     ppr is not None and ppr.find(qn("w:numPr")) is not None, runs,
                     _unlabelled_pictures(p), _floating(p, ppr), _links(p))


def _heading_level(styles: Styles, sid: str, ppr: Any) -> int | None:
    named = styles.heading_number(sid)
    if named is not None:  # Word keeps its built-in headings at their level, whatever the paragraph says
        return named
    level = styles.outline_levels.get(sid) if sid else None
    outline = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
    if outline is not None:
        level = int(outline.get(W_VAL, "9"))
    return level + 1 if level is not None and level < 9 else None


def _in_fallback(element: Any) -> bool:
    """Inside mc:Fallback: the older copy of a drawing already read in its mc:Choice."""
    return any(a.tag == _FALLBACK for a in element.iterancestors())


def _unlabelled_pictures(p: Any) -> list[Picture]:
    out = []
    for doc_pr in p.iter(qn("wp:docPr")):
        if _in_fallback(doc_pr) or (doc_pr.get("descr") or "").strip():
            continue
        decorative = any(el.tag == f"{{{_DECORATIVE}}}decorative" and el.get("val") in ("1", "true")
                         for el in doc_pr.iter())
        if not decorative:
            out.append(Picture(doc_pr.get("name", "")))
    for shape in p.iter(qn("v:shape")):
        if not _in_fallback(shape) and shape.find(qn("v:imagedata")) is not None and \
                not (shape.get("alt") or "").strip():
            out.append(Picture("", vml=True))
    return out


def _floating(p: Any, ppr: Any) -> list[str]:
    out = []
    for anchor in p.iter(qn("wp:anchor")):
        if not _in_fallback(anchor):
            out.append("text box" if next(anchor.iter(qn("wps:txbx")), None) is not None else "picture")
    for pict in p.iter(qn("w:pict")):
        if _in_fallback(pict):
            continue
        boxed = next(pict.iter(qn("v:textbox")), None) is not None
        positioned = any("position:absolute" in (s.get("style") or "").replace(" ", "") for s in pict.iter())
        if boxed or positioned:
            out.append("vml")
    if ppr is not None and ppr.find(qn("w:framePr")) is not None:
        out.append("frame")
    return out


def _links(p: Any) -> list[str]:
    return [paragraph_text(link).strip()
            for link in list(p.iter(qn("w:hyperlink"))) + [f for f in p.iter(qn("w:fldSimple"))
                                                           if "HYPERLINK" in (f.get(qn("w:instr")) or "")]]


def _row_text(tr: Any) -> str:
    return " | ".join(paragraph_text(p).strip() for p in tr.iter(qn("w:p")))


def _table(table: Any, place: str) -> Table:
    rows = table.findall(qn("w:tr"))
    first = rows[0] if rows else None
    header = first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") if first is not None else None
    return Table(place, _row_text(first) if first is not None else "", on(header), _label_value_grid(table),
                 _unlabelled_row(rows), _merged_cell(rows))


def _label_value_grid(table: Any) -> bool:
    look = table.find(f"{qn('w:tblPr')}/{qn('w:tblLook')}")
    if look is None:
        return False

    def flag(name: str, bit: int) -> bool:
        value = look.get(qn(f"w:{name}"))
        if value is not None:
            return value.lower() in ("1", "true", "on")
        try:
            return bool(int(look.get(W_VAL, "0"), 16) & bit)  # the older bitmask
        except ValueError:
            return False

    return flag("firstColumn", 0x0080) and not flag("firstRow", 0x0020)


def _unlabelled_row(rows: list[Any]) -> tuple[int, str] | None:
    """Bold by the runs' own formatting (a label is made bold where it is typed)."""
    for r, tr in enumerate(rows, start=1):
        cells = tr.findall(qn("w:tc"))
        runs = [run for run in cells[0].iter(qn("w:r")) if "".join(t.text or "" for t in run.iter(qn("w:t"))).strip()] \
            if cells else []
        if not (runs and all(on(run.find(f"{qn('w:rPr')}/{qn('w:b')}")) for run in runs)):
            return r, _row_text(tr)
    return None


def _merged_cell(rows: list[Any]) -> tuple[int, int] | None:
    for r, tr in enumerate(rows, start=1):
        for c, tc in enumerate(tr.findall(qn("w:tc")), start=1):
            tcpr = tc.find(qn("w:tcPr"))
            if tcpr is None:
                continue
            span = tcpr.find(qn("w:gridSpan"))
            if tcpr.find(qn("w:vMerge")) is not None or tcpr.find(qn("w:hMerge")) is not None or \
                    (span is not None and int(span.get(W_VAL, "1")) > 1):
                return r, c
    return None
