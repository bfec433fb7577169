"""The agenda kind: an agenda builds into its pack, the front sheet then each item's covering report and
appendices, as one .docx (the PDF with drawn-in PDF appendices is reportgen.features.pack's).

Each item with papers gets its own Word section: its header says "Item N: title" on every page, while
the footer's "Page N of M" runs on from the front sheet to the end. Paths in an agenda are relative to
the agenda file and must stay inside its folder (content/). Non-public papers are left out of the pack,
with a warning: exempt material must never appear in a public document. A paper is recognised by what
it is (real path, content, text), not by its name: see read_agenda.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.errors import ContentError, Position, Problem, ReportgenError
from reportgen.checks.linked_files import FileIdentity, confined, identify
from reportgen.errors import display_path
from reportgen.kinds import front_sheet_line, own_appendices
from reportgen.model import Agenda, Node
from reportgen.model.agenda import AgendaItem
from reportgen.checks.safety import ACCESS_PROPERTY, is_public

PAPER_SUFFIXES = (".docx", ".pdf")


@dataclass
class Paper:
    """An appendix document in the pack: a .docx merged into the pack, or a .pdf added to the PDF pack."""

    title: str
    path: Path
    data: bytes = field(default=b"", repr=False)
    """A Word appendix's bytes as the pack read and checked them: what the pack composes."""

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
    papers: list[str] = field(default_factory=list)
    """What the front sheet lists under the item, in order: each appendix's title, or what was left out
    as non-public, to be circulated separately."""
    left_out_files: list[Path] = field(default_factory=list)

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
    left_out: list[str] = field(default_factory=list)
    """Each file left out of the public pack as non-public, as shown: 'content/appendices/x.docx'."""
    items: list[PackItem] = field(default_factory=list)
    """What went into the pack, item by item: what its PDF draws in."""


_REPORT = "the report"


@dataclass
class _Named:
    """One file the agenda names, by one route (an item's report or appendix, a cover's appendix).

    A non-public appendix that names no file is a route too, with no path: the front sheet lists it.
    """

    path: Path | None
    identity: FileIdentity | None
    where: Position | None
    key: str
    public: bool
    what: str
    """How the front sheet and messages call it: 'Appendix 2 – Case summary', 'the report'."""
    model: Node | None = None
    """For a report: its content, read."""


def read_agenda(source: Path) -> tuple[Agenda, list[PackItem], list[Problem]]:
    """The agenda, its items' papers (read and validated), and warnings; every problem raised at once.

    Exempt material is recognised by what it is, not by what it is called: every file the agenda
    names, by any route, is identified by its real path and its content (see FileIdentity). A file
    that any non-public route names (a non-public report, its appendices, a cover's exempt appendix)
    is left out of the pack wherever else it is named, under whatever name: a second listing, a
    symbolic link, a path spelled another way, a copy.
    """
    from reportgen.pipeline.build import CONTENT_SUFFIXES, read_report

    agenda, warnings = read_report(source)
    if not isinstance(agenda, Agenda):
        raise ContentError.at(f"expected an agenda (kind: agenda), got kind: {agenda.kind}", display_path(source),
                              1, 1, "kind")
    root = source.resolve().parent
    files = _Files()
    problems: list[Problem] = []
    items: list[PackItem] = []
    routes: list[list[_Named]] = []  # per item: its report, then its papers, in pack order
    for i, item in enumerate(agenda.items):
        packed = PackItem(item)
        named: list[_Named] = []
        public = True
        if item.report:
            where = agenda.where("items", i, "report")
            key = f"items[{i + 1}].report"
            path = _inside(root, source.parent, item.report, CONTENT_SUFFIXES, where, key, problems, files)
            if path is not None:
                try:
                    report, found = read_report(path, publication=True)  # the pack is published
                except ReportgenError as exc:
                    problems.extend(exc.problems)
                else:
                    warnings.extend(found)
                    public = is_public(report)
                    packed.report, packed.report_source = report, path
                    named.append(_Named(path, files.identity(path), where, key, public, _REPORT, report))
                    warnings.extend(_title_from_report(item, report, agenda.where("items", i, "title"), i))
                    named += _report_appendices(report, path, root, public, problems, files)
        numbered = len(own_appendices(packed.report)) if packed.report is not None else 0
        for j, name in enumerate(item.appendices):
            where = agenda.where("items", i, "appendices", j)
            key = f"items[{i + 1}].appendices[{j + 1}]"
            path = _inside(root, source.parent, name, PAPER_SUFFIXES, where, key, problems, files)
            if path is not None:
                # numbered on from the covering report's own appendices, so every appendix has its label
                title = path.stem.replace("-", " ").replace("_", " ")
                named.append(_Named(path, files.identity(path), where, key, public,
                                    f"Appendix {numbered + j + 1} \u2013 {title}"))
        items.append(packed)
        routes.append(named)
    if problems:
        raise ContentError(problems)
    exempt = [n for named in routes for n in named if not n.public and n.identity is not None]
    passages = _Passages(exempt, [agenda] + [p.report for p in items if p.report is not None and is_public(p.report)],
                         files)
    for packed, named in zip(items, routes):
        _select(packed, named, exempt, passages, files, warnings)
    warnings.extend(_opening_warnings(items))  # of the appendices the pack will hold
    return agenda, items, warnings


