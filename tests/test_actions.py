"""`reportgen actions`: every recommendation across reports, in the terminal, as .csv and as .docx."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from conftest import ROOT, reportgen
from reportgen.actions import Action, COLUMNS, collect, csv_text
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
    run = reportgen("actions", "-o", "actions.csv", cwd=reports)
    assert run.status == 2
    assert "content/broken.yaml:1:1: error" in run.err
    assert len((reports / "actions.csv").read_text(encoding="utf-8-sig").splitlines()) == 5


def test_unknown_output_type_refused(reports: Path) -> None:
    run = reportgen("actions", "-o", "actions.pdf", cwd=reports)
    assert run.status == 2
    assert "expected an output file ending .csv or .docx" in run.err


def test_status_owner_and_due_are_written() -> None:
    import datetime as dt

    action = Action("QA-1", "Improve **planning** of visits", "Annual report", "content/x.yaml",
                    "in progress", "Service Manager", dt.date(2020, 3, 31))
    line = csv_text([action]).splitlines()[1]
    assert line == "QA-1,Improve **planning** of visits,in progress,Service Manager,2020-03-31,Annual report"


def test_agenda_has_no_recommendations(reports: Path) -> None:
    agenda = reports / "content" / "agenda.yaml"
    agenda.write_text("kind: agenda\ncommittee: C\ndate: 10/02/2020\ntime: '10'\nvenue: V\n"
                      "items: [{number: 1, title: Apologies}]\n")
    found, problems = collect([agenda])
    assert found == [] and problems == []
