"""Batches: parallel builds, each template compiled once per process, failures summarised, order kept."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import reportgen
from reportgen.pipeline import batch
from reportgen.pipeline.batch import BuildOptions, build_chunk, build_many, chunks
from reportgen.pipeline.render import template as template_module

NAME = "committee-cover-2020-02-qa-audits"


@pytest.fixture
def many(project: Path) -> list[Path]:
    """Seven cover reports, the fourth broken."""
    seed = project / "content" / f"{NAME}.yaml"
    files = []
    for n in range(1, 8):
        path = project / "content" / f"report-{n}.yaml"
        shutil.copy(seed, path)
        files.append(path)
    files[3].write_text(files[3].read_text().replace("dated: 10/02/2020", "dated: 31/02/2020"))
    seed.unlink()
    return files


def test_parallel_build_keeps_going_and_summarises(project: Path, many: list[Path]) -> None:
    run = reportgen("build", "--jobs", "2", cwd=project)
    assert run.status == 2
    built = [line.split()[1] for line in run.out.splitlines() if line.startswith("built ")]
    assert built == [f"build/report-{n}.docx" for n in (1, 2, 3, 5, 6, 7)], "outputs in the order named"
    for n in (1, 2, 3, 5, 6, 7):
        assert (project / "build" / f"report-{n}.docx").exists()
    assert not (project / "build" / "report-4.docx").exists()
    summary = run.err[run.err.index("error: 1 of 7 report(s) not built"):]
    assert "content/report-4.yaml" in summary
    assert "dated: expected a real date (dd/mm/yyyy), got '31/02/2020'" in summary  # why, not only which
    assert "Traceback" not in run.err


def test_parallel_output_is_the_same_as_serial(project: Path, many: list[Path]) -> None:
    many[3].unlink()
    serial = build_many(many[:3] + many[4:], BuildOptions(project / "a"), jobs=1)
    parallel = build_many(many[:3] + many[4:], BuildOptions(project / "b"), jobs=2)
    assert [o.source for o in serial] == [o.source for o in parallel]
    for s, p in zip(serial, parallel):
        assert s.result.output.read_bytes() == p.result.output.read_bytes()


def test_each_template_compiled_once_per_process(project: Path, many: list[Path], monkeypatch) -> None:
    compiled: list[Path] = []
    real = template_module._prepare

    def counting(path: Path):
        compiled.append(path)
        return real(path)

    monkeypatch.setattr(template_module, "_prepare", counting)
    monkeypatch.setattr(template_module, "_CACHE", {})
    outcomes = build_chunk([p for p in many if p != many[3]], BuildOptions(project / "build"))
    assert all(o.ok for o in outcomes)
    assert len(compiled) == 1


def test_an_internal_error_in_one_report_does_not_stop_the_others(project: Path, many: list[Path],
                                                                   monkeypatch) -> None:
    real = batch.build_one

    def flaky(source: Path, *args, **kwargs):
        if source.name == "report-2.yaml":
            raise RuntimeError("simulated bug")
        return real(source, *args, **kwargs)

    monkeypatch.setattr(batch, "build_one", flaky)
    outcomes = build_many(many, BuildOptions(project / "build"), jobs=1)
    assert [o.ok for o in outcomes] == [True, False, True, False, True, True, True]
    assert "internal error: RuntimeError: simulated bug" in outcomes[1].problems[0].message
    assert batch.summary(outcomes)[0].message.startswith("2 of 7 report(s) not built")


def test_chunks_cover_every_file_in_order() -> None:
    files = [Path(f"{n}.yaml") for n in range(23)]
    cut = chunks(files, 2)
    assert [f for chunk in cut for f in chunk] == files
    assert len(cut) == 2 * batch.CHUNKS_PER_JOB
    assert max(map(len, cut)) - min(map(len, cut)) <= 1
    assert chunks(files[:3], 4) == [[f] for f in files[:3]]


def test_progress_bar_only_on_a_terminal(project: Path, many: list[Path]) -> None:
    piped = reportgen("build", "--jobs", "2", cwd=project)
    assert "\x1b[" not in piped.err and "building" not in piped.err
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "reportgen", "build", "--jobs", "2"], cwd=project,
                               stdout=subprocess.DEVNULL, stderr=follower, stdin=subprocess.DEVNULL)
    os.close(follower)
    shown = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        shown += chunk
    process.wait(timeout=60)
    os.close(leader)
    assert b"building" in shown, shown[-500:]
    assert process.returncode == 2


def test_a_batch_syncs_once_and_replaces_nothing_before(tmp_path: Path, monkeypatch) -> None:
    from reportgen.pipeline import write

    calls: list[str] = []
    monkeypatch.setattr(write.os, "sync", lambda: calls.append("sync"))
    monkeypatch.setattr(write.os, "fsync", lambda fd: calls.append("fsync"))
    targets = [tmp_path / f"{n}.docx" for n in range(3)]
    targets[0].write_bytes(b"old")
    with write.one_sync_for_many() as not_placed:
        for target in targets:
            write.write_bytes(b"new", target)
        assert targets[0].read_bytes() == b"old" and not targets[1].exists()
    assert calls == ["sync"]
    assert not_placed == {}
    assert [t.read_bytes() for t in targets] == [b"new"] * 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0.docx", "1.docx", "2.docx"]  # no temporaries left


def test_packed_bytes_are_what_zipfile_writes(project: Path) -> None:
    """The hand-written zip (which reuses deflated template parts) is byte for byte zipfile's."""
    import io
    import zipfile

    from reportgen.pipeline.build import read_report
    from reportgen.oxml.package import FIXED_ZIP_TIME, pack
    from reportgen.pipeline.render import render, template_path

    report, _ = read_report(project / "content" / f"{NAME}.yaml")
    parts = render(report, template_path(report))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in ["[Content_Types].xml"] + [n for n in parts if n != "[Content_Types].xml"]:
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, parts[name], compresslevel=6)
    assert pack(parts) == buffer.getvalue()
    assert pack(parts) == buffer.getvalue()  # and again, from what it remembered


def test_per_part_remembers_large_parts_only_and_none_too() -> None:
    from reportgen.oxml.package import MEMO_FROM, per_part

    calls: list[int] = []

    @per_part
    def nothing_found(data: bytes) -> None:
        calls.append(len(data))
        return None

    large, small = b"x" * MEMO_FROM, b"y" * 10
    for _ in range(3):
        assert nothing_found(large) is None
        nothing_found(small)
    assert calls == [MEMO_FROM, 10, 10, 10]


def test_stray_temporaries_of_a_killed_build_are_removed(tmp_path: Path) -> None:
    from reportgen.pipeline.write import write_bytes

    (tmp_path / ".report.docx.abc123.tmp").write_bytes(b"half written")
    (tmp_path / ".other.docx.abc123.tmp").write_bytes(b"another file's")
    (tmp_path / "report.docx.tmp").write_bytes(b"not ours")
    write_bytes(b"new", tmp_path / "report.docx")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.docx.abc123.tmp", "report.docx", "report.docx.tmp"]
