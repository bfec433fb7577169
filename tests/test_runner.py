"""The command line run in-process (conftest.reportgen) says what a real process says, and leaves nothing behind."""

from __future__ import annotations

import os
import re
import shutil
import signal
from pathlib import Path

import pytest

from conftest import reportgen, reportgen_process

COVER = "committee-cover-2020-02-qa-audits"
COMMANDS = {
    "a build": ("build",),
    "a content error (exit 2)": ("build", "content/broken.yaml"),
    "a check with errors (exit 2)": ("check", "content/broken.yaml"),
    "a usage error (exit 2)": ("build", "--no-such-option"),
    "a choice refused (exit 2)": ("new", "memo", "x"),
    "the version": ("--version",),
}


def _said(text: str) -> str:
    """What a run said, without what differs between any two runs: how many milliseconds it took."""
    return re.sub(r" in \d+ ms", " in N ms", text)


@pytest.mark.parametrize("command", COMMANDS)
def test_in_process_and_a_real_process_say_the_same(project: Path, tmp_path: Path, command: str) -> None:
    (project / "content" / "broken.yaml").write_text(
        (project / "content" / f"{COVER}.yaml").read_text(encoding="utf-8").replace("dated: 10/02/2020",
                                                                                    "dated: 31/02/2020"),
        encoding="utf-8")
    other = shutil.copytree(project, tmp_path / "other")
    inside = reportgen(*COMMANDS[command], cwd=project)
    process = reportgen_process(*COMMANDS[command], cwd=other)
    assert (inside.status, _said(inside.out), _said(inside.err)) == \
        (process.status, _said(process.out), _said(process.err))
    assert sorted(p.name for p in (project / "build").glob("*")) == sorted(p.name for p in (other / "build").glob("*"))


def test_a_bug_is_exit_70_in_process_as_in_a_process(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr("reportgen.pipeline.check_one", broken, raising=False)
    run = reportgen("check", cwd=project)
    assert run.status == 70, run
    assert "internal error: RuntimeError: simulated bug (this is a reportgen bug" in run.err


def test_nothing_a_command_changes_in_the_process_outlives_it(project: Path) -> None:
    cwd, env, handler = os.getcwd(), dict(os.environ), signal.getsignal(signal.SIGTERM)
    run = reportgen("build", cwd=project, env={"REPORTGEN_DEBUG": "", "EXAMPLE_ONLY": "1"})
    assert run.status == 0, run.err
    assert (os.getcwd(), dict(os.environ), signal.getsignal(signal.SIGTERM)) == (cwd, env, handler)
    from reportgen.pipeline.render import template

    assert template._CACHE == {}  # a new process starts with no template compiled


def test_a_command_that_hangs_fails_its_test_instead_of_the_run(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from conftest import _TimedOut

    monkeypatch.setattr("reportgen.pipeline.check_one", lambda *args, **kwargs: time.sleep(60), raising=False)
    handler = signal.getsignal(signal.SIGALRM)
    with pytest.raises(_TimedOut, match="did not finish within 0.5 s"):
        reportgen("check", cwd=project, timeout=0.5)
    assert signal.getsignal(signal.SIGALRM) == handler
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # no alarm left to go off in a later test