def _opening_warnings(items: list[PackItem]) -> list[Problem]:
    """What opening each Word appendix safely removed from it (macros, external links)."""
    from reportgen.oxml.package import open_docx

    return [warning for packed in items for paper in packed.appendices if not paper.is_pdf
            for warning in open_docx(paper.data or paper.path, display_path(paper.path)).warnings]


class _Files:
    """The Word files an agenda names, each read from disk once for the pack.

    Its identity, every check on it (readable, no review marks, not exempt, no exempt text) and the
    pack's composition all see the same bytes, so a file changed while the pack is made cannot go in
    unchecked; and, each read naming it alike, open_docx opens those bytes, with all its checks, once (it
    remembers what the same bytes under the same name opened to).
    """

    def __init__(self) -> None:
        self._read: dict[Path, bytes] = {}

    def data(self, path: Path) -> bytes:
        """A Word file's bytes as first read: at most one byte more than open_docx accepts, so that a larger
        file is refused, unread, as too large."""
        from reportgen.oxml.package import MAX_DOCX_BYTES

        if path not in self._read:
            with open(path, "rb") as stream:
                self._read[path] = stream.read(MAX_DOCX_BYTES + 1)
        return self._read[path]

    def identity(self, path: Path) -> FileIdentity:
        return identify(path, self.data(path)) if _is_word(path) else identify(path)

    def opened(self, path: Path) -> dict[str, bytes]:
        """A Word file's parts, opened the one safe way (or a located NotADocx, or OSError)."""
        from reportgen.oxml.package import read_parts

        return read_parts(self.data(path), display_path(path))


def _is_word(path: Path) -> bool:
    return path.suffix.lower() == ".docx"


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


PASSAGE_WORDS = 12
"""A run of this many words shared with a non-public file marks a document as holding its text."""


class _Passages:
    """The runs of PASSAGE_WORDS words in non-public files that no public content says too.

    The last net under identity: a document *rewritten* from an exempt one (saved again by Word,
    printed to PDF) has other bytes and parts, but still its words. Runs the agenda or a public
    report says themselves (a heading, a Schedule 12A citation) are not evidence and are ignored.
    """

    def __init__(self, exempt: list[_Named], public: list[Node], files: _Files) -> None:
        self.owner: dict[int, _Named] = {}
        self.files = files
        for route in exempt:
            if route.path is None:
                continue
            texts = _file_texts(route.path, files) if route.model is None else _strings(route.model.model_dump())
            for run in _runs(texts):
                self.owner.setdefault(run, route)
        if self.owner:
            for node in public:
                for run in _runs(_strings(node.model_dump())):
                    self.owner.pop(run, None)

    def source_of(self, path: Path) -> _Named | None:
        """The non-public file whose text the document at `path` holds, if any."""
        if not self.owner:
            return None
        return next((self.owner[run] for run in _runs(_file_texts(path, self.files)) if run in self.owner), None)


def _runs(texts: list[str]) -> set[int]:
    """Every run of PASSAGE_WORDS words within one of `texts` (a paragraph, a PDF's text), as a hash."""
    runs = set()
    for text in texts:
        words = re.findall(r"\w+", text.casefold())
        runs.update(hash(tuple(words[i:i + PASSAGE_WORDS])) for i in range(len(words) - PASSAGE_WORDS + 1))
    return runs


