"""Builds many content files at once: in parallel worker processes, one failure never stopping the rest.

Files are cut into contiguous chunks handed to a process pool. A worker process keeps the templates it
has compiled (render.template.load_template caches them), so each worker compiles each template once
however many chunks it takes. Outcomes are handed back in the order the files were named, so what
the command prints does not depend on which worker finished first.
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from reportgen.errors import Position, Problem, ReportgenError, display_path
from reportgen.pipeline.build import BuildResult, build_one

CHUNKS_PER_JOB = 4
"""Chunks per worker: enough for the progress bar to move and the load to even out, few enough to stay cheap."""


@dataclass
class Outcome:
    """What became of one content file in a batch: built (with its result) or not (with its problems)."""

    source: Path
    result: BuildResult | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.result is not None


@dataclass(frozen=True)
class BuildOptions:
    """What every build in a batch shares (picklable: sent to each worker)."""

    out_dir: Path
    templates: Path | None = None
    force: bool = False
    draft: bool = False
    """Mark each document as a draft (see reportgen.pipeline.draft), dated `draft_date` or today."""
    draft_date: _dt.date | None = None


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def build_many(files: list[Path], options: BuildOptions, *, jobs: int | None = None,
               progress: bool = False, on_outcome: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Build every file; call `on_outcome` for each in the order given; the outcomes in that order.

    Raises ContentError, having built nothing, when two files would be built to one output.
    """
    from reportgen.errors import ContentError
    from reportgen.pipeline.build import output_clashes

    clashes = output_clashes(files, options.out_dir)
    if clashes:
        raise ContentError(clashes)
    jobs = max(1, min(jobs or default_jobs(), len(files)))
    outcomes: list[Outcome] = []
    # the pool's workers are started (forked) here, before the progress bar starts its thread
    running = _in_process(files, options) if jobs == 1 else _in_pool(files, options, jobs)
    with _progress_bar(len(files), progress) as advance:
        for outcome in running:
            outcomes.append(outcome)
            advance()
            if on_outcome is not None:
                on_outcome(outcome)
    return outcomes


def build_chunk(files: list[Path], options: BuildOptions) -> list[Outcome]:
    """Build a run of files in this process (a worker's task), made durable on disk together."""
    from reportgen.pipeline.write import one_sync_for_many

    with one_sync_for_many() as not_placed:
        outcomes = [_build(source, options) for source in files]
    for outcome in outcomes:
        if outcome.result is not None and outcome.result.output in not_placed:
            outcome.problems, outcome.result = [not_placed[outcome.result.output]], None
    return outcomes


def _build(source: Path, options: BuildOptions) -> Outcome:
    from reportgen.pipeline.draft import draft_mark

    try:
        mark = draft_mark(source, options.draft_date) if options.draft else None
        return Outcome(source, build_one(source, options.out_dir, templates=options.templates, force=options.force,
                                         draft=mark))
    except ReportgenError as exc:
        return Outcome(source, problems=list(exc.problems))
    except Exception as exc:  # a reportgen bug in one report must not lose the other reports
        if os.environ.get("REPORTGEN_DEBUG"):
            traceback.print_exc()
        return Outcome(source, problems=[Problem(
            f"internal error: {type(exc).__name__}: {exc} (this is a reportgen bug; run with "
            "REPORTGEN_DEBUG=1 for details)", rule="internal")])


def _in_process(files: list[Path], options: BuildOptions) -> Iterator[Outcome]:
    for start in range(0, len(files), 16):  # in runs, so outcomes show as they come and each run syncs once
        yield from build_chunk(files[start:start + 16], options)


def chunks(files: list[Path], jobs: int) -> list[list[Path]]:
    """Contiguous runs of `files`, about CHUNKS_PER_JOB per job, in order."""
    count = min(len(files), jobs * CHUNKS_PER_JOB)
    size, extra = divmod(len(files), count)
    out, start = [], 0
    for n in range(count):
        end = start + size + (1 if n < extra else 0)
        out.append(files[start:end])
        start = end
    return out


def _in_pool(files: list[Path], options: BuildOptions, jobs: int) -> Iterator[Outcome]:
    """Start the workers and hand them every chunk now; the outcomes, in order, as they are collected."""
    import multiprocessing

    # imported here, not at the top: a one-file build never starts a pool (about 30 ms of each build)
    from concurrent.futures import Future, ProcessPoolExecutor

    # fork (where there is one) lets workers start with reportgen already imported
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    _warm_imports()
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context)
    work = chunks(files, jobs)
    futures: list[Future] = [pool.submit(build_chunk, chunk, options) for chunk in work]

    def collect() -> Iterator[Outcome]:
        try:
            for chunk, future in zip(work, futures):
                try:
                    yield from future.result()
                except Exception as exc:  # the worker died (killed, out of memory): its files failed, not the batch
                    for source in chunk:
                        yield Outcome(source, problems=[Problem(
                            f"internal error: the worker process failed: {exc}", rule="internal")])
        finally:
            pool.shutdown(cancel_futures=True)

    return collect()


def _warm_imports() -> None:
    """Import the whole pipeline once in the parent, so forked workers do not each import it again."""
    import jinja2.sandbox  # noqa: F401

    import reportgen.checks.content  # noqa: F401
    import reportgen.checks.safety  # noqa: F401
    import reportgen.checks.scan  # noqa: F401
    import reportgen.pipeline.render  # noqa: F401
    import reportgen.pipeline.render.cover  # noqa: F401
    import reportgen.pipeline.write  # noqa: F401
    from reportgen.pipeline.fastload import _yaml

    _yaml()  # the libyaml reader, made once


class _progress_bar:
    """A rich progress bar on stderr when it is a terminal; otherwise nothing at all."""

    def __init__(self, total: int, wanted: bool) -> None:
        self.total = total
        self.shown = wanted and sys.stderr.isatty()
        self._progress = None

    def __enter__(self) -> Callable[[], None]:
        if not self.shown:
            return lambda: None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._progress = Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                  console=Console(stderr=True), transient=True)
        self._progress.start()
        task = self._progress.add_task("build", total=self.total)
        return lambda: self._progress.advance(task)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


def summary(outcomes: list[Outcome]) -> list[Problem]:
    """One line per file that was not built, saying why (its first problem, and how many more)."""
    failed = [o for o in outcomes if not o.ok]
    if not failed:
        return []
    names = ", ".join(display_path(o.source) for o in failed)
    lines = [Problem(f"{len(failed)} of {len(outcomes)} report(s) not built: {names}")]
    for outcome in failed:
        errors = [p for p in outcome.problems if p.severity == "error"] or outcome.problems
        first = errors[0] if errors else Problem("failed")
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        why = f"{first.path}: {first.message}" if first.path else first.message
        lines.append(Problem(f"{why}{more}", Position(display_path(outcome.source))))
    return lines
