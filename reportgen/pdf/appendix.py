"""PDF appendices in an agenda pack: read within bounds, then drawn onto the pages the pack kept for them.

An appendix comes from elsewhere, so it is hostile: its size, page count and page-tree depth are
bounded before anything walks it, a page box must have a real size, and only the pages' drawn
content comes in: links, comments, form fields and every action (JavaScript, launch, URI) are
left behind, as is the appendix's own catalogue (its OpenAction, names and outline).

Placing is by structure, never by reading text back: `compose` puts a Word bookmark on each page it
keeps for an appendix page (`page_mark`), LibreOffice exports those bookmarks as named destinations,
and `place` draws appendix page i onto the page the destination `page_mark(k, i)` points at.
"""

from __future__ import annotations

import functools

import io
from dataclasses import dataclass
from pathlib import Path

from reportgen.pdf.inspect import Encrypted, Pdf, PdfProblem, page_size, page_tree

MAX_PDF_BYTES = 50 * 1024 * 1024
"""Largest PDF appendix accepted (50 MB)."""
MAX_PDF_PAGES = 300
"""Most pages one PDF appendix may have."""
MAX_TREE_DEPTH = 32
"""Deepest page tree walked (a real PDF's is a handful of levels)."""
FIT_TOLERANCE_PT = 18.0
"""A page up to a quarter inch wider or taller than A4 (US Letter is 17 pt wider) is drawn at 100%:
the overhang is its own blank margin. Larger pages are scaled down to fit."""
SCALED_MARGIN_PT = 36.0
"""Room kept round a scaled-down page for the pack's header and page number."""
DESTINATION_PREFIX = "reportgen"
"""Named destinations reportgen puts in a pack's PDF to find its own pages; removed before the PDF is written.
Letters and digits only: LibreOffice spells other characters of a bookmark's name in hex."""


class AppendixProblem(ValueError):
    """Why a PDF appendix cannot go into a pack (the caller locates it where the agenda names the file)."""


@dataclass(frozen=True)
class PdfAppendix:
    """A PDF appendix measured and accepted: where it is and how many pages it has."""

    path: Path
    pages: int


def page_mark(appendix: int, page: int) -> str:
    """The bookmark (and so named destination) on the pack page kept for `page` (from 1) of PDF appendix `appendix`."""
    return f"{DESTINATION_PREFIX}Pdf{appendix}Page{page}"


def part_mark(part: int) -> str:
    """The bookmark on the first page of the pack's `part` (from 1): an item's report or one of its appendices."""
    return f"{DESTINATION_PREFIX}Part{part}"


