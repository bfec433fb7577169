"""The command line: parses arguments, calls the pipeline, and is the one place errors become messages."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Callable

import click

from reportgen import __version__
from reportgen.errors import Problem, ReportgenError
from reportgen.lib.settings import check_environment

OUT_OPTION = click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
                          default=Path("build"), show_default=True, help="Folder for the built reports.")
TEMPLATES_OPTION = click.option("--templates", type=click.Path(file_okay=False, path_type=Path),
                                default=None, help="Folder of Word templates to use first (before ./report_templates/ and the factory set).")
FORCE_OPTION = click.option("--force", is_flag=True,
                            help="Overwrite outputs edited since they were built, keeping a dated copy.")
PDF_TIMEOUT_OPTION = click.option("--pdf-timeout", type=click.FloatRange(min=1), default=None,
                                  help="Seconds a document may take before a hung LibreOffice is stopped (default 60; "
                                  "a one-off LibreOffice run, the fallback, gets 120 + 30 per extra file).")


def content_options(command: Callable) -> Callable:
    """CONTENT files, folders or globs, where built reports go, the templates, and --force."""
    for option in (FORCE_OPTION, TEMPLATES_OPTION, OUT_OPTION, click.argument("content", nargs=-1)):
        command = option(command)
    return command


class KindChoice(click.Choice):
    """The kinds content files may name (reportgen.kinds), read when the argument is: `--version` and
    `--help` do not import the content model."""

    def __init__(self) -> None:
        super().__init__([])

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        from reportgen.kinds import WRITTEN

        return WRITTEN

    @choices.setter
    def choices(self, _: object) -> None:
        pass


def report(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
def cli() -> None:
    """Committee reports and annual QA reports from YAML content and Word templates."""


@cli.command()
@content_options
@click.option("--draft", is_flag=True, help="Mark the document as a draft: DRAFT, the date and the content's git revision in the header.")
@click.option("--draft-date", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The draft's date (yyyy-mm-dd); default today.")
@click.option("--pdf", is_flag=True, help="Also write a tagged PDF beside each .docx (needs LibreOffice).")
@PDF_TIMEOUT_OPTION
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Reports built at once, in parallel processes.  [default: the number of cores]")
def build(content: tuple[str, ...], out_dir: Path, templates: Path | None, force: bool, draft: bool,
          draft_date, pdf: bool, pdf_timeout: float | None, jobs: int | None) -> None:
    """Build CONTENT files (files, folders or globs; default: everything in content/) into .docx (and PDF)."""
    from reportgen.features.pack import publish_built
    from reportgen.pipeline import BuildOptions, Outcome, build_many, content_files, summary

    files = content_files(content)
    if not files:
        raise ReportgenError([Problem("no content files found: expected .yaml files in content/ or as arguments")])
    if pdf:
        from reportgen.features.publish import find_soffice
        find_soffice()  # before building anything: a missing LibreOffice is said at once

    def show(outcome: Outcome) -> None:
        if not outcome.ok:
            report(outcome.problems)
            return
        result = outcome.result
        report(result.warnings)
        note = " (unchanged)" if result.unchanged else ""
        if result.kept_edited_copy:
            note += f" (edited copy kept as {result.kept_edited_copy})"
        click.echo(f"built {result.output} in {result.seconds * 1000:.0f} ms{note}")

    options = BuildOptions(out_dir, templates, force, draft, draft_date.date() if draft_date else None)
    outcomes = build_many(files, options, jobs=jobs, progress=True, on_outcome=show)
    if pdf:
        for done in publish_built(outcomes, timeout=pdf_timeout):
            report(done.warnings)
            click.echo(f"wrote {done.output}")
    elif not (shutil.which("soffice") or shutil.which("libreoffice")):  # cheap: most machines have it
        from reportgen.features.publish.layout import missing_page_numbers

        report(missing_page_numbers([o.result.output for o in outcomes if o.ok and not o.result.pack]))
    failed = summary(outcomes)
    if failed:
        raise ReportgenError(failed)


@cli.command()
@click.argument("docx", nargs=-1)
@PDF_TIMEOUT_OPTION
@click.option("--server", type=click.Choice(["start", "stop", "status"]), default=None,
              help="Keep one LibreOffice running for every reportgen command (start), stop it, or show it.")
def pdf(docx: tuple[str, ...], pdf_timeout: float | None, server: str | None) -> None:
    """Convert DOCX files to tagged PDF beside them (contents page numbers filled in).

    Conversions go through a LibreOffice kept running: this user's server when one was started with
    `reportgen pdf --server start`, otherwise one started for this command and stopped at its end.
    """
    if server is not None:
        if docx:
            raise click.UsageError("--server takes no DOCX files")
        _pdf_server(server)
        return
    if not docx:
        raise click.UsageError("name the .docx files to convert (or use --server start|stop|status)")
    from reportgen.features.publish import convert

    for done in convert([Path(d) for d in docx], timeout=pdf_timeout):
        report(done.warnings)
        click.echo(f"wrote {done.output}")


def _pdf_server(action: str) -> None:
    from reportgen.features.publish import find_soffice, office

    try:
        if action == "start":
            status = office.start_server(find_soffice())
            verb = "already running" if status.get("already") else "started"
        elif action == "stop":
            status = office.stop_server()
            verb = "stopped"
        else:
            status = office.server_status()
            verb = "running"
    except office.Unavailable as exc:
        raise ReportgenError([Problem(f"the LibreOffice server: {exc}", rule="pdf-server")]) from None
    if status is None:
        click.echo("no LibreOffice server is running" + (" (nothing to stop)" if action == "stop" else ""))
        return
    click.echo(f"LibreOffice server {verb}: process {status['pid']}, LibreOffice process "
               f"{status.get('office_pid') or '(none: starts on the next PDF)'}, {status.get('conversions', 0)} "
               f"document(s) converted, LibreOffice started {status.get('starts', 0)} time(s); socket {status['socket']}")


@cli.command()
@click.argument("content", nargs=-1)
@TEMPLATES_OPTION
@click.option("--publication", is_flag=True,
              help="Also check as a Public build does: quotations without recorded consent are warned about, "
                   "and a figure in the text that the data does not give is an error.")
@click.option("--strict", is_flag=True,
              help="Treat what must not be published as errors: a figure in the text that the data does not give.")
def check(content: tuple[str, ...], templates: Path | None, publication: bool, strict: bool) -> None:
    """Validate CONTENT (or check .docx/.pdf files) without writing anything; print every error and warning.

    Content and .docx files get the accessibility checks; .docx and .pdf files the publication-safety scan.
    """
    from reportgen.pipeline import check_one, content_files

    errors = 0
    warnings = 0
    for source in content_files(content):
        try:
            found = check_one(source, templates=templates, publication=publication, strict=strict)
        except ReportgenError as exc:
            report(exc.problems)
            errors += sum(p.severity == "error" for p in exc.problems)
            warnings += sum(p.severity == "warning" for p in exc.problems)
            continue
        report(found)
        errors += sum(p.severity == "error" for p in found)
        warnings += sum(p.severity == "warning" for p in found)
    click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
    if errors:
        sys.exit(2)


@cli.command()
@click.argument("kind", type=KindChoice())
@click.argument("name")
def new(kind: str, name: str) -> None:
    """Write content/NAME.yaml: a KIND skeleton with every field present, blank and commented."""
    from reportgen.features.authoring import new_content

    for path in new_content(kind, name):
        click.echo(f"wrote {path}")


@cli.command()
@click.argument("kind", required=False)
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write KIND's schema (or every kind's) into this folder instead of printing it.")
def schema(kind: str | None, out_dir: Path | None) -> None:
    """Print the JSON Schema of KIND (a kind content may name); with no KIND, write them all to schemas/."""
    from reportgen.features.authoring import SCHEMA_FOLDER, schema_text, write_schemas

    if kind and out_dir is None:
        click.echo(schema_text(kind), nl=False)
        return
    for path in write_schemas(out_dir or Path(SCHEMA_FOLDER), [kind] if kind else None):
        click.echo(f"wrote {path}")


@cli.command()
@click.argument("agenda", type=click.Path(dir_okay=False, path_type=Path))
@OUT_OPTION
@TEMPLATES_OPTION
@click.option("--force", is_flag=True, help="Overwrite a pack edited since it was built, keeping a dated copy.")
@click.option("--no-pdf", is_flag=True, help="Write the .docx pack only.")
def pack(agenda: Path, out_dir: Path, templates: Path | None, force: bool, no_pdf: bool) -> None:
    """Build the agenda pack of AGENDA (content/agenda-YYYY-MM-DD.yaml) as .docx and PDF."""
    from reportgen.features.pack import build_pack

    result = build_pack(agenda, out_dir, templates=templates, force=force, pdf=not no_pdf)
    report(result.warnings)
    left_out = list(dict.fromkeys(result.left_out))
    if left_out:
        click.echo(f"left out of the public pack as non-public ({len(left_out)} file(s)); circulate separately:")
        for name in left_out:
            click.echo(f"  {name}")
    made = f"{result.docx} and {result.pdf}" if result.pdf else str(result.docx)
    click.echo(f"built {made} in {result.seconds:.1f} s")


@cli.command()
@click.argument("content", nargs=-1)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the table to this .docx or .csv file instead of showing it.")
@TEMPLATES_OPTION
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d", "%d/%m/%Y"]), default=None,
              help="Mark as overdue what was due before this date (yyyy-mm-dd) and is not completed; "
                   "default each report's own date.")
def actions(content: tuple[str, ...], output: Path | None, templates: Path | None, as_of) -> None:
    """List every recommendation in CONTENT (default: content/) with its id, status, owner and due date."""
    from reportgen.features.actions import collect, terminal_table, write
    from reportgen.pipeline import content_files

    found, problems = collect(content_files(content), as_of.date() if as_of else None)
    report(problems)
    problems = [p for p in problems if p.severity == "error"]
    if output is not None and problems:  # a partial table must not replace a good one
        raise ReportgenError([Problem(f"some content files could not be read: {output} was not written "
                                      "(fix the errors above and run again)")])
    if output is not None:
        click.echo(f"wrote {write(found, output, templates)} ({len(found)} recommendation(s))")
    else:
        from rich.console import Console

        Console().print(terminal_table(found))
    if problems:
        raise ReportgenError([Problem("some content files could not be read: their recommendations are missing")])


@cli.command()
@content_options
@click.option("--pdf", is_flag=True, help="Also write the tagged PDF after each rebuild (LibreOffice is kept running).")
@PDF_TIMEOUT_OPTION
def watch(content: tuple[str, ...], out_dir: Path, templates: Path | None, force: bool, pdf: bool,
          pdf_timeout: float | None) -> None:
    """Rebuild CONTENT (default: everything in content/) each time it or its template is saved; Ctrl-C stops."""
    from reportgen.features.watch import watch as watch_reports

    def say(line: str, error: bool = False) -> None:
        click.echo(line, err=error)

    watch_reports(content, out_dir, templates=templates, force=force, pdf=pdf, pdf_timeout=pdf_timeout, say=say)


@cli.command()
@click.argument("versions", nargs=-1, required=True)
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The redlined .docx to write; default build/NAME.redline.docx.")
@click.option("--since", "since", default=None, metavar="GIT_REV",
              help="Compare one content file with itself as it was at this git revision.")
@click.option("--author", default=None, help="The reviser's name on the tracked changes; default the report's author.")
@click.option("--date", "date", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The tracked changes' date (yyyy-mm-dd); default the new report's own date.")
@TEMPLATES_OPTION
@click.option("--force", is_flag=True, help="Overwrite an output edited since it was written, keeping a dated copy.")
@click.option("--include-exempt", is_flag=True,
              help="Allow non-public text from OLD in a public NEW's redline; the redline is marked NOT FOR PUBLICATION.")
def redline(versions: tuple[str, ...], out: Path | None, since: str | None, author: str | None, date,
            templates: Path | None, force: bool, include_exempt: bool) -> None:
    """Write NEW with Word tracked changes from OLD: `redline OLD NEW` or `redline NEW --since REV`.

    OLD and NEW are content files or built .docx files.
    """
    from reportgen.features.redline import redline_files

    result = redline_files([Path(v) for v in versions], out, since=since, author=author,
                           date=date.date() if date else None, templates=templates, force=force,
                           include_exempt=include_exempt)
    if result.changes == []:
        click.echo("  no changes to the content")
    for change in result.changes or []:
        click.echo(f"  {change}")
    counts = result.revisions
    note = f" (edited copy kept as {result.kept_edited_copy})" if result.kept_edited_copy else ""
    click.echo(f"wrote {result.output}: {counts['ins']} insertion(s), {counts['del']} deletion(s), "
               f"{counts['formatting']} formatting change(s) from {result.sides[0]} to {result.sides[1]} "
               f"in {result.seconds * 1000:.0f} ms{note}")
    if result.non_public:
        click.echo("  marked NOT FOR PUBLICATION: it shows non-public text (--include-exempt)")


def _stop_on_sigterm() -> None:
    """SIGTERM (a service stopping, `kill`, a CI timeout) stops reportgen as Ctrl-C does: cleanly."""
    import signal

    from reportgen.errors import Terminated

    def terminated(signum: int, frame: object) -> None:
        raise Terminated()

    signal.signal(signal.SIGTERM, terminated)


@cli.command()
@click.argument("content", nargs=-1)
@click.option("--port", type=click.IntRange(0, 65535), default=0,
              help="Port on 127.0.0.1 to listen on.  [default: a free one]")
@click.option("--no-browser", is_flag=True, help="Only print the address; do not open a browser.")
@OUT_OPTION
@TEMPLATES_OPTION
def edit(content: tuple[str, ...], port: int, no_browser: bool, out_dir: Path, templates: Path | None) -> None:
    """Edit content files in a form in your browser: CONTENT is a folder (default content/) or files in it."""
    from reportgen.features.editor.app import serve
    from reportgen.features.editor.service import Workspace

    first = Path(content[0]) if content else Path("content")
    folder = first if first.is_dir() else first.parent
    if not folder.is_dir():
        raise ReportgenError([Problem(f"no content folder: expected a folder such as content/, got {folder}")])
    opened = first.name if first.is_file() else None
    serve(Workspace(folder, out_dir, templates), port=port, open_browser=not no_browser, announce=click.echo,
          open_file=opened)


@cli.command(name="import")
@click.argument("docx", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", default=None, metavar="KIND",
              help="The kind of report (one the importer reads: cover or annual).  [default: guessed from the document]")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The content file to write.  [default: content/NAME.yaml]")
@click.option("--into", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="Fold a reviewer's edits into this content file instead of writing a new one.")
@click.option("--reject", is_flag=True, help="Take tracked changes as rejected (default: accepted).")
@click.option("--yes", "-y", is_flag=True, help="With --into: write without asking.")
def import_(docx: Path, kind: str | None, out: Path | None, into: Path | None, reject: bool, yes: bool) -> None:
    """Read a Word report in the house format (DOCX) back into content: a new content file, or with
    --into, a reviewer's edits folded into an existing one (only the changed values rewritten)."""
    from reportgen.features.importer.run import fold_into, import_new

    if into is not None:
        result = fold_into(docx, into, accept=not reject)
        for line in result.summary:
            click.echo(f"  {line}")
        for comment in result.comments:
            click.echo(f"  comment: {comment}")
        if not result.changed:
            click.echo(f"no changes to fold into {into}")
            return
        if not yes and not click.confirm(f"write these changes into {into}?", default=True, err=True):
            click.echo("nothing written")
            return
        result.write()
        click.echo(f"wrote {into}")
        return
    written = import_new(docx, kind, out, accept=not reject)
    for guess in written.guesses:
        click.echo(f"guessed: {guess}", err=True)
    for text in written.unmapped:
        click.echo(f"not mapped (kept as a comment): {text}", err=True)
    click.echo(f"wrote {written.path}")


def main() -> None:
    """Entry point: the one place a ReportgenError becomes a message on stderr and exit status 2."""
    from reportgen.errors import Terminated

    _stop_on_sigterm()
    try:
        check_environment()
        cli.main(standalone_mode=False)
    except ReportgenError as exc:
        report(exc.problems)
        sys.exit(exc.exit_status)
    except (Terminated, click.exceptions.Abort) as exc:  # click turns Ctrl-C (and so SIGTERM) into Abort
        if isinstance(exc, Terminated) or isinstance(exc.__cause__, Terminated):
            click.echo("stopped (SIGTERM)", err=True)
            sys.exit(143)
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a bug in reportgen: say so plainly, keep the traceback for a developer
        import os
        if os.environ.get("REPORTGEN_DEBUG"):
            raise
        click.echo(f"internal error: {type(exc).__name__}: {exc} "
                   "(this is a reportgen bug; run with REPORTGEN_DEBUG=1 for details)", err=True)
        sys.exit(70)
