"""Watch mode: rebuild a report each time its content file or its Word template is saved.

Templates stay compiled between rebuilds (render.template caches them until the file changes) and
only the changed pieces of the content are parsed again (pipeline/reload.py), so a rebuild costs little
more than validate, render and write. An error is printed in the usual
file:line:col form and watching goes on; the next save tries again.

With `pdf`, each rebuilt report's PDF is written too, by the LibreOffice this process keeps running
(reportgen.features.publish.office), so a save shows as a new PDF in well under a second once the first is made.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from reportgen.errors import Problem, ReportgenError
from reportgen.pipeline import Outcome, Reloader, build_one, content_files, output_clashes, template_folders

STEP_MS = 10
"""How long to wait for more changes after one is seen: editors write a file in one go."""
DEBOUNCE_MS = 400
"""The longest a burst of changes is gathered before rebuilding."""


@dataclass
class Rebuild(Outcome):
    """One rebuild of one content file: a batch's outcome, with its time and whether it was the first."""

    seconds: float = 0.0
    first: bool = False
    pdf: Path | None = None
    """The PDF written after the .docx (watch --pdf)."""


def _quiet(line: str, error: bool = False) -> None:
    """Say nothing: the command line passes its own `say`."""


@dataclass
class Watcher:
    """Content files being watched, the templates each was last built with, and how to build them."""

    sources: list[Path]
    out_dir: Path
    templates: Path | None = None
    force: bool = False
    say: Callable[[str, bool], None] = _quiet
    on_rebuild: Callable[[Rebuild], None] | None = None
    template_of: dict[Path, Path] = field(default_factory=dict)
    reloader: Reloader = field(default_factory=Reloader)
    pdf: bool = False
    pdf_timeout: float | None = None

    def build(self, source: Path, first: bool = False) -> Rebuild:
        started = time.perf_counter()
        done = Rebuild(source, first=first)
        try:
            done.result = build_one(source, self.out_dir, templates=self.templates, force=self.force,
                                    parse=self.reloader.parse_text)
            if done.result.template is not None:
                self.template_of[source.resolve()] = done.result.template.resolve()
        except ReportgenError as exc:
            done.problems = exc.problems
        except Exception as exc:  # a bug: say so, and keep watching the other saves
            done.problems = [Problem(f"internal error: {type(exc).__name__}: {exc} (a reportgen bug)",
                                     rule="internal")]
        done.seconds = time.perf_counter() - started
        self._report(done)
        if self.pdf and done.result is not None:
            self._publish(done)
        if self.on_rebuild is not None:
            self.on_rebuild(done)
        return done

    def _report(self, done: Rebuild) -> None:
        if done.result is None:
            for problem in done.problems:
                self.say(str(problem), True)
            self.say(f"{done.source}: not {'built' if done.first else 'rebuilt'} ({len(done.problems)} problem(s)); still watching", True)
            return
        for warning in done.result.warnings:
            self.say(str(warning), True)
        note = " (unchanged)" if done.result.unchanged else ""
        if done.result.kept_edited_copy:
            note += f" (edited copy kept as {done.result.kept_edited_copy})"
        self.say(f"{'built' if done.first else 'rebuilt'} {done.result.output} in {done.seconds * 1000:.0f} ms{note}", False)

    def _publish(self, done: Rebuild) -> None:
        """The PDF of what was just built, when it is missing or older than the .docx; problems are said."""
        from reportgen.features.pack import publish_built

        started = time.perf_counter()
        try:  # a report's PDF when outdated; an agenda's pack with its PDF appendices drawn in
            written = list(publish_built([done], timeout=self.pdf_timeout))
            if not written:
                return
            done.pdf, warnings = written[0].output, written[0].warnings
        except ReportgenError as exc:
            for problem in exc.problems:
                self.say(str(problem), True)
            self.say(f"{done.source}: no PDF written ({len(exc.problems)} problem(s)); still watching", True)
            return
        except Exception as exc:  # a bug: say so, and keep watching
            self.say(f"internal error: {type(exc).__name__}: {exc} (a reportgen bug)", True)
            return
        for warning in warnings:
            self.say(str(warning), True)
        self.say(f"wrote {done.pdf} in {(time.perf_counter() - started) * 1000:.0f} ms", False)

    def affected(self, changed: set[Path]) -> list[Path]:
        """The content files to rebuild for these saved files: themselves, or those using a saved template
        (or its house format settings file beside it)."""
        def uses(source: Path) -> bool:
            template = self.template_of.get(source.resolve())
            return template is not None and (template in changed or template.with_suffix(".yaml") in changed)

        return [s for s in self.sources if s.resolve() in changed or uses(s)]

    def watched(self) -> set[Path]:
        templates = set(self.template_of.values())
        return {s.resolve() for s in self.sources} | templates | {t.with_suffix(".yaml") for t in templates}


def watch(arguments: list[str] | tuple[str, ...], out_dir: Path, *, templates: Path | None = None,
          force: bool = False, say: Callable[[str, bool], None] = _quiet,
          on_rebuild: Callable[[Rebuild], None] | None = None,
          stop: threading.Event | None = None, pdf: bool = False, pdf_timeout: float | None = None) -> Watcher:
    """Build every named content file, then rebuild on each save until Ctrl-C (or `stop` is set).

    With `pdf`, each build's PDF is written too (LibreOffice is checked for before anything is built)."""
    from watchfiles import watch as watch_changes

    sources = content_files(arguments)
    if not sources:
        raise ReportgenError([Problem("no content files found: expected .yaml files in content/ or as arguments")])
    clashes = output_clashes(sources, out_dir)
    if clashes:
        raise ReportgenError(clashes)
    if pdf:
        from reportgen.features.publish import find_soffice

        find_soffice()  # a missing LibreOffice is said at once, not after each save
    watcher = Watcher(sources, out_dir, templates, force, say, on_rebuild, pdf=pdf, pdf_timeout=pdf_timeout)
    for source in sources:
        watcher.build(source, first=True)
    # watch folders, not files: editors save by writing a new file and renaming it over the old one
    folders = sorted({p.parent for p in watcher.watched()} | {s.resolve().parent for s in sources}
                     | {f.resolve() for f in template_folders(templates) if f.is_dir()})
    try:
        # inside the try: a Ctrl-C straight after this line must still stop cleanly
        say(f"watching {len(sources)} report(s) and {len(set(watcher.template_of.values()))} template(s); "
            "press Ctrl-C to stop", False)
        for changes in watch_changes(*folders, watch_filter=lambda _, path: Path(path) in watcher.watched(),
                                     step=STEP_MS, debounce=DEBOUNCE_MS, stop_event=stop,
                                     raise_interrupt=True, recursive=False):
            for source in watcher.affected({Path(path) for _, path in changes}):
                watcher.build(source)
    except KeyboardInterrupt:
        pass
    say("stopped watching", False)
    return watcher
