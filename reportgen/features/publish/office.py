"""A LibreOffice kept running for PDF output, talked to over UNO: converts a report in a fraction of a second
instead of paying LibreOffice's start-up (1.5 to 2 s) for every `reportgen pdf`, `build --pdf`, pack and save.

LibreOffice's Python bridge (`uno`, Debian's python3-uno) belongs to the system's Python, which is not
the Python reportgen runs in (a venv). So the UNO side is a small script, office_bridge.py, run by
the Python that has `uno` (found by `uno_python()`); reportgen talks to it in JSON lines. It runs as:

- a converter private to this reportgen process: started on the first PDF, reused for every PDF the
  process makes (a batch, a pack, each save in `watch --pdf`), stopped when the process exits. Its
  pipe is its stdin, so even a reportgen killed outright leaves nothing behind: the bridge sees its
  input close and stops LibreOffice.
- a server, `reportgen pdf --server start`: one LibreOffice kept warm for every reportgen command of
  this user until `--server stop` (or an hour with nothing to convert). It listens on a Unix socket in
  a folder only this user can enter; commands use it when it is running and answers.

Either way LibreOffice has a profile folder of its own, listens on a UNO pipe only this user can
connect to, is restarted when it dies (the document is tried once more), and is killed and restarted
when one document takes longer than its time limit (that document fails; nothing is written for it).
"""

from __future__ import annotations

import atexit
import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.lib import settings

BRIDGE = Path(__file__).with_name("office_bridge.py")
PROTOCOL = 1
"""The bridge's protocol version (office_bridge.PROTOCOL)."""
START_TIMEOUT = 60.0
"""Seconds allowed for LibreOffice to start and answer."""
DOCUMENT_TIMEOUT = 60.0
"""Seconds allowed for one document (open, lay out, update the contents, export) unless --pdf-timeout says."""
SERVER_IDLE = 3600.0
"""A server nobody has asked for a PDF for this long stops by itself."""
HEALTH_TIMEOUT = 10.0
"""Seconds a running LibreOffice has to answer before each document; one that does not is replaced
($REPORTGEN_OFFICE_HEALTH_SECONDS changes it)."""


def _bridge_limits() -> list[str]:
    """The bridge's time limits, as arguments: the start timeout and the health check's."""
    return ["--start-timeout", str(START_TIMEOUT),
            "--health-timeout", str(settings.seconds("OFFICE_HEALTH", HEALTH_TIMEOUT))]
UNO_PYTHONS = ("/usr/bin/python3", "/usr/local/bin/python3", "python3")
"""Where a Python with LibreOffice's `uno` module is looked for (after $REPORTGEN_UNO_PYTHON and LibreOffice's own)."""
UNO_HINT = "on Debian or Ubuntu `sudo apt-get install python3-uno`"


class Unavailable(Exception):
    """The warm converter cannot be used here (no `uno`, the bridge failed to start or stopped answering):
    the caller converts the one-off way instead."""


@dataclass
class Result:
    """What became of one document: converted (with its contents' entries and pages) or not, and why."""

    ok: bool
    kind: str = ""
    """When not ok: 'timeout', 'crash' (LibreOffice died twice), 'document' (it could not read it) or 'start'."""
    message: str = ""
    contents: list[tuple[str, int]] = field(default_factory=list)
    """The contents page's entries, text and page number, as LibreOffice laid the document out."""


def enabled() -> bool:
    """False when REPORTGEN_PDF_CONVERTER=cold asks for a one-off LibreOffice run per conversion."""
    return os.environ.get("REPORTGEN_PDF_CONVERTER", "warm").strip().lower() != "cold"


_uno_python: str | None = None


