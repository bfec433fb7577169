"""PDF output through LibreOffice: page count and text of the seed reports, tagging, title and language,
clean metadata; one batch per process, separate profiles, and clear errors when LibreOffice is missing or hangs.

LibreOffice starts only a few times here: the seed reports are built and converted once for the module.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import threading
import time
from pathlib import Path

import pytest

from conftest import CASES, ROOT, OfficeServer, Run, reportgen, seed_text, word_ratio
from pdfread import catalog, page_texts, reader, with_object_streams, xmp
from reportgen.errors import ToolMissing
from reportgen.features.publish import convert, filter_spec
from reportgen.pipeline.build import check_one

COVER = "committee-cover-2020-02-qa-audits"
ANNUAL = "annual-qa-report-2018-19"
PAGES = {COVER: 3, ANNUAL: 18}
"""Each seed report's page count in the PDF, as LibreOffice lays out the factory templates."""
TITLES = {COVER: "Aidhour Quality Assurance Report on Audits Completed December 2019",
          ANNUAL: "Annual Quality Assurance Report 2018 to 2019"}


@pytest.fixture(scope="module")
def build_run(tmp_path_factory: pytest.TempPathFactory, office_server: OfficeServer) -> tuple[Path, Run]:
    """Both seed reports built by `reportgen build --pdf`: one LibreOffice run for the two."""
    project = tmp_path_factory.mktemp("pdf-project")
    (project / "content").mkdir()
    shutil.copy(CASES / f"{COVER}.yaml", project / "content")
    shutil.copy(ROOT / "content" / f"{ANNUAL}.yaml", project / "content")
    with office_server.used():
        run = reportgen("build", "--pdf", cwd=project, timeout=600)
    assert run.status == 0, run.err
    return project, run


@pytest.fixture(scope="module")
def built(build_run: tuple[Path, Run]) -> Path:
    project, run = build_run
    for name in PAGES:
        assert f"wrote build/{name}.pdf" in run.out
    return project / "build"


def test_public_build_warns_for_each_quotation_without_consent(build_run: tuple[Path, Run]) -> None:
    project, run = build_run
    source = (project / "content" / f"{ANNUAL}.yaml").read_text(encoding="utf-8").splitlines()
    quotes = next(i for i, line in enumerate(source) if line.strip() == "quotes:") + 1
    warned = [re.match(rf"content/{ANNUAL}\.yaml:(\d+):9: warning: sections\[7\]\.quotes\[(\d+)\]: this quotation "
                       r"does not record consent to publish it: once given, write it as `text:` with "
                       r"`consent: true`$", line) for line in run.err.splitlines() if "quotation" in line]
    assert len(warned) == 15 and all(warned)
    assert [int(m.group(2)) for m in warned] == list(range(1, 16))
    lines = [int(m.group(1)) for m in warned]
    assert lines[0] == quotes + 1 and lines == sorted(lines)
    assert all(source[n - 1].startswith("      - ") for n in lines)  # each at its quotation's `- `


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_count(built: Path, name: str) -> None:
    assert len(reader(built / f"{name}.pdf").pages) == PAGES[name]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_text_matches_the_published_report(built: Path, name: str) -> None:
    text = "\n".join(page_texts(built / f"{name}.pdf"))
    # the PDF adds a table of contents (filled in), the running header (the title) and 'Page N of M'
    body = re.sub(r"^Contents\n.*?^Page \d+ of \d+$", "", text, count=1, flags=re.MULTILINE | re.DOTALL)
    body = re.sub(r"^(Page \d+ of \d+|" + re.escape(TITLES[name]) + r")$", "", body, flags=re.MULTILINE)
    # list markers: the seed's text shows bullets as '-', the PDF as glyphs on lines of their own
    body = re.sub(r"(?<!\S)[\u2022\u2013\u25e6](?!\S)", " ", body)
    seed = re.sub(r"(?<!\S)-(?!\S)", " ", seed_text(name))
    assert word_ratio(seed, body) >= 0.985
    assert TITLES[name] in text and f"Page {PAGES[name]} of {PAGES[name]}" in text


