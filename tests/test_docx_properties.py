"""Property-based: a damaged or hostile .docx -- as a template, as a file given to check or redline, as a Word
appendix in a pack -- is used (made safe) or refused with located errors. Never an internal error, never
a hang, and nothing it links to outside itself reaches the output. Cases come from tests/docx_strategies.py;
the hypothesis profile in conftest.py sets how many (fewer for packs, which merge documents)."""

from __future__ import annotations

import re
import shutil
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import CASES, ROOT
from docx_strategies import Damaged, damaged
from reportgen.errors import Problem, ReportgenError
from reportgen.oxml.package import read_parts

COVER = CASES / "committee-cover-2020-02-qa-audits.yaml"
TEMPLATE = read_parts(ROOT / "report_templates" / "committee-cover.docx")
APPENDIX = read_parts(ROOT / "content" / "appendices" / "example-appendix-word.docx")
HANG = 120
"""Seconds after which one case counts as hung (every bound is far below it: a case takes about a second)."""
LINKED = (b"hostname", b"vbaProject", b"macroEnabled")
"""What the damage links to outside the file (other than a web link, which a reader must click), or its
macros: never in an output."""


@contextmanager
def no_hang() -> Iterator[None]:
    def hung(*_: object) -> None:
        raise AssertionError(f"still running after {HANG} s: a hang")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(HANG)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def located(error: ReportgenError, file: str) -> None:
    assert error.problems, "an error must say what is wrong"
    for problem in error.problems:
        assert problem.position is not None and problem.position.file.endswith(file), problem
        assert problem.message.strip(), problem


def clean(output: Path, warnings: list[Problem] | None) -> None:
    """What reportgen wrote carries no macros and nothing the damaged file linked to outside itself. A path
    the damage wrote into a part that is copied as it is (customXml) may remain where the build warned about
    it (`warnings`; None: a redline, which copies its newer file's parts and is not published)."""
    parts = read_parts(output)
    warned = {w.path for w in warnings or [] if w.rule == "machine-path"}
    for name, data in parts.items():
        for secret in LINKED:
            assert secret not in data, f"{secret!r} reached {name} of the output"
        if b"jsmith" in data:
            assert not name.endswith(".rels") and (warnings is None or name in warned), f"a path reached {name}"
        if name.endswith(".rels"):
            for external in data.split(b'TargetMode="External"')[:-1]:
                kept = external.rsplit(b"<Relationship", 1)[-1]
                assert b"/hyperlink" in kept and re.search(rb'Target="(https?://|mailto:)', kept), \
                    f"an external link other than a web link kept in {name}: {kept!r}"


@pytest.fixture
def folder() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="reportgen-docx-property-"))
    try:
        yield path
    finally:
        shutil.rmtree(path)


@given(case=damaged(TEMPLATE))
def test_a_damaged_template_builds_or_is_refused(case: Damaged) -> None:
    from reportgen.pipeline.build import build_one

    folder = Path(tempfile.mkdtemp(prefix="reportgen-docx-property-"))
    try:
        (folder / "templates").mkdir()
        (folder / "templates" / "committee-cover.docx").write_bytes(case.zipped)
        with no_hang():
            try:
                built = build_one(COVER, folder / "build", templates=folder / "templates")
            except ReportgenError as exc:
                located(exc, ".docx") if not exc.problems[0].position.file.endswith(".yaml") else None
                assert not (folder / "build").exists() or not any((folder / "build").iterdir())
                return
        clean(built.output, built.warnings)
    finally:
        shutil.rmtree(folder)


@given(case=damaged(APPENDIX), command=st.sampled_from(["check", "redline"]))
def test_a_damaged_docx_is_checked_or_redlined_or_refused(case: Damaged, command: str) -> None:
    from reportgen.pipeline.build import check_one
    from reportgen.features.redline import redline_files

    folder = Path(tempfile.mkdtemp(prefix="reportgen-docx-property-"))
    try:
        given_docx = folder / "given.docx"
        given_docx.write_bytes(case.zipped)
        with no_hang():
            try:
                if command == "check":
                    check_one(given_docx)
                else:
                    clean(redline_files([COVER, given_docx], folder / "red.docx").output, None)
            except ReportgenError as exc:
                located(exc, "")
    finally:
        shutil.rmtree(folder)


@settings(max_examples=25, suppress_health_check=list(HealthCheck))
@given(case=damaged(APPENDIX))
def test_a_damaged_word_appendix_is_packed_or_refused(case: Damaged) -> None:
    from reportgen.features.pack import build_pack

    folder = Path(tempfile.mkdtemp(prefix="reportgen-docx-property-"))
    try:
        (folder / "content" / "appendices").mkdir(parents=True)
        (folder / "content" / "appendices" / "given.docx").write_bytes(case.zipped)
        agenda = folder / "content" / "agenda.yaml"
        agenda.write_text("kind: agenda\ncommittee: Example Committee\ndate: 10/02/2020\ntime: 11.00 am\n"
                          "venue: Example Room\nmembers: [Example Member]\nenquiries: Example Clerk\nitems:\n"
                          "  - number: 1\n    title: Example item\n    appendices: [appendices/given.docx]\n")
        with no_hang():
            try:
                result = build_pack(agenda, folder / "build", pdf=False)
            except ReportgenError as exc:
                located(exc, "agenda.yaml")
                return
        clean(result.docx, result.warnings)
    finally:
        shutil.rmtree(folder)
