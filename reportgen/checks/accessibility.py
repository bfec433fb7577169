"""Accessibility checks on a Word document (PSBAR 2018 / WCAG 2.1 AA), each finding named by place and rule.

Reads the .docx XML (the read side, like oxml/text.py). Run on any .docx, and on content by
rendering it in memory and mapping each finding back to the content line its text came from.

The rules, by id (kept simple on purpose, so a clerk can predict them):

- `title`: the document title is set in its properties (dc:title).
- `language`: the language is set in the properties (dc:language) and in the styles' defaults (w:lang).
- `heading-style`: a short paragraph in the body text style whose every run is bold (no full stop at
  the end, not in a table, not a list item) looks like a heading: use a Heading style instead.
- `heading-empty`: a heading paragraph with no text.
- `heading-order`: a heading more than one level below the one before it (the first must be level 1).
- `image-alt`: every picture, chart or shape has alt text (its description) or is marked decorative.
- `table-header`: every data table's first row is marked as a header row that repeats on each page
  (w:tblHeader). A label/value table such as the cover's header grid is marked instead as one whose
  first column holds the headers and that has no header row (w:tblLook firstColumn on, firstRow
  off: Word's Table Design > First Column); then every row must start with its label, in bold.
- `merged-cells`: no merged cells (w:gridSpan > 1, w:vMerge, w:hMerge): they scramble the cell
  order a screen reader announces, and in reports they only ever serve layout.
- `link-text`: link text makes sense on its own: not "click here", "here", "read more" ..., not a bare URL.
- `floating`: no floating drawings or text boxes (wp:anchor, VML positioned shapes, v:textbox,
  frames): they are read out of order; put pictures inline with the text.
- `colour-only`: a run coloured differently from the run next to it must also differ from it in bold,
  italic or underline, so that the colour is not the only sign of its meaning.
- `pdf-tagged` (a PDF): it has a structure tree and is marked as tagged; `title` and `language`
  apply to a PDF too (its Info title, and /Lang in its catalogue).
- `pdf-ua` (a PDF): the machine-checkable PDF/UA-1 (Matterhorn) conditions of
  `reportgen.pdf.finish.pdf_ua_findings`: alt text on every Figure, no Figure inside a Figure, no
  remapped standard structure type, table rows of TH/TD cells, the title shown, and all content
  tagged or marked as an artifact. An agenda pack's drawn-in PDF appendix pages are untagged: they
  are listed here, and such a PDF carries no PDF/UA identifier.
- `contrast`: coloured text has a contrast ratio of at least 4.5:1 against white (the page; text on
  shaded backgrounds is not measured).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from lxml import etree

from reportgen.errors import Position, Problem
from reportgen.oxml.ns import qn
from reportgen.oxml.package import xml_parser
from reportgen.oxml.text import paragraph_text

W_VAL = qn("w:val")
MIN_CONTRAST = 4.5
HEADING_MAX_CHARS = 80
HEADING_MAX_WORDS = 12
VAGUE_LINK_TEXT = {"click here", "click", "here", "link", "this link", "read more", "more", "more info",
                   "more information", "this", "this page", "page", "website", "this website", "go"}
_URL = re.compile(r"^(https?://|ftp://|www\.)\S+$", re.IGNORECASE)
_HEADING_NAME = re.compile(r"^heading (\d)$", re.IGNORECASE)
_DECORATIVE = "http://schemas.microsoft.com/office/drawing/2017/decorative"
_FALLBACK = qn("mc:Fallback")
_OFF = {"0", "false", "off", "none"}
_STORY = re.compile(r"word/|\d*\.xml")


@dataclass
class Finding:
    """One accessibility problem: the rule broken, what is wrong, where, and the text found there
    (or, for a paragraph without text such as a picture's, the text of the paragraph before it)."""

    rule: str
    message: str
    place: str
    text: str = ""
    near: str = ""

    @property
    def described_place(self) -> str:
        """'paragraph 12 ('Background')', or 'paragraph 13 (after 'Fig 1 Referrals ...')' for a picture."""
        def short(text: str) -> str:
            text = " ".join(text.split())
            return repr(text if len(text) <= 50 else text[:47] + "...")
        if self.text.strip():
            return f"{self.place} ({short(self.text)})"
        return f"{self.place} (after {short(self.near)})" if self.near.strip() else self.place

    def problem(self, position: Position | None, path: str = "") -> Problem:
        return Problem(f"{self.message} [{self.rule}]", position, path or self.described_place, "error", self.rule)


@dataclass
class _Format:
    bold: bool = False
    italic: bool = False
    underline: bool = False
    colour: str | None = None  # "RRGGBB", None for automatic (black)


@dataclass
class _StyleSheet:
    """What the rules need from styles.xml: names, heading levels and run formatting, followed through basedOn."""

    styles: dict[str, Any] = field(default_factory=dict)
    default_paragraph: str = ""
    default_character: str = ""
    default_format: _Format = field(default_factory=_Format)
    language: str = ""

    @classmethod
    def read(cls, xml: bytes | None) -> "_StyleSheet":
        sheet = cls()
        if xml is None:
            return sheet
        root = etree.fromstring(xml, xml_parser())
        defaults = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if defaults is not None:
            sheet.default_format = _apply(_Format(), defaults)
            lang = defaults.find(qn("w:lang"))
            sheet.language = (lang.get(W_VAL) or "") if lang is not None else ""
        for style in root.iter(qn("w:style")):
            sid = style.get(qn("w:styleId"))
            sheet.styles[sid] = style
            if style.get(qn("w:default")) in ("1", "true"):
                if style.get(qn("w:type")) == "paragraph":
                    sheet.default_paragraph = sid
                elif style.get(qn("w:type")) == "character":
                    sheet.default_character = sid
        if not sheet.language and sheet.default_paragraph:
            lang = sheet.styles[sheet.default_paragraph].find(f"{qn('w:rPr')}/{qn('w:lang')}")
            sheet.language = (lang.get(W_VAL) or "") if lang is not None else ""
        return sheet

    def chain(self, sid: str | None) -> list[Any]:
        """The style and the styles it is based on, base first."""
        out: list[Any] = []
        seen: set[str] = set()
        while sid and sid in self.styles and sid not in seen:
            seen.add(sid)
            out.insert(0, self.styles[sid])
            based = self.styles[sid].find(qn("w:basedOn"))
            sid = based.get(W_VAL) if based is not None else None
        return out

    def name(self, sid: str) -> str:
        style = self.styles.get(sid)
        name = style.find(qn("w:name")) if style is not None else None
        return name.get(W_VAL) if name is not None else sid

    def heading_level(self, sid: str, ppr: Any) -> int | None:
        """1-9 for a heading (a 'Heading N' style, or an outline level), None for body text."""
        m = _HEADING_NAME.match(self.name(sid)) if sid else None
        if m:
            return int(m.group(1))
        level = None
        for style in self.chain(sid):
            outline = style.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
            if outline is not None:
                level = int(outline.get(W_VAL, "9"))
        outline = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
        if outline is not None:
            level = int(outline.get(W_VAL, "9"))
        return level + 1 if level is not None and level < 9 else None

    def run_format(self, paragraph_style: str, run: Any) -> _Format:
        fmt = _Format(**vars(self.default_format))
        for style in self.chain(paragraph_style or self.default_paragraph):
            _apply(fmt, style.find(qn("w:rPr")))
        rpr = run.find(qn("w:rPr"))
        rstyle = rpr.find(qn("w:rStyle")) if rpr is not None else None
        for style in self.chain(rstyle.get(W_VAL) if rstyle is not None else None):
            _apply(fmt, style.find(qn("w:rPr")))
        return _apply(fmt, rpr)


def _on(element: Any) -> bool:
    return element.get(W_VAL, "true").lower() not in _OFF


def _apply(fmt: _Format, rpr: Any) -> _Format:
    if rpr is None:
        return fmt
    for tag, attr in (("w:b", "bold"), ("w:i", "italic")):
        el = rpr.find(qn(tag))
        if el is not None:
            setattr(fmt, attr, _on(el))
    u = rpr.find(qn("w:u"))
    if u is not None:
        fmt.underline = u.get(W_VAL, "single").lower() not in _OFF
    colour = rpr.find(qn("w:color"))
    if colour is not None:
        value = (colour.get(W_VAL) or "auto").upper()
        fmt.colour = None if value == "AUTO" or not re.fullmatch(r"[0-9A-F]{6}", value) else value
    return fmt


def contrast_ratio(colour: str, background: str = "FFFFFF") -> float:
    """WCAG 2 contrast ratio between two 'RRGGBB' colours."""
    def luminance(hex_colour: str) -> float:
        channels = []
        for i in (0, 2, 4):
            c = int(hex_colour[i:i + 2], 16) / 255
            channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    light, dark = sorted((luminance(colour), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _in_fallback(element: Any) -> bool:
    """Inside mc:Fallback: the older copy of a drawing already checked in its mc:Choice."""
    return any(a.tag == _FALLBACK for a in element.iterancestors())


@dataclass
class _Paragraph:
    element: Any
    place: str
    in_body: bool  # a body paragraph, not in a table, header or footer


def _paragraphs(container: Any, place: str, counters: dict[str, int], in_body: bool,
                tables: list[tuple[Any, str]]) -> Iterator[_Paragraph]:
    """Every paragraph in reading order, with a place a person can find; tables are collected on the way."""
    for child in container:
        if child.tag == qn("w:p"):
            counters["p"] += 1
            yield _Paragraph(child, f"{place}paragraph {counters['p']}", in_body)
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


def check_parts(parts: dict[str, bytes]) -> list[Finding]:
    """Every accessibility finding in a document, in reading order (properties first)."""
    sheet = _StyleSheet.read(parts.get("word/styles.xml"))
    findings = _properties(parts, sheet)
    previous_level = 0
    stories = ["word/document.xml"] + sorted(n for n in parts if re.match(r"word/(header|footer)\d*\.xml$", n))
    for story in stories:
        if story not in parts:
            continue
        root = etree.fromstring(parts[story], xml_parser())
        container = root.find(qn("w:body")) if story == "word/document.xml" else root
        if container is None:
            continue
        prefix = "" if story == "word/document.xml" else f"page {_STORY.sub('', story)}, "
        tables: list[tuple[Any, str]] = []
        before = ""
        for para in _paragraphs(container, prefix, {"p": 0, "table": 0}, story == "word/document.xml", tables):
            p, text = para.element, paragraph_text(para.element)
            ppr = p.find(qn("w:pPr"))
            ps = ppr.find(qn("w:pStyle")) if ppr is not None else None
            sid = ps.get(W_VAL) if ps is not None else sheet.default_paragraph
            level = sheet.heading_level(sid, ppr)
            found: list[tuple[str, str]] = []
            if level is not None and para.in_body:
                if not text.strip():
                    found.append(("heading-empty", f"an empty {sheet.name(sid)} paragraph: give it text or "
                                                   "make it a body paragraph"))
                if level > previous_level + 1:
                    skipped = "level 1 (the first heading must be level 1)" if previous_level == 0 else \
                        f"a level between {previous_level} and {level}"
                    found.append(("heading-order", f"a level {level} heading after level {previous_level}: "
                                                   f"skips {skipped}"))
                previous_level = level
            elif para.in_body and _looks_like_heading(p, ppr, sid, text, sheet):
                found.append(("heading-style", "this short all-bold paragraph looks like a heading: give it "
                                               "a Heading style so it is one for screen readers"))
            found += _images(p) + _floating(p, ppr) + _links(p) + _colours(p, sid, sheet)
            findings += [Finding(rule, message, para.place, text, before) for rule, message in found]
            before = text if text.strip() else before
        for table, place in tables:
            findings += _table(table, place)
    return findings


def _properties(parts: dict[str, bytes], sheet: _StyleSheet) -> list[Finding]:
    core = etree.fromstring(parts["docProps/core.xml"], xml_parser()) if "docProps/core.xml" in parts else None
    title = core.findtext(qn("dc:title")) if core is not None else None
    language = core.findtext(qn("dc:language")) if core is not None else None
    out = []
    if not (title or "").strip():
        out.append(Finding("title", "the document has no title in its properties (File > Info > Title)",
                           "document properties"))
    if not (language or "").strip():
        out.append(Finding("language", "the document's language is not set in its properties (dc:language)",
                           "document properties"))
    if not sheet.language.strip():
        out.append(Finding("language", "the styles set no language (w:lang in the default run properties): "
                                       "set English (United Kingdom) on the Normal style", "styles"))
    return out


def _looks_like_heading(p: Any, ppr: Any, sid: str, text: str, sheet: _StyleSheet) -> bool:
    stripped = text.strip()
    if not stripped or not re.search(r"[A-Za-z]", stripped) or stripped[-1] in ".!?;,":
        return False
    if len(stripped) > HEADING_MAX_CHARS or len(stripped.split()) > HEADING_MAX_WORDS:
        return False
    if sid and sid != sheet.default_paragraph:
        return False  # a list, caption, quote or other named style is not mistaken for a heading
    if ppr is not None and ppr.find(qn("w:numPr")) is not None:
        return False
    runs = [r for r in p.iter(qn("w:r")) if paragraph_text(r).strip()]
    return bool(runs) and all(sheet.run_format(sid, r).bold for r in runs)


def _images(p: Any) -> list[tuple[str, str]]:
    out = []
    for doc_pr in p.iter(qn("wp:docPr")):
        if _in_fallback(doc_pr) or (doc_pr.get("descr") or "").strip():
            continue
        decorative = any(el.tag == f"{{{_DECORATIVE}}}decorative" and el.get("val") in ("1", "true")
                         for el in doc_pr.iter())
        if not decorative:
            out.append(("image-alt", f"the picture {doc_pr.get('name', '')!r} has no alt text: describe it "
                                     "(right-click > Edit Alt Text) or mark it decorative"))
    for shape in p.iter(qn("v:shape")):
        if _in_fallback(shape) or shape.find(qn("v:imagedata")) is None or (shape.get("alt") or "").strip():
            continue
        out.append(("image-alt", "a picture has no alt text: describe it (right-click > Edit Alt Text)"))
    return out


def _floating(p: Any, ppr: Any) -> list[tuple[str, str]]:
    out = []
    for anchor in p.iter(qn("wp:anchor")):
        if not _in_fallback(anchor):
            boxed = next(anchor.iter(qn("wps:txbx")), None) is not None
            what = "a floating text box" if boxed else "a floating picture or shape"
            out.append(("floating", f"{what} is read out of order: place it in line with the text "
                                    "(Wrap Text > In Line with Text) or make it body text"))
    for pict in p.iter(qn("w:pict")):
        if _in_fallback(pict):
            continue
        boxed = next(pict.iter(qn("v:textbox")), None) is not None
        positioned = any("position:absolute" in (s.get("style") or "").replace(" ", "") for s in pict.iter())
        if boxed or positioned:
            out.append(("floating", "a floating text box or shape (VML) is read out of order: make it body text"))
    if ppr is not None and ppr.find(qn("w:framePr")) is not None:
        out.append(("floating", "a text frame positions this paragraph outside the reading order: remove the frame"))
    return out


def _links(p: Any) -> list[tuple[str, str]]:
    out = []
    for link in list(p.iter(qn("w:hyperlink"))) + [f for f in p.iter(qn("w:fldSimple"))
                                                    if "HYPERLINK" in (f.get(qn("w:instr")) or "")]:
        text = paragraph_text(link).strip()
        words = re.sub(r"[^\w\s]", "", text.lower()).strip()
        if not text:
            out.append(("link-text", "a link has no text"))
        elif words in VAGUE_LINK_TEXT:
            out.append(("link-text", f"the link text {text!r} does not say where it goes: use words "
                                     "that make sense on their own, such as the page's title"))
        elif _URL.match(text):
            out.append(("link-text", f"the link text is a bare address ({text}): use words that say where it goes"))
    return out


def _colours(p: Any, sid: str, sheet: _StyleSheet) -> list[tuple[str, str]]:
    runs = [(r, sheet.run_format(sid, r), len(paragraph_text(r).strip()))
            for r in p.iter(qn("w:r")) if paragraph_text(r).strip()]
    if not runs:
        return []
    out = []
    reported: set[str] = set()
    for run, fmt, _ in runs:
        if fmt.colour is not None and fmt.colour not in reported and contrast_ratio(fmt.colour) < MIN_CONTRAST:
            reported.add(fmt.colour)
            out.append(("contrast", f"text in colour #{fmt.colour} has a contrast of "
                                    f"{contrast_ratio(fmt.colour):.1f}:1 on white; at least {MIN_CONTRAST}:1 is needed"))
    for (run_a, a, _), (run_b, b, _) in zip(runs, runs[1:]):
        if a.colour != b.colour and (a.bold, a.italic, a.underline) == (b.bold, b.italic, b.underline):
            # the coloured one of the two (the second, when both are coloured) carries the meaning
            run, fmt = (run_b, b) if b.colour is not None else (run_a, a)
            out.append(("colour-only", f"{paragraph_text(run).strip()[:40]!r} differs from the text next to it "
                                       f"only by its colour (#{fmt.colour}): make it bold or underlined too, "
                                       "or say in words what the colour means"))
    return out


def _label_value_grid(table: Any) -> bool:
    """A table marked as label/value pairs: its first column holds the headers, with no header row
    (Word's Table Design > First Column on, Header Row off)."""
    look = table.find(f"{qn('w:tblPr')}/{qn('w:tblLook')}")
    if look is None:
        return False

    def flag(name: str, bit: int) -> bool:
        value = look.get(qn(f"w:{name}"))
        if value is not None:
            return value.lower() in ("1", "true", "on")
        try:
            return bool(int(look.get(W_VAL, "0"), 16) & bit)
        except ValueError:
            return False

    return flag("firstColumn", 0x0080) and not flag("firstRow", 0x0020)


def _grid_labels(rows: list[Any], place: str) -> list[Finding]:
    """Each row of a label/value grid starts with its label, in bold (a screen reader reads it as the
    row's header); a row whose first cell is blank or plain has no header for its value."""
    for r, tr in enumerate(rows, start=1):
        cells = tr.findall(qn("w:tc"))
        first = cells[0] if cells else None
        runs = [run for run in first.iter(qn("w:r")) if "".join(t.text or "" for t in run.iter(qn("w:t"))).strip()] \
            if first is not None else []
        bold = runs and all(_run_bold(run) for run in runs)
        if not bold:
            text = " | ".join(paragraph_text(p).strip() for p in tr.iter(qn("w:p")))
            return [Finding("table-header", f"row {r} of this label/value table has no bold label in its first "
                                            "column: give the row a label, in bold", place, text)]
    return []


def _run_bold(run: Any) -> bool:
    bold = run.find(f"{qn('w:rPr')}/{qn('w:b')}")
    return bold is not None and _on(bold)


def _table(table: Any, place: str) -> list[Finding]:
    out = []
    rows = table.findall(qn("w:tr"))
    first = rows[0] if rows else None
    header = first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") if first is not None else None
    first_text = " | ".join(paragraph_text(p).strip() for p in first.iter(qn("w:p"))) if first is not None else ""
    if _label_value_grid(table):
        out.extend(_grid_labels(rows, place))
    elif header is None or not _on(header):
        out.append(Finding("table-header", "the table has no header row: mark its first row as a header that "
                                           "repeats (Table Properties > Row > Repeat as header row at the top "
                                           "of each page)", place, first_text))
    for r, tr in enumerate(rows, start=1):
        for c, tc in enumerate(tr.findall(qn("w:tc")), start=1):
            tcpr = tc.find(qn("w:tcPr"))
            if tcpr is None:
                continue
            span = tcpr.find(qn("w:gridSpan"))
            if tcpr.find(qn("w:vMerge")) is not None or tcpr.find(qn("w:hMerge")) is not None or \
                    (span is not None and int(span.get(W_VAL, "1")) > 1):
                out.append(Finding("merged-cells", f"row {r}, cell {c} is merged with its neighbours: split it "
                                                   "and lay the table out with whole cells", place, first_text))
                return out  # one finding per table is enough to find it
    return out


# -- entry points ----------------------------------------------------------------------------------------

def check_docx(path: Path) -> list[Problem]:
    """Findings in a .docx file, placed by paragraph or table number and its text."""
    from reportgen.oxml.package import read_parts

    parts = read_parts(path, str(path))  # a damaged or unsafe file: a located NotADocx
    return [f.problem(Position(str(path))) for f in check_parts(parts)]


def check_pdf(path: Path) -> list[Problem]:
    """A PDF is tagged (it has a structure tree and says it is marked), carries its title and language, and
    meets the PDF/UA conditions `pdf_ua_findings` checks. Read through pypdf (`reportgen.pdf.inspect`), so
    what sits in compressed object streams counts; a PDF beyond its bounds is a located ContentError."""
    from reportgen.checks.scan import open_pdf
    from reportgen.pdf.finish import pdf_ua_findings, untagged_content_pages

    found = []
    with open_pdf(path) as pdf:
        if not (pdf.marked and pdf.has_structure_tree):
            found.append(Finding("pdf-tagged", "the PDF is not tagged: screen readers cannot follow its structure "
                                               "(export from Word or LibreOffice with tagged PDF on)", "PDF"))
        if not pdf.title:
            found.append(Finding("title", "the PDF has no title in its properties", "PDF properties"))
        if not re.match(r"[A-Za-z]", pdf.language):
            found.append(Finding("language", "the PDF does not say its language (/Lang in the catalogue)", "PDF"))
        ua = pdf_ua_findings(pdf, untagged_content_pages(pdf), basics=False)
    found += [Finding("pdf-ua", finding, "PDF structure") for finding in ua]
    return [f.problem(Position(str(path))) for f in found]


def check_report(report: Any, parts: dict[str, bytes], template: Path) -> list[Problem]:
    """Findings in a report rendered in memory: at the content line a finding's text came from, or else
    at the template (the place in the rendered document named)."""
    from reportgen.errors import display_path

    places = content_places(report)
    out = []
    for finding in check_parts(parts):
        # a picture has no text of its own: it is placed by its caption (the paragraph before it)
        found = _content_place(finding.text, places) if finding.text.strip() else \
            _content_place(finding.near, places)
        if found is not None:
            out.append(finding.problem(found[0], found[1]))
        else:
            out.append(finding.problem(Position(display_path(template)),
                                       f"rendered document, {finding.described_place}"))
    return out


def content_places(report: Any) -> list[tuple[str, Position, str]]:
    """Every piece of text in the content, as a reader would see it, with where it was written."""
    from reportgen.model import inline
    from reportgen.model.common import format_path

    out = []
    for node in report.walk():
        for name in type(node).model_fields:
            value = getattr(node, name)
            values = [(value, (name,))] if isinstance(value, str) else \
                [(v, (name, i)) for i, v in enumerate(value) if isinstance(v, str)] if isinstance(value, list) else []
            for text, sub in values:
                shown = _normal(inline.plain(text))
                if not shown:
                    continue
                position = node.where(*sub)
                # a node written as a bare string (a Paragraph's shorthand) is named by its own path
                path = node.key_path if position == node.where() else \
                    ".".join(filter(None, [node.key_path, format_path(sub)]))
                out.append((shown, position, path))
    return out


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _content_place(text: str, places: list[tuple[str, Position, str]]) -> tuple[Position, str] | None:
    shown = _normal(text)
    if not shown:
        return None
    for content, position, path in places:
        if content == shown:
            return position, path
    # content quoted within a longer line ('Appendix 1 – title'); not a table row that merely holds a value
    inside = [(len(c), p, k) for c, p, k in places if len(c) * 2 >= len(shown) and c in shown]
    if inside:
        _, position, path = max(inside, key=lambda t: t[0])
        return position, path
    return None
