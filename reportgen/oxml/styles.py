"""styles.xml, read once: every style's id, name, type, what it is based on and linked to, and what it
inherits through its basedOn chain (its list, its outline level, hidden text, run formatting).

The one reader of a document's styles: the text and block readers, the template's style index, the
accessibility and publication checks and the slimmed preview all ask it. A model is parsed once per
styles part and remembered by the part's content, so a template's styles (about 350 kB), which come
unchanged through every build, are parsed once per process. A model is shared: treat it as read-only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Callable, Iterable, TypeVar

from reportgen.oxml.ns import qn
from reportgen.oxml.package import xml_parser

T = TypeVar("T")
W_VAL = qn("w:val")
_OFF = {"0", "false", "off", "none"}
_ON = ("1", "true", "on")
_HEADING = re.compile(r"^heading (\d)$", re.IGNORECASE)


def on(element: Any, off: Iterable[str] = _OFF) -> bool:
    """A toggle property (w:b, w:i, w:vanish ...) as Word reads it: present and not switched off."""
    return element is not None and (element.get(W_VAL) or "true").lower() not in off


def numbering_reference(ppr: Any) -> tuple[int, int] | None:
    """The list (numId, level) a paragraph's or style's properties (w:pPr) name, if they name one."""
    num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
    num_id = num_pr.find(qn("w:numId")) if num_pr is not None else None
    if num_id is None:
        return None
    level = num_pr.find(qn("w:ilvl"))
    value = level.get(W_VAL, "0") if level is not None else "0"
    return int(num_id.get(W_VAL)), int(value) if value.isdigit() else 0


@dataclass
class RunFormat:
    """What a run looks like as far as meaning goes: bold, italic, underlined, and its colour."""

    bold: bool = False
    italic: bool = False
    underline: bool = False
    colour: str | None = None
    """'RRGGBB', or None for automatic (black)."""

    def apply(self, rpr: Any) -> "RunFormat":
        """This format with the run properties `rpr` (a w:rPr, or None) laid over it."""
        if rpr is None:
            return self
        for tag, attr in (("w:b", "bold"), ("w:i", "italic")):
            el = rpr.find(qn(tag))
            if el is not None:
                setattr(self, attr, on(el))
        u = rpr.find(qn("w:u"))
        if u is not None:
            self.underline = u.get(W_VAL, "single").lower() not in _OFF
        colour = rpr.find(qn("w:color"))
        if colour is not None:
            value = (colour.get(W_VAL) or "auto").upper()
            self.colour = None if value == "AUTO" or not re.fullmatch(r"[0-9A-F]{6}", value) else value
        return self


@dataclass
class Style:
    """One style as styles.xml defines it (its own settings, nothing inherited)."""

    style_id: str
    name: str
    kind: str
    """'paragraph', 'character', 'table' or 'numbering'."""
    based_on: str | None
    link: str | None
    default: bool
    element: Any = field(repr=False)


class Styles:
    """A document's styles. Build one with `styles_of(parts)`, which remembers it."""

    def __init__(self, xml: bytes | None) -> None:
        self.by_id: dict[str, Style] = {}
        self.default_paragraph = ""
        self._defaults: Any = None  # the document defaults' run properties
        if xml is None:
            return
        from lxml import etree

        root = etree.fromstring(xml, xml_parser())
        self._defaults = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        for element in root.iter(qn("w:style")):
            sid = element.get(qn("w:styleId"), "")
            name = element.find(qn("w:name"))
            based, link = element.find(qn("w:basedOn")), element.find(qn("w:link"))
            style = Style(sid, name.get(W_VAL, sid) if name is not None else sid,
                          element.get(qn("w:type")) or "paragraph",
                          based.get(W_VAL) if based is not None else None,
                          link.get(W_VAL) if link is not None else None,
                          element.get(qn("w:default")) in _ON, element)
            self.by_id[sid] = style
            if style.default and style.kind == "paragraph":
                self.default_paragraph = sid

    # names --------------------------------------------------------------------------------------
    def stored_name(self, sid: str) -> str:
        """The name as styles.xml stores it ('heading 1'); the id for a style it does not define."""
        style = self.by_id.get(sid)
        return style.name if style is not None else sid

    def name(self, sid: str) -> str:
        """The name as Word shows it: built-in names are stored in lower case ('heading 1') but shown capitalised."""
        name = self.stored_name(sid)
        return name[:1].upper() + name[1:]

    # inheritance --------------------------------------------------------------------------------
    def chain(self, sid: str | None) -> list[Style]:
        """The style and the styles it is based on, base first (a loop in basedOn ends the chain)."""
        out: list[Style] = []
        seen: set[str] = set()
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            out.insert(0, self.by_id[sid])
            sid = self.by_id[sid].based_on
        return out

    def inherited(self, pick: Callable[[Any], T | None]) -> dict[str, T]:
        """For each style, the first value `pick` finds on its element or up its basedOn chain (None: look further)."""
        found: dict[str, T] = {}
        for sid in self.by_id:
            for style in reversed(self.chain(sid)):
                value = pick(style.element)
                if value is not None:
                    found[sid] = value
                    break
        return found

    def closure(self, ids: Iterable[str]) -> set[str]:
        """`ids`, the default styles, and every style they are based on or linked to (what their
        formatting needs)."""
        wanted = set(ids) | {s.style_id for s in self.by_id.values() if s.default}
        queue = list(wanted)
        while queue:
            style = self.by_id.get(queue.pop())
            if style is None:
                continue
            for ref in (style.based_on, style.link):
                if ref is not None and ref not in wanted:
                    wanted.add(ref)
                    queue.append(ref)
        return wanted

    # what styles give a paragraph ---------------------------------------------------------------
    @cached_property
    def lists(self) -> dict[str, tuple[int, int]]:
        """Each style's list (numId, level), its own or inherited."""
        return self.inherited(lambda el: numbering_reference(el.find(qn("w:pPr"))))

    @cached_property
    def outline_levels(self) -> dict[str, int]:
        """Each paragraph style's outline level (Heading 1 is 0), its own or inherited: a w:outlineLvl,
        or a built-in 'heading N' name."""
        return self.inherited(_outline_of)

    def heading_number(self, sid: str) -> int | None:
        """N for a style named 'Heading N' (1-9) itself, whatever its outline level says."""
        found = _HEADING.match(self.stored_name(sid)) if sid else None
        return int(found.group(1)) if found else None

    @cached_property
    def hidden(self) -> dict[str, str]:
        """style id -> name of every style that hides its text (w:vanish, its own or through basedOn);
        '' -> the default paragraph style's name when it hides, '*' when the document defaults hide everything."""
        vanish = self.inherited(lambda el: _toggle(el.find(f"{qn('w:rPr')}/{qn('w:vanish')}")))
        hidden = {sid: self.stored_name(sid) or sid for sid, hides in vanish.items() if hides}
        if self.default_paragraph in hidden:
            hidden[""] = hidden[self.default_paragraph]
        if _toggle(self._defaults.find(qn("w:vanish")) if self._defaults is not None else None):
            hidden["*"] = "document defaults"
        return hidden

    # run formatting -----------------------------------------------------------------------------
    @property
    def default_run(self) -> RunFormat:
        """The document defaults' run format (a fresh copy to change)."""
        return RunFormat().apply(self._defaults)

    def run_format(self, paragraph_style: str, run: Any) -> RunFormat:
        """How run `run` (a w:r) in a paragraph of `paragraph_style` looks: the document defaults, the
        paragraph style's chain, the run's character style's chain, then the run's own properties."""
        fmt = self.default_run
        for style in self.chain(paragraph_style or self.default_paragraph):
            fmt.apply(style.element.find(qn("w:rPr")))
        rpr = run.find(qn("w:rPr"))
        rstyle = rpr.find(qn("w:rStyle")) if rpr is not None else None
        for style in self.chain(rstyle.get(W_VAL) if rstyle is not None else None):
            fmt.apply(style.element.find(qn("w:rPr")))
        return fmt.apply(rpr)

    @cached_property
    def language(self) -> str:
        """The language text is in unless it says otherwise: the document defaults', else the default
        paragraph style's own ('' if neither says)."""
        for rpr in (self._defaults, self._own(self.default_paragraph, "w:rPr")):
            lang = rpr.find(qn("w:lang")) if rpr is not None else None
            if lang is not None and lang.get(W_VAL):
                return lang.get(W_VAL)
        return ""

    @cached_property
    def body_font(self) -> str | None:
        """The Normal style's font, else the document defaults' (a theme font counts as none: it is not named here)."""
        normal = next((s for s in self.by_id.values() if s.name.lower() == "normal"), None)
        for rpr in (normal.element.find(qn("w:rPr")) if normal is not None else None, self._defaults):
            fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
            if fonts is not None and fonts.get(qn("w:ascii")):
                return fonts.get(qn("w:ascii"))
        return None

    def _own(self, sid: str, tag: str) -> Any:
        style = self.by_id.get(sid)
        return style.element.find(qn(tag)) if style is not None else None


def _toggle(element: Any) -> bool | None:
    return None if element is None else on(element, ("0", "false", "off"))


def _outline_of(style: Any) -> int | None:
    outline = style.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
    if outline is not None:
        return int(outline.get(W_VAL, "9"))
    name = style.find(qn("w:name"))
    words = (name.get(W_VAL, "") if name is not None else "").lower().split()
    if len(words) == 2 and words[0] == "heading" and words[1].isdigit():
        return int(words[1]) - 1
    return None


def hidden_styles_of(parts: dict[str, bytes]) -> dict[str, str]:
    """`Styles.hidden` of a document's styles; most hide nothing, and their styles are then not even parsed."""
    return styles_of(parts).hidden if b"vanish" in parts.get("word/styles.xml", b"") else {}


def styles_of(parts: dict[str, bytes]) -> Styles:
    """The styles of a document's parts, parsed once per distinct styles part."""
    return _parsed(parts.get("word/styles.xml"))


@lru_cache(maxsize=16)
def _parsed(xml: bytes | None) -> Styles:
    # keyed by the part's bytes: a template's styles part is the same bytes object build after build, whose
    # hash Python keeps, so finding it again costs nothing
    return Styles(xml)
