"""The command line: parses arguments, calls the pipeline, and is the one place errors become messages."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reportgen.errors import Problem, ReportgenError

OUT_OPTION = click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
                          default=Path("build"), show_default=True, help="Folder for the built reports.")
TEMPLATES_OPTION = click.option("--templates", type=click.Path(file_okay=False, path_type=Path),
                                default=None, help="Folder of Word templates to use instead of report_templates/.")


def report(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reportgen")
def cli() -> None:
    """Committee reports and annual QA reports from YAML content and Word templates."""


@cli.command()
@click.argument("content", nargs=-1)
@OUT_OPTION
@TEMPLATES_OPTION
@click.option("--force", is_flag=True, help="Overwrite outputs edited since they were built, keeping a dated copy.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Reports built at once, in parallel processes.  [default: the number of cores]")
def build(content: tuple[str, ...], out_dir: Path, templates: Path | None, force: bool, jobs: int | None) -> None:
    """Build CONTENT files (files, folders or globs; default: everything in content/) into .docx."""
    from reportgen.batch import BuildOptions, Outcome, build_many, summary
    from reportgen.build import content_files

    files = content_files(content)
    if not files:
        raise ReportgenError([Problem("no content files found: expected .yaml files in content/ or as arguments")])

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

    outcomes = build_many(files, BuildOptions(out_dir, templates, force), jobs=jobs, progress=True, on_outcome=show)
    failed = summary(outcomes)
    if failed:
        raise ReportgenError(failed)


@cli.command()
@click.argument("content", nargs=-1)
def check(content: tuple[str, ...]) -> None:
    """Validate CONTENT without writing anything; print every error and warning."""
    from reportgen.build import content_files, read_report

    errors = 0
    warnings = 0
    for source in content_files(content):
        try:
            _, found = read_report(source)
        except ReportgenError as exc:
            report(exc.problems)
            errors += len(exc.problems)
            continue
        report(found)
        warnings += len(found)
    click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
    if errors:
        sys.exit(2)


@cli.command()
@click.argument("kind", type=click.Choice(["cover", "annual", "agenda"]))
@click.argument("name")
def new(kind: str, name: str) -> None:
    """Write content/NAME.yaml: a KIND skeleton with every field present, blank and commented."""
    from reportgen.skeleton import new_content

    for path in new_content(kind, name):
        click.echo(f"wrote {path}")


@cli.command()
@click.argument("kind", required=False)
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write KIND's schema (or every kind's) into this folder instead of printing it.")
def schema(kind: str | None, out_dir: Path | None) -> None:
    """Print the JSON Schema of KIND (cover, annual, agenda); with no KIND, write them all to schemas/."""
    from reportgen.schema import SCHEMA_FOLDER, schema_text, write_schemas

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
    from reportgen.pack import build_pack

    result = build_pack(agenda, out_dir, templates=templates, force=force, pdf=not no_pdf)
    report(result.warnings)
    made = f"{result.docx} and {result.pdf}" if result.pdf else str(result.docx)
    click.echo(f"built {made} in {result.seconds:.1f} s")


@cli.command()
@click.argument("content", nargs=-1)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the table to this .docx or .csv file instead of showing it.")
@TEMPLATES_OPTION
def actions(content: tuple[str, ...], output: Path | None, templates: Path | None) -> None:
    """List every recommendation in CONTENT (default: content/) with its id, status, owner and due date."""
    from reportgen.actions import collect, terminal_table, write
    from reportgen.build import content_files

    found, problems = collect(content_files(content))
    report(problems)
    if output is not None:
        click.echo(f"wrote {write(found, output, templates)} ({len(found)} recommendation(s))")
    else:
        from rich.console import Console

        Console().print(terminal_table(found))
    if problems:
        raise ReportgenError([Problem("some content files could not be read: their recommendations are missing")])


def main() -> None:
    """Entry point: the one place a ReportgenError becomes a message on stderr and exit status 2."""
    try:
        cli.main(standalone_mode=False)
    except ReportgenError as exc:
        report(exc.problems)
        sys.exit(exc.exit_status)
    except click.exceptions.Abort:
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
