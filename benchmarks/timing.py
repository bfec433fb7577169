"""Timing used by every benchmark: medians after a warm-up, in-process or as a new process."""

from __future__ import annotations

import statistics
import subprocess
import time
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


def command_seconds(command: Sequence[str], runs: int = 7, warmup: int = 2, cwd: str | None = None) -> float:
    """Median wall time of running `command` as a new process (as a user runs it)."""
    def run() -> None:
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return median_seconds(run, runs, warmup)


def row(name: str, value: float, unit: str, baseline: str, baseline_value: float, target: str,
        ratio: float | None = None, ok: bool | None = None) -> dict:
    """One line of the benchmark table; `ratio` defaults to value / baseline_value."""
    ratio = value / baseline_value if ratio is None else ratio
    if ok is None:
        op, _, limit = target.partition(" ")
        ok = ratio <= float(limit) if op == "<=" else ratio >= float(limit)
    return {"name": name, "value": value, "unit": unit, "baseline": baseline,
            "baseline_value": baseline_value, "ratio": ratio, "target": target, "ok": ok}
