"""A build killed part-way (SIGKILL while writing) leaves the previous output intact, and the next build
leaves no temporary file behind.

The kill is made deterministic by a child process that runs the real command line with the write slowed
at one point: it says WRITING on stdout and waits there until the test kills it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import reportgen

NAME = "committee-cover-2020-02-qa-audits"

# Runs `reportgen build` with os.fdopen (the temporary file's handle) or os.replace (the final rename)
# wrapped to stop part-way: "half" has written half the document to the temporary file, "rename" has
# written and flushed all of it but not yet put it in place.
CHILD = r"""
import os, sys, time
moment = sys.argv[1]

def stop_here():
    print("WRITING", flush=True)
    time.sleep(600)

if moment == "half":
    real_fdopen = os.fdopen

    class HalfWritten:
        def __init__(self, handle):
            self.handle = handle
        def __enter__(self):
            return self
        def __exit__(self, *exc):
            return self.handle.__exit__(*exc)
        def write(self, data):
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            stop_here()
        def __getattr__(self, name):
            return getattr(self.handle, name)

    os.fdopen = lambda *a, **k: HalfWritten(real_fdopen(*a, **k))
else:
    os.replace = lambda *a, **k: stop_here()

sys.argv = ["reportgen", "build"]
from reportgen.cli import main
main()
"""


@pytest.mark.parametrize("moment", ["half", "rename"])
def test_killed_build_keeps_previous_output(project: Path, moment: str) -> None:
    assert reportgen("build", cwd=project).status == 0
    output = project / "build" / f"{NAME}.docx"
    previous = output.read_bytes()
    source = project / "content" / f"{NAME}.yaml"
    source.write_text(source.read_text().replace("Members are asked to note the report.",
                                                 "Members are asked to approve the report."))

    child = subprocess.Popen([sys.executable, "-c", CHILD, moment], cwd=project, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "WRITING", child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL

    assert output.read_bytes() == previous, "the killed build damaged the previous output"
    strays = list(output.parent.glob(f".{output.name}.*.tmp"))
    assert len(strays) == 1, "the kill should have left the temporary file it was writing"
    if moment == "half":
        assert 0 < strays[0].stat().st_size < len(previous)

    run = reportgen("build", cwd=project)
    assert run.status == 0, run.err
    assert output.read_bytes() != previous, "the next build writes the new content"
    assert sorted(p.name for p in output.parent.iterdir()) == [output.name], "no temporary files remain"
