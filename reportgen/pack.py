"""Agenda packs: the front sheet, then each item's covering report and appendices, as one .docx (and PDF).

Each item with papers gets its own Word section: its header says "Item N: title" on every page, while
the footer's "Page N of M" runs on from the front sheet to the end. Paths in an agenda are relative to
the agenda file and must stay inside its folder (content/). Non-public papers are left out of the pack,
with a warning: exempt material must never appear in a public document.
"""

from __future__ import annotations

import copy
import io
import time
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.errors import ContentError, Position, Problem, ReportgenError
from reportgen.load import display_path
from reportgen.model import Agenda, CoverReport, Node
from reportgen.model.agenda import AgendaItem

PAPER_SUFFIXES = (".docx", ".pdf")


@dataclass
class Paper:
    """An appendix document in the pack: a .docx merged into the pack, or a .pdf added to the PDF pack."""

    title: str
    path: Path

    @property
    def is_pdf(self) -> bool:
        return self.path.suffix.lower() == ".pdf"


@dataclass
class PackItem:
    """An agenda item with its papers found and read: the covering report (if any) and the appendices."""

    item: AgendaItem
    report: Node | None = None
    report_source: Path | None = None
    appendices: list[Paper] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)
    """Non-public papers left out of the pack, as the front sheet lists them."""

    @property
    def has_papers(self) -> bool:
        return self.report is not None or bool(self.appendices)


@dataclass
class PackResult:
    """What `reportgen pack` wrote, how long it took, and what it warned about."""

    source: Path
    docx: Path
    pdf: Path | None = None
    seconds: float = 0.0
    warnings: list[Problem] = field(default_factory=list)
    unchanged: bool = False


def read_agenda(source: Path) -> tuple[Agenda, list[PackItem], list[Problem]]:
    """The agenda, its items' papers (read and validated), and warnings; every problem raised at once."""
    from reportgen.build import read_report

    agenda, warnings = read_report(source)
    if not isinstance(agenda, Agenda):
        raise ContentError.at(f"expected an agenda (kind: agenda), got kind: {agenda.kind}", display_path(source),
                              1, 1, "kind")
    root = source.resolve().parent
    problems: list[Problem] = []
    items = []
    for i, item in enumerate(agenda.items):
        packed = PackItem(item)
        if item.report:
            path = _inside(root, source.parent, item.report, (".yaml", ".yml"), agenda.where("items", i, "report"),
                           f"items[{i + 1}].report", problems)
            if path is not None:
                try:
                    report, found = read_report(path, publication=True)  # the pack is published
                except ReportgenError as exc:
                    problems.extend(exc.problems)
                else:
                    warnings.extend(found)
                    packed.report, packed.report_source = report, path
                    warnings.extend(_title_from_report(item, report, agenda.where("items", i, "title"), i))
                    if isinstance(report, CoverReport):
                        _report_appendices(report, path, root, packed, problems, warnings)
        numbered = len(packed.report.appendices) if isinstance(packed.report, CoverReport) else 0
        for j, name in enumerate(item.appendices):
            path = _inside(root, source.parent, name, PAPER_SUFFIXES, agenda.where("items", i, "appendices", j),
                           f"items[{i + 1}].appendices[{j + 1}]", problems)
            if path is not None:
                # numbered on from the covering report's own appendices, so every appendix has its label
                title = path.stem.replace("-", " ").replace("_", " ")
                packed.appendices.append(Paper(f"Appendix {numbered + j + 1} \u2013 {title}", path))
        if packed.report is not None and getattr(packed.report, "access", "public") != "public":
            warnings.append(Problem(f"item {item.number}'s report is non-public: left out of the public pack "
                                    "(circulate it separately)", agenda.where("items", i, "report"),
                                    f"items[{i + 1}].report", "warning", "non-public"))
            packed.report, packed.appendices = None, []
            packed.withheld = ["Non-Public report: circulated separately"]
        items.append(packed)
    if problems:
        raise ContentError(problems)
    return agenda, items, warnings