def uno_python(soffice: str) -> str:
    """A Python that can import LibreOffice's `uno`; Unavailable, saying what to install, when none can."""
    global _uno_python
    if _uno_python is not None:
        return _uno_python
    wanted = os.environ.get("REPORTGEN_UNO_PYTHON")
    # LibreOffice's own Python (Windows, macOS and the libreoffice.org packages ship one beside soffice)
    bundled = [str(Path(os.path.realpath(soffice)).with_name(n)) for n in ("python", "python.exe", "python3")]
    import importlib.util

    if not wanted and importlib.util.find_spec("uno") is not None:  # this Python has it (system site-packages)
        _uno_python = sys.executable
        return sys.executable
    candidates = [wanted] if wanted else [*bundled, *UNO_PYTHONS]
    for candidate in candidates:
        found = shutil.which(candidate) if not os.path.isabs(candidate) else candidate
        if not found or not os.access(found, os.X_OK):
            continue
        try:
            probe = subprocess.run([found, "-c", "import uno"], stdin=subprocess.DEVNULL, capture_output=True,
                                   timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            _uno_python = found
            return found
    where = f"$REPORTGEN_UNO_PYTHON ({wanted})" if wanted else "no Python on this machine"
    raise Unavailable(f"{where} can load LibreOffice's UNO bridge: {UNO_HINT}")


# -- the JSON-lines conversation ----------------------------------------------------------------------

class _Link:
    """One conversation with a bridge: a request as a JSON line, its answer read back within a deadline."""

    def __init__(self, read_fd: int, send) -> None:
        self.read_fd = read_fd
        self.send = send
        self.buffer = b""

    def ask(self, request: dict, timeout: float) -> dict:
        self.send((json.dumps(request) + "\n").encode("utf-8"))
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self.read_fd, selectors.EVENT_READ)
            while b"\n" not in self.buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    raise TimeoutError
                chunk = os.read(self.read_fd, 65536)
                if not chunk:
                    raise EOFError
                self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return json.loads(line)


