"""The LibreOffice end of reportgen's warm PDF converter: run by the Python that has LibreOffice's UNO
bridge (Debian's python3-uno belongs to /usr/bin/python3), never imported by reportgen itself.

reportgen's own Python (a venv, pyenv, ...) cannot load `uno`, so reportgen.features.publish.office starts this script
with that Python and talks to it in JSON lines: over its stdin/stdout (a converter private to one
reportgen process) or over a Unix socket in a folder only this user can enter (the long-lived server
of `reportgen pdf --server start`). It imports nothing from reportgen and nothing outside the standard
library but `uno`.

It starts one headless LibreOffice with a profile folder of its own, listening on a UNO pipe with a
random name (a Unix socket that only this user may connect to), and keeps it running between
documents. Each document: loaded hidden and read-only with macros off, its indexes (the contents page)
updated in LibreOffice's layout so their page numbers are those of the PDF, exported as PDF with
reportgen's filter options, closed. A watchdog kills LibreOffice when one document takes longer than
its time limit (the next request starts a new one); a LibreOffice that died is restarted and the
document tried once more. When reportgen goes away (its end of the pipe closes) or on SIGTERM, SIGINT
or SIGHUP, LibreOffice is stopped and its profile removed.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import uno  # type: ignore[import-not-found]  # from python3-uno, in this Python only
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

PROTOCOL = 1
"""Bumped when requests or answers change: reportgen refuses a server speaking another version."""


def _prop(name: str, value: object) -> PropertyValue:
    prop = PropertyValue()
    prop.Name = name
    prop.Value = value
    return prop


class Failed(Exception):
    """A document could not be converted: `kind` is 'timeout', 'crash' or 'document'."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class Office:
    """One headless LibreOffice, started on demand and restarted when it dies."""

    def __init__(self, soffice: str, start_timeout: float, health_timeout: float = 10.0) -> None:
        self.soffice = soffice
        self.start_timeout = start_timeout
        self.health_timeout = health_timeout
        self.root = tempfile.mkdtemp(prefix="reportgen-office-")  # 0700: the profiles live here
        self.process: subprocess.Popen | None = None
        self.desktop = None
        self.starts = 0
        self.conversions = 0
        self.lock = threading.Lock()
        self.timed_out = False
        self.pipe = ""

    # -- the process ---------------------------------------------------------------------------
    def start(self) -> None:
        self.kill()
        if self.starts:  # the profile of the LibreOffice that died or hung
            shutil.rmtree(os.path.join(self.root, f"profile-{self.starts}"), ignore_errors=True)
        self.starts += 1
        # a fresh profile each start: a LibreOffice killed mid-document may leave its profile half-written
        profile = os.path.join(self.root, f"profile-{self.starts}")
        # a name nobody can guess, so nobody can make the socket first; LibreOffice makes it
        # /tmp/OSL_PIPE_<uid>_<name>, writable (so connectable) by this user only
        pipe = self.pipe = f"reportgen-{os.getuid()}-{secrets.token_hex(12)}"
        command = [self.soffice, "-env:UserInstallation=" + uno.systemPathToFileUrl(profile), "--headless",
                   "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                   f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]
        # a session of its own: soffice is a script that starts oosplash and soffice.bin; the whole
        # group is killed at once, and a Ctrl-C in reportgen's terminal does not reach it mid-document
        # LibreOffice's own temporary files (copies of documents) go in the private folder too, so they
        # are removed with it even when LibreOffice is killed (its UNO pipe stays in /tmp: fixed there)
        scratch = os.path.join(self.root, "tmp")
        os.makedirs(scratch, exist_ok=True)
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, cwd=self.root, start_new_session=True,
                                        env={**os.environ, "TMPDIR": scratch})
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + self.start_timeout
        while True:
            if self.process.poll() is not None:
                raise Failed("start", f"LibreOffice stopped while starting (exit status {self.process.returncode})")
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if time.monotonic() > deadline:
                    self.kill()
                    raise Failed("start", f"LibreOffice did not start within {self.start_timeout:.0f} seconds")
                time.sleep(0.05)
        self.desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)

    def healthy(self, within: float | None = None) -> bool:
        """Running, and answering over the bridge within `within` seconds (default: the health timeout given
        at start); a hung one is killed."""
        within = self.health_timeout if within is None else within
        if self.process is None or self.process.poll() is not None or self.desktop is None:
            return False
        watchdog = threading.Timer(within, _kill_group, (self.process.pid,))
        watchdog.daemon = True
        watchdog.start()
        try:
            self.desktop.getFrames()
            return True
        except Exception:
            return False
        finally:
            watchdog.cancel()

    def kill(self) -> None:
        process, self.process, self.desktop = self.process, None, None
        if process is None:
            return
        _kill_group(process.pid)
        process.wait()

    def close(self) -> None:
        # killed, not asked to quit: its profile is thrown away with it, and reportgen's exit is not held up
        self.kill()
        shutil.rmtree(self.root, ignore_errors=True)

    def pid(self) -> int | None:
        return self.process.pid if self.process is not None and self.process.poll() is None else None

    # -- a document --------------------------------------------------------------------------------
    def convert(self, source: str, output: str, options: dict, timeout: float, contents: bool) -> dict:
        """Convert one document, restarting LibreOffice and trying again once if it dies on the way."""
        for attempt in (1, 2):
            if not self.healthy():
                self.start()
            try:
                return self._convert_once(source, output, options, timeout, contents, attempt)
            except Failed as failed:
                _remove(output)
                if failed.kind == "timeout":
                    self.kill()  # the next document gets a new LibreOffice
                    raise
                if failed.kind == "crash" and attempt == 1:
                    continue
                raise
        raise AssertionError("unreachable")

    def _convert_once(self, source: str, output: str, options: dict, timeout: float, contents: bool,
                      attempt: int) -> dict:
        self.timed_out = False
        process = self.process

        def overtime() -> None:
            self.timed_out = True
            _kill_group(process.pid)  # a stuck call on the bridge returns with an error

        watchdog = threading.Timer(timeout, overtime)
        watchdog.daemon = True
        watchdog.start()
        started = time.monotonic()
        document = None
        try:
            # hidden and read-only (no lock file beside it); macros never run; links never updated
            document = self.desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(source), "_blank", 0,
                (_prop("Hidden", True), _prop("ReadOnly", True), _prop("MacroExecutionMode", 0),
                 _prop("UpdateDocMode", 0)))
            if document is None:
                raise Failed("document", "LibreOffice could not open it")
            _injected_fault(process.pid, attempt)
            loaded = time.monotonic()
            entries = _update_indexes(document) if contents else []
            laid_out = time.monotonic()
            data = uno.Any("[]com.sun.star.beans.PropertyValue",
                           tuple(_prop(k, v) for k, v in options.items()))
            uno.invoke(document, "storeToURL", (uno.systemPathToFileUrl(output),
                                                (_prop("FilterName", "writer_pdf_Export"), _prop("FilterData", data))))
            self.conversions += 1
            return {"ok": True, "contents": entries, "seconds": {
                "load": loaded - started, "indexes": laid_out - loaded, "export": time.monotonic() - laid_out}}
        except Failed:
            raise
        except Exception as exc:  # UNO's exceptions: a dead bridge, a document LibreOffice cannot read
            if self.timed_out:
                raise Failed("timeout", f"took longer than {timeout:.0f} seconds") from None
            if not self.healthy():
                raise Failed("crash", f"LibreOffice stopped while converting ({type(exc).__name__})") from None
            raise Failed("document", f"{type(exc).__name__}: {getattr(exc, 'Message', '') or exc}") from None
        finally:
            watchdog.cancel()
            if document is not None and not self.timed_out:
                try:
                    document.close(True)
                except Exception:
                    pass


