"""Accessibility checks on a Word document (PSBAR 2018 / WCAG 2.1 AA), each finding named by place and rule.

Judges what oxml.structure reads of a .docx (its stories, paragraphs, runs, pictures, tables). Run on
any .docx, and on content by rendering it in memory and mapping each finding back to the content line
its text came from.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.errors import Position, Problem
from reportgen.oxml.structure import Paragraph, Structure, Table, read_structure

MIN_CONTRAST = 4.5
HEADING_MAX_CHARS = 80
HEADING_MAX_WORDS = 12
VAGUE_LINK_TEXT = {"click here", "click", "here", "link", "this link", "read more", "more", "more info",
                   "more information", "this", "this page", "page", "website", "this website", "go"}
_URL = re.compile(r"^(https?://|ftp://|www\.)\S+$", re.IGNORECASE)


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


def check_parts(parts: dict[str, bytes]) -> list[Finding]:
    """Every accessibility finding in a document, in reading order (properties first)."""
    document = read_structure(parts)
    findings = _properties(document)
    previous_level = 0
    for story in document.stories:
        before = ""
        for para in story.paragraphs:
            level, text = para.heading_level, para.text
            found: list[tuple[str, str]] = []
            if level is not None and para.in_body:
                if not text.strip():
                    found.append(("heading-empty", f"an empty {para.style_name} paragraph: give it text or "
                                                   "make it a body paragraph"))
                if level > previous_level + 1:
                    skipped = "level 1 (the first heading must be level 1)" if previous_level == 0 else \
                        f"a level between {previous_level} and {level}"
                    found.append(("heading-order", f"a level {level} heading after level {previous_level}: "
                                                   f"skips {skipped}"))
                previous_level = level
            elif para.in_body and _looks_like_heading(para):
                found.append(("heading-style", "this short all-bold paragraph looks like a heading: give it "
                                               "a Heading style so it is one for screen readers"))
            found += _images(para) + _floating(para) + _links(para) + _colours(para)
            findings += [Finding(rule, message, para.place, text, before) for rule, message in found]
            before = text if text.strip() else before
        for table in story.tables:
            findings += _table(table)
    return findings


def _properties(document: Structure) -> list[Finding]:
    out = []
    if not document.title.strip():
        out.append(Finding("title", "the document has no title in its properties (File > Info > Title)",
                           "document properties"))
    if not document.language.strip():
        out.append(Finding("language", "the document's language is not set in its properties (dc:language)",
                           "document properties"))
    if not document.styles_language.strip():
        out.append(Finding("language", "the styles set no language (w:lang in the default run properties): "
                                       "set English (United Kingdom) on the Normal style", "styles"))
    return out


def _looks_like_heading(para: Paragraph) -> bool:
    stripped = para.text.strip()
    if not stripped or not re.search(r"[A-Za-z]", stripped) or stripped[-1] in ".!?;,":
        return False
    if len(stripped) > HEADING_MAX_CHARS or len(stripped.split()) > HEADING_MAX_WORDS:
        return False
    if not para.body_style or para.list_item:
        return False  # a list, caption, quote or other named style is not mistaken for a heading
    return bool(para.runs) and all(run.format.bold for run in para.runs)


def _images(para: Paragraph) -> list[tuple[str, str]]:
    return [("image-alt", "a picture has no alt text: describe it (right-click > Edit Alt Text)") if picture.vml
            else ("image-alt", f"the picture {picture.name!r} has no alt text: describe it "
                               "(right-click > Edit Alt Text) or mark it decorative")
            for picture in para.unlabelled_pictures]


_FLOATING = {
    "text box": "a floating text box is read out of order: place it in line with the text "
                "(Wrap Text > In Line with Text) or make it body text",
    "picture": "a floating picture or shape is read out of order: place it in line with the text "
               "(Wrap Text > In Line with Text) or make it body text",
    "vml": "a floating text box or shape (VML) is read out of order: make it body text",
    "frame": "a text frame positions this paragraph outside the reading order: remove the frame",
}


def _floating(para: Paragraph) -> list[tuple[str, str]]:
    return [("floating", _FLOATING[kind]) for kind in para.floating]


def _links(para: Paragraph) -> list[tuple[str, str]]:
    out = []
    for text in para.links:
        words = re.sub(r"[^\w\s]", "", text.lower()).strip()
        if not text:
            out.append(("link-text", "a link has no text"))
        elif words in VAGUE_LINK_TEXT:
            out.append(("link-text", f"the link text {text!r} does not say where it goes: use words "
                                     "that make sense on their own, such as the page's title"))
        elif _URL.match(text):
            out.append(("link-text", f"the link text is a bare address ({text}): use words that say where it goes"))
    return out


def _colours(para: Paragraph) -> list[tuple[str, str]]:
    out = []
    reported: set[str] = set()
    for run in para.runs:
        colour = run.format.colour
        if colour is not None and colour not in reported and contrast_ratio(colour) < MIN_CONTRAST:
            reported.add(colour)
            out.append(("contrast", f"text in colour #{colour} has a contrast of "
                                    f"{contrast_ratio(colour):.1f}:1 on white; at least {MIN_CONTRAST}:1 is needed"))
    for a, b in zip(para.runs, para.runs[1:]):
        fa, fb = a.format, b.format
        if fa.colour != fb.colour and (fa.bold, fa.italic, fa.underline) == (fb.bold, fb.italic, fb.underline):
            # the coloured one of the two (the second, when both are coloured) carries the meaning
            run = b if fb.colour is not None else a
            out.append(("colour-only", f"{run.text.strip()[:40]!r} differs from the text next to it "
                                       f"only by its colour (#{run.format.colour}): make it bold or underlined too, "
                                       "or say in words what the colour means"))
    return out


def _table(table: Table) -> list[Finding]:
    out = []
    if table.label_value:
        if table.unlabelled_row is not None:
            r, text = table.unlabelled_row
            # each row of a label/value grid starts with its label, in bold (a screen reader reads it as the
            # row's header); a row whose first cell is blank or plain has no header for its value
            out.append(Finding("table-header", f"row {r} of this label/value table has no bold label in its first "
                                               "column: give the row a label, in bold", table.place, text))
    elif not table.header_row:
        out.append(Finding("table-header", "the table has no header row: mark its first row as a header that "
                                           "repeats (Table Properties > Row > Repeat as header row at the top "
                                           "of each page)", table.place, table.first_row_text))
    if table.merged_cell is not None:  # one finding per table is enough to find it
        r, c = table.merged_cell
        out.append(Finding("merged-cells", f"row {r}, cell {c} is merged with its neighbours: split it "
                                           "and lay the table out with whole cells", table.place,
                           table.first_row_text))
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
