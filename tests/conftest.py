"""Shared fixtures: a scratch project with the test cases, and running the command line (in this process, or
in a new one where only a process shows what is tested)."""

from __future__ import annotations

import contextlib
import difflib
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
import types
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import lo_client
from lo_client import KeptLibreOffice

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
CASES = TESTS / "cases"
EXPECTED = TESTS / "expected"
GOLDEN = TESTS / "golden"


def _import_every_reportgen_module() -> None:
    """Every reportgen module imported before any test runs. Hypothesis draws some values from the constants
    in the source of the local modules loaded at the time, so which examples a derandomized run tries must not
    depend on what the tests before it happened to import (with pytest-xdist, that varies from run to run)."""
    import importlib
    import pkgutil

    import reportgen

    for module in pkgutil.walk_packages(reportgen.__path__, "reportgen."):
        if module.name != "reportgen.__main__":
            try:
                importlib.import_module(module.name)
            except ModuleNotFoundError as exc:  # the LibreOffice bridge runs in the Python that has `uno`
                if exc.name != "uno":
                    raise


_import_every_reportgen_module()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/*.txt from the current output, for review with git diff")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Modules marked long_module first (otherwise in their usual order): pytest-xdist hands out whole
    modules in collection order, and a long one handed out last keeps one worker busy after the other is
    done. Only the order changes; every test runs as before."""
    def late(item: pytest.Item) -> bool:
        module = item.getparent(pytest.Module)
        return module is None or module.get_closest_marker("long_module") is None

    items.sort(key=late)  # a stable sort: each module's tests stay together and in order


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests (and the commands they run) keep charts and templates in a cache of their own, empty at the
    start of each run, so each run draws and prepares them afresh and the user's cache is left alone.
    With pytest-xdist each worker is a session of its own: its own cache and LibreOffice folder."""
    os.environ["REPORTGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("reportgen-cache"))
    # and a LibreOffice server folder of their own: a server the user started is neither used nor stopped
    os.environ["REPORTGEN_OFFICE_DIR"] = str(tmp_path_factory.mktemp("reportgen-office"))


@pytest.fixture(scope="session", autouse=True)
def libreoffice() -> Iterator[KeptLibreOffice]:
    """The tests' own LibreOffice, an independent reader and editor of what reportgen writes (lo_client.py):
    one per worker, started by the first test that asks it something and stopped at the end of the session.
    Not reportgen's LibreOffice (that is `office_server`, and the tests of its processes start their own)."""
    try:
        yield lo_client.KEPT
    finally:
        lo_client.KEPT.stop()


class OfficeServer:
    """A LibreOffice server of this worker's own (`reportgen pdf --server start`), started the first time a
    test asks for it and stopped at the end of the session. Ordinary conversions use it, through
    REPORTGEN_OFFICE_DIR, as a user's commands use the server they started: one LibreOffice start per worker
    rather than one per command. Tests about LibreOffice's own lifecycle (the one-off fallback, a killed or
    hung LibreOffice, nothing left behind) do not ask for it: their commands start and stop LibreOffice
    themselves, as they would with no server running."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.started = False

    @contextlib.contextmanager
    def used(self) -> Iterator[Path]:
        """Within this block, conversions (in this process and in commands it starts) go to the server."""
        from reportgen.features.publish import office

        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("REPORTGEN_OFFICE_DIR", str(self.folder))
            if not self.started:
                self.started = True  # stopped at the end even if starting failed half-way
                office.start_server(shutil.which("soffice") or "soffice")
            yield self.folder

    def stop(self) -> None:
        from reportgen.features.publish import office

        if self.started:
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("REPORTGEN_OFFICE_DIR", str(self.folder))
                office.stop_server()


@pytest.fixture(scope="session")
def office_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OfficeServer]:
    """This worker's LibreOffice server (see OfficeServer); skips the test where LibreOffice is not installed."""
    if shutil.which("soffice") is None:
        pytest.skip("needs LibreOffice")
    server = OfficeServer(tmp_path_factory.mktemp("reportgen-office-server"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def warm_office(office_server: OfficeServer) -> Iterator[Path]:
    """For one test: its conversions go to this worker's LibreOffice server."""
    with office_server.used() as folder:
        yield folder


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@dataclass
class Run:
    status: int
    out: str
    err: str


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch project folder: content/ with the seed cases, report_templates/ with the factory set."""
    (tmp_path / "content").mkdir()
    for case in CASES.glob("*.yaml"):
        shutil.copy(case, tmp_path / "content" / case.name)
    shutil.copytree(ROOT / "report_templates", tmp_path / "report_templates",
                    ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return tmp_path


def reportgen(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> Run:
    """Run `reportgen ARGS` in `cwd` in this process, as a user's shell would run it: reportgen.cli.main,
    the one place errors become messages and exit statuses, through click's CliRunner (no input; stdout and
    stderr captured apart). Nothing the command changes in this process outlives it (see `_as_a_new_process`).

    What only a real process shows (signals, the exit status the shell sees, `python -m reportgen`)
    is tested with `reportgen_process`."""
    from click.testing import CliRunner

    from reportgen.cli import main

    import reportgen as package

    status = 0
    with _as_a_new_process(cwd, timeout), CliRunner().isolation(env=env) as (out, err, _):
        # as `python -m reportgen ARGS` (reportgen_process): click names the program from these in messages
        sys.argv = [str(Path(package.__file__).with_name("__main__.py")), *args]
        sys.modules["__main__"] = _RUN_AS_MODULE
        try:
            main()
        except SystemExit as exc:  # as the interpreter turns it into an exit status
            if exc.code is None or isinstance(exc.code, int):
                status = exc.code or 0
            else:
                print(exc.code, file=sys.stderr)
                status = 1
        except _TimedOut:
            raise
        except BaseException:  # what escapes main() (REPORTGEN_DEBUG=1) ends a process with its traceback
            traceback.print_exc()
            status = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
    return Run(status, out.getvalue().decode(), err.getvalue().decode())


def reportgen_process(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> Run:
    """Run the real command line in a new process (`python -m reportgen`), for what only a process shows:
    signals, the exit status the shell sees, the interpreter's own start and stop."""
    done = subprocess.run([sys.executable, "-m", "reportgen", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})
    return Run(done.returncode, done.stdout, done.stderr)


_RUN_AS_MODULE = types.ModuleType("__main__")
_RUN_AS_MODULE.__package__ = "reportgen"


class _TimedOut(BaseException):
    """An in-process command ran longer than its timeout (a BaseException: main() must not report it)."""


SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM)
_MEMORY_CACHES = (("reportgen.pipeline.render.template", "_CACHE"), ("reportgen.pipeline.render.house_format", "_CACHE"),
                  ("reportgen.pipeline.render.charts", "_DRAWN"))
"""Module-level dictionaries a command fills; functools caches in reportgen are found without a list."""
_MEMOISED = (("reportgen.features.publish.office", "_private", "close_private"),
             ("reportgen.features.publish.office", "_uno_python", None))
"""Module-level values a process works out once (its LibreOffice, the Python with `uno`, read from the
environment): a command gets none (as a new process would), the test's own are put back after it, and the
command's LibreOffice is stopped as the process's exit would stop it."""


@contextlib.contextmanager
def _as_a_new_process(cwd: Path, timeout: float) -> Iterator[None]:
    """The process as a command in a new process would find it and, afterwards, as it was: the working
    folder, environment, argv, signal handlers, warning filters, logging, and reportgen's in-memory caches."""
    saved_cwd, saved_env, saved_argv, saved_main = os.getcwd(), dict(os.environ), sys.argv, sys.modules["__main__"]
    saved_handlers = {signum: signal.getsignal(signum) for signum in SIGNALS}
    root = logging.getLogger()
    saved_logging = (root.level, list(root.handlers), logging.root.manager.disable)
    saved_memo = _swap_memoised({})
    _clear_memory_caches()
    in_main_thread = threading.current_thread() is threading.main_thread()
    if in_main_thread:  # a hung command fails its test instead of hanging the run
        def timed_out(signum: int, frame: object) -> None:
            raise _TimedOut(f"reportgen did not finish within {timeout} s")

        signal.signal(signal.SIGALRM, timed_out)
        outer = signal.setitimer(signal.ITIMER_REAL, timeout)[0]  # a test's own alarm, put back after
        started = time.monotonic()
    os.chdir(cwd)
    try:
        with warnings.catch_warnings():
            yield
    finally:
        if in_main_thread:
            signal.setitimer(signal.ITIMER_REAL, 0)
        for module, name, stop in _MEMOISED:
            if stop and module in sys.modules:
                getattr(sys.modules[module], stop)()
        _swap_memoised(saved_memo)
        _clear_memory_caches()
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        sys.argv = saved_argv
        sys.modules["__main__"] = saved_main
        for signum, handler in saved_handlers.items():
            signal.signal(signum, handler)
        if in_main_thread and outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 0.001))
        root.setLevel(saved_logging[0])
        root.handlers[:] = saved_logging[1]
        logging.disable(saved_logging[2])


def _swap_memoised(values: dict[tuple[str, str], object]) -> dict[tuple[str, str], object]:
    """Put `values` (default None) in the _MEMOISED names of loaded modules; what they held before."""
    before = {}
    for module, name, _ in _MEMOISED:
        if module in sys.modules:
            before[module, name] = getattr(sys.modules[module], name)
            setattr(sys.modules[module], name, values.get((module, name)))
    return before


def _clear_memory_caches() -> None:
    for module, attribute in _cached_functions():
        value = getattr(module, attribute, None)
        if getattr(value, "__module__", None) == module.__name__ and hasattr(value, "cache_clear"):
            value.cache_clear()
    for module, name in _MEMORY_CACHES:
        if module in sys.modules:
            getattr(sys.modules[module], name).clear()


_FOUND: dict[str, Any] = {"modules": None, "functions": []}


def _cached_functions() -> list[tuple[types.ModuleType, str]]:
    """Each reportgen module with a functools cache of its own, and the cache's name: looked for again only
    when reportgen's set of loaded modules changes (looking through every module's names before each
    in-process command took 3 ms; the names are read afresh each time, so a monkeypatched one is seen)."""
    modules = {name: module for name, module in list(sys.modules.items())
               if name.startswith("reportgen.") and module is not None}
    if _FOUND["modules"] != modules:
        _FOUND["modules"] = modules
        _FOUND["functions"] = [(module, attribute) for name, module in modules.items()
                               for attribute, value in list(vars(module).items())
                               if getattr(value, "__module__", None) == name and hasattr(value, "cache_clear")]
    return _FOUND["functions"]


def inotify_watched(pid: int) -> set[tuple[int, int]]:
    """The (device, inode) of every file and folder process `pid` has an inotify watch on, as the kernel lists
    them (/proc/PID/fdinfo): a watcher is ready when the kernel holds its watch, whatever it has printed."""
    found: set[tuple[int, int]] = set()
    try:
        descriptors = os.listdir(f"/proc/{pid}/fdinfo")
    except OSError:
        return found
    for fd in descriptors:
        try:
            info = Path(f"/proc/{pid}/fdinfo/{fd}").read_text()
        except OSError:  # closed meanwhile
            continue
        for line in info.splitlines():
            if line.startswith("inotify wd:"):
                fields = dict(field.split(":", 1) for field in line.split()[1:] if ":" in field)
                device = int(fields["sdev"], 16)  # the kernel's dev_t: major above bit 20
                found.add((os.makedev(device >> 20, device & 0xFFFFF), int(fields["ino"], 16)))
    return found


def wait_until_watched(pid: int, *folders: Path, timeout: float = 60) -> None:
    """Wait until process `pid` has inotify watches on all `folders` (saved files are then seen)."""
    wanted = {(os.stat(f).st_dev, os.stat(f).st_ino) for f in folders}
    deadline = time.monotonic() + timeout
    while not wanted <= inotify_watched(pid):
        assert time.monotonic() < deadline, f"process {pid} is not watching {[str(f) for f in folders]}"
        time.sleep(0.01)


def word_ratio(expected: str, actual: str) -> float:
    """The word-level similarity difflib gives: 1.0 is the same words in the same order."""
    return difflib.SequenceMatcher(None, expected.split(), actual.split(), autojunk=False).ratio()


def seed_text(name: str) -> str:
    """A seed report's text with its conversion artefacts removed (markdown marks #, ** and *, <sup>)."""
    import re

    text = (EXPECTED / f"{name}.seed.txt").read_text(encoding="utf-8")
    text = re.sub(r"^#+\s*", "", text, flags=re.MULTILINE)
    text = re.sub(r"\*+|</?sup>", "", text)  # bold and italic marks
    return text


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` and its bytes: to prove a failed run changed nothing."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(project: Path, *args: str, expect: str, where: str) -> str:
    """Run `reportgen build ARGS`; it must fail cleanly at `where` (file:line:col, or a prefix ending in ':')
    saying `expect`, and change no file."""
    before = snapshot(project)
    run = reportgen("build", *args, cwd=project)
    assert run.status == 2, (run.status, run.out, run.err)
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err
    first = next(line for line in run.err.splitlines() if ": error: " in line)
    location = first.split(": error: ")[0]
    assert location == where or location.endswith("/" + where) or where.endswith(":") and location.startswith(where), \
        f"expected the error located at {where!r}, got {first!r}"
    assert expect in run.err, run.err
    assert snapshot(project) == before, "a failed build must leave every file as it was"
    return run.err


# Property-based tests (tests/test_properties.py, test_docx_properties.py). "ci", the default, runs the issue's
# 1,000 cases across kinds (three tests per kind and one for any text, 100 cases each: 1,000 with three kinds),
# the same ones every run and without the slow shrinking of a failure (the failing content is printed);
# HYPOTHESIS_EXAMPLES=N runs N cases per test instead (150 was the count with two kinds);
# HYPOTHESIS_PROFILE=dev runs a quick random few and shrinks; HYPOTHESIS_PROFILE=deep hunts longer.
from hypothesis import HealthCheck, Phase, settings  # noqa: E402

settings.register_profile("ci", max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "100")), deadline=None,
                          derandomize=True, print_blob=True, phases=[Phase.explicit, Phase.reuse, Phase.generate],
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                 HealthCheck.filter_too_much])
settings.register_profile("dev", parent=settings.get_profile("ci"), max_examples=30, derandomize=False,
                          phases=list(Phase))
settings.register_profile("deep", parent=settings.get_profile("ci"), max_examples=1500, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
