"""Scaling: the annual content repeated 1, 4 and 16 times; time and peak memory at each size."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import compile_bytecode, row

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content" / "annual-qa-report-2018-19.yaml"

# Runs in a fresh process so that its peak memory is the build's own. Its time is CPU time: the sizes
# are measured one after another, and on a shared machine the wall time of one may meet a busy minute
# that the other did not; the build is single-threaded, so its CPU time is the work it does. The peak is read from
# /proc/self/status (VmHWM): ru_maxrss would carry over the parent's peak from before the exec.
# Its cache starts empty, so the warm-up build draws the chart and the peak includes matplotlib.
CHILD = r"""
import json, resource, sys, time
from reportgen.pipeline.load import parse_text
from reportgen.oxml.package import pack
from reportgen.pipeline.render import render, template_path
from reportgen.pipeline.validate import validate
text = open(sys.argv[1], encoding="utf-8").read()
def once():
    report = validate(parse_text(text, "scaled.yaml"))
    return pack(render(report, template_path(report)))
once()
times = []
for _ in range(int(sys.argv[2])):
    t = time.process_time(); once(); times.append(time.process_time() - t)
times.sort()
def peak_kb():
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": times[len(times) // 2], "peak_mb": peak_kb() / 1024}))
"""


def scaled(copies: int) -> str:
    """The annual content with its sections repeated `copies` times, each copy retitled."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    document = yaml.load(CONTENT.read_text(encoding="utf-8"))
    sections = list(document["sections"])
    for n in range(2, copies + 1):
        for section in sections:
            copy = yaml.load(_dump(yaml, section))
            copy["title"] = f"{section['title']} (copy {n})"
            document["sections"].append(copy)
    return _dump(yaml, document)


def _dump(yaml, value) -> str:
    import io
    buffer = io.StringIO()
    yaml.dump(value, buffer)
    return buffer.getvalue()


def measure(copies: int, runs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "scaled.yaml"
        content.write_text(scaled(copies), encoding="utf-8")
        done = subprocess.run([sys.executable, "-c", CHILD, str(content), str(runs)], check=True,
                              capture_output=True, text=True, cwd=ROOT,
                              env={**os.environ, "REPORTGEN_CACHE_DIR": str(Path(tmp) / "cache")})
    return json.loads(done.stdout)


def rows() -> list[dict]:
    compile_bytecode()
    one = measure(1, 21)  # more runs where a run is short: its median is the base of both ratios
    four = measure(4, 11)
    sixteen = measure(16, 5)
    return [
        row("scaling: 4x content, CPU time", four["seconds"], "s", "1x content", one["seconds"], "<= 4.5"),
        row("scaling: 16x content, CPU time", sixteen["seconds"], "s", "1x content", one["seconds"], "<= 18.0"),
        row("scaling: 16x content, peak memory (MB)", sixteen["peak_mb"], "MB", "1x content peak (MB)",
            one["peak_mb"], "<= 200", ok=sixteen["peak_mb"] < 200),
    ]


if __name__ == "__main__":
    from run import table
    print(table(rows()))
