"""Watch mode: saving the content or its template rebuilds the report; errors are reported and watching goes on."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import wait_until_watched
from reportgen.oxml.text import document_text
from reportgen.features.watch import Rebuild, watch

NAME = "committee-cover-2020-02-qa-audits"
WAIT = 60  # seconds: generous, a slow CI machine must not fail the test (no timing is asserted)


class Running:
    """`reportgen watch` running in a thread, its rebuilds and messages collected."""

    def __init__(self, project: Path) -> None:
        self.rebuilds: queue.Queue[Rebuild] = queue.Queue()
        self.lines: list[str] = []
        self.stop = threading.Event()
        old = Path.cwd()
        os.chdir(project)  # watch resolves content/ and report_templates/ as a user's shell would
        self.thread = threading.Thread(target=watch, args=(["content"], Path("build")), kwargs=dict(
            say=lambda line, error: self.lines.append(line), on_rebuild=self.rebuilds.put, stop=self.stop),
            daemon=True)
        self.thread.start()
        self._old = old

    def next(self) -> Rebuild:
        return self.rebuilds.get(timeout=WAIT)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=WAIT)
        os.chdir(self._old)


@pytest.fixture
def running(project: Path):
    run = Running(project)
    yield run
    run.close()


def _wait_until_watching(run: Running, project: Path) -> None:
    deadline = time.monotonic() + WAIT
    while not any(line.startswith("watching") for line in run.lines):
        assert time.monotonic() < deadline, run.lines
        time.sleep(0.02)
    # the file watcher starts just after the message: ready when the kernel holds its watches
    wait_until_watched(os.getpid(), project / "content", project / "report_templates", timeout=WAIT)


def _save(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_saves_rebuild_and_errors_do_not_stop_watching(project: Path, running: Running) -> None:
    source = project / "content" / f"{NAME}.yaml"
    output = project / "build" / f"{NAME}.docx"
    first = running.next()
    assert first.first and first.result is not None and output.exists()
    _wait_until_watching(running, project)

    _save(source, "Members are asked to note the report.", "Members are asked to note the revised report.")
    rebuilt = running.next()
    assert rebuilt.result is not None and not rebuilt.first
    assert "Members are asked to note the revised report." in document_text(output)
    assert any(line.startswith(f"rebuilt {Path('build') / NAME}.docx in ") and line.endswith(" ms")
               for line in running.lines), running.lines

    _save(source, "dated: 10/02/2020", "dated: 31/02/2020")
    failed = running.next()
    assert failed.result is None
    assert any(line.startswith(f"content/{NAME}.yaml:5:8: error: dated: expected a real date")
               for line in running.lines), running.lines
    assert "Members are asked to note the revised report." in document_text(output)  # the last good build stays

    _save(source, "dated: 31/02/2020", "dated: 11/02/2020")
    fixed = running.next()
    assert fixed.result is not None
    assert "11/02/2020" in document_text(output)

    _save(source, "subject: Aidhour", 'subject: "Aidhour')  # a quote never closed: found where it opens
    unclosed = running.next()
    assert unclosed.result is None
    assert any(line.startswith(f'content/{NAME}.yaml:6:10: error: YAML syntax: the quote " opened here')
               for line in running.lines), running.lines


def test_saving_the_template_rebuilds(project: Path, running: Running) -> None:
    running.next()
    _wait_until_watching(running, project)
    template = project / "report_templates" / "committee-cover.docx"
    template.write_bytes(template.read_bytes())  # saved again from Word, unchanged
    again = running.next()
    assert again.result is not None and again.source.name == f"{NAME}.yaml"


def test_ctrl_c_stops_cleanly(project: Path) -> None:
    # a real process: Ctrl-C is a signal to the process, and its exit status is what the shell sees
    with open(project / "stderr.txt", "w+", encoding="utf-8") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "reportgen", "watch"], cwd=project, text=True,
                                   stdout=subprocess.PIPE, stderr=stderr)
        lines: queue.Queue[str] = queue.Queue()  # read by a thread, so that every wait below has a deadline
        reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True)
        reader.start()
        try:
            line = ""
            while not line.startswith("watching"):
                line = lines.get(timeout=WAIT)
            assert line.startswith("watching 1 report(s)")
            wait_until_watched(process.pid, project / "content", project / "report_templates", timeout=WAIT)
            process.send_signal(signal.SIGINT)
            process.wait(timeout=WAIT)
            reader.join(timeout=WAIT)  # the rest of its output
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        stderr.seek(0)
        err = stderr.read()
    assert process.returncode == 0, err
    out = "".join(lines.queue)
    assert "stopped watching" in out, (out, err)
    assert "Traceback" not in err


# -- the reloader: re-parsing only what changed gives exactly what a whole-file parse gives ---------

ROOT = Path(__file__).resolve().parents[1]
ANNUAL_TEXT = (ROOT / "content" / "annual-qa-report-2018-19.yaml").read_text(encoding="utf-8")
SECTION = "  - title: Review of Pathway Plans"
RELOAD_EDITS = {
    "unchanged": lambda t: t,
    "a word in a section": lambda t: t.replace("group supervision sessions", "all supervision sessions", 1),
    "a section added": lambda t: t.replace(SECTION, "  - title: New\n    type: review\n    narrative: [Words.]\n" + SECTION),
    "a section removed": lambda t: t[:t.index("  - title: Multi-Agency Audits June 2019")] + t[t.index(SECTION):],
    "a comment and blank lines": lambda t: t.replace(SECTION, "\n  # a note\n\n" + SECTION),
    "a top-level key moved": lambda t: t.replace("title: Annual", "service2: x\ntitle: Annual", 1),
    "an anchor used in another piece": lambda t: t.replace("title: Annual Quality", "title: &t Annual Quality", 1)
    .replace(SECTION, "  - title: *t\n    type: review\n" + SECTION),
    "a duplicate key": lambda t: t.replace("service:", "title: again\nservice:", 1),
    "broken YAML in a section": lambda t: t.replace(SECTION, "  - title: [unclosed\n" + SECTION),
    "a tab in a section": lambda t: t.replace(SECTION, "  - title: x\n\ttype: review\n" + SECTION),
    "a list at column 0": lambda t: t.replace("sections:\n", "sections:\n- title: Zero\n  type: review\n", 1),
}


def _parsed(parse, text: str):
    try:
        loaded = parse(text, "annual.yaml")
    except Exception as exc:  # noqa: BLE001 - compared as text below
        return ("error", type(exc).__name__, str(exc))
    return (loaded.values, loaded.source.values, loaded.source.keys)


@pytest.mark.parametrize("edit", sorted(RELOAD_EDITS))
def test_reloader_gives_what_a_whole_parse_gives(edit: str) -> None:
    from reportgen.pipeline.load import parse_text
    from reportgen.pipeline.reload import Reloader

    reloader = Reloader()
    reloader.parse_text(ANNUAL_TEXT, "annual.yaml")  # the first save fills the cache
    text = RELOAD_EDITS[edit](ANNUAL_TEXT)
    assert _parsed(reloader.parse_text, text) == _parsed(parse_text, text)


def test_reloader_reparses_only_the_changed_piece() -> None:
    from reportgen.pipeline.reload import Reloader

    reloader = Reloader()
    reloader.parse_text(ANNUAL_TEXT, "annual.yaml")
    before = len(reloader.pieces)
    reloader.parse_text(RELOAD_EDITS["a word in a section"](ANNUAL_TEXT), "annual.yaml")
    assert len(reloader.pieces) == before + 1
