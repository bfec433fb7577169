"""Bad input of every kind the issue lists (beyond tests/test_bad_content.py): each gives a located,
plain-English error, exit status 2, no traceback, and leaves every existing file (outputs included) as it was."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Callable

import pytest

from conftest import CASES, ROOT, refused, reportgen, snapshot

NAME = "committee-cover-2020-02-qa-audits"
SOURCE = f"content/{NAME}.yaml"
OUTPUT = f"build/{NAME}.docx"


@pytest.fixture(scope="module")
def previous_output(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The seed report as an earlier, good build left it: every failing case starts with it in build/."""
    from reportgen.pipeline.build import build_one

    folder = tmp_path_factory.mktemp("previous")
    return build_one(CASES / f"{NAME}.yaml", folder).output.read_bytes()


@pytest.fixture
def with_output(project: Path, previous_output: bytes) -> Path:
    (project / "build").mkdir()
    (project / OUTPUT).write_bytes(previous_output)
    return project


def _edit(project: Path, old: str, new: str) -> None:
    source = project / SOURCE
    text = source.read_text(encoding="utf-8")
    assert old in text, old
    source.write_text(text.replace(old, new, 1), encoding="utf-8")


APPENDIX = "  - title: >-\n"
DEEP = "summary:\n  - " + "[" * 60 + "]" * 60 + "\n"

# name: (old text, new text, expected message, expected location)
CONTENT = {
    "unknown field": ("purpose: information", "purpose: information\ncolour: blue",
                      "unknown field 'colour'; fields here: kind, committee", f"{SOURCE}:10:1"),
    "list where text is expected": ("subject: Aidhour", "subject: [Aidhour]\nx_subject: Aidhour",
                                    "subject: expected text, got a list", f"{SOURCE}:6:10"),
    "yes/no expected": ("purpose: information", "purpose: information\nextra_spending: perhaps",
                        "extra_spending: expected yes or no (true/false), got 'perhaps'", f"{SOURCE}:10:17"),
    "text where a list is expected": ("access: public", "access: non-public\nexempt_paragraphs: three",
                                      "exempt_paragraphs: expected a list", f"{SOURCE}:8:20"),
    "impossible ISO date": ("dated: 10/02/2020", "dated: 2020-02-30",
                            "dated: expected a real date (dd/mm/yyyy), got '2020-02-30'", f"{SOURCE}:5:8"),
    "impossible time": ("dated: 10/02/2020", "dated: 2020-02-10 25:00:00",
                        "dated: expected a date as dd/mm/yyyy", f"{SOURCE}:5:8"),
    "29 February in a common year": ("dated: 10/02/2020", "dated: 29/02/2019",
                                     "there is no such day", f"{SOURCE}:5:8"),
    "non-public appendix without paragraphs": (APPENDIX, "  - public: false\n    title: >-\n",
                                               "appendices[1].exempt_paragraphs: a non-public appendix must cite",
                                               f"{SOURCE}:79:5"),
    "Schedule 12A paragraph 0": ("access: public", "access: non-public\nexempt_paragraphs: [0]",
                                 "Schedule 12A paragraph numbers start at 1", f"{SOURCE}:8:20"),
    "author without a name": ("  name: Pat Dixon\n", "",
                              "author.name: expected the field 'name', got nothing", f"{SOURCE}:87:3"),
    "empty Main Report": ("main_report:\n", "main_report: []\nold_main_report:\n",
                          "main_report: expected at least 1 item(s), got none", f"{SOURCE}:26:14"),
    "a list as a field name": ("purpose: information", "purpose: information\n? [a, b]\n: c",
                               "expected a field name, got ('a', 'b')", f"{SOURCE}:10:3"),
    "binary value": ("access: public", "access: !!binary aGVsbG8=", "expected text, a number, yes/no or a date, got bytes",
                     f"{SOURCE}:7:9"),
    "custom tag": ("access: public", "access: !include /etc/passwd", "YAML tags such as !include are not allowed",
                   f"{SOURCE}:7:9"),
    "python object tag": ("access: public", "access: !!python/name:os.system", "YAML tags such as",
                          f"{SOURCE}:7:9"),
    "nesting too deep": ("summary:\n", DEEP + "old_summary:\n", "nested more than 40 levels deep", f"{SOURCE}:"),
    "appendix outside the content folder": (APPENDIX, "  - file: ../../etc/passwd\n    title: >-\n",
                                            "got '../../etc/passwd', which points outside it", f"{SOURCE}:79:11"),
    "appendix by absolute path": (APPENDIX, "  - file: /etc/passwd\n    title: >-\n",
                                  "expected a path relative to the content file", f"{SOURCE}:79:11"),
    "appendix by Windows path": (APPENDIX, "  - file: ..\\..\\Windows\\win.ini\n    title: >-\n",
                                 "which points outside it", f"{SOURCE}:79:11"),
    "appendix that does not exist": (APPENDIX, "  - file: appendix-1.pdf\n    title: >-\n",
                                     "expected an existing file, got 'appendix-1.pdf': there is no content/appendix-1.pdf",
                                     f"{SOURCE}:79:11"),
    "appendix that is a folder": (APPENDIX, "  - file: .\n    title: >-\n",
                                  "expected a file, got '.': content is a folder", f"{SOURCE}:79:11"),
}


