"""The tests' own LibreOffice, for reading, editing and converting documents as an independent client:
one kept open per test process (each pytest-xdist worker), in tests/lo_service.py run by the system Python
that has Debian's python3-uno. It starts on the first request and is stopped at the end of the session
(conftest's `libreoffice` fixture), instead of LibreOffice starting afresh for each test.

A request that fails, a LibreOffice that crashes and one that does not answer in time fail the test that
asked, loudly, with LibreOffice's side of the story; that LibreOffice is stopped (its whole process group)
and the next request starts a fresh one.

reportgen's own LibreOffice (features/publish/office, conftest's office_server) is a different thing: it is
the product under test; this one is only the tests' reader.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

SERVICE = Path(__file__).with_name("lo_service.py")
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-uno belongs to it, not to the venv

PDF = "writer_pdf_Export"
FLAT_ODF = "OpenDocument Text Flat XML"
DOCX = "MS Word 2007 XML"
"""Export filters for `convert` (the names `soffice --convert-to pdf`, `fodt` and `docx:"MS Word 2007 XML"` use)."""


class LibreOfficeFailed(Exception):
    """A request to the tests' LibreOffice failed, crashed it or timed out."""


class KeptLibreOffice:
    """The client of one lo_service.py (and so of one LibreOffice), started on the first request."""

    def __init__(self) -> None:
        self._service: subprocess.Popen | None = None
        self._folder: Path | None = None
        self._pending = b""

    # -- the requests (lo_service.py's docstring says what each does) ------------------------------------

    def labels(self, paths: list[Path]) -> dict[str, list[dict]]:
        return self.ask("labels", 300, paths=[str(p) for p in paths])

    def accept_reject(self, jobs: list[dict]) -> list[dict]:
        return self.ask("accept_reject", 1800, jobs=jobs)

    def edit(self, source: Path, target: Path, edits: list[dict]) -> None:
        self.ask("edit", 300, source=str(source), target=str(target), edits=edits)

    def convert(self, source: Path, target: Path, export_filter: str) -> Path:
        """`source` opened by LibreOffice and saved to `target` through the export filter named `export_filter`."""
        self.ask("convert", 240, source=str(source), target=str(target), export_filter=export_filter)
        return target

    # -- the service ------------------------------------------------------------------------------------

    def ask(self, op: str, timeout: float, **args: Any) -> Any:
        """One request's result; LibreOfficeFailed (and a fresh LibreOffice next time) if it fails."""
        if self._service is None:
            self._start()
        assert self._service is not None and self._service.stdin is not None
        try:
            self._service.stdin.write(json.dumps({"op": op, **args}).encode() + b"\n")
            self._service.stdin.flush()
        except BrokenPipeError:
            self._fail(f"{op}: the LibreOffice service had gone")
        line = self._answer(time.monotonic() + timeout)
        if line is None:
            self._fail(f"{op}: LibreOffice did not answer within {timeout} s (stopped; the next request starts "
                       "a fresh one)" if self._service.poll() is None else f"{op}: the LibreOffice service died")
        reply = json.loads(line)
        if not reply["ok"]:
            self._fail(f"{op} failed in LibreOffice:\n{reply['error']}")
        return reply["result"]

    def stop(self) -> None:
        """Stop LibreOffice and the service (if started), and leave no process or file of theirs behind."""
        if self._service is None:
            return
        assert self._service.stdin is not None
        try:
            self._service.stdin.close()  # the end of its requests: it stops LibreOffice and exits
            self._service.wait(timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self._end()

    def _start(self) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="reportgen-tests-office-"))
        with open(self._folder / "service.log", "wb") as log:
            # a session (process group) of its own: LibreOffice too is in it, so it can be stopped whole
            self._service = subprocess.Popen([SYSTEM_PYTHON, str(SERVICE), str(self._folder)], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=log, start_new_session=True)
        self._pending = b""

    def _answer(self, deadline: float) -> bytes | None:
        """The service's next line, or None if it ended or the deadline passed first."""
        assert self._service is not None and self._service.stdout is not None
        fd = self._service.stdout.fileno()
        while b"\n" not in self._pending:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return None
            self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        return line

    def _fail(self, message: str) -> None:
        log = self._folder / "service.log" if self._folder else None
        said = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
        self._end()
        raise LibreOfficeFailed(message + (f"\n--- the service's log ---\n{said}" if said.strip() else ""))

    def _end(self) -> None:
        """Whatever of the service's process group is left is killed; its folder (profile, scratch) removed."""
        if self._service is not None:
            try:
                os.killpg(self._service.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._service.wait()
            for stream in (self._service.stdin, self._service.stdout):
                if stream is not None:
                    try:
                        stream.close()
                    except OSError:
                        pass
            self._service = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


KEPT = KeptLibreOffice()
"""This process's (this pytest-xdist worker's) LibreOffice for the tests' own use."""
