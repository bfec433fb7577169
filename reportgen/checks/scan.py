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
from reportgen.oxml.ns import qn
from reportgen.oxml.package import per_part, xml_parser

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
# Every build scans its parts. A part is parsed only when its raw XML holds something a finding
# below needs (a marker may be a false alarm, never a miss: a character reference may spell a brace);
# a clean build then never imports lxml, which with the parsing was about 20 ms of each build.
_STORY_MARKERS = (b"commentReference", b"commentRangeStart", b"vanish", b"Vanish", b"del ", b"del>", b"del/",
                  b"delText", b"moveFrom", b"{", b"}", b"&#")


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
    core = parts.get("docProps/core.xml")
    if core is not None and b"lastModifiedBy" in core:
        from lxml import etree

        modified_by = etree.fromstring(core, xml_parser()).findtext(qn("cp:lastModifiedBy"))
        if (modified_by or "").strip():
            found.append(_problem(path, "docProps/core.xml", f"last modified by {modified_by!r} is recorded",
                                  "personal-metadata"))
    if any(n.startswith("word/comments") for n in parts):
        found.append(_problem(path, "word/comments.xml", "the document holds comments", "comments"))
    found.extend(_hidden_data(parts, path))
    hidden_styles = _hidden_styles(parts.get("word/styles.xml", b""))
    for name in sorted(n for n in parts if _STORY.match(n)):
        if not hidden_styles and not any(marker in parts[name] for marker in _STORY_MARKERS):
            continue
        from lxml import etree

        root = etree.fromstring(parts[name], xml_parser())
        checks = (
            ((qn("w:commentReference"), qn("w:commentRangeStart")), "a comment is anchored here", "comments", "error"),
            ((qn("w:vanish"), qn("w:specVanish")), "hidden text (Font > Hidden)", "hidden-text", "error"),
            ((qn("w:del"), qn("w:delText")), "a tracked deletion: accept or reject the changes", "tracked-changes",
             "error"),
            ((qn("w:moveFrom"), qn("w:moveFromRangeStart")), "a tracked move (the text's old place is kept): accept "
             "or reject the changes", "tracked-changes", "error"),
        )
        for tags, message, rule, severity in checks:
            if next(root.iter(*tags), None) is not None:
                found.append(_problem(path, name, message, rule, severity))
        if hidden_styles and (style := _uses_hidden_style(root, hidden_styles)):
            found.append(_problem(path, name, f"hidden text: the style {style!r} is hidden (Font > Hidden in "
                                              "the style)", "hidden-text"))
        text = "".join(t.text or "" for t in root.iter(qn("w:t")))
        if m := _TEMPLATE_TAG.search(text):
            found.append(_problem(path, name, f"template tag left in the text: "
                                              f"{text[max(0, m.start() - 20):m.end() + 20]!r}",
                                  "template-leftover", "warning"))
    return found


def _hidden_data(parts: dict[str, bytes], path: Path) -> list[Problem]:
    """What a document keeps out of sight: document variables, reviewers' names, the template it came from."""
    found = []
    settings = parts.get("word/settings.xml", b"")
    if b"docVar " in settings or b"docVar>" in settings:
        found.append(_problem(path, "word/settings.xml", "document variables (w:docVars) are recorded: values a "
                                                         "macro or a program stored in the file, unseen",
                              "hidden-data"))
    if b"attachedTemplate" in settings:
        found.append(_problem(path, "word/settings.xml", "the Word template the file was made from is recorded "
                                                         "(w:attachedTemplate)", "machine-path"))
    people = parts.get("word/people.xml", b"")
    if b"person" in people:
        from lxml import etree

        names = sorted({p.get(f"{{{_W15}}}author", "") for p in etree.fromstring(people, xml_parser()).iter(
            f"{{{_W15}}}person")} - {""})
        found.append(_problem(path, "word/people.xml", f"the names of people who edited or commented are recorded "
                                                       f"({', '.join(names[:3]) or 'unnamed'})", "personal-metadata"))
    return found


_W15 = "http://schemas.microsoft.com/office/word/2012/wordml"


def _hidden_styles(styles: bytes) -> dict[str, str]:
    """style id -> name of every style that hides its text (w:vanish, itself or through w:basedOn);
    '' -> the default paragraph style's name when it hides, '*' when the document defaults hide everything."""
    if b"vanish" not in styles:
        return {}
    from lxml import etree

    root = etree.fromstring(styles, xml_parser())
    hides: dict[str, bool | None] = {}
    based: dict[str, str] = {}
    names: dict[str, str] = {}
    default = ""
    for style in root.iter(qn("w:style")):
        sid = style.get(qn("w:styleId"), "")
        name = style.find(qn("w:name"))
        names[sid] = name.get(qn("w:val"), sid) if name is not None else sid
        vanish = style.find(f"{qn('w:rPr')}/{qn('w:vanish')}")
        hides[sid] = None if vanish is None else _on(vanish)
        if (base := style.find(qn("w:basedOn"))) is not None:
            based[sid] = base.get(qn("w:val"), "")
        if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1", "true", "on"):
            default = sid
    hidden: dict[str, str] = {}
    for sid in hides:
        seen, at = set(), sid
        while at in hides and hides[at] is None and at in based and at not in seen:  # inherit from the base
            seen.add(at)
            at = based[at]
        if hides.get(at):
            hidden[sid] = names.get(sid) or sid
    if default in hidden:
        hidden[""] = hidden[default]
    defaults = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:vanish')}")
    if defaults is not None and _on(defaults):
        hidden["*"] = "document defaults"
    return hidden


def _on(element) -> bool:
    return element.get(qn("w:val"), "true") not in ("0", "false", "off")


def _uses_hidden_style(root, hidden: dict[str, str]) -> str | None:
    """The name of a hidden style that some text of this story is in, if any."""
    if "*" in hidden and next(root.iter(qn("w:t")), None) is not None:
        return hidden["*"]
    for paragraph in root.iter(qn("w:p")):
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        sid = style.get(qn("w:val"), "") if style is not None else ""
        if sid in hidden and next(paragraph.iter(qn("w:t")), None) is not None:
            return hidden[sid]
    for run in root.iter(qn("w:rStyle")):
        if run.get(qn("w:val"), "") in hidden:
            return hidden[run.get(qn("w:val"), "")]
    return None


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
