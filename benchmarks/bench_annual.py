"""The annual report: the whole command against pandoc, and the in-process render against python-docx's floor."""

from __future__ import annotations

import io
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import compile_bytecode, interleaved, row

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CONTENT = ROOT / "content" / "annual-qa-report-2018-19.yaml"
MARKDOWN = Path(__file__).resolve().parent / "annual-qa-report-2018-19.md"  # the seed's text, as Markdown
TEMPLATE = ROOT / "report_templates" / "annual-qa-report.docx"
CACHE_ENV = "REPORTGEN_CACHE_DIR"


def rows() -> list[dict]:
    from docx import Document

    from reportgen.pipeline.load import load
    from reportgen.oxml.package import pack
    from reportgen.pipeline.render import render, template_path
    from reportgen.pipeline.validate import validate

    compile_bytecode()
    out: list[dict] = []
    saved_cache = os.environ.get(CACHE_ENV)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        built = tmp_path / f"{CONTENT.stem}.docx"
        # The cache of this run, filled by the warm-up builds as a user's is by their first build.
        os.environ[CACHE_ENV] = str(tmp_path / "cache")

        def whole_command(cache: Path | None = None) -> None:
            built.unlink(missing_ok=True)  # so every run renders and writes the whole file
            env = {**os.environ, **({CACHE_ENV: str(cache)} if cache else {})}
            subprocess.run([str(BIN / "reportgen"), "build", str(CONTENT), "-o", tmp], check=True,
                           capture_output=True, cwd=ROOT, env=env)

        try:
            pandoc_out = tmp_path / "pandoc.docx"

            def pandoc() -> None:
                subprocess.run(["pandoc", str(MARKDOWN), "-f", "markdown", "-o", str(pandoc_out),
                                f"--reference-doc={TEMPLATE}"], check=True, capture_output=True)

            if shutil.which("pandoc"):
                ours, theirs = interleaved([whole_command, pandoc])
                out.append(row("annual report: `reportgen build`, new process", ours.seconds, "s",
                               "pandoc md -> docx, same text", theirs.seconds, "<= 1.0"))
                out.append(row("  the same, CPU time (user+sys)", ours.cpu_seconds, "s",
                               "pandoc's CPU time", theirs.cpu_seconds, "info"))
                fresh = itertools.count()
                first, theirs = interleaved([lambda: whole_command(tmp_path / f"empty-{next(fresh)}"), pandoc],
                                            runs=5, warmup=1)
                out.append(row("  the same, first build (cache empty: chart drawn)", first.seconds, "s",
                               "pandoc md -> docx, same text", theirs.seconds, "info"))

            def in_process() -> bytes:
                report = validate(load(CONTENT))
                return pack(render(report, template_path(report)))

            def floor() -> None:
                Document(str(built)).save(io.BytesIO())

            report = validate(load(CONTENT))

            def render_only() -> bytes:
                return pack(render(report, template_path(report)))

            whole_command()
            rendered, floor_time, render_time = interleaved([in_process, floor, render_only])
        finally:
            if saved_cache is None:
                os.environ.pop(CACHE_ENV, None)
            else:
                os.environ[CACHE_ENV] = saved_cache
        out.append(row("annual report: load+validate+render to bytes, in process", rendered.seconds, "s",
                       "python-docx open+save of the built report", floor_time.seconds, "<= 3.0"))
        out.append(row("  the same, CPU time", rendered.cpu_seconds, "s", "the floor's CPU time",
                       floor_time.cpu_seconds, "info"))
        out.append(row("  render + pack alone (model already loaded)", render_time.seconds, "s",
                       "python-docx open+save of the built report", floor_time.seconds, "info"))
    return out


if __name__ == "__main__":
    from run import table
    print(table(rows()))