@pytest.mark.parametrize("name", sorted(PAGES))
def test_tagged_with_title_and_language(built: Path, name: str) -> None:
    pdf = built / f"{name}.pdf"
    root = catalog(pdf)
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert root["/Lang"] == "en-GB"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    assert reader(pdf).metadata.title == TITLES[name]


def test_every_output_is_clean(built: Path) -> None:
    outputs = sorted(built.glob("*.docx")) + sorted(built.glob("*.pdf"))
    assert len(outputs) == 2 * len(PAGES)
    for output in outputs:
        assert check_one(output) == [], output  # accessibility (tagged, title, language) and the scan
    for pdf in built.glob("*.pdf"):
        info = "\n".join(str(v) for v in reader(pdf).metadata.values()) + xmp(pdf)
        assert "/tmp" not in info and "reportgen-pdf-" not in info and "file:" not in info


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_published_pdf_saved_again_with_object_streams_still_checks_clean(built: Path, tmp_path: Path,
                                                                          name: str) -> None:
    """Acrobat or qpdf may save a published PDF again with its catalogue, /Info and structure tree in compressed
    object streams: reportgen still finds them (its old search of the raw bytes found none of them)."""
    packed = with_object_streams(built / f"{name}.pdf", tmp_path / f"{name}.pdf")
    raw = packed.read_bytes()
    assert b"/Lang" not in raw and b"/StructTreeRoot" not in raw and b"pdfuaid" not in raw
    assert catalog(packed)["/Lang"] == "en-GB" and reader(packed).metadata.title == TITLES[name]
    assert check_one(packed) == []


def test_nothing_but_the_outputs_is_left(built: Path) -> None:
    # no lock files, temporaries or profile beside the outputs
    assert sorted(p.name for p in built.iterdir()) == sorted(f"{n}{s}" for n in PAGES for s in (".docx", ".pdf"))


def test_two_runs_at_once_do_not_collide(built: Path, tmp_path: Path) -> None:
    folders = [tmp_path / "a", tmp_path / "b"]
    for folder in folders:
        folder.mkdir()
        shutil.copy(built / f"{COVER}.docx", folder / f"{COVER}.docx")
    errors: list[BaseException] = []

    def run(folder: Path) -> None:
        try:
            convert([folder / f"{COVER}.docx"])
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f,)) for f in folders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert errors == []
    for folder in folders:
        assert (folder / f"{COVER}.pdf").read_bytes().startswith(b"%PDF")


def test_filter_options_are_typed_json() -> None:
    spec = filter_spec({"UseTaggedPDF": True, "Quality": 90})
    assert spec == 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},' \
                   '"Quality":{"type":"long","value":"90"}}'


# -- without a real LibreOffice ---------------------------------------------------------------------------

