"""The published agenda pack: the pack .docx (the agenda kind's document, built by the pipeline) as one PDF,
with each PDF appendix drawn onto the pages kept for it and an outline that nests Item N > its papers.
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from reportgen.pipeline import Outcome, PackItem, PackResult, Paper, build_agenda, pack_parts, read_agenda

if TYPE_CHECKING:
    from reportgen.features.publish import Converted

__all__ = ["build_pack", "publish_built", "write_pack_pdf", "pdf_pack", "read_agenda", "PackResult"]


def build_pack(source: Path, out_dir: Path, *, templates: Path | None = None, force: bool = False,
               pdf: bool = True) -> PackResult:
    """Write out_dir/AGENDA.docx and (with `pdf`) its PDF: nothing is written when any paper has a problem."""
    started = time.perf_counter()
    result = build_agenda(source, out_dir, templates=templates, force=force)
    if pdf:
        result.pdf = write_pack_pdf(result.docx, result.items)
    result.seconds = time.perf_counter() - started
    return result


def publish_built(outcomes: list[Outcome], timeout: float | None = None) -> Iterator[Converted]:
    """PDFs of what a batch built, each as it is written: the reports in one LibreOffice conversion,
    then each agenda's pack with its PDF appendices drawn in."""
    from reportgen.features.publish import Converted, convert_outdated

    built = [o.result for o in outcomes if o.result is not None]
    if not built:
        return
    yield from convert_outdated([r.output for r in built if not r.pack], timeout=timeout)
    for packed in (r for r in built if r.pack):
        yield Converted(packed.output, write_pack_pdf(packed.output, source=packed.source))


def write_pack_pdf(docx: Path, items: list[PackItem] | None = None, source: Path | None = None) -> Path:
    """Write the PDF beside a pack's .docx, with the PDF appendices of `items` (or of the agenda `source`).

    Written once, whole and atomically: a pack stopped part way never leaves a PDF without its appendices.
    """
    from reportgen.pipeline import write_bytes

    if items is None:
        items = read_agenda(Path(source or ""))[1]
    return write_bytes(pdf_pack(docx, items), docx.with_suffix(".pdf")).path


def pdf_pack(docx: Path, items: list[PackItem]) -> bytes:
    """The PDF of the pack: the .docx converted, the PDF appendices drawn onto the pages kept for them,
    and the outline rebuilt as Item N > its report's headings and its appendices."""
    from pypdf import PdfReader, PdfWriter

    from reportgen.pdf.appendix import destination_pages, place, read_pdf_appendix, strip_document_actions
    from reportgen.pdf.finish import finish_pdf

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

    from reportgen.pdf.appendix import part_mark

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

    from reportgen.pdf.appendix import DESTINATION_PREFIX

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
    """The tagged PDF of `docx` (reportgen.features.publish, through LibreOffice), as bytes.

    Converted from a copy in a scratch folder: the PDF beside the pack is written once, whole, with
    its appendix pages drawn in; a pack stopped part-way never leaves one without them.
    """
    import shutil
    import tempfile

    from reportgen.features.publish import convert

    with tempfile.TemporaryDirectory(prefix="reportgen-pack-") as scratch:
        staged = Path(scratch) / docx.name
        shutil.copyfile(docx, staged)
        return convert([staged])[0].output.read_bytes()
