"""The warm conversion and its layout pass: .docx files to PDF through reportgen.features.publish.office, the contents page's
page numbers worked out by LibreOffice and written into the .docx too, so the .docx shows what the PDF shows.

A .docx is only given its page numbers when it is reportgen's own and unedited (a person's edits are
never overwritten); its PDF has them either way. The filled .docx records the fingerprint of the
document it was filled from, so the next build of unchanged content leaves it (and its PDF) alone.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.errors import Position, Problem, ToolMissing
from reportgen.pipeline import LAID_OUT_FROM

if TYPE_CHECKING:
    from reportgen.features.publish import office



def convert_warm(soffice: str, docx_files: list[Path], options: dict[str, object],
                 timeout: float | None = None) -> list:
    """Convert with the warm LibreOffice, all or nothing: PDFs beside the .docx files (publish.Converted).

    Raises office.Unavailable when the warm converter cannot be used (the caller falls back), and
    ToolMissing naming each document that timed out or could not be converted (nothing written)."""
    from reportgen.features.publish import Converted, _stage, finish, office
    from reportgen.pipeline import write_bytes

    per_document = timeout or office.DOCUMENT_TIMEOUT
    with tempfile.TemporaryDirectory(prefix="reportgen-pdf-") as scratch:
        work = Path(scratch)
        inputs = _stage(docx_files, work / "in")
        (work / "out").mkdir()
        jobs = [(staged, work / "out" / f"{staged.stem}.pdf") for staged in inputs]
        results = office.convert_documents(soffice, jobs, options, per_document)
        problems: list[Problem] = []
        done = []
        for (staged, pdf), source, result in zip(jobs, inputs.values(), results):
            if not result.ok:
                problems.append(_failure(result, source, per_document))
            elif not pdf.is_file() or pdf.stat().st_size == 0:
                problems.append(Problem("LibreOffice did not convert this file (is it a valid Word document? "
                                        "does it open in Word?)", Position(str(source)), rule="pdf"))
            else:
                done.append((source, finish(pdf.read_bytes()), result.contents))  # tagging repaired, XMP
        if problems:
            raise ToolMissing(problems)
    converted = []
    for source, data, contents in done:
        warnings = write_page_numbers(source, contents) if contents else []
        # the PDF after its .docx: a PDF newer than its .docx is up to date (publish.convert_outdated)
        written = write_bytes(data, source.with_suffix(".pdf"))
        converted.append(Converted(source, written.path, written.unchanged, warnings))
    return converted


def _failure(result: office.Result, source: Path, timeout: float) -> Problem:
    where = Position(str(source))
    if result.kind == "timeout":
        return Problem(f"LibreOffice did not finish converting this file to PDF within {timeout:.0f} seconds "
                       "and was stopped (a new one is started for the next file); nothing was written. Is a "
                       "damaged document holding it up? Try again, or allow longer with --pdf-timeout",
                       where, rule="pdf-timeout")
    if result.kind == "crash":
        return Problem("LibreOffice stopped (crashed) while converting this file, twice; nothing was written. "
                       "Does the document open in Word?", where, rule="pdf")
    return Problem(f"LibreOffice could not convert this file ({result.message}); nothing was written. Is it a "
                   "valid Word document? Does it open in Word?", where, rule="pdf")


def write_page_numbers(docx: Path, contents: list[tuple[str, int]]) -> list[Problem]:
    """Write LibreOffice's page numbers into `docx`'s contents page; warnings when they could not be."""
    from reportgen.oxml.contents import fill_page_numbers
    from reportgen.oxml.package import read_parts
    from reportgen.oxml.properties import custom_properties, set_custom
    from reportgen.pipeline import edited_since_written, recorded_fingerprint, write_docx

    if edited_since_written(docx):
        return []  # not reportgen's, or edited in Word since: left as it is (its PDF has the numbers)
    parts = read_parts(docx)
    filled = fill_page_numbers(parts, contents)
    if filled is None:
        return [Problem("the contents page's entries in the .docx are not the headings LibreOffice found, so its "
                        "page numbers were not written into the .docx (the PDF has them)", Position(str(docx)),
                        severity="warning", rule="contents-pages")]
    custom = custom_properties(parts)
    origin = custom.get(LAID_OUT_FROM) or recorded_fingerprint(parts) or ""
    filled = set_custom(filled, custom | {LAID_OUT_FROM: origin})
    write_docx(filled, docx)
    return []


def missing_page_numbers(outputs: list[Path]) -> list[Problem]:
    """For a build without a PDF: on a machine without LibreOffice, each built .docx with a contents page,
    and why its page numbers are missing ([] where LibreOffice is installed)."""
    from reportgen.features.publish import soffice_installed
    from reportgen.oxml.contents import has_contents
    from reportgen.oxml.package import NotADocx, read_parts

    if soffice_installed():
        return []
    said = []
    for output in outputs:
        try:
            if not has_contents(read_parts(output)):
                continue
        except NotADocx:
            continue
        said.append(Problem(
            "its contents page has no page numbers: they come from LibreOffice's page layout, and LibreOffice "
            "is not installed (on Debian or Ubuntu `sudo apt-get install libreoffice-writer-nogui python3-uno`, "
            "then build with --pdf). The contents field is kept: Word fills the numbers in when it updates fields",
            Position(str(output)), severity="warning", rule="contents-pages"))
    return said
