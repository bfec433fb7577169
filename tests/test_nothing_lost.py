"""Nothing lost (issue 19, Deliver 3): unique output names, edits to properties, builds at once, SIGTERM.

(Atomic `actions -o` is in test_actions.py; a killed build in test_faults.py.)
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import reportgen, snapshot
from exempt_project import cover, write_yaml
from reportgen.oxml.package import pack, read_parts

NAME = "committee-cover-2020-02-qa-audits"


def test_same_name_in_two_folders_is_an_error_naming_both(project: Path) -> None:
    (project / "content" / "a").mkdir()
    (project / "content" / "b").mkdir()
    write_yaml(project / "content" / "a" / "minutes.yaml", cover("first"))
    write_yaml(project / "content" / "b" / "Minutes.yml", cover("second"))
    before = snapshot(project)
    run = reportgen("build", "content/a", "content/b", cwd=project)
    assert run.status == 2, run.err
    line = next(line for line in run.err.splitlines() if "would both be built" in line)
    assert line.startswith("content/b/Minutes.yml: error: ")
    assert "content/a/minutes.yaml" in line and "build/Minutes.docx" in line
    assert snapshot(project) == before, "nothing written"


def test_one_file_named_twice_is_built_once(project: Path) -> None:
    run = reportgen("build", f"content/{NAME}.yaml", f"./content//{NAME}.yaml", cwd=project)
    assert run.status == 0, run.err
    assert run.out.count("built ") == 1


def _edit_custom_properties(path: Path) -> None:
    """What a tool that edits File > Properties > Custom alone does: only docProps/custom.xml changes."""
    parts = read_parts(path)
    custom = parts["docProps/custom.xml"].decode()
    parts["docProps/custom.xml"] = custom.replace(
        "</Properties>", '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="9" name="Reviewed by">'
        "<vt:lpwstr>Head of Service</vt:lpwstr></property></Properties>").encode()
    path.write_bytes(pack(parts))


@pytest.mark.parametrize("part", ["custom", "core"])
def test_an_edit_to_the_properties_alone_is_an_edit(project: Path, part: str) -> None:
    assert reportgen("build", f"content/{NAME}.yaml", cwd=project).status == 0
    output = project / "build" / f"{NAME}.docx"
    if part == "custom":
        _edit_custom_properties(output)
    else:
        parts = read_parts(output)
        parts["docProps/core.xml"] = parts["docProps/core.xml"].replace(b"</cp:coreProperties>",
                                                                        b"<cp:category>Final</cp:category></cp:coreProperties>")
        output.write_bytes(pack(parts))
    edited = output.read_bytes()
    source = project / "content" / f"{NAME}.yaml"
    source.write_text(source.read_text().replace("Members are asked to note the report.",
                                                 "Members are asked to approve the report."))
    run = reportgen("build", f"content/{NAME}.yaml", cwd=project)
    assert run.status == 2 and "was edited after reportgen wrote it" in run.err, run.err
    assert output.read_bytes() == edited
    run = reportgen("build", f"content/{NAME}.yaml", "--force", cwd=project)
    assert run.status == 0 and "edited copy kept as" in run.out, run.err
    kept = [p for p in output.parent.iterdir() if ".edited-" in p.name]
    assert [p.read_bytes() for p in kept] == [edited]


def test_files_written_before_properties_were_covered_still_rebuild(project: Path) -> None:
    """A fingerprint of the older kind (no version mark) is still recognised: no false 'edited'."""
    from reportgen.oxml.properties import with_custom_value
    from reportgen.pipeline.write import _CUSTOM, FINGERPRINT, _legacy_fingerprint

    assert reportgen("build", f"content/{NAME}.yaml", cwd=project).status == 0
    output = project / "build" / f"{NAME}.docx"
    parts = read_parts(output)
    old = _legacy_fingerprint(parts)
    parts[_CUSTOM] = with_custom_value(parts[_CUSTOM], FINGERPRINT, old)
    output.write_bytes(pack(parts))
    source = project / "content" / f"{NAME}.yaml"
    source.write_text(source.read_text().replace("Members are asked to note the report.",
                                                 "Members are asked to approve the report."))
    run = reportgen("build", f"content/{NAME}.yaml", cwd=project)
    assert run.status == 0, run.err


BUILD_LOOP = """
import os, sys
from pathlib import Path
from reportgen.pipeline.build import build_one
for n in range(int(sys.argv[2])):  # new bytes every time (a property), so every build writes
    build_one(Path(sys.argv[1]), Path("build"), extra_properties={"run": f"{os.getpid()}-{n}"})