def fake_soffice(folder: Path, script: str, monkeypatch: pytest.MonkeyPatch | None = None) -> Path:
    """A folder holding a `soffice` that runs `script` (sh) instead of LibreOffice, for the one-off (cold)
    conversion, which these tests are about: the warm converter is turned off."""
    if monkeypatch is not None:
        monkeypatch.setenv("REPORTGEN_PDF_CONVERTER", "cold")
    folder.mkdir(exist_ok=True)
    program = folder / "soffice"
    program.write_text("#!/bin/sh\n" + script)
    program.chmod(program.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return folder


@pytest.fixture
def docx(tmp_path: Path) -> Path:
    from reportgen.pipeline.build import build_one

    return build_one(CASES / f"{COVER}.yaml", tmp_path / "build", templates=ROOT / "report_templates").output


def test_missing_libreoffice_says_how_to_install_it(docx: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    run = reportgen("pdf", str(docx), cwd=tmp_path, env={"PATH": str(empty)})
    assert run.status == 2
    assert "LibreOffice (soffice) is not installed" in run.err
    assert "apt-get install libreoffice-writer-nogui" in run.err
    assert "Traceback" not in run.err
    assert not docx.with_suffix(".pdf").exists()


def test_build_pdf_without_libreoffice_stops_before_building(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    shutil.copy(CASES / f"{COVER}.yaml", tmp_path / "content")
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    run = reportgen("build", "--pdf", f"content/{COVER}.yaml", cwd=tmp_path, env={"PATH": str(empty)})
    assert run.status == 2
    assert "apt-get install libreoffice-writer-nogui" in run.err
    assert not (tmp_path / "build").exists()


def test_hung_conversion_is_killed_with_its_children(docx: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    pid_file = tmp_path / "child.pid"
    # like the real soffice, a script whose child does the work: the child must die too
    bin_dir = fake_soffice(tmp_path / "bin", f"sleep {CHILD_SECONDS} &\necho $! > {pid_file}\nwait\n", monkeypatch)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    # The timeout counts from the script's start. On a loaded machine the script may be stopped before it
    # has started its child, which tests nothing here: then the timeout is doubled until the child was there.
    for timeout in (2, 4, 8, 16, 32):
        started = time.monotonic()
        with pytest.raises(ToolMissing) as caught:
            convert([docx], timeout=timeout)
        assert time.monotonic() - started < CHILD_SECONDS, "the hung LibreOffice was waited for, not stopped"
        assert f"did not finish converting 1 file(s) to PDF within {timeout} seconds and was stopped" \
            in str(caught.value)
        if pid_file.exists() and pid_file.read_text().strip():
            break
    else:
        pytest.fail("the stand-in soffice never started its child")
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 60  # SIGKILL is delivered, not waited for: the child dies soon after
    while _running(child):
        assert time.monotonic() < deadline, f"the child {child} of the hung LibreOffice was left running"
        time.sleep(0.01)
    assert not docx.with_suffix(".pdf").exists()


CHILD_SECONDS = 600
"""How long the hung stand-in's child would run if nobody stopped it."""


def test_a_file_libreoffice_could_not_convert_is_named(docx: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = fake_soffice(tmp_path / "bin", "exit 0\n", monkeypatch)  # says nothing, writes nothing, as soffice does
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(ToolMissing) as caught:
        convert([docx])
    assert str(docx) in str(caught.value) and "LibreOffice did not convert this file" in str(caught.value)


def test_one_process_for_a_batch_and_a_profile_of_its_own(docx: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "calls.log"
    # a stand-in that records its arguments and writes a PDF for each input
    script = (f'echo "$@" >> {log}\nout=""\nprev=""\nfor a in "$@"; do\n'
              '  if [ "$prev" = "--outdir" ]; then out="$a"; fi\n'
              '  case "$a" in *.docx) n=$(basename "$a" .docx); mkdir -p "$out"; printf "%%PDF-1.6 fake" > "$out/$n.pdf";;'
              ' esac\n  prev="$a"\ndone\n')
    bin_dir = fake_soffice(tmp_path / "bin", script, monkeypatch)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    other = tmp_path / "other" / docx.name  # the same name in another folder: both converted
    other.parent.mkdir()
    shutil.copy(docx, other)
    run = reportgen("pdf", str(docx), str(other), cwd=tmp_path,
                    env={"PATH": os.environ["PATH"], "REPORTGEN_PDF_CONVERTER": "cold"})
    assert run.status == 0, run.err
    assert run.out.splitlines() == [f"wrote {docx.with_suffix('.pdf')}", f"wrote {other.with_suffix('.pdf')}"]
    assert other.with_suffix(".pdf").read_bytes() == b"%PDF-1.6 fake"
    calls = log.read_text().splitlines()
    assert len(calls) == 1
    assert re.search(r"-env:UserInstallation=file:///\S*reportgen-pdf-\S+/profile", calls[0])
    assert '"UseTaggedPDF":{"type":"boolean","value":"true"}' in calls[0]
    convert([docx])
    profiles = re.findall(r"UserInstallation=(\S+)", log.read_text())
    assert len(set(profiles)) == 2  # each run its own profile


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in state  # a zombie is dead, waiting only to be reaped


def test_pdf_command_refuses_what_is_not_a_docx(tmp_path: Path) -> None:
    missing = reportgen("pdf", str(tmp_path / "nothing.docx"), cwd=tmp_path)
    assert missing.status == 2 and "expected a Word .docx file to convert" in missing.err