def _title_from_report(item: AgendaItem, report: Node, where: Position | None, index: int) -> list[Problem]:
    """An item without a title takes its report's subject; a title given that differs is warned about."""
    subject = getattr(report, "subject", None) or getattr(report, "title", "")
    if not item.title:
        item.title = subject
        return []
    if " ".join(item.title.split()).casefold() != " ".join(subject.split()).casefold():
        return [Problem(f"the item's title differs from its report's subject ({subject!r}): leave the title out "
                        "to use the subject, or make them agree", where, f"items[{index + 1}].title", "warning",
                        "agenda-title")]
    return []


def _report_appendices(report: CoverReport, path: Path, root: Path, packed: PackItem,
                       problems: list[Problem], warnings: list[Problem]) -> None:
    """A covering report's appendices that name a file, in its own order (Appendix 1, 2 ...)."""
    for n, appendix in enumerate(report.appendices, start=1):
        where = appendix.where("file")
        if not appendix.public:  # listed on the front sheet whether or not it names a file
            packed.withheld.append(f"Appendix {n} \u2013 {appendix.title} (Non-Public: circulated separately)")
            if appendix.file:
                warnings.append(Problem(f"Appendix {n} is non-public: left out of the public pack", where,
                                        appendix.key_path + ".file", "warning", "non-public"))
            continue
        if not appendix.file:
            continue
        found = _inside(root, path.parent, appendix.file, PAPER_SUFFIXES, where, appendix.key_path + ".file", problems)
        if found is not None:
            packed.appendices.append(Paper(f"Appendix {n} \u2013 {appendix.title}", found))


def _inside(root: Path, base: Path, name: str, suffixes: tuple[str, ...], where: Position | None, key: str,
            problems: list[Problem]) -> Path | None:
    """`name` resolved against `base`, if it is an existing file of the right kind inside `root`."""
    path = (base / name).resolve()
    try:
        path.relative_to(root)
    except ValueError:
        problems.append(Problem(f"expected a file inside the content folder ({display_path(root)}), got "
                                f"{name!r}, which points outside it", where, key))
        return None
    if path.suffix.lower() not in suffixes:
        problems.append(Problem(f"expected a {' or '.join(suffixes)} file, got {name!r}", where, key))
        return None
    if not path.is_file():
        problems.append(Problem(f"expected an existing file, got {name!r}: there is no such file "
                                f"(paths are relative to {display_path(base)})", where, key))
        return None
    if path.suffix.lower() in PAPER_SUFFIXES and (broken := _unreadable(path)):
        problems.append(Problem(f"cannot read {name!r}: {broken}", where, key))
        return None
    return path


def _unreadable(path: Path) -> str:
    """Why an appendix document cannot go into the pack ('' when it can)."""
    from pypdf.errors import PyPdfError

    from reportgen.oxml.package import NotADocx, read_parts
    from reportgen.pdf_appendix import AppendixProblem

    try:
        if path.suffix.lower() == ".pdf":
            pdf_page_count(path)
        else:
            read_parts(path)
    except AppendixProblem as exc:
        return str(exc)
    except NotADocx as exc:
        return f"not a Word .docx file ({exc})"
    except (ContentError, PyPdfError, OSError, ValueError) as exc:
        return f"not a readable PDF ({exc})"
    return ""


# --- composing the .docx ---------------------------------------------------------------------------


def pack_parts(items: list[PackItem]) -> list[tuple[PackItem, Paper | None]]:
    """The pack's parts after the front sheet, in order: each item's report (paper None), then its appendices.

    Each part is a Word section of its own, starting on a new page under a header that names it; part n
    (from 1) carries the bookmark `part_mark(n)` on its first page, which the PDF pack uses for its outline.
    """
    parts: list[tuple[PackItem, Paper | None]] = []
    for packed in items:
        if packed.report is not None:
            parts.append((packed, None))
        parts.extend((packed, paper) for paper in packed.appendices)
    return parts


