"""The warm LibreOffice as processes (reportgen.features.publish.office): restart after a crash with one
retry, a hung LibreOffice replaced, a hung document stopped with nothing written, two processes at once,
the server, no process left behind, and the one-off fallback when the UNO bridge is missing. (Apart from
test_office.py, the contents page numbers, so that pytest-xdist can run the two modules side by side.)
These tests start and stop LibreOffice themselves: none uses the test session's LibreOffice server.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import CASES, ROOT, reportgen
from pdfread import text as pdf_text
from reportgen.errors import ToolMissing
from reportgen.features.publish import convert, office
from reportgen.oxml.package import read_parts
from test_office import ANNUAL, COVER, _build

pytestmark = [pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice"), pytest.mark.long_module]


# -- the process -------------------------------------------------------------------------------------------

@pytest.fixture
def cover(tmp_path: Path) -> Path:
    return _build(COVER, tmp_path / "build")


def _signal_group(pid: int, signum: int) -> None:
    os.killpg(pid, signum)


@pytest.fixture
def fault(monkeypatch: pytest.MonkeyPatch):
    """Sets REPORTGEN_OFFICE_FAULT for a LibreOffice bridge started afresh; the next test gets a clean one."""
    def inject(kind: str) -> None:
        office.close_private()
        monkeypatch.setenv("REPORTGEN_OFFICE_FAULT", kind)

    yield inject
    office.close_private()


def test_a_killed_libreoffice_is_restarted_and_the_document_tried_again(cover: Path, fault) -> None:
    fault("crash")  # LibreOffice is killed once the document is loaded, on the first try only
    done = convert([cover])
    assert done[0].warnings == []  # the warm path did it: no fallback to a one-off run
    assert cover.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    status = office._private_bridge("soffice").ask({"op": "status"}, 10)
    assert status["starts"] == 2 and status["conversions"] == 1  # started again, converted on the retry
    # killed between documents: the next one starts a new LibreOffice
    first = office.office_pid()
    _signal_group(first, signal.SIGKILL)
    time.sleep(0.5)
    assert convert([cover])[0].warnings == []
    assert office.office_pid() not in (None, first)


def test_libreoffice_listens_on_a_pipe_only_this_user_can_connect_to(cover: Path) -> None:
    import glob
    import stat

    convert([cover])
    status = office._private_bridge("soffice").ask({"op": "status"}, 10)
    assert re.fullmatch(rf"reportgen-{os.getuid()}-[0-9a-f]{{24}}", status["pipe"])  # unguessable
    sockets = glob.glob(f"/tmp/OSL_PIPE_{os.getuid()}_{status['pipe']}")
    assert len(sockets) == 1
    mode = os.stat(sockets[0]).st_mode
    assert stat.S_ISSOCK(mode) and mode & 0o022 == 0  # no one else may write to it, so no one else connects


def test_a_hung_libreoffice_between_documents_is_replaced(cover: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    office.close_private()  # a bridge started afresh, with the health check's limit from the environment
    monkeypatch.setenv("REPORTGEN_OFFICE_HEALTH_SECONDS", "2")  # instead of waiting out the default 10 s
    try:
        convert([cover])
        hung = office.office_pid()
        _signal_group(hung, signal.SIGSTOP)  # the health check before the next document finds it not answering
        assert convert([cover])[0].warnings == []
        assert not _running(hung) and office.office_pid() != hung
    finally:
        office.close_private()  # the next test's bridge has the default limit


def test_a_hung_conversion_is_stopped_and_nothing_is_written(cover: Path, fault) -> None:
    fault("hang")  # LibreOffice stops answering once the document is loaded
    started = time.monotonic()
    with pytest.raises(ToolMissing) as caught:
        convert([cover], timeout=3)
    assert time.monotonic() - started < 60
    assert "did not finish converting this file to PDF within 3 seconds and was stopped" in str(caught.value)
    assert not cover.with_suffix(".pdf").exists()
    assert sorted(p.name for p in cover.parent.iterdir()) == [cover.name]  # no temporaries either
    status = office._private_bridge("soffice").ask({"op": "status"}, 10)
    assert status["office_pid"] is None and status["conversions"] == 0  # the hung one was killed


def test_two_reportgen_processes_converting_at_once_both_succeed(tmp_path: Path, cover: Path) -> None:
    folders = [tmp_path / "a", tmp_path / "b"]
    for folder in folders:
        folder.mkdir()
        shutil.copy(cover, folder / cover.name)
    runs = [subprocess.Popen([sys.executable, "-m", "reportgen", "pdf", str(f / cover.name)], cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in folders]
    for run, folder in zip(runs, folders):
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        assert "warning" not in err  # each used a warm LibreOffice of its own, not the fallback
        assert (folder / f"{COVER}.pdf").read_bytes().startswith(b"%PDF")


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / "cmdline").read_bytes() and _running(int(entry.name)):
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def _running(pid: int) -> bool:
    try:
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


def test_no_libreoffice_is_left_behind_even_when_reportgen_is_killed(tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"  # LibreOffice's profile is made here: its processes name it
    scratch.mkdir()
    (tmp_path / "content").mkdir()
    shutil.copy(CASES / f"{COVER}.yaml", tmp_path / "content")
    env = {**os.environ, "TMPDIR": str(scratch)}
    done = subprocess.run([sys.executable, "-m", "reportgen", "build", "--pdf"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and f"wrote build/{COVER}.pdf" in done.stdout, done.stderr
    assert _processes_mentioning(str(scratch)) == []
    # killed outright, with LibreOffice running: the bridge sees its input close and stops it
    (tmp_path / "build" / f"{COVER}.pdf").unlink()  # so the watcher converts (and starts LibreOffice)
    watcher = subprocess.Popen([sys.executable, "-m", "reportgen", "watch", "--pdf"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        for line in watcher.stdout:
            if line.startswith("watching"):
                break
        assert _processes_mentioning(str(scratch))  # LibreOffice is up
    finally:
        watcher.kill()
        watcher.wait()
    deadline = time.monotonic() + 30
    while _processes_mentioning(str(scratch)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_mentioning(str(scratch)) == []


def test_the_server_is_used_by_every_command_and_stops(tmp_path: Path, cover: Path) -> None:
    folder = tmp_path / "server"
    env = {"REPORTGEN_OFFICE_DIR": str(folder)}
    try:
        started = reportgen("pdf", "--server", "start", cwd=tmp_path, env=env, timeout=180)
        assert started.status == 0 and "LibreOffice server started" in started.out, started.err
        assert (folder.stat().st_mode & 0o777) == 0o700
        assert (folder / "office.sock").stat().st_mode & 0o077 == 0  # only this user can connect
        copies = []
        for name in ("a", "b"):
            (tmp_path / name).mkdir()
            copies.append(shutil.copy(cover, tmp_path / name / cover.name))
        runs = [subprocess.Popen([sys.executable, "-m", "reportgen", "pdf", str(c)], cwd=tmp_path,
                                 env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True) for c in copies]
        for run in runs:
            assert run.wait(300) == 0, run.stderr.read()
        status = reportgen("pdf", "--server", "status", cwd=tmp_path, env=env)
        assert "2 document(s) converted, LibreOffice started 1 time(s)" in status.out  # both went to the server
        pid = int(re.search(r"process (\d+)", status.out).group(1))
    finally:
        stopped = reportgen("pdf", "--server", "stop", cwd=tmp_path, env=env, timeout=60)
    assert "LibreOffice server stopped" in stopped.out
    assert not _running(pid)
    assert "no LibreOffice server is running" in reportgen("pdf", "--server", "status", cwd=tmp_path, env=env).out


def test_without_the_uno_bridge_the_one_off_run_is_used_and_said(tmp_path: Path, cover: Path) -> None:
    run = reportgen("pdf", str(cover), cwd=tmp_path, env={"REPORTGEN_UNO_PYTHON": "/bin/false"}, timeout=300)
    assert run.status == 0, run.err
    assert "warning: the warm LibreOffice could not be used" in run.err
    assert "python3-uno" in run.err and "converting with a one-off LibreOffice run instead" in run.err
    assert cover.with_suffix(".pdf").read_bytes().startswith(b"%PDF")


def test_a_build_without_libreoffice_says_why_the_contents_has_no_page_numbers(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    shutil.copy(ROOT / "content" / f"{ANNUAL}.yaml", tmp_path / "content")
    shutil.copy(CASES / f"{COVER}.yaml", tmp_path / "content")
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    run = reportgen("build", cwd=tmp_path, env={"PATH": str(empty)})
    assert run.status == 0, run.err
    said = [line for line in run.err.splitlines() if "contents page has no page numbers" in line]
    assert len(said) == 1 and said[0].startswith(f"build/{ANNUAL}.docx: warning: ")  # the cover has no contents
    assert "LibreOffice is not installed" in said[0]
    assert " TOC " in read_parts(tmp_path / "build" / f"{ANNUAL}.docx")["word/document.xml"].decode()


def test_watch_pdf_writes_the_pdf_after_each_save(tmp_path: Path) -> None:
    import queue

    from reportgen.features.watch import watch

    content = tmp_path / f"{COVER}.yaml"
    shutil.copy(CASES / f"{COVER}.yaml", content)
    rebuilt: queue.Queue = queue.Queue()
    lines: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=([str(content)], tmp_path / "build"), daemon=True, kwargs=dict(
        templates=ROOT / "report_templates", say=lambda line, error: lines.append(line), on_rebuild=rebuilt.put,
        stop=stop, pdf=True))
    thread.start()
    try:
        first = rebuilt.get(timeout=300)
        assert first.pdf == tmp_path / "build" / f"{COVER}.pdf", lines
        while not any(line.startswith("watching") for line in lines):
            time.sleep(0.05)
        before = first.pdf.stat().st_mtime_ns
        text = content.read_text(encoding="utf-8")
        content.write_text(text.replace("Audits", "Audit checks", 1), encoding="utf-8")
        again = rebuilt.get(timeout=300)
        assert again.pdf == first.pdf and again.pdf.stat().st_mtime_ns > before
        assert "Audit checks" in pdf_text(again.pdf)
        assert any(re.fullmatch(rf"wrote {re.escape(str(first.pdf))} in \d+ ms", line) for line in lines)
    finally:
        stop.set()
        thread.join(60)