@pytest.mark.parametrize("case", sorted(CONTENT))
def test_bad_content_leaves_the_previous_output(with_output: Path, case: str) -> None:
    old, new, expect, where = CONTENT[case]
    _edit(with_output, old, new)
    refused(with_output, expect=expect, where=where)


def test_appendix_linked_to_a_file_outside_is_refused(with_output: Path) -> None:
    """A symbolic link inside the content folder that leads out of it is followed, and refused."""
    (with_output / "content" / "appendix.pdf").symlink_to("/etc/passwd")
    _edit(with_output, APPENDIX, "  - file: appendix.pdf\n    title: >-\n")
    refused(with_output, expect="got 'appendix.pdf', which points outside it", where=f"{SOURCE}:79:11")


def test_appendix_inside_the_content_folder_is_accepted(project: Path) -> None:
    (project / "content" / "appendices").mkdir()
    (project / "content" / "appendices" / "findings.pdf").write_bytes(b"%PDF-1.4\n")
    _edit(project, APPENDIX, "  - file: appendices/findings.pdf\n    title: >-\n")
    run = reportgen("build", cwd=project)
    assert run.status == 0, run.err


def test_resolved_path_is_the_file_inside(project: Path) -> None:
    from reportgen.pipeline.build import read_report

    (project / "content" / "findings.pdf").write_bytes(b"%PDF-1.4\n")
    _edit(project, APPENDIX, "  - file: findings.pdf\n    title: >-\n")
    report, _ = read_report(project / SOURCE)
    assert report.appendices[0].file.resolved == (project / "content" / "findings.pdf").resolve()


def _write(name: str, data: bytes) -> Callable[[Path], None]:
    def make(project: Path) -> None:
        (project / SOURCE).write_bytes(data)
    make.__name__ = name
    return make


# name: (how to spoil the project, build arguments, expected message, expected location)
FILES = {
    "only a comment": (_write("c", b"# to do\n"), (), "expected a mapping of fields starting with `kind:`, got nothing",
                       f"{SOURCE}:1:1"),
    "UTF-16 from Notepad": (_write("u", "kind: cover\n".encode("utf-16")), (),
                            "expected UTF-8 text, got byte 0xff", f"{SOURCE}:1:1"),
    "Windows-1252 smart quote": (_write("w", b"kind: cover\nsubject: Children\x92s\n"), (),
                                 "expected UTF-8 text, got byte 0x92", f"{SOURCE}:2:18"),
    "larger than 4 MB": (_write("l", b"# " + b"x" * (4 * 1024 * 1024) + b"\n"), (), "the file is larger than 4 MB",
                         SOURCE),
    "a file that is not there": (lambda p: None, ("content/missing.yaml",), "cannot read the content file",
                                 "content/missing.yaml"),
    "not a .yaml file": (lambda p: (p / "content" / "notes.txt").write_text("kind: cover\n"), ("content/notes.txt",),
                         "expected a .yaml content file, got .txt", "content/notes.txt"),
}


@pytest.mark.parametrize("case", sorted(FILES))
def test_bad_content_file(with_output: Path, case: str) -> None:
    spoil, args, expect, where = FILES[case]
    spoil(with_output)
    refused(with_output, *args, expect=expect, where=where)


def test_mac_line_endings_and_bom_build(project: Path) -> None:
    source = project / SOURCE
    source.write_bytes(b"\xef\xbb\xbf" + source.read_bytes().replace(b"\n", b"\r"))
    run = reportgen("build", cwd=project)
    assert run.status == 0, run.err


# -- outputs that cannot be written ------------------------------------------------------------------------
def _immutable(path: Path) -> bool:
    """Make `path` read-only even for root (tests run as root in CI, where chmod stops nothing)."""
    if os.geteuid() != 0:
        path.chmod(0o555 if path.is_dir() else 0o444)
        return True
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    return done.returncode == 0


