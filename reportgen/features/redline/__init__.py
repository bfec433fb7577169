"""Redline: the new report as a .docx carrying Word tracked changes from the old one, and what changed in the users' terms.

Either side may be a content file (rendered in memory), a built .docx, or, with `since`, the content
file as it was at a git revision. The comparison works on the two rendered documents, so it serves
every template and report kind; the summary of changes comes from the two content models.

Where its parts are: this module (the command: read both sides, refuse exempt text, write), changes.py
(the summary in the report's words); the tracked-change markup itself is WordprocessingML, so the
comparison and the placing of revisions are in reportgen/oxml/ (compare.py, revisions.py), on the
word alignment in reportgen/lib/alignment.py; git's earlier versions come through the pipeline
(old_version), which drafts use too.
"""

from __future__ import annotations

import datetime as _dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.errors import ContentError, Problem, display_path
from reportgen.features.redline.changes import describe_changes
from reportgen.model import Node
from reportgen.oxml.package import read_parts
from reportgen.pipeline import CONTENT_SUFFIXES

DEFAULT_AUTHOR = "reportgen"
FALLBACK_DATE = "2000-01-01T00:00:00Z"
"""The revisions' date when neither --date nor the new document's properties give one."""


@dataclass
class Side:
    """One version of the report: its rendered parts and, when it came from content, its model."""

    name: str
    parts: dict[str, bytes]
    report: Node | None = None
    exempt: list[Problem] = field(default_factory=list)
    """Where this version holds non-public text; empty when it is all public. Worked out when not given:
    from the content (reportgen.checks.safety.exempt_text), or from a .docx's own access property."""
    template: Path | None = None
    """The template it was rendered with: how the summary of changes learns labels and printed values."""

    def __post_init__(self) -> None:
        from reportgen.checks.safety import exempt_document, exempt_text

        if not self.exempt:
            self.exempt = exempt_text(self.report) if self.report is not None else exempt_document(self.parts, self.name)


@dataclass
class RedlineResult:
    """What a redline did: the file written, the tracked changes in it, and the changes in users' terms."""

    output: Path
    seconds: float
    revisions: dict[str, int]
    changes: list[str] | None = None
    unchanged: bool = False
    kept_edited_copy: Path | None = None
    sides: tuple[str, str] = ("", "")
    non_public: bool = False
    """The redline was written marked NOT FOR PUBLICATION (--include-exempt let non-public text in)."""


def read_side(path: Path, templates: Path | None = None) -> Side:
    """A content file rendered in memory, or a built .docx read as it is."""
    path = Path(path)
    if path.suffix.lower() in CONTENT_SUFFIXES:
        from reportgen.pipeline import read_report

        report, _ = read_report(path)
        return Side(display_path(path), _render(report, templates), report, template=_template(report, templates))
    if path.suffix.lower() == ".docx":
        if not path.is_file():
            raise ContentError.at("cannot read it as a Word document: there is no such file", display_path(path))
        return Side(display_path(path), read_parts(path, display_path(path)))  # or a located NotADocx
    raise ContentError.at(f"expected a .yaml content file or a .docx, got {path.suffix or 'no extension'}",
                          display_path(path))


def read_earlier(path: Path, revision: str, templates: Path | None = None) -> Side:
    """The content file as it was at git `revision`, rendered in memory."""
    from reportgen.pipeline import old_version, report_from_text

    name = f"{display_path(path)}@{revision}"
    report, _ = report_from_text(old_version(path, revision), name, Path(path), exempt_allowed=True)
    return Side(name, _render(report, templates), report, template=_template(report, templates))


def _render(report: Node, templates: Path | None) -> dict[str, bytes]:
    from reportgen.pipeline import render_report as render

    return render(report, _template(report, templates))


def _template(report: Node, templates: Path | None) -> Path:
    from reportgen.pipeline import template_path

    return template_path(report, templates)