"""


def test_builds_of_one_file_at_once_are_safe(project: Path) -> None:
    """Four processes building one report over and over: none fails, none deletes another's temporary file."""
    source = f"content/{NAME}.yaml"
    runs = [subprocess.Popen([sys.executable, "-c", BUILD_LOOP, source, "25"], cwd=project,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err[-2000:]
    output = project / "build" / f"{NAME}.docx"
    assert "word/document.xml" in read_parts(output)
    assert sorted(p.name for p in output.parent.iterdir()) == [output.name], "no temporary file left"


def test_a_running_builds_temporary_file_is_not_a_stray(tmp_path: Path) -> None:
    from reportgen.pipeline.write import remove_stray_temporaries

    output = tmp_path / "r.docx"
    mine = tmp_path / f".r.docx.{os.getpid()}-abc.tmp"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    stray = tmp_path / f".r.docx.{dead}-abc.tmp"
    older = tmp_path / ".r.docx.k2j3h4.tmp"  # the name a build before this change gave it
    for path in (mine, stray, older):
        path.write_bytes(b"half")
    remove_stray_temporaries(output)
    assert mine.exists() and not stray.exists() and not older.exists()


def _descendants(root: int) -> dict[int, bytes]:
    """Every living process under `root` (children, theirs ...) and its command line."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    found, frontier = {}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in found:
                try:
                    found[child] = (Path("/proc") / str(child) / "cmdline").read_bytes()
                except OSError:
                    continue
                frontier.append(child)
    return found


def _still_running(processes: dict[int, bytes]) -> list[int]:
    alive = []
    for pid, cmdline in processes.items():
        try:
            state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
            if state != "Z" and (Path("/proc") / str(pid) / "cmdline").read_bytes() == cmdline:
                alive.append(pid)
        except (OSError, IndexError):
            pass
    return alive


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text in (entry / "cmdline").read_bytes().decode("utf-8", "replace"):
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.mark.skipif(shutil.which("soffice") is None or not Path("/proc").is_dir(),
                    reason="needs LibreOffice and /proc")
def test_sigterm_during_conversion_stops_libreoffice_and_cleans_up(project: Path, tmp_path: Path) -> None:
    assert reportgen("build", f"content/{NAME}.yaml", cwd=project).status == 0
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    before = snapshot(project)
    child = subprocess.Popen([sys.executable, "-m", "reportgen", "pdf", f"build/{NAME}.docx"], cwd=project,
                             env={**os.environ, "TMPDIR": str(scratch)}, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    office: dict[int, bytes] = {}
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and child.poll() is None:
            office = {pid: line for pid, line in _descendants(child.pid).items() if b"soffice" in line}
            if any(b"soffice.bin" in line for line in office.values()):
                break
            time.sleep(0.05)
        assert office, "LibreOffice never started"
        time.sleep(0.5)  # well into the conversion
        office.update({pid: line for pid, line in _descendants(child.pid).items() if b"soffice" in line})
        child.send_signal(signal.SIGTERM)
        out, err = child.communicate(timeout=60)
        assert child.returncode == 143, (child.returncode, err)
        assert "stopped (SIGTERM)" in err and "Traceback" not in err
        time.sleep(0.5)
        assert _still_running(office) == [], "LibreOffice is still running"
        assert _processes_mentioning(str(scratch)) == [], "LibreOffice is still running"
        assert list(scratch.iterdir()) == [], "temporary files were left behind"
        assert snapshot(project) == before, "no PDF (and nothing else) was written"
    finally:
        if child.poll() is None:
            child.kill()
        for pid in set(_still_running(office)) | set(_processes_mentioning(str(scratch))):  # ours only
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_pack_pdf_is_written_once_whole(tmp_path: Path) -> None:
    """The pack's PDF is converted from a scratch copy: no PDF without its appendix pages ever sits beside
    the pack (a pack killed between converting and drawing the appendices in used to leave one)."""
    from exempt_project import agenda, write_pdf
    from reportgen.features.pack import build_pack, convert_to_pdf

    content = tmp_path / "content"
    write_pdf(content / "appendices" / "scan.pdf", "XQZSCAN")
    source = write_yaml(content / "agenda.yaml", agenda([{"appendices": ["appendices/scan.pdf"]}]))
    docx = build_pack(source, tmp_path / "build", pdf=False).docx
    assert convert_to_pdf(docx)[:5] == b"%PDF-"
    assert sorted(p.name for p in docx.parent.iterdir()) == ["agenda.docx"], "nothing written beside the pack"
