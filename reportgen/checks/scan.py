"""Publication-safety scan of finished files (.docx and .pdf): nothing personal, hidden or left over.

Looks for what must never be published: the operating-system user or a last-modified-by name,
machine paths, comments, hidden text and tracked deletions, and template tags left in the text.
Template tags are a warning, not an error: content may print `{{ }}` on purpose (content is data).
"""

from __future__ import annotations

import getpass
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.errors import ContentError, Position, Problem
from reportgen.oxml.package import per_part
from reportgen.oxml.properties import core_property
from reportgen.oxml.styles import hidden_styles_of
from reportgen.oxml.unseen import reviewers, settings_record, unseen

if TYPE_CHECKING:
    from reportgen.pdf.inspect import Pdf

_PROPERTY_PARTS = ("docProps/core.xml", "docProps/app.xml", "docProps/custom.xml", "word/people.xml")
_STORY = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_PATH_FOLDERS = ("home", "Users", "tmp", "root", "var", "private", "mnt", "media", "srv", "opt", "work", "run")
_ABSOLUTE_PATH = re.compile(
    r"file:/{1,3}\w|\b[A-Za-z]:(?:\\{1,2}|/)[A-Za-z][\w .$-]*[\\/]|\\\\[\w.-]+\\[\w$]"
    rf"|(?<![\w.:/])/(?:{'|'.join(_PATH_FOLDERS)})/")
# substrings every match contains: finding none (plain substring search is fast) skips the regex
_PATH_HINTS = ("file:/", ":\\", "\\\\", *(f"/{folder}/" for folder in _PATH_FOLDERS))
# a drive written with a forward slash (D:/Reports/): ':/' alone is in every namespace ('http://')
_DRIVE_SLASH = re.compile(r":/[A-Za-z]")
_TEMPLATE_TAG = re.compile(r"\{\{|\{%|\{#|\}\}|%\}")
# Every build scans its parts: a story is parsed only when its raw XML holds a marker of something a finding
# needs (oxml.unseen), so a clean build never imports lxml, which with the parsing was about 20 ms of each build.


def machine_path(text: str) -> re.Match | None:
    """The first absolute path (or file: URL) in `text`."""
    if not any(hint in text for hint in _PATH_HINTS) and not _DRIVE_SLASH.search(text):
        return None
    return _ABSOLUTE_PATH.search(text)


@per_part  # a template's large parts (styles.xml is ~350 kB) come unchanged in every build: scanned once
def _path_in(data: bytes) -> str | None:
    """The first 40 characters from the first machine path in a part, if it has one."""
    text = _decoded(data)
    m = machine_path(text)
    return text[m.start():m.start() + 40] if m else None


def _decoded(data: bytes) -> str:
    """A part's text: UTF-8, or UTF-16 where it starts with a byte-order mark (SharePoint writes
    customXml parts so), where searching the UTF-8 reading would miss every path."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    return data.decode("utf-8", "replace")


def personal_names() -> list[str]:
    """Names that identify the person or machine running reportgen: the login name and home folder."""
    names = {str(Path.home())}
    try:
        names.add(getpass.getuser())
    except Exception:  # no login name (a container): nothing to look for
        pass
    return sorted(n for n in names if len(n) >= 3)


def _mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<![\w/]){re.escape(name)}(?![\w])", text) is not None


def _problem(path: Path, place: str, message: str, rule: str, severity: str = "error") -> Problem:
    return Problem(f"{message} [{rule}]", Position(str(path)), place, severity, rule)  # type: ignore[arg-type]


def scan_parts(parts: dict[str, bytes], path: Path) -> list[Problem]:
    """Everything in a .docx's parts that must not be published."""
    found: list[Problem] = []
    for name, data in parts.items():
        if not (name.endswith(".xml") or name.endswith(".rels")):
            continue
        if (shown := _path_in(data)) is not None:
            found.append(_problem(path, name, f"a machine path is recorded here ({shown!r})", "machine-path"))
        if name in _PROPERTY_PARTS or name == "word/settings.xml":
            text = data.decode("utf-8", "replace")
            for who in personal_names():
                if _mentions(text, who):
                    found.append(_problem(path, name, f"the operating-system user or home folder ({who}) is "
                                                      "recorded here", "personal-metadata"))
    modified_by = core_property(parts, "cp:lastModifiedBy")
    if (modified_by or "").strip():
        found.append(_problem(path, "docProps/core.xml", f"last modified by {modified_by!r} is recorded",
                              "personal-metadata"))
    if any(n.startswith("word/comments") for n in parts):
        found.append(_problem(path, "word/comments.xml", "the document holds comments", "comments"))
    found.extend(_hidden_data(parts, path))
    hidden_styles = hidden_styles_of(parts)
    for name in sorted(n for n in parts if _STORY.match(n)):
        held = unseen(parts[name], hidden_styles)
        for there, message, rule in (
                (held.comments, "a comment is anchored here", "comments"),
                (held.hidden_text, "hidden text (Font > Hidden)", "hidden-text"),
                (held.deletions, "a tracked deletion: accept or reject the changes", "tracked-changes"),
                (held.moves, "a tracked move (the text's old place is kept): accept or reject the changes",
                 "tracked-changes")):
            if there:
                found.append(_problem(path, name, message, rule))
        if held.hidden_style:
            found.append(_problem(path, name, f"hidden text: the style {held.hidden_style!r} is hidden (Font > "
                                              "Hidden in the style)", "hidden-text"))
        if m := _TEMPLATE_TAG.search(held.text):
            text = held.text
            found.append(_problem(path, name, f"template tag left in the text: "
                                              f"{text[max(0, m.start() - 20):m.end() + 20]!r}",
                                  "template-leftover", "warning"))
    return found


