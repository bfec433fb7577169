"""The annual report: the whole command against pandoc, and the in-process render against python-docx's floor."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import median_seconds, row

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CONTENT = ROOT / "content" / "annual-qa-report-2018-19.yaml"
MARKDOWN = Path(__file__).resolve().parent / "annual-qa-report-2018-19.md"  # the seed's text, as Markdown
TEMPLATE = ROOT / "report_templates" / "annual-qa-report.docx"


def rows() -> list[dict]:
    from docx import Document

    from reportgen.load import load
    from reportgen.oxml.package import pack
    from reportgen.render import render, template_path
    from reportgen.validate import validate

    out: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        built = tmp_path / f"{CONTENT.stem}.docx"

        def whole_command() -> None:
            built.unlink(missing_ok=True)
            subprocess.run([str(BIN / "reportgen"), "build", str(CONTENT), "-o", tmp], check=True,
                           capture_output=True, cwd=ROOT)

        ours = median_seconds(whole_command)
        if shutil.which("pandoc"):
            pandoc_out = tmp_path / "pandoc.docx"
            theirs = median_seconds(lambda: subprocess.run(
                ["pandoc", str(MARKDOWN), "-f", "markdown", "-o", str(pandoc_out),
                 f"--reference-doc={TEMPLATE}"], check=True, capture_output=True))
            out.append(row("annual report: `reportgen build`, new process", ours, "s",
                           "pandoc md -> docx, same text", theirs, "<= 1.0"))

        def in_process() -> bytes:
            report = validate(load(CONTENT))
            return pack(render(report, template_path(report)))

        rendered = median_seconds(in_process)

        def floor() -> None:
            Document(str(built)).save(io.BytesIO())

        whole_command()
        floor_time = median_seconds(floor)
        out.append(row("annual report: load+validate+render to bytes, in process", rendered, "s",
                       "python-docx open+save of the built report", floor_time, "<= 3.0"))
    return out


if __name__ == "__main__":
    from run import table
    print(table(rows()))
