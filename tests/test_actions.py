"""`reportgen actions`: every recommendation across reports, in the terminal, as .csv and as .docx."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, reportgen, snapshot
from reportgen.features.actions import COLUMNS, collect, csv_text
from reportgen.oxml.text import read_lines

COVERS = ["committee-cover-2020-02-qa-audits.yaml", "example-cover-2020-02-decision.yaml",
          "example-cover-2020-02-training.yaml"]
EXPECTED = [
    ["committee-cover-2020-02-qa-audits/1", "Members are asked to note the report."],
    ["example-cover-2020-02-decision/a", "Members are asked to agree the example proposal set out in this report."],
    ["example-cover-2020-02-decision/b", "Members are asked to note the example appendix."],
    ["example-cover-2020-02-training/1", "Members are asked to note the report."],
]


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    for name in COVERS:
        (tmp_path / "content" / name).write_bytes((ROOT / "content" / name).read_bytes())
    # the reports' appendices: a file an appendix names must exist (issue 8)
    shutil.copytree(ROOT / "content" / "appendices", tmp_path / "content" / "appendices")
    return tmp_path


def test_csv_lists_every_recommendation(reports: Path) -> None:
    run = reportgen("actions", "-o", "actions.csv", cwd=reports)
    assert run.status == 0, run.err
    rows = list(csv.reader(io.StringIO((reports / "actions.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0] == list(COLUMNS)
    assert [row[:2] for row in rows[1:]] == EXPECTED
    assert rows[1][5] == "Aidhour Quality Assurance Report on Audits Completed December 2019"


def test_docx_table_with_repeating_header_row(reports: Path) -> None:
    run = reportgen("actions", "-o", "actions.docx", cwd=reports)
    assert run.status == 0, run.err
    rows = [line.cells for line in read_lines(reports / "actions.docx") if line.kind == "row"]
    assert rows[0] == list(COLUMNS)
    assert [row[:2] for row in rows[1:]] == EXPECTED
    from reportgen.oxml.package import read_parts
    document = read_parts(reports / "actions.docx")["word/document.xml"].decode()
    assert document.count("<w:tblHeader/>") == 1


def test_terminal_table(reports: Path) -> None:
    run = reportgen("actions", cwd=reports, env={"COLUMNS": "200"})
    assert run.status == 0, run.err
    assert "4 recommendation(s)" in run.out
    for row in EXPECTED:
        assert row[0] in run.out


def test_unreadable_content_is_reported_and_the_rest_listed(reports: Path) -> None:
    (reports / "content" / "broken.yaml").write_text("kind: cover\n")
    run = reportgen("actions", cwd=reports, env={"COLUMNS": "200"})
    assert run.status == 2
    assert "content/broken.yaml:1:1: error" in run.err
    assert "4 recommendation(s)" in run.out  # the terminal shows what could be read


@pytest.mark.parametrize("suffix", [".csv", ".docx"])
@pytest.mark.parametrize("broken", ["kind: cover\n", "a: [unclosed\n"])
def test_bad_input_never_replaces_the_existing_table(reports: Path, suffix: str, broken: str) -> None:
    """Issue 19: `actions -o` with a bad input used to replace a good table with a header row."""
    assert reportgen("actions", "-o", f"actions{suffix}", cwd=reports).status == 0
    good = (reports / f"actions{suffix}").read_bytes()
    (reports / "content" / "broken.yaml").write_text(broken)
    before = snapshot(reports)
    run = reportgen("actions", "-o", f"actions{suffix}", cwd=reports)
    assert run.status == 2 and "content/broken.yaml:" in run.err and ": error: " in run.err
    assert f"actions{suffix} was not written" in run.err
    assert snapshot(reports) == before and (reports / f"actions{suffix}").read_bytes() == good


@pytest.mark.parametrize("typed", ["=HYPERLINK(\"http://example.org/x\",\"click\")", "+1+2", "-2+3", "@SUM(A1)",
                                   "\t=1+1", "=cmd|' /C calc'!A0"])
def test_csv_cells_never_run_as_formulas(reports: Path, typed: str) -> None:
    """A recommendation that starts like a formula is text in the spreadsheet (OWASP: a leading ')."""
    path = reports / "content" / COVERS[0]
    text = path.read_text(encoding="utf-8")
    assert "  - Members are asked to note the report." in text
    path.write_text(text.replace("  - Members are asked to note the report.", f"  - {json.dumps(typed)}", 1),
                    encoding="utf-8")
    run = reportgen("actions", "-o", "actions.csv", cwd=reports)
    assert run.status == 0, run.err
    rows = list(csv.reader(io.StringIO((reports / "actions.csv").read_text(encoding="utf-8-sig"))))
    cell = rows[1][1]
    assert cell.startswith("'") and cell[1:] == typed.strip(), cell
    for row in rows:
        assert not any(value[:1] in ("=", "+", "-", "@", "\t", "\r") for value in row), row


def test_unknown_output_type_refused(reports: Path) -> None:
    run = reportgen("actions", "-o", "actions.pdf", cwd=reports)
    assert run.status == 2
    assert "expected an output file ending .csv or .docx" in run.err


ANNUAL = ROOT / "content" / "annual-qa-report-2018-19.yaml"
FIRST = """      - >-
        Introduce case-mapping in group supervision sessions to focus on complex case work
        to foster effective shared understanding of risks and needs.
"""
TRACKED = """      - text: >-
          Introduce case-mapping in group supervision sessions to focus on complex case work
          to foster effective shared understanding of risks and needs.
        id: QA-2019-01
        status: in progress
        owner: Team Manager
        due: March 2020
"""


@pytest.fixture
def annual(tmp_path: Path) -> Path:
    text = ANNUAL.read_text(encoding="utf-8")
    assert FIRST in text
    (tmp_path / "content").mkdir()
    path = tmp_path / "content" / ANNUAL.name
    path.write_text(text.replace(FIRST, TRACKED, 1), encoding="utf-8")
    return path


def test_annual_recommendations_carry_id_status_owner_and_due(annual: Path) -> None:
    found, problems = collect([annual])
    assert [p.rule for p in problems] == ["recommendation-id"]  # the others have no id: one warning
    assert problems[0].severity == "warning" and "15 recommendation(s) have no `id:`" in problems[0].message
    assert found[0].cells() == ["QA-2019-01", found[0].text, "in progress", "Team Manager", "March 2020",
                                "Annual Quality Assurance Report 2018 to 2019"]
    assert found[1].id == "annual-qa-report-2018-19/2.2"  # no id of its own: section 2, recommendation 2
    line = csv_text(found[:1]).splitlines()[1]
    assert line.startswith("QA-2019-01,Introduce case-mapping") and line.endswith(
        ",in progress,Team Manager,March 2020,Annual Quality Assurance Report 2018 to 2019")


def test_annual_report_can_end_with_its_action_plan(annual: Path, tmp_path: Path) -> None:
    from reportgen.pipeline.build import build_one

    annual.write_text(annual.read_text(encoding="utf-8") + "\naction_plan: true\n", encoding="utf-8")
    lines = read_lines(build_one(annual, tmp_path / "build", templates=ROOT / "report_templates").output)
    start = next(i for i, line in enumerate(lines) if line.style == "Heading 1" and line.text == "Action Plan")
    rows = [line.cells for line in lines[start:] if line.kind == "row"]
    assert rows[0] == list(COLUMNS[:-1])
    assert rows[1][0] == "QA-2019-01" and rows[1][2:] == ["in progress", "Team Manager", "March 2020"]
    assert len(rows) - 1 == len(collect([annual])[0])


def test_agenda_has_no_recommendations(reports: Path) -> None:
    agenda = reports / "content" / "agenda.yaml"
    agenda.write_text("kind: agenda\ncommittee: C\ndate: 10/02/2020\ntime: '10'\nvenue: V\n"
                      "items: [{number: 1, title: Apologies}]\n")
    found, problems = collect([agenda])
    assert found == [] and problems == []