class _Private:
    """The bridge as a child of this process, over its stdin and stdout."""

    def __init__(self, soffice: str) -> None:
        python = uno_python(soffice)
        try:
            # stderr is discarded: LibreOffice's own chatter (javaldx, fontconfig) is not for the user
            self.process = subprocess.Popen([python, str(BRIDGE), "--soffice", soffice, *_bridge_limits()],
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=subprocess.DEVNULL)
        except OSError as exc:
            raise Unavailable(f"cannot start {python}: {exc.strerror or exc}") from None
        self.link = _Link(self.process.stdout.fileno(), self._send)
        self.office_pid: int | None = None
        self.lock = threading.Lock()

    def _send(self, data: bytes) -> None:
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def ask(self, request: dict, timeout: float) -> dict:
        with self.lock:
            try:
                reply = self.link.ask(request, timeout)
            except (TimeoutError, EOFError, OSError, ValueError) as exc:
                self.close(force=True)
                what = "stopped answering" if isinstance(exc, TimeoutError) else "stopped"
                raise Unavailable(f"the LibreOffice bridge {what}") from None
            self.office_pid = reply.get("office_pid", self.office_pid)
            return reply

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self, force: bool = False) -> None:
        """Stop the bridge (which stops LibreOffice); kill both if they do not go within seconds."""
        if self.process.poll() is None and not force:
            try:
                self.process.stdin.close()  # the bridge reads end-of-input: it stops LibreOffice and exits
                self.process.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.office_pid:
            try:  # killed bridges cannot tidy up: LibreOffice's whole group goes
                os.killpg(self.office_pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass


_private: _Private | None = None
_private_lock = threading.Lock()


def _private_bridge(soffice: str) -> _Private:
    global _private
    with _private_lock:
        if _private is None or not _private.alive():
            _private = _Private(soffice)
        return _private


@atexit.register
def close_private() -> None:
    """Stop this process's LibreOffice (run at exit; the bridge also stops it if this process is killed)."""
    global _private
    with _private_lock:
        if _private is not None:
            _private.close()
            _private = None


# -- the server ---------------------------------------------------------------------------------------

def server_folder(create: bool = True) -> Path:
    """The folder of this user's server: its socket and log. Made 0700; refused if anyone else can enter."""
    chosen = os.environ.get("REPORTGEN_OFFICE_DIR")
    if chosen:
        folder = Path(chosen)
    elif os.environ.get("XDG_RUNTIME_DIR"):
        folder = Path(os.environ["XDG_RUNTIME_DIR"]) / "reportgen"
    else:
        import tempfile

        folder = Path(tempfile.gettempdir()) / f"reportgen-{os.getuid()}"
    if not create and not folder.exists():
        return folder
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.lstat()
    if info.st_uid != os.getuid() or info.st_mode & 0o077 or not folder.is_dir() or folder.is_symlink():
        raise Unavailable(f"{folder} is not a folder only you can enter (owner {info.st_uid}, mode "
                          f"{info.st_mode & 0o777:o}): the LibreOffice server's socket must not be reachable by others")
    return folder


def _socket_path() -> Path:
    return server_folder(create=False) / "office.sock"


def _connect(path: Path, timeout: float = 2.0) -> socket.socket | None:
    if not path.exists():
        return None
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(timeout)
    try:
        client.connect(str(path))
    except OSError:
        client.close()
        return None
    client.settimeout(None)
    return client


def _ask_server(client: socket.socket, request: dict, timeout: float) -> dict:
    try:
        return _Link(client.fileno(), client.sendall).ask(request, timeout)
    except (TimeoutError, EOFError, OSError, ValueError):
        raise Unavailable("the LibreOffice server stopped answering") from None


def server_status() -> dict | None:
    """The running server's state (pid, LibreOffice's pid, conversions, starts), or None when none answers."""
    try:
        client = _connect(_socket_path())
    except Unavailable:
        return None
    if client is None:
        return None
    with client:
        try:
            status = _ask_server(client, {"op": "status"}, 10)
        except Unavailable:
            return None
    return status | {"socket": str(_socket_path())}


def start_server(soffice: str) -> dict:
    """Start this user's server (if none is running) and wait until LibreOffice in it answers; its status."""
    running = server_status()
    if running is not None:
        return running | {"already": True}
    folder = server_folder()
    path = folder / "office.sock"
    path.unlink(missing_ok=True)  # left by a server that was killed
    python = uno_python(soffice)
    with open(folder / "office.log", "ab") as log:
        # a session of its own: it outlives this command and the terminal's Ctrl-C
        process = subprocess.Popen([python, str(BRIDGE), "--soffice", soffice, "--listen", str(path),
                                    "--idle", str(SERVER_IDLE), *_bridge_limits()],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                                   start_new_session=True, cwd=folder)
    deadline = time.monotonic() + START_TIMEOUT + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Unavailable(f"the LibreOffice server stopped while starting (see {folder / 'office.log'})")
        status = server_status()
        if status is not None:
            return status
        time.sleep(0.1)
    process.kill()
    raise Unavailable(f"the LibreOffice server did not start within {START_TIMEOUT + 10:.0f} seconds")


def stop_server() -> dict | None:
    """Stop this user's server; its last status, or None when none was running."""
    status = server_status()
    if status is None:
        return None
    client = _connect(_socket_path())
    if client is not None:
        with client:
            try:
                _ask_server(client, {"op": "stop"}, 30)
            except Unavailable:
                pass
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _pid_running(status.get("pid")):
        time.sleep(0.1)
    for pid in (status.get("pid"), status.get("office_pid")):
        if _pid_running(pid):
            try:
                os.killpg(pid, signal.SIGKILL) if pid == status.get("office_pid") else os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    return status


def _pid_running(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    try:  # a zombie has finished, waiting only to be reaped
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True


# -- converting ----------------------------------------------------------------------------------------

def convert_documents(soffice: str, jobs: list[tuple[Path, Path]], options: dict[str, object],
                      timeout: float = DOCUMENT_TIMEOUT, contents: bool = True) -> list[Result]:
    """Convert each (input .docx, output .pdf) pair with the warm LibreOffice: this user's server when one
    answers, else this process's own. Each document gets `timeout` seconds; with `contents`, the
    document's indexes are updated in the layout first. Raises Unavailable when the converter cannot
    be used at all (the caller falls back); a document that fails is a Result with ok False."""
    request = {"op": "convert", "options": options, "timeout": timeout, "contents": contents,
               "jobs": [{"input": str(source), "output": str(output)} for source, output in jobs]}
    # each document may be tried twice (a crash) and LibreOffice started for each try
    allowed = START_TIMEOUT + len(jobs) * 2 * (timeout + START_TIMEOUT)
    try:
        client = _connect(_socket_path())
    except Unavailable:
        client = None
    if client is not None:
        with client:
            reply = _ask_server(client, request, allowed + START_TIMEOUT)  # it may be serving someone else first
    else:
        reply = _private_bridge(soffice).ask(request, allowed)
    if reply.get("protocol") != PROTOCOL:  # a server started by another version of reportgen
        raise Unavailable("the LibreOffice server running is from another version of reportgen: restart it "
                          "(`reportgen pdf --server stop`, then `--server start`)")
    if not reply.get("ok"):
        raise Unavailable(reply.get("message") or "the LibreOffice bridge refused the request")
    results = [Result(bool(r.get("ok")), r.get("kind", ""), r.get("message", ""),
                      [(str(text), int(page)) for text, page in r.get("contents", [])])
               for r in reply["results"]]
    if results and all(r.kind == "start" for r in results):
        raise Unavailable(results[0].message)
    return results


def office_pid() -> int | None:
    """The pid of this process's own LibreOffice (for tests and `--server status`), if it is running."""
    with _private_lock:
        if _private is None or not _private.alive():
            return None
        return _private.ask({"op": "status"}, 10).get("office_pid")