def compose(agenda: Agenda, items: list[PackItem], templates: Path | None = None) -> dict[str, bytes]:
    """The agenda pack's parts: front sheet, then each item's report and appendices, each in its own section."""
    from docx import Document
    from docx.oxml.ns import qn
    from docxcompose.composer import Composer

    from reportgen.oxml.package import pack, read_parts
    from reportgen.oxml.properties import set_properties
    from reportgen.oxml.xml import bookmark_paragraph
    from reportgen.pdf_appendix import page_mark, part_mark
    from reportgen.render import render, renderer_for, template_path

    front = render(agenda, template_path(agenda, templates), papers=front_sheet_lines(items))
    master = Document(io.BytesIO(pack(front)))
    composer = Composer(master)
    body = master.element.body
    labels: list[str] = []
    pdf_number = 0
    for n, (packed, paper) in enumerate(pack_parts(items), start=1):
        _end_section(master, keep_header=not labels)
        label = f"Item {packed.item.number}: {packed.item.title}"
        labels.append(label if paper is None else f"{label} \u2013 {paper.title}")
        start = len(body) - 1  # the body's own sectPr stays last; what is added goes before it
        if paper is None:
            parts = render(packed.report, template_path(packed.report, templates))
            composer.append(Document(io.BytesIO(pack(parts))))
        elif paper.is_pdf:
            # a divider page, then one blank page per PDF page, each bookmarked: the PDF pack draws the
            # appendix's pages onto those, under this section's header and above its running page numbers
            pdf_number += 1
            pages = pdf_page_count(paper.path)
            master.add_paragraph(paper.title, style="Heading 1")
            master.add_paragraph(f"This appendix is a PDF document of {pages} page(s), which follow this "
                                 "page in the PDF agenda pack.")
            for page in range(1, pages + 1):
                # a page of its own; LibreOffice drops pages holding nothing but page breaks
                kept = master.add_paragraph("\u00a0")
                kept.paragraph_format.page_break_before = True
                bookmark_paragraph(kept._p, BOOKMARK_IDS + 1000 * pdf_number + page, page_mark(pdf_number, page))
        else:
            composer.append(Document(str(paper.path)))
        first = next(p for added in body[start:] for p in added.iter(qn("w:p")))  # a table's first cell, maybe
        bookmark_paragraph(first, BOOKMARK_IDS + n, part_mark(n))
    _label_sections(master, labels)
    buffer = io.BytesIO()
    master.save(buffer)
    module = renderer_for(agenda)
    return set_properties(read_parts(buffer.getvalue()), module.properties(agenda))


BOOKMARK_IDS = 900_000
"""reportgen's own bookmarks in a pack are numbered from here, clear of those the papers bring."""


def front_sheet_lines(items: list[PackItem]) -> dict[str, list[str]]:
    """What the front sheet says under each item's title: whose report, for what, and its appendices."""
    lines: dict[str, list[str]] = {}
    for packed in items:
        found = []
        report = packed.report
        if isinstance(report, CoverReport):
            purpose = "For Information" if report.purpose == "information" else "For Decision"
            found.append(f"Report of {report.report_of}. {purpose}.")
        found.extend(paper.title for paper in packed.appendices)
        found.extend(packed.withheld)
        lines[packed.item.number] = found
    return lines


def _end_section(document, *, keep_header: bool) -> None:
    """End the section so far with a copy of the body's section properties (a next-page section break).

    The first break closes the front sheet and keeps its header; later sections get their own header
    (made in _label_sections) and inherit the front sheet's footer, so page numbers run on.
    """
    from docx.oxml.ns import qn

    body = document.element.body
    sect_pr = body.find(qn("w:sectPr"))
    ended = copy.deepcopy(sect_pr)
    if not keep_header:
        _drop_references(ended)
    paragraph = document.add_paragraph()
    paragraph._p.get_or_add_pPr().append(ended)
    _drop_references(sect_pr)