def _mutable(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    path.chmod(0o755 if path.is_dir() else 0o644)


def _changed(project: Path) -> None:
    _edit(project, "Members are asked to note the report.", "Members are asked to approve the report.")


@pytest.mark.parametrize("target", ["folder", "file"])
def test_read_only_output(with_output: Path, target: str) -> None:
    """A read-only build/ folder, or a locked output file (chattr +i, which stops root as well):
    the build says it cannot write, and the old output stays."""
    _changed(with_output)
    locked = with_output / ("build" if target == "folder" else OUTPUT)
    if not _immutable(locked):
        # no chattr support on this file system: a folder in the output's place blocks root as well
        (with_output / OUTPUT).unlink()
        (with_output / OUTPUT).mkdir()
        refused(with_output, expect="a folder named", where=OUTPUT)
        return
    try:
        refused(with_output, expect="cannot write", where=OUTPUT)
    finally:
        _mutable(locked)
    assert not list((with_output / "build").glob(".*.tmp")), "no temporary file left behind"


def test_folder_in_place_of_the_output(with_output: Path) -> None:
    (with_output / OUTPUT).unlink()
    (with_output / OUTPUT).mkdir()
    (with_output / OUTPUT / "keep.txt").write_text("someone's file")
    refused(with_output, expect=f"a folder named {NAME}.docx is in its place", where=OUTPUT)


def test_file_in_place_of_the_output_folder(with_output: Path) -> None:
    (with_output / "out").write_text("not a folder")
    before = snapshot(with_output)
    run = reportgen("build", "-o", "out", cwd=with_output)
    assert run.status == 2 and "Traceback" not in run.err
    assert "Invalid value for '-o' / '--out': Directory 'out' is a file" in run.err
    assert snapshot(with_output) == before


def test_output_folder_inside_a_file(with_output: Path) -> None:
    (with_output / "out").write_text("not a folder")
    refused(with_output, "-o", "out/reports", expect="cannot write to the folder out/reports",
            where=f"out/reports/{NAME}.docx")


def test_edited_output_cannot_be_moved_aside(with_output: Path) -> None:
    """--force keeps an edited copy beside the output: when the folder is read-only, say so, lose nothing."""
    from docx import Document

    out = with_output / OUTPUT
    doc = Document(str(out))
    doc.add_paragraph("A clerk's own note.")
    doc.save(str(out))
    _changed(with_output)
    if not _immutable(with_output / "build"):
        pytest.fail("cannot make a folder read-only here: chattr +i failed (needs CAP_LINUX_IMMUTABLE)")
    try:
        refused(with_output, "--force", expect="cannot move the edited copy aside", where=OUTPUT)
    finally:
        _mutable(with_output / "build")


# -- the annual report ------------------------------------------------------------------------------------
ANNUAL = "annual-qa-report-2018-19"
ANNUAL_SOURCE = f"content/{ANNUAL}.yaml"
ANNUAL_CASES = {
    "misspelt month": ("date: August 2019", "date: Agust 2019",
                       "date: expected a month and year such as 'August 2019', got 'Agust 2019'", f"{ANNUAL_SOURCE}:9:7"),
    # a section's type is the council's own words (issue 11): only a blank one is wrong
    "blank section type": ("type: thematic audit", "type: ''", "expected text, got a blank value",
                           f"{ANNUAL_SOURCE}:90:11"),
    "formula naming an unknown statistic": ("contacts_other]}", "contacts_othr]}",
                                            "contacts_othr", f"{ANNUAL_SOURCE}:15:"),
    "text naming an unknown statistic": ("introduction:\n", "introduction:\n  - See [[no_such_figure]].\n",
                                         "no_such_figure", f"{ANNUAL_SOURCE}:24:"),
    "a folder in place of the output": (None, None, f"a folder named {ANNUAL}.docx is in its place",
                                        f"build/{ANNUAL}.docx"),
}


@pytest.fixture(scope="module")
def previous_annual(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    from reportgen.pipeline.build import build_one

    return build_one(ROOT / ANNUAL_SOURCE, tmp_path_factory.mktemp("annual")).output.read_bytes()


@pytest.mark.parametrize("case", sorted(ANNUAL_CASES))
def test_bad_annual_report_leaves_the_previous_output(project: Path, previous_annual: bytes, case: str) -> None:
    old, new, expect, where = ANNUAL_CASES[case]
    source = project / ANNUAL_SOURCE
    text = (ROOT / ANNUAL_SOURCE).read_text(encoding="utf-8")
    (project / "build").mkdir()
    if old is None:  # the output's place is taken
        (project / "build" / f"{ANNUAL}.docx").mkdir()
    else:
        assert old in text, old
        text = text.replace(old, new, 1)
        (project / "build" / f"{ANNUAL}.docx").write_bytes(previous_annual)
    source.write_text(text, encoding="utf-8")
    refused(project, ANNUAL_SOURCE, expect=expect, where=where)


@pytest.mark.parametrize("text, expected", [
    ("kind: annual\ntitle: x\n", "g.yaml:1:1: error: date: expected the field 'date', got nothing"),
    ("kind: cover\n-committee: x\n", "g.yaml:2:1: error: -committee: unknown field '-committee' (did you mean"),
    ("kind: cover\nlist[1]: x\n", "g.yaml:2:1: error: list[1]: unknown field 'list[1]'"),
    ("kind: cover\ncommittee: [a, 7]\n", "g.yaml:2:16: error: committee[2]: expected text, got a number (7)"),
    ("kind: cover\nx:\n  ? a: [1]\n  : b\n", "g.yaml:3:5: error: expected a field name, got a list or mapping"),
])
def test_locations_follow_the_contents_own_keys(text: str, expected: str) -> None:
    """Keys that look like the names pydantic adds to an error's place ('date', 'list[1]') keep theirs."""
    from reportgen.errors import ContentError
    from reportgen.pipeline.load import parse_text
    from reportgen.pipeline.validate import validate

    with pytest.raises(ContentError) as caught:
        validate(parse_text(text, "g.yaml"))
    assert expected in str(caught.value)