def _strings(value: object) -> list[str]:
    """Every string in a dumped model (a report's own text)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


def _file_texts(path: Path, files: _Files) -> list[str]:
    """The text of an appendix: a Word document's paragraphs; a PDF's text whole (its lines wrap sentences)."""
    from reportgen.oxml.package import NotADocx
    from reportgen.oxml.text import read_lines

    try:
        if path.suffix.lower() == ".pdf":
            from reportgen.pdf.inspect import Pdf, reading

            with reading():  # within bounds, or PdfProblem (a ValueError)
                return [Pdf.open(path).text().replace("\f", " ")]
        if _is_word(path):
            return [line.shown() for line in read_lines(files.opened(path))]
    except (NotADocx, OSError, ValueError, ContentError):
        return []  # unreadable: identity alone decides (and the pack refuses an unreadable paper)
    return []


def _report_appendices(report: Node, path: Path, root: Path, public: bool,
                       problems: list[Problem], files: _Files) -> list[_Named]:
    """A report's own appendices (a covering report's, by its kind) that name a file, in its order (Appendix 1, 2 ...).

    An exempt appendix's file is named too (never packed): it is what the rest of the agenda is
    checked against. Its path was checked when the report was read (reportgen.checks.linked_files).
    """
    named = []
    for n, appendix in enumerate(own_appendices(report), start=1):
        what = f"Appendix {n} \u2013 {appendix.title}"
        if not appendix.file:
            if not appendix.public:  # listed on the front sheet, file or not
                named.append(_Named(None, None, appendix.where(), appendix.key_path, False, what))
            continue
        where, key = appendix.where("file"), appendix.key_path + ".file"
        if not (public and appendix.public):
            found = appendix.file.resolved
            if found is not None and found.is_file():
                named.append(_Named(found, files.identity(found), where, key, False, what))
            continue
        found = _inside(root, path.parent, appendix.file, PAPER_SUFFIXES, where, key, problems, files)
        if found is not None:
            named.append(_Named(found, files.identity(found), where, key, True, what))
    return named


def _select(packed: PackItem, named: list[_Named], exempt: list[_Named], passages: _Passages, files: _Files,
            warnings: list[Problem]) -> None:
    """Put an item's public papers into the pack; leave out, saying so, everything non-public or the same as it."""
    from reportgen.pipeline.render.cover import schedule_12a

    item = packed.item
    report = packed.report
    if report is not None and not is_public(report):
        warnings.append(Problem(f"item {item.number}'s report is non-public: left out of the public pack "
                                "(circulate it separately)", named[0].where, named[0].key, "warning", "non-public"))
        ground = schedule_12a(getattr(report, "exempt_paragraphs", []), getattr(report, "exempt_ground", ""))
        files = [route.path for route in named if route.path is not None]
        also = f", with its {len(files) - 1} appendix document(s)" if len(files) > 1 else ""
        packed.papers.append(f"Non-Public report: circulated separately{also} ({ground})")
        packed.report = None
        packed.left_out_files.extend(files)
        return
    for route in named:
        if not route.public:  # a Public cover's exempt appendix: listed by the cover, never packed
            if route.path is not None:
                warnings.append(Problem(f"{route.what} is non-public: left out of the public pack", route.where,
                                        route.key, "warning", "non-public"))
        elif same := next((e for e in exempt if e.identity.same_as(route.identity)), None):
            how = "the same file as" if same.identity.real_path == route.identity.real_path else "a copy of"
            warnings.append(Problem(
                f"{route.path.name!r} is {how} the non-public file named at {_described(same)}: left out of "
                "the public pack (exempt material is recognised by what it is, not by its name)",
                route.where, route.key, "warning", "non-public"))
            if route.what == _REPORT:
                packed.report = None
        elif route.what != _REPORT and _says_non_public(route.path, files):
            warnings.append(Problem(
                f"{route.path.name!r} is a non-public document (built from a non-public report: its "
                f"{ACCESS_PROPERTY} property says so): left out of the public pack", route.where, route.key,
                "warning", "non-public"))
        elif route.what != _REPORT and (source := passages.source_of(route.path)) is not None:
            # the words are not shown: this message may end up in a public CI log
            warnings.append(Problem(
                f"{route.path.name!r} holds text of the non-public file named at {_described(source)} (a run of "
                f"{PASSAGE_WORDS} or more words): left out of the public pack", route.where, route.key,
                "warning", "non-public"))
        elif route.what != _REPORT:
            packed.appendices.append(Paper(route.what, route.path, files.data(route.path) if _is_word(route.path)
                                           else b""))
            packed.papers.append(route.what)
            continue
        else:
            continue
        packed.papers.append(f"{route.what[0].upper()}{route.what[1:]} (Non-Public: circulated separately)")
        if route.path is not None:
            packed.left_out_files.append(route.path)


def _says_non_public(path: Path, files: _Files) -> bool:
    """Whether a Word appendix is a document reportgen built from a non-public report."""
    from reportgen.oxml.package import NotADocx
    from reportgen.checks.safety import exempt_document

    if not _is_word(path):
        return False
    try:
        return bool(exempt_document(files.opened(path), str(path)))
    except (NotADocx, OSError):
        return False


