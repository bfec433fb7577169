"""Batch throughput: 200 cover reports by `reportgen build --jobs 2` against a naive docxtpl loop, same run.

The baseline is what a clerk's script would do without reportgen: for each content file, read the
YAML, open a DocxTemplate on an equivalent docxtpl template (written here with python-docx, same
content fields), render and save. reportgen runs as a user runs it: one new process over the folder.
Both are timed wall-clock, medians of several runs after a warm-up; the figure is the throughput ratio.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import row

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "content" / "committee-cover-2020-02-qa-audits.yaml"
REPORTS = 200
JOBS = 2
RUNS = 3
TARGET = 5.0


def make_content(folder: Path, count: int = REPORTS) -> list[Path]:
    """`count` copies of the seed cover report, each with its own subject."""
    folder.mkdir(parents=True, exist_ok=True)
    seed = SEED.read_text(encoding="utf-8")
    subject = "subject: Aidhour Quality Assurance Report on Audits Completed December 2019"
    assert subject in seed
    files = []
    for n in range(1, count + 1):
        path = folder / f"cover-{n:03d}.yaml"
        path.write_text(seed.replace(subject, f"subject: Example batch report {n} on audits"), encoding="utf-8")
        files.append(path)
    return files


def make_docxtpl_template(path: Path) -> None:
    """A docxtpl template with the cover report's fields, the way docxtpl's documentation writes one."""
    from docx import Document

    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "{{ subject }}"
    table = doc.add_table(rows=4, cols=4)
    table.style = doc.styles["Table Grid"]
    rows = [("Committee:", "{{ committee }}", "Dated:", "{{ dated }}"),
            ("Subject:", "{{ subject }}", "", "{{ access }}"),
            ("Report of:", "{{ report_of }}", "", "{{ purpose }}"),
            ("Report author:", "{{ author.name }}, {{ author.job_title }}, {{ author.department }}", "", "")]
    for row, values in zip(table.rows, rows):
        for cell, value in zip(row.cells, values):
            cell.text = value
    doc.add_heading("Summary", 1)
    doc.add_paragraph("{%p for para in summary %}")
    doc.add_paragraph("{{ para }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_heading("Recommendation", 1)
    doc.add_paragraph("{%p for para in recommendations %}")
    doc.add_paragraph("{{ para }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_heading("Main Report", 1)
    doc.add_paragraph("{%p for section in main_report %}")
    doc.add_heading("{{ section.heading }}", 2)
    doc.add_paragraph("{%p for para in section.paragraphs %}")
    doc.add_paragraph("{{ para }}", style="List Number")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_heading("Appendices", 1)
    doc.add_paragraph("{%p for appendix in appendices %}")
    doc.add_paragraph("Appendix {{ loop.index }} – {{ appendix.title }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.add_heading("Background Papers", 1)
    doc.add_paragraph("{%p for paper in background_papers %}")
    doc.add_paragraph("{{ paper }}")
    doc.add_paragraph("{%p endfor %}")
    for field in ("name", "job_title", "department", "telephone", "email"):
        doc.add_paragraph(f"{{{{ author.{field} }}}}")
    doc.save(str(path))


def naive_loop(files: list[Path], template: Path, out: Path) -> float:
    """Seconds for the naive loop over `files`."""
    from docxtpl import DocxTemplate
    from ruamel.yaml import YAML

    out.mkdir(parents=True, exist_ok=True)
    yaml = YAML(typ="safe")
    started = time.perf_counter()
    for path in files:
        context = yaml.load(path.read_text(encoding="utf-8"))
        document = DocxTemplate(str(template))
        document.render(context)
        document.save(str(out / f"{path.stem}.docx"))
    return time.perf_counter() - started


def reportgen_batch(content: Path, out: Path, jobs: int = JOBS) -> float:
    """Seconds for `reportgen build --jobs N` over the folder, as one new process."""
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "reportgen", "build", "--jobs", str(jobs), "-o", str(out),
                           str(content)], cwd=content.parent, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"reportgen build failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds


def rows() -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as scratch:
        scratch_path = Path(scratch)
        files = make_content(scratch_path / "content")
        template = scratch_path / "naive-cover.docx"
        make_docxtpl_template(template)
        naive_loop(files[:10], template, scratch_path / "warm")  # warm-up: imports, disk cache
        reportgen_batch(scratch_path / "content", scratch_path / "warm-rg")
        naive, ours = [], []
        for run in range(RUNS):  # interleaved, so a busy moment falls on both alike
            naive.append(naive_loop(files, template, scratch_path / f"naive-{run}"))
            ours.append(reportgen_batch(scratch_path / "content", scratch_path / "out"))
    naive_rate = REPORTS / statistics.median(naive)
    our_rate = REPORTS / statistics.median(ours)
    return [row(f"batch: {REPORTS} cover reports, reportgen build --jobs {JOBS}", our_rate, "reports/s",
                "naive docxtpl loop (open, render, save each)", naive_rate, f">= {TARGET}")]


if __name__ == "__main__":
    for row in rows():
        print(row)