def describe(old: Side, new: Side) -> list[str] | None:
    """The changes from OLD to NEW in the report's own words; None unless both came from content."""
    if old.report is None or new.report is None:
        return None
    from reportgen.oxml.text import field_labels
    from reportgen.pipeline import load_template, printed_fields

    labels: dict[str, str] = {}
    printed: tuple[dict[str, str], dict[str, str]] = ({}, {})
    if old.template is not None and new.template is not None and type(old.report) is type(new.report):
        template = load_template(new.template)
        labels = field_labels(template.parts)
        printed = (printed_fields(old.report, old.template), printed_fields(new.report, template))
    return describe_changes(old.report, new.report, labels, printed)


def revision_date(parts: dict[str, bytes], date: _dt.date | None = None) -> str:
    """The revisions' w:date: `date` if given, else the new document's own date, so output is repeatable."""
    if date is not None:
        return f"{date.isoformat()}T00:00:00Z"
    from reportgen.oxml.properties import core_property

    found = core_property(parts, "dcterms:created") or core_property(parts, "dcterms:modified")
    return found.strip() if found and found.strip() else FALLBACK_DATE


def default_author(parts: dict[str, bytes]) -> str:
    from reportgen.oxml.properties import core_property

    found = core_property(parts, "dc:creator")
    return found if found and found.strip() else DEFAULT_AUTHOR


def redline_parts(old: Side, new: Side, *, author: str | None = None,
                  date: _dt.date | None = None) -> dict[str, bytes]:
    """NEW's document parts carrying tracked changes that lead back to OLD."""
    from reportgen.oxml.compare import compare_parts
    from reportgen.oxml.revisions import Reviser

    reviser = Reviser(author or default_author(new.parts), revision_date(new.parts, date))
    return compare_parts(old.parts, new.parts, reviser)


def redline(old: Side, new: Side, out: Path, *, author: str | None = None, date: _dt.date | None = None,
            force: bool = False, include_exempt: bool = False) -> RedlineResult:
    """Write the redlined document to `out` (never over an edited one) and say what changed.

    A public NEW against an OLD holding non-public text would publish that text as tracked deletions:
    refused, unless `include_exempt`, and then the redline is marked as not for publication.
    """
    from reportgen.checks.safety import mark_non_public
    from reportgen.oxml.revisions import count_revisions
    from reportgen.pipeline import write_docx

    started = time.perf_counter()
    exposed = [] if new.exempt else old.exempt
    if exposed and not include_exempt:
        raise ContentError([Problem(
            f"{p.message}, and {new.name} is public: the redline would show this non-public text as tracked "
            "changes in a public document, so nothing was written. Compare two non-public versions, or run "
            "again with --include-exempt to write it marked NOT FOR PUBLICATION", p.position, p.path,
            rule="exempt-in-redline") for p in exposed])
    parts = redline_parts(old, new, author=author, date=date)
    if exposed:
        parts = mark_non_public(parts, f"NOT FOR PUBLICATION: this redline shows non-public (exempt) text from "
                                       f"{old.name} as tracked changes. Circulate it only to those entitled to "
                                       "see exempt information.")
    changes = describe(old, new)
    written = write_docx(parts, Path(out), force=force)
    return RedlineResult(written.path, time.perf_counter() - started, count_revisions(parts), changes,
                         written.unchanged, written.kept_edited_copy, (old.name, new.name), bool(exposed))


def redline_files(versions: list[Path], out: Path | None = None, *, since: str | None = None,
                  author: str | None = None, date: _dt.date | None = None, templates: Path | None = None,
                  force: bool = False, include_exempt: bool = False) -> RedlineResult:
    """`redline OLD NEW` or `redline NEW --since REV`: read both versions, write the redline, time it all."""
    from reportgen.errors import ReportgenError

    started = time.perf_counter()
    if len(versions) != (1 if since else 2):
        raise ReportgenError([Problem("expected OLD and NEW (content files or .docx), "
                                      "or one content file with --since GIT_REV")])
    new = read_side(versions[-1], templates)
    old = read_earlier(versions[0], since, templates) if since else read_side(versions[0], templates)
    out = out or Path("build") / f"{Path(versions[-1]).stem}.redline.docx"
    result = redline(old, new, out, author=author, date=date, force=force, include_exempt=include_exempt)
    result.seconds = time.perf_counter() - started
    return result
