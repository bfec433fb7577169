"""Watch mode: the time from saving a report's content to the rebuilt .docx, against a python-docx open+save of it."""

from __future__ import annotations

import io
import queue
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

from timing import median_seconds, row

ROOT = Path(__file__).resolve().parents[1]
ANNUAL = ROOT / "content" / "annual-qa-report-2018-19.yaml"
COVER = ROOT / "content" / "committee-cover-2020-02-qa-audits.yaml"
SAVES, WARMUP = 9, 2
TARGET_SECONDS = 0.150


def _content() -> Path:
    """The annual report once its kind exists, else the covering report."""
    from reportgen.kinds import MODELS

    return ANNUAL if "annual" in MODELS else COVER


def save_to_rebuild_seconds(source: Path, saves: int = SAVES, warmup: int = WARMUP) -> tuple[float, Path]:
    """Median time from writing the content file to the watcher having written the rebuilt .docx."""
    seconds, first = timed_saves(source, saves, warmup, lambda done: done.result is not None and not done.result.unchanged,
                                 "rebuild the report", timeout=60)
    return seconds, first.result.output


def timed_saves(source: Path, saves: int, warmup: int, written: Callable[[Any], bool], what: str, *,
                timeout: float, pdf: bool = False) -> tuple[float, Any]:
    """Median time from a save of a copy of `source` (one word changed, then back) to `reportgen watch`
    (in a thread, with the factory templates) reporting a rebuild that `written` accepts; and the
    first rebuild, its output copied aside before the scratch folder goes."""
    from reportgen.features.watch import watch

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        content = folder / source.name
        shutil.copy(source, content)
        rebuilt: queue.Queue = queue.Queue()
        lines: list[str] = []
        stop = threading.Event()
        thread = threading.Thread(target=watch, args=([str(content)], folder / "build"), daemon=True,
                                  kwargs=dict(templates=ROOT / "report_templates", pdf=pdf, stop=stop,
                                              say=lambda line, error: lines.append(line), on_rebuild=rebuilt.put))
        thread.start()
        try:
            first = rebuilt.get(timeout=timeout * 5)
            if not written(first):
                raise RuntimeError("\n".join(lines))
            while not any(line.startswith("watching") for line in lines):
                time.sleep(0.01)
            time.sleep(0.3)
            original = content.read_text(encoding="utf-8")
            edited = _reworded(original)
            times = []
            for n in range(warmup + saves):
                started = time.perf_counter()
                content.write_text(edited if n % 2 == 0 else original, encoding="utf-8")
                done = rebuilt.get(timeout=timeout)
                elapsed = time.perf_counter() - started
                if not written(done):
                    raise RuntimeError(f"the save did not {what}: {lines[-3:]}")
                if n >= warmup:
                    times.append(elapsed)
                time.sleep(0.2)  # let the watcher settle, as between a person's saves
            if first.result is not None:
                kept = Path(tempfile.mkdtemp()) / first.result.output.name
                shutil.copy(first.result.output, kept)
                first.result.output = kept
            return statistics.median(times), first
        finally:
            stop.set()
            thread.join(timeout=60)


def _reworded(text: str) -> str:
    """`text` with one word of its prose changed (not in a comment): the .docx must be rewritten."""
    lines = text.split("\n")
    k = next(k for k, line in enumerate(lines) if " the " in line.split("#", 1)[0])
    lines[k] = lines[k].replace(" the ", " this ", 1)
    return "\n".join(lines)


def rows() -> list[dict]:
    from docx import Document

    source = _content()
    latency, built = save_to_rebuild_seconds(source)
    floor = median_seconds(lambda: Document(str(built)).save(io.BytesIO()))
    shutil.rmtree(built.parent, ignore_errors=True)
    label = "annual report" if source == ANNUAL else "cover report (annual kind not merged yet)"
    return [row(f"watch: save -> rebuilt .docx, {label}", latency * 1000, "ms",
                "python-docx open+save of the built report", floor * 1000, "< 150 ms",
                ok=latency < TARGET_SECONDS)]


if __name__ == "__main__":
    from run import table
    print(table(rows()))
