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
PDF_MARK = "PDF appendix:"
"""Printed on a PDF appendix's divider page; the PDF pack finds it there and draws the appendix after it."""


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
        for j, name in enumerate(item.appendices):
            path = _inside(root, source.parent, name, PAPER_SUFFIXES, agenda.where("items", i, "appendices", j),
                           f"items[{i + 1}].appendices[{j + 1}]", problems)
            if path is not None:
                packed.appendices.append(Paper(path.stem.replace("-", " ").replace("_", " "), path))
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

    try:
        if path.suffix.lower() == ".pdf":
            pdf_page_count(path)
        else:
            read_parts(path)
    except NotADocx as exc:
        return f"not a Word .docx file ({exc})"
    except (ContentError, PyPdfError, OSError, ValueError) as exc:
        return f"not a readable PDF ({exc})"
    return ""


# --- composing the .docx ---------------------------------------------------------------------------


def compose(agenda: Agenda, items: list[PackItem], templates: Path | None = None) -> dict[str, bytes]:
    """The agenda pack's parts: front sheet, then each item with papers in its own section."""
    from docx import Document
    from docxcompose.composer import Composer

    from reportgen.oxml.package import pack, read_parts
    from reportgen.oxml.properties import set_properties
    from reportgen.render import render, renderer_for, template_path

    front = render(agenda, template_path(agenda, templates), papers=front_sheet_lines(items))
    master = Document(io.BytesIO(pack(front)))
    composer = Composer(master)
    labels: list[str] = []
    for packed in items:
        if not packed.has_papers:
            continue
        _end_section(master, keep_header=not labels)
        labels.append(f"Item {packed.item.number}: {packed.item.title}")
        first = True
        if packed.report is not None:
            parts = render(packed.report, template_path(packed.report, templates))
            composer.append(Document(io.BytesIO(pack(parts))))
            first = False
        for paper in packed.appendices:
            if not first:
                _page_break(master)
            first = False
            if paper.is_pdf:
                # a divider page, then one blank page per PDF page: the PDF pack draws the appendix's
                # pages onto those, under this section's header and above its running page numbers
                pages = pdf_page_count(paper.path)
                master.add_paragraph(paper.title, style="Heading 1")
                master.add_paragraph(f"This appendix is a PDF document of {pages} page(s), which follow this "
                                     f"page in the PDF agenda pack. {PDF_MARK} {paper.path.name}")
                for _ in range(pages):
                    # a page of its own; LibreOffice drops pages holding nothing but page breaks
                    master.add_paragraph("\u00a0").paragraph_format.page_break_before = True
            else:
                composer.append(Document(str(paper.path)))
    _label_sections(master, labels)
    buffer = io.BytesIO()
    master.save(buffer)
    module = renderer_for(agenda)
    return set_properties(read_parts(buffer.getvalue()), module.properties(agenda))


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
    """Write the PDF beside a pack's .docx, with the PDF appendices of `items` (or of the agenda `source`)."""
    from reportgen.write import write_bytes

    if items is None:
        items = read_agenda(Path(source or ""))[1]
    pdfs = [paper.path for packed in items for paper in packed.appendices if paper.is_pdf]
    return write_bytes(pdf_pack(docx, pdfs), docx.with_suffix(".pdf")).path


def pdf_page_count(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


MARGIN_PT = 72.0
"""Room left round a PDF appendix's page for the pack's header and page number (1 inch)."""


def pdf_pack(docx: Path, pdf_appendices: list[Path]) -> bytes:
    """The PDF of the pack: the .docx converted, each PDF appendix drawn onto the blank pages after its divider."""
    converted = convert_to_pdf(docx)
    if not pdf_appendices:
        return converted
    from pypdf import PdfReader, PdfWriter, Transformation

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(converted)))
    by_name = {path.name: path for path in pdf_appendices}
    for index, page in enumerate(list(writer.pages)):
        text = " ".join((page.extract_text() or "").split())
        for name, path in by_name.items():
            if f"{PDF_MARK} {name}" not in text:
                continue
            for offset, source in enumerate(PdfReader(str(path)).pages, start=1):
                target = writer.pages[index + offset]
                width, height = float(target.mediabox.width), float(target.mediabox.height)
                src_w, src_h = float(source.mediabox.width), float(source.mediabox.height)
                scale = min((width - 2 * MARGIN_PT) / src_w, (height - 2 * MARGIN_PT) / src_h)
                move_x = (width - src_w * scale) / 2 - float(source.mediabox.left) * scale
                move_y = (height - src_h * scale) / 2 - float(source.mediabox.bottom) * scale
                target.merge_transformed_page(source, Transformation().scale(scale).translate(move_x, move_y))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def convert_to_pdf(docx: Path) -> bytes:
    """The tagged PDF of `docx` (reportgen.publish, through LibreOffice): written beside it, and its bytes."""
    from reportgen.publish import convert

    return convert([docx])[0].output.read_bytes()
