"""The pipeline for one content file, load -> validate -> render -> write, and the list of files to build."""

from __future__ import annotations

import glob
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from reportgen.errors import ContentError, Position, Problem
from reportgen.kinds import kind_of
from reportgen.model import Node
from reportgen.pipeline.draft import DraftMark
from reportgen.pipeline.load import LoadedContent, load
from reportgen.pipeline.validate import validate

CONTENT_SUFFIXES = (".yaml", ".yml")


@dataclass
class BuildResult:
    """What one build did: the file it wrote, how long it took, and what it warned about."""

    source: Path
    output: Path | None = None
    seconds: float = 0.0
    warnings: list[Problem] = field(default_factory=list)
    kept_edited_copy: Path | None = None
    unchanged: bool = False
    template: Path | None = None
    """The template it was filled from (None for a pack, which is assembled from other documents)."""
    pack: bool = False
    """It is an agenda's pack (kinds: `pack`): its PDF is drawn with the pack's PDF appendices."""


def content_files(arguments: list[str] | tuple[str, ...], default: Path = Path("content")) -> list[Path]:
    """Content files named by files, folders or globs; everything in `content/` when none are named."""
    if not arguments:
        arguments = [str(default)]
    found: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix in CONTENT_SUFFIXES and p.is_file()))
        elif any(c in argument for c in "*?["):
            found.extend(sorted(Path(p) for p in glob.glob(argument, recursive=True)))
        else:
            found.append(path)
    unique: dict[Path, Path] = {}
    for path in found:  # `content/x.yaml` and `./content//x.yaml` are one file, built once
        unique.setdefault(_same_file_key(path), path)
    return list(unique.values())


def _same_file_key(path: Path) -> Path:
    # spelled out, not resolved: a link with a name of its own builds under that name
    return Path(os.path.normpath(os.path.abspath(path)))


def output_path(source: Path, out_dir: Path, suffix: str = ".docx") -> Path:
    return out_dir / f"{source.stem}{suffix}"


def output_clashes(files: list[Path], out_dir: Path) -> list[Problem]:
    """An error for each output two content files would both be built to (`a/x.yaml`, `b/x.yaml`): one
    would be lost. Names that differ only in case clash too: Windows, macOS and SharePoint fold case."""
    from reportgen.errors import Position, display_path

    first: dict[str, Path] = {}
    problems = []
    for source in files:
        output = output_path(source, out_dir)
        other = first.setdefault(output.name.casefold(), source)
        if other is not source:
            problems.append(Problem(
                f"this file and {display_path(other)} would both be built to {display_path(output)}, and one "
                "would be lost: rename one of them (a report's output is named after its content file)",
                Position(display_path(source)), rule="output-clash"))
    return problems


def read_report(source: Path, parse: Callable[..., LoadedContent] | None = None, *, publication: bool = False,
                strict: bool | None = None) -> tuple[Node, list[Problem]]:
    """Load and validate one content file: the model and the warnings met on the way.

    Confidential content in a Public report is an error; with `publication` (every build), a
    Public report's quotations without recorded consent are warned about too, and a figure its text
    prints that the data does not give is an error (`strict`: True or False says so for any report).
    """
    return checked(load(source, parse), publication=publication, strict=strict)


def report_from_text(text: str, name: str, path: Path | None = None, *, publication: bool = False,
                     strict: bool | None = None, exempt_allowed: bool = False) -> tuple[Node, list[Problem]]:
    """read_report for content already in memory (an old version from git, a file about to be written):
    `name` is how messages call it ('content/x.yaml@HEAD~1'), `path` where it is or will be.

    `exempt_allowed`: confidential parts of a Public report are not an error here, because the caller
    deals with exempt text itself (a redline refuses it, or marks itself not for publication)."""
    from reportgen.pipeline.load import parse_text

    return checked(parse_text(text, name, path), publication=publication, strict=strict,
                   exempt_allowed=exempt_allowed)


def checked(loaded: LoadedContent, *, publication: bool = False, strict: bool | None = None,
            exempt_allowed: bool = False) -> tuple[Node, list[Problem]]:
    """Loaded values validated into the model, then checked (see read_report and report_from_text)."""
    from reportgen.checks.content import check
    from reportgen.checks.safety import is_public, publication_problems

    report = validate(loaded)
    errors, cautions = publication_problems(report, consent=publication, confidential=not exempt_allowed)
    if strict is None:
        strict = publication and is_public(report)
    found = check(report, kind_of(report).checks, strict=strict)
    errors += [p for p in found if p.severity == "error"]
    if errors:
        raise ContentError(sorted(errors, key=lambda p: (p.position is None, p.position or Position(""))))
    return report, loaded.warnings + found + cautions