def _drop_references(sect_pr) -> None:
    from docx.oxml.ns import qn

    for child in list(sect_pr):
        if child.tag in (qn("w:headerReference"), qn("w:footerReference"), qn("w:pgNumType")):
            sect_pr.remove(child)


def _page_break(document) -> None:
    from docx.enum.text import WD_BREAK

    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _label_sections(document, labels: list[str]) -> None:
    """Give every section after the front sheet a header naming its item."""
    for section, label in zip(document.sections[1:], labels):
        header = section.header
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0]
        paragraph.text = label
        paragraph.style = document.styles["Header"]


# --- the command -----------------------------------------------------------------------------------


def pack_path(source: Path, out_dir: Path, suffix: str) -> Path:
    return out_dir / f"{source.stem}{suffix}"


def build_pack(source: Path, out_dir: Path, *, templates: Path | None = None, force: bool = False,
               pdf: bool = True) -> PackResult:
    """Write out_dir/AGENDA.docx (and .pdf): nothing is written when any paper has a problem."""
    from reportgen.build import leaks
    from reportgen.write import write_docx

    started = time.perf_counter()
    source = Path(source)
    agenda, items, warnings = read_agenda(source)
    parts = compose(agenda, items, templates)
    warnings += leaks(parts, pack_path(source, out_dir, ".docx"))
    written = write_docx(parts, pack_path(source, out_dir, ".docx"), force=force)
    result = PackResult(source, written.path, None, 0.0, warnings, written.unchanged)
    if pdf:
        result.pdf = write_pack_pdf(written.path, items)
    result.seconds = time.perf_counter() - started
    return result



def write_pack_pdf(docx: Path, items: list[PackItem] | None = None, source: Path | None = None) -> Path:
    """Write the PDF beside a pack's .docx, with the PDF appendices of `items` (or of the agenda `source`).

    Written once, whole and atomically: a pack stopped part way never leaves a PDF without its appendices.
    """
    from reportgen.write import write_bytes

    if items is None:
        items = read_agenda(Path(source or ""))[1]
    return write_bytes(pdf_pack(docx, items), docx.with_suffix(".pdf")).path


def pdf_page_count(path: Path) -> int:
    from reportgen.pdf_appendix import read_pdf_appendix

    return read_pdf_appendix(path).pages


def pdf_pack(docx: Path, items: list[PackItem]) -> bytes:
    """The PDF of the pack: the .docx converted, the PDF appendices drawn onto the pages kept for them,
    and the outline rebuilt as Item N > its report's headings and its appendices."""
    from pypdf import PdfReader, PdfWriter

    from reportgen.pdf_appendix import destination_pages, place, read_pdf_appendix, strip_document_actions
    from reportgen.pdf_finish import finish_pdf

    converted = convert_to_pdf(docx)
    reader = PdfReader(io.BytesIO(converted))
    writer = PdfWriter(clone_from=reader)
    marks = destination_pages(reader)
    parts = pack_parts(items)
    appendices = [read_pdf_appendix(paper.path) for _, paper in parts if paper is not None and paper.is_pdf]
    drawn = place(writer, appendices, marks)
    _outline(writer, reader, parts, marks)
    _drop_own_destinations(writer)
    strip_document_actions(writer)
    out = io.BytesIO()
    writer.write(out)
    return finish_pdf(out.getvalue(), untagged_pages=drawn)


Entry = tuple[int, str, int, "float | None"]
"""An outline entry flattened: depth, title, page index, top of the heading on its page."""