def _described(route: _Named) -> str:
    """'content/agenda.yaml:31:7 (items[4].appendices[1])': where a route was named, for a message."""
    return f"{route.where} ({route.key})" if route.where else route.key


def _inside(root: Path, base: Path, name: str, suffixes: tuple[str, ...], where: Position | None, key: str,
            problems: list[Problem], files: _Files) -> Path | None:
    """`name` resolved against `base`, if it is an existing, readable file of the right kind inside `root`."""
    found = confined(name, base, root, suffixes)
    if isinstance(found, str):
        problems.append(Problem(found, where, key))
        return None
    if found.suffix.lower() in PAPER_SUFFIXES and (broken := _unreadable(found, files)):
        problems.append(Problem(f"cannot read {name!r}: {broken}", where, key))
        return None
    return found


def _unreadable(path: Path, files: _Files) -> str:
    """Why an appendix document cannot go into the pack ('' when it can)."""
    from pypdf.errors import PyPdfError

    from reportgen.oxml.package import NotADocx
    from reportgen.pdf.appendix import AppendixProblem

    from reportgen.checks.scan import scan_parts

    try:
        if path.suffix.lower() == ".pdf":
            pdf_page_count(path)  # within the size, page and page-box limits, or AppendixProblem
        else:
            # review comments and tracked changes never go into a pack: what a reviewer wrote is not published
            try:
                parts = files.opened(path)
            except OSError as exc:  # as open_docx says it of a file it cannot read
                return f"not a Word .docx file ({exc})"
            unpublishable = [p for p in scan_parts(parts, path)
                             if p.rule in ("comments", "tracked-changes") and p.severity == "error"]
            if unpublishable:
                return (f"it holds review comments or tracked changes ({unpublishable[0].path}: "
                        f"{unpublishable[0].message}); in Word, delete the comments and accept or reject "
                        "the changes, then save it")
    except AppendixProblem as exc:
        return str(exc)
    except NotADocx as exc:
        return "; ".join(f"{p.path + ': ' if p.path else ''}{p.message}" for p in exc.problems)
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
    from docxcompose.composer import Composer

    from reportgen.oxml.package import pack, read_parts
    from reportgen.oxml.properties import set_properties
    from reportgen.oxml.sections import end_section, first_paragraph
    from reportgen.oxml.xml import bookmark_paragraph
    from reportgen.pdf.appendix import page_mark, part_mark
    from reportgen.pipeline.render import render, renderer_for, template_path

    front = render(agenda, template_path(agenda, templates), papers=front_sheet_lines(items))
    master = Document(io.BytesIO(pack(front)))
    composer = Composer(master)
    body = master.element.body
    labels: list[str] = []
    pdf_number = 0
    for n, (packed, paper) in enumerate(pack_parts(items), start=1):
        # the first break closes the front sheet and keeps its header; later sections get their own header
        # (made in _label_sections) and inherit the front sheet's footer, so page numbers run on
        end_section(body, keep_header=not labels)
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
        else:  # opened the one safe way: limits checked, macros and external links left out
            # the bytes read_agenda checked, not the file read again: it may have changed since
            composer.append(Document(io.BytesIO(pack(read_parts(paper.data or paper.path,
                                                                display_path(paper.path))))))
        bookmark_paragraph(first_paragraph(body[start:]), BOOKMARK_IDS + n, part_mark(n))
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
        if report is not None and (line := front_sheet_line(report)):
            found.append(line)
        found.extend(packed.papers or [paper.title for paper in packed.appendices])
        lines[packed.item.number] = found
    return lines


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


def build_agenda(source: Path, out_dir: Path, *, templates: Path | None = None, force: bool = False) -> PackResult:
    """Write out_dir/AGENDA.docx: nothing is written when any paper has a problem."""
    from reportgen.pipeline.build import leaks
    from reportgen.pipeline.write import write_docx

    started = time.perf_counter()
    source = Path(source)
    agenda, items, warnings = read_agenda(source)
    parts = compose(agenda, items, templates)
    warnings += leaks(parts, pack_path(source, out_dir, ".docx"))
    written = write_docx(parts, pack_path(source, out_dir, ".docx"), force=force)
    result = PackResult(source, written.path, None, 0.0, warnings, written.unchanged,
                        [display_path(path) for packed in items for path in packed.left_out_files])
    result.items = items
    result.seconds = time.perf_counter() - started
    return result


def pdf_page_count(path: Path) -> int:
    from reportgen.pdf.appendix import read_pdf_appendix

    return read_pdf_appendix(path).pages
