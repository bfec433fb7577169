"""Test tooling, run by the system Python (Debian's python3-uno): one LibreOffice kept open for the tests' own
reading, editing and converting, so that a test session pays for one LibreOffice start per worker instead
of one per test (tests/lo_client.py starts this service and talks to it; see KeptLibreOffice there).

    /usr/bin/python3 tests/lo_service.py FOLDER

Requests come one JSON line at a time on standard input, and each gets one JSON line on standard output:
{"ok": true, "result": ...}, or {"ok": false, "error": the traceback}, after which the service stops its
LibreOffice and exits, so the next request (through a new service) gets a fresh one. The requests:
- {"op": "labels", "paths": [...]}: each document's paragraphs as LibreOffice numbers them (lo_labels.py);
- {"op": "accept_reject", "jobs": [...]}: what documents say after Accept All / Reject All (lo_accept_reject.py);
- {"op": "edit", "source": ..., "target": ..., "edits": [...]}: a reviewer's tracked edits, saved as .docx
  (lo_edit.py);
- {"op": "convert", "source": ..., "target": ..., "export_filter": ...}: the document opened and saved through a
  filter, as `soffice --convert-to` does (load hidden, store through the filter).
LibreOffice (a private profile in FOLDER, a pipe) starts with the first request; every document a request
opened is closed before its answer; at the end of standard input LibreOffice is stopped and the service exits.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import traceback
import uuid

import uno  # noqa: F401  (Debian's python3-uno: only the system Python has it)
from com.sun.star.connection import NoConnectException

from lo_accept_reject import _props, _url, accept_reject
from lo_edit import edit
from lo_labels import labels

START_SECONDS = 120


class Office:
    """A private LibreOffice: its process, component context and desktop, and a scratch folder."""

    def __init__(self, folder: str) -> None:
        self.scratch = os.path.join(folder, "scratch")
        os.makedirs(self.scratch, exist_ok=True)
        pipe = f"reportgen-test-{uuid.uuid4().hex}"
        self.process = subprocess.Popen(
            ["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
             f"-env:UserInstallation={_url(os.path.join(folder, 'profile'))}",
             f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                self.ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise
                time.sleep(0.1)
        self.desktop = self.ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", self.ctx)

    def close_documents(self) -> None:
        """Close whatever a request left open (each closes its own documents; this makes sure of it)."""
        if getattr(self, "desktop", None) is None:
            return
        left = self.desktop.getComponents().createEnumeration()
        while left.hasMoreElements():
            left.nextElement().close(True)

    def stop(self) -> None:
        try:
            if getattr(self, "desktop", None) is not None:
                self.desktop.terminate()
        except Exception:  # noqa: BLE001 - the bridge goes down with the office
            pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def convert(office: Office, source: str, target: str, export_filter: str) -> None:
    """Open `source` and save it to `target` through `export_filter` (its name), as the command line's
    `--convert-to` does; a document LibreOffice cannot open fails (the command line would only say so)."""
    doc = office.desktop.loadComponentFromURL(_url(source), "_blank", 0, _props(Hidden=True, ReadOnly=True))
    if doc is None:
        raise RuntimeError(f"LibreOffice could not open {source}")
    try:
        doc.storeToURL(_url(target), _props(FilterName=export_filter, Overwrite=True))
    finally:
        doc.close(True)


OPS = {
    "labels": lambda office, paths: labels(office.desktop, paths),
    "accept_reject": lambda office, jobs: accept_reject(office.ctx, office.desktop, office.scratch, jobs),
    "edit": lambda office, source, target, edits: edit(office.desktop, source, target, edits),
    "convert": convert,
}


def main(folder: str) -> int:
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # anything else printed goes to the log, never into the answers
    office: Office | None = None
    try:
        for line in iter(sys.stdin.readline, ""):
            request = json.loads(line)
            try:
                if office is None:
                    office = Office(folder)
                try:
                    result = OPS[request.pop("op")](office, **request)
                finally:
                    office.close_documents()
                reply = {"ok": True, "result": result}
            except Exception:  # noqa: BLE001 - every failure is the test's to report, with its traceback
                reply = {"ok": False, "error": traceback.format_exc()}
            answers.write(json.dumps(reply, ensure_ascii=False) + "\n")
            answers.flush()
            if not reply["ok"]:
                return 1  # a failed request may have left LibreOffice in any state: the next gets a fresh one
        return 0
    finally:
        if office is not None:
            office.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