def _outline(writer, reader, parts: list[tuple[PackItem, Paper | None]], marks: dict[str, int]) -> None:
    """Replace LibreOffice's flat outline (every report's "Summary" side by side) by one that nests:
    the front sheet's headings, then Item N > its report's headings and Appendix n > its headings."""
    from pypdf.generic import Fit, NameObject

    from reportgen.pdf_appendix import part_mark

    entries = _outline_entries(reader, reader.outline, 0)
    starts = [marks.get(part_mark(n), -1) for n in range(1, len(parts) + 1)]
    if NameObject("/Outlines") in writer._root_object:
        del writer._root_object[NameObject("/Outlines")]

    def add(title: str, page: int, parent, top: float | None = None):
        return writer.add_outline_item(title=title, page_number=page, parent=parent,
                                       fit=Fit.xyz(None, top, None) if top is not None else Fit.fit())

    def add_entries(found: list[Entry], parent, skip: str = "") -> None:
        stack: list = [(-1, parent)]
        for depth, title, page, top in found:
            if title == skip:
                continue  # a PDF appendix's divider heading: the appendix's own node says it
            while stack[-1][0] >= depth:
                stack.pop()
            stack.append((depth, add(title, page, stack[-1][1], top)))

    def within(first: int, last: int) -> list[Entry]:
        return [e for e in entries if first <= e[2] < last]

    add_entries(within(0, min((p for p in starts if p >= 0), default=len(writer.pages))), None)
    item_node, item_of = None, None
    for n, ((packed, paper), start) in enumerate(zip(parts, starts)):
        if start < 0:
            raise RuntimeError(f"the pack's PDF has no mark for the start of part {n + 1}")
        end = next((p for p in starts[n + 1:] if p >= 0), len(writer.pages))
        if packed is not item_of:
            item_of = packed
            item_node = add(f"Item {packed.item.number}: {packed.item.title}", start, None)
        if paper is None:
            add_entries(within(start, end), item_node)
        else:
            add_entries(within(start, end), add(paper.title, start, item_node), skip=paper.title)


def _outline_entries(reader, outline, depth: int) -> list[Entry]:
    found: list[Entry] = []
    for entry in outline:
        if isinstance(entry, list):
            found.extend(_outline_entries(reader, entry, depth + 1))
            continue
        top = entry.get("/Top")
        found.append((depth, str(entry.title), reader.get_destination_page_number(entry),
                      float(top) if top is not None else None))
    return found


def _drop_own_destinations(writer) -> None:
    """Remove reportgen's page marks from the named destinations: they served the assembly only."""
    from pypdf.generic import ArrayObject, NameObject

    from reportgen.pdf_appendix import DESTINATION_PREFIX

    root = writer._root_object
    holders = [root["/Dests"].get_object()] if "/Dests" in root else []
    names = root.get("/Names")
    if names is not None and "/Dests" in names.get_object():
        holders.append(names.get_object()["/Dests"].get_object())
    for holder in holders:
        for key in [k for k in holder if str(k).lstrip("/").startswith(DESTINATION_PREFIX)]:
            del holder[key]
        if "/Names" in holder:  # a flat name tree: [name1 dest1 name2 dest2 ...]
            flat = holder["/Names"]
            kept = ArrayObject()
            for i in range(0, len(flat) - 1, 2):
                if not str(flat[i]).lstrip("/").startswith(DESTINATION_PREFIX):
                    kept.extend([flat[i], flat[i + 1]])
            holder[NameObject("/Names")] = kept


def convert_to_pdf(docx: Path) -> bytes:
    """The tagged PDF of `docx` (reportgen.publish, through LibreOffice), converted from a copy in a
    temporary folder: nothing is written beside the pack until the whole PDF, appendices drawn in, is ready."""
    import shutil
    import tempfile

    from reportgen.publish import convert

    with tempfile.TemporaryDirectory(prefix="reportgen-pack-") as scratch:
        copied = Path(scratch) / docx.name
        shutil.copyfile(docx, copied)
        return convert([copied])[0].output.read_bytes()