def _update_indexes(document) -> list:
    """Update every index in the layout; the contents' entries as [text, page], in order.

    LibreOffice numbers the entries with the pages of its own layout, the one the PDF is exported
    from, so each number is the page its heading is on in that PDF."""
    entries = []
    indexes = document.getDocumentIndexes()
    for n in range(indexes.getCount()):
        index = indexes.getByIndex(n)
        index.update()
        if not index.supportsService("com.sun.star.text.ContentIndex"):
            continue
        for line in index.getAnchor().getString().split("\n"):
            text, tab, page = line.rpartition("\t")
            if tab and page.strip().isdigit():
                entries.append([text, int(page)])
            elif entries and line.strip():  # a line break inside a heading
                entries[-1][0] += " " + line
    return entries


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _injected_fault(pid: int, attempt: int) -> None:
    """For reportgen's tests only, set in the environment the bridge starts with: REPORTGEN_OFFICE_FAULT=hang
    stops LibreOffice mid-document (as when it hangs on one), =crash kills it there on the first try."""
    fault = os.environ.get("REPORTGEN_OFFICE_FAULT")
    if fault == "hang":
        os.killpg(pid, signal.SIGSTOP)
    elif fault == "crash" and attempt == 1:
        _kill_group(pid)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


# -- the conversation ------------------------------------------------------------------------------