def _hidden_data(parts: dict[str, bytes], path: Path) -> list[Problem]:
    """What a document keeps out of sight: document variables, reviewers' names, the template it came from."""
    found = []
    recorded = settings_record(parts)
    if recorded.variables:
        found.append(_problem(path, "word/settings.xml", "document variables (w:docVars) are recorded: values a "
                                                         "macro or a program stored in the file, unseen",
                              "hidden-data"))
    if recorded.template:
        found.append(_problem(path, "word/settings.xml", "the Word template the file was made from is recorded "
                                                         "(w:attachedTemplate)", "machine-path"))
    names = reviewers(parts)
    if names is not None:
        found.append(_problem(path, "word/people.xml", f"the names of people who edited or commented are recorded "
                                                       f"({', '.join(names[:3]) or 'unnamed'})", "personal-metadata"))
    return found


def scan_pdf(path: Path) -> list[Problem]:
    """What a PDF's properties (Info and XMP), recorded strings and text give away. Read through pypdf
    (`reportgen.pdf.inspect`): strings stored in compressed object streams are searched too."""
    with open_pdf(path) as pdf:
        info = "\n".join(f"{key.lstrip('/')}: {value}" for key, value in pdf.info.items())
        xmp = pdf.xmp
        recorded = "\n".join(pdf.strings())
        text = pdf.text()
        title = pdf.title
    found: list[Problem] = []
    for where, said in (("PDF properties", info), ("PDF XMP metadata", xmp)):
        for who in personal_names():
            if _mentions(said, who):
                found.append(_problem(path, where, f"the operating-system user or home folder ({who}) is "
                                                   "recorded", "personal-metadata"))
    if (m := machine_path(recorded)) is not None:
        found.append(_problem(path, "PDF file", f"a machine path is recorded "
                                                f"({recorded[m.start():m.start() + 40]!r})", "machine-path"))
    if re.search(r"\.(docx?|odt|rtf)$", title, re.IGNORECASE):
        found.append(_problem(path, "PDF properties", f"the title is a file name ({title}): "
                                                      "set the document title", "personal-metadata"))
    if m := _TEMPLATE_TAG.search(text):
        found.append(_problem(path, "PDF text", f"template tag left in the text: "
                                                f"{text[max(0, m.start() - 20):m.end() + 20]!r}",
                              "template-leftover", "warning"))
    return found


@contextmanager
def open_pdf(path: Path) -> Iterator[Pdf]:
    """The PDF at `path` opened for reading its properties; a ContentError located at the file when it is not
    a PDF, is encrypted or damaged, or is beyond the bounds reportgen reads within (while it is read too)."""
    from reportgen.pdf.inspect import Pdf, PdfProblem, reading

    try:
        with reading():
            yield Pdf.open(path)
    except PdfProblem as exc:
        raise ContentError.at(f"cannot read the PDF: {exc}", path) from None
    except OSError as exc:
        raise ContentError.at(f"cannot read the PDF: {exc.strerror or exc}", path) from None


def scan_file(path: Path) -> list[Problem]:
    """Scan a finished .docx or .pdf.

    A .docx is scanned as reportgen would use it (opened safely); what opening it had to remove
    (macros, external links) is itself an error: the file must not be published as it is.
    """
    from dataclasses import replace

    from reportgen.oxml.package import open_docx

    path = Path(path)
    if path.suffix.lower() == ".pdf":
        return scan_pdf(path)
    opened = open_docx(path, str(path))  # a damaged or unsafe file: a located NotADocx
    unsafe = [replace(p, message=f"not publishable as it is: {p.message} [{p.rule}]", severity="error")
              for p in opened.warnings]
    return unsafe + scan_parts(opened.parts, path)
