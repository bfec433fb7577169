"""PDF through LibreOffice: one cover report, a batch of 20 in one process (time per report vs one alone),
and the annual report."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from timing import median_seconds, row

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content" / "committee-cover-2020-02-qa-audits.yaml"
ANNUAL = ROOT / "content" / "annual-qa-report-2018-19.yaml"
BATCH = 20


def rows() -> list[dict]:
    from reportgen.build import build_one
    from reportgen.publish import convert

    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as scratch:
        folder = Path(scratch)
        docx = build_one(CONTENT, folder / "one", templates=ROOT / "report_templates").output
        batch = []
        for n in range(BATCH):
            copy = folder / "batch" / f"cover-{n + 1:02d}.docx"
            copy.parent.mkdir(exist_ok=True)
            shutil.copy(docx, copy)
            batch.append(copy)
        build = median_seconds(lambda: build_one(CONTENT, folder / "build", force=True,
                                                 templates=ROOT / "report_templates"), runs=7, warmup=2)
        annual = build_one(ANNUAL, folder / "annual", templates=ROOT / "report_templates").output
        one = median_seconds(lambda: convert([docx]), runs=5, warmup=1)
        long = median_seconds(lambda: convert([annual]), runs=5, warmup=1)
        many = median_seconds(lambda: convert(batch), runs=3, warmup=1)
    return [
        row("pdf: one cover report, one LibreOffice run", one, "s", "building its .docx", build, "info"),
        row(f"pdf: batch of {BATCH} cover reports, time per report", many / BATCH, "s",
            "one cover report alone (one run)", one, "<= 0.5"),
        row(f"pdf: batch of {BATCH} cover reports, whole batch", many, "s", "one cover report alone (one run)",
            one, f"<= {BATCH / 2:.0f}"),
        row("pdf: the annual report, one LibreOffice run", long, "s", "one cover report alone (one run)", one,
            "<= 5"),
    ]


if __name__ == "__main__":
    from run import table
    print(table(rows()))
