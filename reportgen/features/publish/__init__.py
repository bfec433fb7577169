"""PDF output: converts built .docx files to tagged PDF (title and language set) through LibreOffice headless.

The warm path (reportgen.features.publish.office) keeps one LibreOffice running and converts over UNO, updating the
contents page's page numbers in LibreOffice's layout first (and writing them into the .docx). When it
cannot be used (no UNO bridge, the bridge failed), the cold path below runs, and the user is told:
one LibreOffice process converts a whole batch: starting it costs more than converting a report.
Each run has its own LibreOffice profile in a fresh temporary folder, so two runs at once (two
clerks, or a build while the tests run) never share a profile or hand work to each other's
process. The inputs are copied into that folder first, so LibreOffice's lock files and anything
it writes stay out of `build/`; the PDFs land next to their .docx, written atomically.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.errors import OutputError, Position, Problem, ToolMissing
from reportgen.pipeline import write_bytes

INSTALL_HINT = ("install LibreOffice: on Debian or Ubuntu `sudo apt-get install libreoffice-writer-nogui`, "
                "on a Mac `brew install --cask libreoffice`, on Windows from libreoffice.org")
SOFFICE_NAMES = ("soffice", "libreoffice")
# where installers put it when it is not on PATH
SOFFICE_PLACES = ("/Applications/LibreOffice.app/Contents/MacOS/soffice",
                  "C:/Program Files/LibreOffice/program/soffice.exe")

DEFAULT_TIMEOUT = 120.0
"""Seconds allowed for starting LibreOffice and converting the first report."""
TIMEOUT_PER_REPORT = 30.0
"""Seconds more for each further report in a batch."""

PDF_OPTIONS: dict[str, object] = {
    # tagged PDF: headings, lists, tables and alt text become a structure tree screen readers follow;
    # the document language (/Lang) comes from the .docx styles and the title from its properties
    "UseTaggedPDF": True,
    # a viewer's title bar shows the document title rather than the file name (WCAG 2.4.2)
    "DisplayPDFDocumentTitle": True,
    # headings as PDF bookmarks, for navigation
    "ExportBookmarks": True,
    # Word bookmarks become named destinations: an agenda pack finds the pages it kept for a PDF
    # appendix by them (reportgen.pdf.appendix), never by reading its own text back
    "ExportBookmarksToPDFDestination": True,
    # comments and hidden form fields would leak drafts: never exported
    "ExportNotes": False,
    "ExportNotesInMargin": False,
    "ExportFormFields": False,
}
"""LibreOffice's writer_pdf_Export settings. PDF/UA is claimed afterwards (reportgen.pdf.finish), only when
the finished PDF passes the checks there."""


@dataclass
class Converted:
    """One PDF written: where from, where to."""

    source: Path
    output: Path
    unchanged: bool = False
    warnings: list[Problem] = field(default_factory=list)
    """What the user should know about this conversion (the cold path taken, contents page numbers missing)."""


def filter_spec(options: dict[str, object] | None = None) -> str:
    """The --convert-to argument: 'pdf:writer_pdf_Export:{json}', the form LibreOffice 7.4 and later read."""
    typed = {}
    for name, value in (options or PDF_OPTIONS).items():
        kind = "boolean" if isinstance(value, bool) else "long" if isinstance(value, int) else "string"
        typed[name] = {"type": kind, "value": (str(value).lower() if isinstance(value, bool) else str(value))}
    return "pdf:writer_pdf_Export:" + json.dumps(typed, separators=(",", ":"))


def find_soffice() -> str:
    """The LibreOffice program to run; a clear ToolMissing error, saying how to install it, when none is found."""
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    for place in SOFFICE_PLACES:
        if os.access(place, os.X_OK):
            return place
    raise ToolMissing([Problem(f"LibreOffice (soffice) is not installed or not on PATH, and PDF output needs "
                               f"it: {INSTALL_HINT}", rule="tool-missing")])


def soffice_installed() -> bool:
    try:
        find_soffice()
    except ToolMissing:
        return False
    return True


def convert_outdated(docx_files: list[Path], *, timeout: float | None = None) -> list[Converted]:
    """Convert the .docx files whose PDF is missing or older than the .docx; the rest are left alone."""
    stale = []
    for docx in docx_files:
        pdf = Path(docx).with_suffix(".pdf")
        if not pdf.exists() or pdf.stat().st_mtime_ns < Path(docx).stat().st_mtime_ns:
            stale.append(Path(docx))
    return convert(stale, timeout=timeout)


def convert(docx_files: list[Path], *, timeout: float | None = None) -> list[Converted]:
    """Convert every .docx to a tagged PDF beside it, in one LibreOffice process; all or nothing.

    Raises ToolMissing when LibreOffice is missing, fails or takes longer than `timeout` seconds
    (by default DEFAULT_TIMEOUT plus TIMEOUT_PER_REPORT for each further report).
    """
    docx_files = [Path(f) for f in docx_files]
    if not docx_files:
        return []
    problems = [Problem("expected a Word .docx file to convert", Position(str(f)))
                for f in docx_files if f.suffix.lower() != ".docx" or not f.is_file()]
    if problems:
        raise OutputError(problems)
    soffice = find_soffice()
    from reportgen.features.publish import layout, office

    notes: list[Problem] = []
    if office.enabled():
        try:
            return layout.convert_warm(soffice, docx_files, PDF_OPTIONS, timeout)
        except office.Unavailable as why:
            notes.append(Problem(f"the warm LibreOffice could not be used ({why}); converting with a one-off "
                                 "LibreOffice run instead: slower, and a contents page gets no page numbers",
                                 severity="warning", rule="pdf-cold"))
    if timeout is None:
        timeout = DEFAULT_TIMEOUT + TIMEOUT_PER_REPORT * (len(docx_files) - 1)
    with tempfile.TemporaryDirectory(prefix="reportgen-pdf-") as scratch:
        work = Path(scratch)
        inputs = _stage(docx_files, work / "in")
        _run_soffice(soffice, list(inputs), work, timeout)
        results = []
        missing = []
        for staged, source in inputs.items():
            pdf = work / "out" / f"{staged.stem}.pdf"
            if not pdf.is_file() or pdf.stat().st_size == 0:
                missing.append(Problem("LibreOffice did not convert this file (is it a valid Word document? "
                                       "does it open in Word?)", Position(str(source)), rule="pdf"))
                continue
            results.append((source, finish(pdf.read_bytes())))
        if missing:
            raise ToolMissing(missing)
    converted = []
    for source, data in results:
        written = write_bytes(data, source.with_suffix(".pdf"))
        converted.append(Converted(source, written.path, written.unchanged))
    if converted:
        converted[0].warnings.extend(notes)  # said once for the batch
    return converted


def finish(data: bytes) -> bytes:
    """The PDF as published: LibreOffice's tagging repaired, XMP metadata, PDF/UA only when earned."""
    from reportgen.pdf.finish import finish_pdf

    return finish_pdf(data)