def read_pdf_appendix(path: Path) -> PdfAppendix:
    """Measure a PDF appendix within the limits; AppendixProblem saying what is wrong otherwise.

    Measured once per version of the file: reading an agenda accepts it, composing the pack counts its
    pages, and both ask here."""
    stat = path.stat()
    return _measured(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _measured(path: Path, mtime_ns: int, size: int) -> PdfAppendix:
    from pypdf.errors import PyPdfError

    if size > MAX_PDF_BYTES:
        raise AppendixProblem(f"the PDF is {size / 1048576:.1f} MB; a PDF appendix may be at most "
                              f"{MAX_PDF_BYTES // 1048576} MB")
    try:
        pages = _leaf_pages(Pdf.open(path).catalog["/Pages"].get_object())
        for n, page in enumerate(pages, start=1):
            width, height = page_size(page)
            if not (1.0 <= width <= 14400.0 and 1.0 <= height <= 14400.0):
                raise AppendixProblem(f"page {n} has a page box of {width:g} x {height:g} pt; a page must be "
                                      "between 1 pt and 200 inches each way")
    except AppendixProblem:
        raise
    except Encrypted:
        raise AppendixProblem("the PDF is encrypted: give the appendix as an unprotected PDF") from None
    except PdfProblem as exc:
        raise AppendixProblem(str(exc)) from None
    except (PyPdfError, KeyError, TypeError, AttributeError, ValueError, RecursionError) as exc:
        raise AppendixProblem(f"not a readable PDF ({exc or type(exc).__name__})") from None
    if not pages:
        raise AppendixProblem("the PDF has no pages")
    return PdfAppendix(path, len(pages))


def _leaf_pages(root) -> list:
    """The page tree's pages in order, within the appendix's bounds on pages and depth."""
    try:
        return page_tree(root, max_pages=MAX_PDF_PAGES, max_depth=MAX_TREE_DEPTH)
    except PdfProblem as exc:
        message = str(exc)
        if "pages" in message:
            message += f"; a PDF appendix may have at most {MAX_PDF_PAGES}"
        raise AppendixProblem(message) from None


def placement(source_w: float, source_h: float, target_w: float, target_h: float) -> float:
    """The scale an appendix page is drawn at: 1 when it fits the pack's page (Letter fits A4), else smaller."""
    if source_w <= target_w + FIT_TOLERANCE_PT and source_h <= target_h + FIT_TOLERANCE_PT:
        return 1.0
    return min((target_w - 2 * SCALED_MARGIN_PT) / source_w, (target_h - 2 * SCALED_MARGIN_PT) / source_h)


def destination_pages(reader) -> dict[str, int]:
    """reportgen's named destinations in a converted pack and the page index each points at."""
    found = {}
    for name, dest in reader.named_destinations.items():
        name = str(name).lstrip("/")
        if name.startswith(DESTINATION_PREFIX):
            found[name] = reader.get_destination_page_number(dest)
    return found


def place(writer, appendices: list[PdfAppendix], marks: dict[str, int]) -> list[int]:
    """Draw every PDF appendix's pages onto the pages marked for them; the indices of the pages drawn on.

    A mark that is missing, or two pages landing on one, is a bug in reportgen (LibreOffice converted
    the pack's pages differently from how they were composed), never something to paper over.
    """
    from pypdf import PdfReader, Transformation

    drawn: list[int] = []
    for k, appendix in enumerate(appendices, start=1):
        reader = PdfReader(io.BytesIO(appendix.path.read_bytes()))
        for i, source in enumerate(_leaf_pages(reader.trailer["/Root"].get_object()["/Pages"].get_object()),
                                   start=1):
            index = marks.get(page_mark(k, i))
            if index is None or index in drawn:
                raise RuntimeError(f"the pack's PDF has no page kept for page {i} of {appendix.path.name}")
            drawn.append(index)
            target = writer.pages[index]
            page = reader.pages[i - 1]
            _strip_interactive(page)
            width, height = float(target.mediabox.width), float(target.mediabox.height)
            box = page.mediabox
            scale = placement(float(box.width), float(box.height), width, height)
            move_x = (width - float(box.width) * scale) / 2 - float(box.left) * scale
            move_y = (height - float(box.height) * scale) / 2 - float(box.bottom) * scale
            target.merge_transformed_page(page, Transformation().scale(scale).translate(move_x, move_y))
    return drawn


def _strip_interactive(page) -> None:
    """Leave everything but drawn content behind: annotations (links and their JavaScript, launch and URI
    actions, comments, form fields) and the page's own open/close actions."""
    from pypdf.generic import NameObject

    for key in ("/Annots", "/AA"):
        if NameObject(key) in page:
            del page[NameObject(key)]


def strip_document_actions(writer) -> None:
    """No action runs when the pack opens: no OpenAction script, document actions or named JavaScript."""
    from pypdf.generic import NameObject

    root = writer._root_object
    action = root.get("/OpenAction")
    if action is not None and not isinstance(action.get_object(), list):
        del root[NameObject("/OpenAction")]  # an action dictionary, not a plain "open at page 1" destination
    if "/AA" in root:
        del root[NameObject("/AA")]
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        del names.get_object()[NameObject("/JavaScript")]
