"""Draft marking: `build --draft` puts DRAFT, the date and the content's git revision in the header; a normal build none."""

from __future__ import annotations

import datetime as _dt
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from conftest import CASES, reportgen
from reportgen.pipeline.build import build_one
from reportgen.pipeline.draft import PROPERTY, DraftMark, draft_mark
from reportgen.oxml.ns import qn
from reportgen.oxml.package import read_parts
from reportgen.oxml.text import paragraph_text

NAME = "committee-cover-2020-02-qa-audits"
DAY = _dt.date(2026, 11, 25)
GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]


def header_lines(docx: Path) -> list[str]:
    parts = read_parts(docx)
    lines = []
    for name in sorted(n for n in parts if n.startswith("word/header")):
        lines += [paragraph_text(p) for p in etree.fromstring(parts[name]).iter(qn("w:p"))]
    return [line for line in lines if line.strip()]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A content file committed to a fresh git repository."""
    shutil.copy(CASES / f"{NAME}.yaml", tmp_path / f"{NAME}.yaml")
    subprocess.run(GIT + ["init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(GIT + ["add", "."], cwd=tmp_path, check=True)
    subprocess.run(GIT + ["commit", "-qm", "draft 1"], cwd=tmp_path, check=True)
    return tmp_path


def _short_hash(repo: Path) -> str:
    return subprocess.run(["git", "log", "-1", "--format=%h"], cwd=repo, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_draft_build_carries_the_mark_and_a_normal_build_none(project: Path) -> None:
    source = project / "content" / f"{NAME}.yaml"
    plain = build_one(source, project / "plain", templates=project / "report_templates").output
    draft = build_one(source, project / "draft", templates=project / "report_templates",
                      draft=DraftMark(DAY, "abc1234-dirty")).output
    assert header_lines(draft) == ["Aidhour Quality Assurance Report on Audits Completed December 2019",
                                   "DRAFT \u2013 25 November 2026 \u2013 abc1234-dirty"]
    assert header_lines(plain) == ["Aidhour Quality Assurance Report on Audits Completed December 2019"]
    assert b"DRAFT" not in b"".join(read_parts(plain).values())
    assert PROPERTY.encode() in read_parts(draft)["docProps/custom.xml"]


def test_draft_build_is_deterministic(project: Path) -> None:
    source = project / "content" / f"{NAME}.yaml"
    mark = DraftMark(DAY, "abc1234")
    first = build_one(source, project / "a", templates=project / "report_templates", draft=mark).output
    second = build_one(source, project / "b", templates=project / "report_templates", draft=mark).output
    assert first.read_bytes() == second.read_bytes()


def test_revision_is_the_content_files_commit_and_dirty_when_changed(repo: Path) -> None:
    source = repo / f"{NAME}.yaml"
    assert draft_mark(source, DAY) == DraftMark(DAY, _short_hash(repo))
    source.write_text(source.read_text() + "\n# a reviewer's note\n")
    assert draft_mark(source, DAY).revision == f"{_short_hash(repo)}-dirty"
    (repo / "new.yaml").write_text("kind: cover\n")
    assert draft_mark(repo / "new.yaml", DAY).revision == "uncommitted"


def test_outside_git_there_is_no_revision(tmp_path: Path) -> None:
    shutil.copy(CASES / f"{NAME}.yaml", tmp_path / "report.yaml")
    mark = draft_mark(tmp_path / "report.yaml", DAY)
    assert mark.revision == "" and mark.line == "DRAFT \u2013 25 November 2026"


def test_cli_build_draft(repo: Path) -> None:
    run = reportgen("build", "--draft", "--draft-date", "2026-11-25", f"{NAME}.yaml", "-o", "out", cwd=repo)
    assert run.status == 0, run.err
    assert header_lines(repo / "out" / f"{NAME}.docx")[-1] == f"DRAFT \u2013 25 November 2026 \u2013 {_short_hash(repo)}"
    run = reportgen("build", f"{NAME}.yaml", "-o", "final", cwd=repo)
    assert run.status == 0, run.err
    assert not any("DRAFT" in line for line in header_lines(repo / "final" / f"{NAME}.docx"))


def test_annual_report_carries_the_draft_mark_too(tmp_path: Path) -> None:
    from conftest import ROOT

    source = ROOT / "content" / "annual-qa-report-2018-19.yaml"
    draft = build_one(source, tmp_path / "draft", templates=ROOT / "report_templates",
                      draft=DraftMark(DAY, "abc1234")).output
    plain = build_one(source, tmp_path / "plain", templates=ROOT / "report_templates").output
    assert header_lines(draft)[-1] == "DRAFT \u2013 25 November 2026 \u2013 abc1234"
    assert not any("DRAFT" in line for line in header_lines(plain))
