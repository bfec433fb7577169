"""The Word writer: turns report pieces (headings, paragraphs, lists, figures) into OOXML in the template's styles.

It refers to styles only by the names Word shows (Heading 1, List Number ...); how they look is the
template's business. Each list gets its own numbering instance, so every numbered list starts at 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from markupsafe import Markup

from reportgen.model import inline
from reportgen.oxml import xml
from reportgen.oxml.numbering import restarting_list, with_lists
from reportgen.oxml.package import with_pictures
from reportgen.pipeline.render.template import WordTemplate

StatResolver = Callable[[str], "str | None"]
"""What [[name]] prints; None prints the figure as written (or the name)."""


KEEP_WITH_PREVIOUS = "Author Block"
"""Paragraphs in this style (when the template has it) keep the paragraph before them on their page, so
an author block never stands alone at the top of a page; the style itself keeps the block together."""


def _lead_in(text: str) -> str:
    """Keep-with-next for a lead-in ("Members are asked to:", "Below are some of the comments ...:"), which
    belongs on the page with what it introduces."""
    return xml.KEEP_NEXT if text.rstrip().rstrip("*_").rstrip().endswith(":") else ""


@dataclass
class ListInstance:
    """One list in the document: its own list instance, so its numbering starts afresh."""

    num_id: int
    style_id: str
    level: int = 0


@dataclass
class Media:
    name: str
    rel_id: str
    data: bytes
    content_type: str


@dataclass
class OoxmlWriter:
    """Writes one report's body against one template, remembering the lists and pictures it adds."""

    template: WordTemplate
    resolve_stat: StatResolver | None = None
    _nums: list[str] = field(default_factory=list)
    _media: list[Media] = field(default_factory=list)
    _style_ids: dict[str, str] = field(default_factory=dict)
    _next_num: int = 0
    _next_pic: int = 0
    _next_bookmark: int = 0

    def __post_init__(self) -> None:
        self._next_num = self.template.max_num_id + 1
        self._next_pic = self.template.max_drawing_id + 1

    # styles -----------------------------------------------------------------------------------
    def style_id(self, name: str, kind: str = "paragraph") -> str:
        found = self._style_ids.get(name)
        if found is None:
            found = self._style_ids[name] = self.template.style(name, kind).style_id
        return found

    # inline -----------------------------------------------------------------------------------
    def runs(self, text: str) -> str:
        """Runs for content text, its inline markup applied and statistics filled in."""
        out = []
        for span in inline.parse(text):
            words = span.text
            if span.stat is not None:
                shown = self.resolve_stat(span.stat) if self.resolve_stat else None
                words = span.published or span.stat if shown is None else shown
            out.append(xml.run(words, bold=span.bold, italic=span.italic, superscript=span.superscript))
        return "".join(out)

    # blocks -----------------------------------------------------------------------------------
    def paragraph(self, text: str, style: str = "Normal") -> str:
        return xml.paragraph(self.runs(text), self.style_id(style), extra_ppr=_lead_in(text))

    def heading(self, text: str, level: int) -> str:
        return self.paragraph(text, f"Heading {level}")

    def new_list(self, style: str) -> ListInstance:
        """A fresh list in `style`: a new list instance over the style's numbering, restarting at 1.

        A style whose numbering sits below the top level of its list (a template numbering paragraphs
        1.1, 1.2 under headings numbered 1., 2.) continues that list instead, at its own level."""
        abstract = self.template.abstract_for_style(style)
        own = self.template.style(style)
        if own.num_level:
            return ListInstance(own.num_id or 0, self.style_id(style), own.num_level)
        num_id = self._next_num
        self._next_num += 1
        self._nums.append(restarting_list(num_id, abstract))
        return ListInstance(num_id, self.style_id(style))

    def list_item(self, text: str, in_list: ListInstance, level: int = 0, *, lead: str = "") -> str:
        """One item of `in_list`; `lead` is a bold label printed before the text ('Financial implications')."""
        runs = (xml.run(lead, bold=True) if lead else "") + self.runs(text)
        return xml.paragraph(runs, in_list.style_id,
                             extra_ppr=_lead_in(text) + xml.num_pr(in_list.num_id, in_list.level + level))

    def list_items(self, texts: list[str], style: str) -> str:
        instance = self.new_list(style)
        return "".join(self.list_item(t, instance) for t in texts)

    def table(self, rows: list[list[str]], style: str = "Table Grid", header_rows: int = 1) -> str:
        """A data table of content texts; its first row is the header, repeated on each page."""
        cells = [[self.paragraph(c) if c else "" for c in row] for row in rows]
        widths = xml.fit_widths([[inline.plain(c) for c in column] for column in zip(*rows)])
        return xml.table(cells, self.style_id(style, "table"), header_rows=header_rows, widths=widths)

    def picture(self, data: bytes, alt: str, width_emu: int, height_emu: int, *, ext: str = "png") -> str:
        """An inline picture run; the image is stored as a new part when the document is finished."""
        index = len(self._media) + 1
        media = Media(f"word/media/reportgen{index}.{ext}", f"rIdReportgen{index}", data,
                      {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg"}[ext])
        self._media.append(media)
        pic_id = self._next_pic
        self._next_pic += 1
        return xml.picture(media.rel_id, pic_id, f"Picture {pic_id}", alt, width_emu, height_emu)

    def bookmark_id(self) -> int:
        self._next_bookmark += 1
        return 10_000 + self._next_bookmark

    @staticmethod
    def block(*fragments: str) -> Markup:
        """Paragraph-level XML for a `{{p name }}` tag in the template."""
        return Markup("".join(fragments))

    # finishing --------------------------------------------------------------------------------
    def finish(self, parts: dict[str, bytes], rendered: dict[str, str]) -> dict[str, bytes]:
        """The template's parts with the rendered ones in place and the new lists and pictures added."""
        out = dict(parts)
        for name, source in rendered.items():
            out[name] = source.encode("utf-8")
        if self.template.has_style(KEEP_WITH_PREVIOUS) and "word/document.xml" in rendered:
            out["word/document.xml"] = xml.keep_before(out["word/document.xml"], self.style_id(KEEP_WITH_PREVIOUS))
        if self._nums:
            out["word/numbering.xml"] = with_lists(out["word/numbering.xml"], self._nums)
        return with_pictures(out, [(m.name, m.rel_id, m.data, m.content_type) for m in self._media])