def answer(office: Office, request: dict) -> dict:
    op = request.get("op")
    if op == "status":
        return {"ok": True, "protocol": PROTOCOL, "pid": os.getpid(), "office_pid": office.pid(),
                "starts": office.starts, "conversions": office.conversions, "healthy": office.healthy(),
                "pipe": office.pipe}
    if op == "start":
        if not office.healthy():
            office.start()
        return {"ok": True, "protocol": PROTOCOL, "office_pid": office.pid()}
    if op == "convert":
        results = []
        for job in request["jobs"]:
            try:
                done = office.convert(job["input"], job["output"], request["options"], float(request["timeout"]),
                                      bool(request.get("contents", True)))
            except Failed as failed:
                done = {"ok": False, "kind": failed.kind, "message": str(failed)}
            results.append(done)
        return {"ok": True, "protocol": PROTOCOL, "results": results, "office_pid": office.pid(),
                "starts": office.starts}
    return {"ok": False, "kind": "protocol", "message": f"unknown request {op!r}"}


def serve_stream(office: Office, reader, writer) -> bool:
    """Answer requests, one JSON line each, until the other end closes; False when asked to stop."""
    for line in reader:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except ValueError:
            writer.write(json.dumps({"ok": False, "kind": "protocol", "message": "not JSON"}) + "\n")
            writer.flush()
            continue
        if request.get("op") == "stop":
            writer.write(json.dumps({"ok": True}) + "\n")
            writer.flush()
            return False
        with office.lock:
            reply = answer(office, request)
        writer.write(json.dumps(reply) + "\n")
        writer.flush()
    return True


def serve_socket(office: Office, path: str, idle: float) -> None:
    """The long-lived server: one client at a time (LibreOffice converts one document at a time anyway)."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o077)
    try:
        listener.bind(path)
    finally:
        os.umask(old)
    listener.listen(16)
    listener.settimeout(idle)
    try:
        while True:
            try:
                connection, _ = listener.accept()
            except socket.timeout:
                return  # nobody asked for a PDF for `idle` seconds: a forgotten server does not linger
            connection.settimeout(None)
            with connection, connection.makefile("r", encoding="utf-8") as reader, \
                    connection.makefile("w", encoding="utf-8") as writer:
                try:
                    if not serve_stream(office, reader, writer):
                        return
                except (BrokenPipeError, ConnectionResetError):
                    pass  # that client went away; the next one is served
    finally:
        listener.close()
        _remove(path)


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--soffice", required=True)
    parser.add_argument("--start-timeout", type=float, default=60.0)
    parser.add_argument("--health-timeout", type=float, default=10.0,
                        help="seconds LibreOffice has to answer before a document, else it is replaced")
    parser.add_argument("--listen", help="serve on this Unix socket instead of stdin/stdout")
    parser.add_argument("--idle", type=float, default=3600.0, help="with --listen: stop after this many idle seconds")
    args = parser.parse_args(argv)
    office = Office(args.soffice, args.start_timeout, args.health_timeout)

    def stop(signum, frame) -> None:
        raise SystemExit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, stop)
    try:
        if args.listen:
            office.start()  # a server is started to be warm
            print(json.dumps({"ok": True, "protocol": PROTOCOL, "pid": os.getpid(), "office_pid": office.pid()}),
                  flush=True)
            serve_socket(office, args.listen, args.idle)
        else:
            serve_stream(office, sys.stdin, sys.stdout)
    except Failed as failed:
        print(json.dumps({"ok": False, "kind": failed.kind, "message": str(failed)}), flush=True)
        return 1
    finally:
        office.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