def build_one(source: Path, out_dir: Path, *, templates: Path | None = None, force: bool = False,
              extra_properties: dict[str, str] | None = None, draft: DraftMark | None = None,
              parse: Callable[..., LoadedContent] | None = None) -> BuildResult:
    """Build one content file into `out_dir`. Raises ReportgenError, having written nothing, on bad input.

    With `draft`, the document is marked as a draft (see reportgen.pipeline.draft); without, it carries no mark.
    """
    from reportgen.pipeline.draft import PROPERTY
    from reportgen.pipeline.render import render, template_path
    from reportgen.pipeline.write import write_docx

    started = time.perf_counter()
    source = Path(source)
    if source.suffix not in CONTENT_SUFFIXES:
        raise ContentError.at(f"expected a .yaml content file, got {source.suffix or 'no extension'}", source)
    # a draft is for reviewers, not the public: what would stop a Public build is only a warning
    report, warnings = read_report(source, parse, publication=True, strict=False if draft is not None else None)
    if kind_of(report).pack:  # an agenda builds into its pack (.docx)
        from reportgen.pipeline.agenda import build_agenda

        packed = build_agenda(source, out_dir, templates=templates, force=force)
        return BuildResult(source, packed.docx, time.perf_counter() - started, packed.warnings,
                           unchanged=packed.unchanged, pack=True)
    template = template_path(report, templates)
    warnings += template_warnings(report, template)
    if draft is not None:
        extra_properties = {**(extra_properties or {}), PROPERTY: draft.line}
    parts = render(report, template, extra_properties, draft.context() if draft else None)
    warnings += opening_warnings(template) + leaks(parts, output_path(source, out_dir))
    written = write_docx(parts, output_path(source, out_dir), force=force)
    return BuildResult(source, written.path, time.perf_counter() - started, warnings,
                       written.kept_edited_copy, written.unchanged, template)


def opening_warnings(template: Path) -> list[Problem]:
    """What opening the template safely removed from it (macros, external links): said on every build."""
    from reportgen.pipeline.render.template import load_template

    return list(load_template(template).warnings)


def leaks(parts: dict[str, bytes], output: Path) -> list[Problem]:
    """What the output would carry that must not be published (comments or hidden text from an edited
    template, a machine path), as warnings. Template tags are left out: content may print them."""
    from dataclasses import replace

    from reportgen.checks.scan import scan_parts

    return [replace(p, severity="warning") for p in scan_parts(parts, output) if p.rule != "template-leftover"]


def check_one(source: Path, *, templates: Path | None = None, publication: bool = False,
              strict: bool = False) -> list[Problem]:
    """Everything `reportgen check` says about one file: for content, its warnings and the accessibility
    findings in its document rendered in memory (nothing written); for a .docx or .pdf, its
    accessibility findings and the publication-safety scan. Raises ReportgenError on bad input."""
    from reportgen.checks import accessibility, scan

    source = Path(source)
    if source.suffix.lower() in (".docx", ".pdf"):
        if not source.is_file():
            raise ContentError.at("no such file", source)
        check = accessibility.check_docx if source.suffix.lower() == ".docx" else accessibility.check_pdf
        return check(source) + scan.scan_file(source)
    from reportgen.pipeline.render import render, template_path

    report, warnings = read_report(source, publication=publication, strict=True if strict else None)
    if kind_of(report).pack:  # its papers give titles and warnings
        from reportgen.pipeline.agenda import read_agenda

        report, _, warnings = read_agenda(source)
    template = template_path(report, templates)
    warnings += template_warnings(report, template)
    parts = render(report, template)
    return warnings + opening_warnings(template) + accessibility.check_report(report, parts, template)


def template_warnings(report, template: Path) -> list[Problem]:
    """What the report's template cannot show or requires that the report leaves out, as warnings
    (its errors stop the render itself)."""
    from reportgen.pipeline.render import template_problems

    return [p for p in template_problems(report, template) if p.severity == "warning"]