def _stage(docx_files: list[Path], folder: Path) -> dict[Path, Path]:
    """Copy the inputs to `folder` under names unique within the batch (the PDF takes the input's name)."""
    folder.mkdir()
    staged: dict[Path, Path] = {}
    taken: set[str] = set()
    for source in docx_files:
        stem, n = source.stem, 1
        while stem.lower() in taken:
            n += 1
            stem = f"{source.stem}-{n}"
        taken.add(stem.lower())
        target = folder / f"{stem}.docx"
        shutil.copyfile(source, target)
        staged[target] = source
    return staged


def _run_soffice(soffice: str, inputs: list[Path], work: Path, timeout: float) -> None:
    profile = (work / "profile").as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo",
               "--nodefault", "--nolockcheck", "--convert-to", filter_spec(), "--outdir", str(work / "out"),
               *(str(p) for p in inputs)]
    # LibreOffice's own temporary files (copies of the document) go in the scratch folder too, so
    # they are removed with it even when LibreOffice has to be killed
    (work / "tmp").mkdir(exist_ok=True)
    try:
        # a session of its own: soffice is a script that starts oosplash and soffice.bin; on a
        # timeout the whole group is killed, not just the script
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=work,
                                   start_new_session=True, env={**os.environ, "TMPDIR": str(work / "tmp")})
    except OSError as exc:
        raise ToolMissing([Problem(f"cannot start LibreOffice ({soffice}): {exc.strerror or exc}; "
                                   f"{INSTALL_HINT}", rule="tool-missing")]) from None
    started = time.monotonic()
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise ToolMissing([Problem(
            f"LibreOffice did not finish converting {len(inputs)} file(s) to PDF within {timeout:.0f} seconds "
            "and was stopped; nothing was written. Is another dialog or a damaged document holding it up? "
            "Try again, or convert fewer files at once", rule="pdf-timeout")]) from None
    finally:
        if process.poll() is None:  # interrupted (Ctrl-C): never leave LibreOffice running
            _kill_group(process)
    if process.returncode != 0:
        said = (err or out).decode("utf-8", "replace").strip().splitlines()
        raise ToolMissing([Problem(f"LibreOffice failed (exit status {process.returncode}) after "
                                   f"{time.monotonic() - started:.0f} s: {said[-1] if said else 'no message'}",
                                   rule="pdf")])


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
