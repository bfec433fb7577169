"""Timing used by every benchmark: medians after a warm-up, in-process or as a new process."""

from __future__ import annotations

import resource
import statistics
import subprocess
import time
from dataclasses import dataclass
from typing import Callable, Sequence


def median_seconds(action: Callable[[], object], runs: int = 7, warmup: int = 2) -> float:
    """Median wall time of `action` over `runs` calls, after `warmup` calls that are not counted."""
    for _ in range(warmup):
        action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@dataclass
class Timing:
    """Medians of one action's runs: wall time, and CPU time (its own and that of processes it ran)."""

    seconds: float
    cpu_seconds: float


def interleaved(actions: Sequence[Callable[[], object]], runs: int = 9, warmup: int = 2) -> list[Timing]:
    """Each action's medians, the actions taking turns (a, b, a, b, ...) after a warm-up of each.

    On a shared, busy machine the load comes and goes: measured one after the other, one action may
    meet a quiet minute and the other a busy one. Taking turns, both meet the same load, so their
    ratio holds. CPU time, which other processes barely change, is kept beside the wall time."""
    for _ in range(warmup):
        for action in actions:
            action()
    walls: list[list[float]] = [[] for _ in actions]
    cpus: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for i, action in enumerate(actions):
            cpu_before = _cpu()
            started = time.perf_counter()
            action()
            walls[i].append(time.perf_counter() - started)
            cpus[i].append(_cpu() - cpu_before)
    return [Timing(statistics.median(w), statistics.median(c)) for w, c in zip(walls, cpus)]


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def command_seconds(command: Sequence[str], runs: int = 7, warmup: int = 2, cwd: str | None = None) -> float:
    """Median wall time of running `command` as a new process (as a user runs it)."""
    def run() -> None:
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return median_seconds(run, runs, warmup)


def row(name: str, value: float, unit: str, baseline: str, baseline_value: float, target: str,
        ratio: float | None = None, ok: bool | None = None) -> dict:
    """One line of the benchmark table; `ratio` defaults to value / baseline_value.

    A `target` of "info" marks a figure shown for honesty, with no target to meet (its ok is None)."""
    ratio = value / baseline_value if ratio is None else ratio
    if target == "info":
        ok = None
    elif ok is None:
        op, _, limit = target.partition(" ")
        ok = ratio <= float(limit) if op == "<=" else ratio >= float(limit)
    return {"name": name, "value": value, "unit": unit, "baseline": baseline,
            "baseline_value": baseline_value, "ratio": ratio, "target": target, "ok": ok}


def compile_bytecode() -> None:
    """Compile reportgen's modules as `pip install` does for an installed package.

    This machine sets PYTHONDONTWRITEBYTECODE, so an editable install would otherwise compile every
    module from source in every new process (about 60 ms), which no user's installed copy does."""
    import compileall
    from pathlib import Path

    compileall.compile_dir(str(Path(__file__).resolve().parents[1] / "reportgen"), quiet=1)
