"""Tables written in content, charts of several series drawn from them, the grading scale, and
recommendations carried over from earlier years (issue 11), read back from the built documents."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from lxml import etree

import independent
from conftest import GOLDEN, ROOT, reportgen, snapshot
from reportgen.pipeline.build import BuildResult, build_one
from reportgen.oxml.ns import qn
from reportgen.oxml.package import read_parts
from reportgen.oxml.text import Line, read_lines

EXAMPLE = ROOT / "content" / "example-annual-qa-report-2020-21.yaml"
COVER = ROOT / "content" / "example-cover-2021-09-audit-grades.yaml"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build_one(EXAMPLE, tmp_path_factory.mktemp("tables"), templates=ROOT / "report_templates")


@pytest.fixture(scope="module")
def body(built: BuildResult) -> etree._Element:
    return etree.fromstring(read_parts(built.output)["word/document.xml"])


@pytest.fixture(scope="module")
def lines(built: BuildResult) -> list[Line]:
    return read_lines(built.output)


def cell_texts(table: etree._Element) -> list[list[str]]:
    return [["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.findall(qn("w:tc"))]
            for tr in table.findall(qn("w:tr"))]


def content_tables(body: etree._Element) -> list[etree._Element]:
    """The tables written in content (the action plan's table aside)."""
    return [t for t in body.iter(qn("w:tbl")) if cell_texts(t)[0][0] != "ID"]


def test_golden(built: BuildResult, update_golden: bool) -> None:
    golden = GOLDEN / f"{EXAMPLE.stem}.txt"
    actual = independent.golden_text(built.output)  # read by python-docx and LibreOffice
    if update_golden:
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")


def test_tables_are_word_tables_with_repeating_header_rows_in_the_house_style(body: etree._Element) -> None:
    tables = content_tables(body)
    assert len(tables) == 4
    for table in tables:
        rows = table.findall(qn("w:tr"))
        assert rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        assert all(r.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None for r in rows[1:])
        assert table.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}").get(qn("w:val")) == "ReportTable"


def test_totals_are_computed_and_numbers_shown_in_house_style(body: etree._Element) -> None:
    grades = cell_texts(content_tables(body)[0])
    assert grades == [["Quarter", "Outstanding", "Good", "Requires improvement", "Inadequate", "Total"],
                      ["Q1", "1", "7", "5", "2", "15"], ["Q2", "2", "6", "5", "2", "15"],
                      ["Q3", "2", "8", "4", "1", "15"], ["Q4", "2", "9", "3", "1", "15"],
                      ["Total", "7", "30", "17", "6", "60"]]
    look = content_tables(body)[0].find(f"{qn('w:tblPr')}/{qn('w:tblLook')}")
    assert (look.get(qn("w:lastRow")), look.get(qn("w:lastColumn"))) == ("1", "1")  # the style's Total formatting
    survey = cell_texts(content_tables(body)[3])
    assert survey[0][-1] == "Total" and [row[-1] for row in survey[1:]] == ["52", "52", "52"]


def test_captions_are_numbered_tables_and_figures_apart(lines: list[Line], body: etree._Element) -> None:
    captions = [line.text for line in lines if line.style == "Caption"]
    assert [c.split(" Example")[0] for c in captions] == ["Table 1", "Fig 1", "Fig 2", "Table 2", "Table 3",
                                                          "Table 4", "Fig 3", "Fig 4"]
    instructions = [el.text.strip() for el in body.iter(qn("w:instrText"))]
    assert instructions.count("SEQ Table \\* ARABIC") == 4 and instructions.count("SEQ Figure \\* ARABIC") == 4


def test_prose_and_statistics_take_their_figures_from_the_tables(lines: list[Line]) -> None:
    text = " ".join(line.text for line in lines)
    assert "In the first quarter 7 cases were graded Good; by the fourth quarter 9 were" in text
    assert "60 cases were audited" in text and "37 of them (61.7%) were graded good or better" in text
    assert "rose from 53.3% to 73.3%" in text and "41 said they felt listened to" in text


def test_charts_of_several_series_have_alt_text_for_every_series(body: etree._Element) -> None:
    described = [el.get("descr") for el in body.iter(qn("wp:docPr"))]
    assert len(described) == 4
    assert described[0] == (
        "Bar chart of Outstanding, Good, Requires improvement and Inadequate by Quarter (Number of audits). "
        "Outstanding: Q1 1, Q2 2, Q3 2, Q4 2 (7 in all). Good: Q1 7, Q2 6, Q3 8, Q4 9 (30 in all). "
        "Requires improvement: Q1 5, Q2 5, Q3 4, Q4 3 (17 in all). Inadequate: Q1 2, Q2 2, Q3 1, Q4 1 (6 in all).")
    assert described[1].startswith("Stacked bar chart of Outstanding, Good")
    assert described[2].startswith("Bar chart of Yes and No (Number of answers). Yes: Felt listened to 41,")
    assert described[3].startswith("Line chart of Surveys sent and Replies received by Year (Number of surveys). "
                                   "Surveys sent: 2018 to 2019 75, 2019 to 2020 77, 2020 to 2021 80")


def test_carried_over_recommendations_say_so_and_their_section_has_no_extra_heading(lines: list[Line]) -> None:
    at = next(i for i, line in enumerate(lines) if line.text.startswith("Example: Recommendations Carried Over"))
    following = lines[at + 1:at + 4]
    assert not any(line.style.startswith("Heading") for line in following)  # no 'Recommendations' of its own
    items = [line.text for line in following if line.style == "List Number"]
    assert items[0].endswith("(EX-2020-03; Carried over from 2019 to 2020; status: in progress; owner: Example "
                             "Team Manager; due: June 2021)")
    # an ordinary section's recommendations keep their heading
    assert [line.text for line in lines if line.style == "Heading 2"].count("Recommendations") == 1


def test_the_example_checks_clean_even_strictly() -> None:
    run = reportgen("check", "--strict", str(EXAMPLE.relative_to(ROOT)), str(COVER.relative_to(ROOT)), cwd=ROOT)
    assert run.status == 0, run.err
    assert run.err.strip() == "0 error(s), 0 warning(s)"  # accessibility checks included


def test_a_cover_main_report_holds_a_table_outside_the_paragraph_numbering(tmp_path: Path) -> None:
    lines = read_lines(build_one(COVER, tmp_path, templates=ROOT / "report_templates").output)
    numbered = [line.label for line in lines if line.style == "Numbered Paragraph"]
    assert numbered == ["1.", "2.", "3."]
    assert [line.cells for line in lines if line.kind == "row"][-1] == ["Total", "60", "37"]
    assert "audited 60 cases in the year, of which 37 were graded good or better" in " ".join(l.text for l in lines)


def test_overdue_and_carried_over_recommendations_in_actions(tmp_path: Path) -> None:
    run = reportgen("actions", "-o", str(tmp_path / "a.csv"), str(EXAMPLE.relative_to(ROOT)), cwd=ROOT)
    assert run.status == 0, run.err
    # overdue is before the report's date (September 2021) and not completed
    rows = {line.split(",")[0]: line for line in (tmp_path / "a.csv").read_text(encoding="utf-8-sig").splitlines()
            if line.startswith("EX-")}
    assert "in progress, overdue" in rows["EX-2021-01"]  # due March 2021
    assert "overdue" not in rows["EX-2021-02"]  # due December 2021
    assert "in progress, overdue" in rows["EX-2020-03"] and "carried over from 2019 to 2020" in rows["EX-2020-03"]
    assert "overdue" not in rows["EX-2020-05"]  # completed
    later = reportgen("actions", "-o", str(tmp_path / "b.csv"), "--as-of", "2022-01-01",
                      str(EXAMPLE.relative_to(ROOT)), cwd=ROOT)
    assert later.status == 0, later.err
    assert "open, overdue" in next(line for line in (tmp_path / "b.csv").read_text(encoding="utf-8-sig")
                                   .splitlines() if line.startswith("EX-2021-02"))


# --- bad input: a located error, all at once, nothing written ------------------------------------------

BASE = """\
kind: annual
title: Example
author: {name: A Person, job_title: Manager}
date: August 2021
grading_scale: {grades: [Good, Inadequate], good_or_better: Good}
statistics:
  share: {percent: [grades.total.good, grades.total.total]}
introduction:
  - In all [[grades.total.total]] audits.
sections:
  - title: Audits
    type: audit
    narrative:
      - table:
          name: grades
          caption: Grades
          header: [Quarter, Good, Inadequate]
          grades: columns
          total: both
          rows:
            - [Q1, 5, 1]
            - [Q2, 6, 0]
      - figure:
          caption: Grades by quarter
          chart: {type: stacked bar, from: grades, series: [Good, Inadequate]}
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "content").mkdir(exist_ok=True)
    path = tmp_path / "content" / "example.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, marker: str, occurrence: int = 0) -> int:
    return [i for i, line in enumerate(text.split("\n")) if marker in line][occurrence] + 1


def test_the_base_builds(tmp_path: Path) -> None:
    write(tmp_path, BASE)
    run = reportgen("build", "content/example.yaml", cwd=tmp_path)
    assert run.status == 0, run.err


@pytest.mark.parametrize("change, marker, message", [
    (("- [Q2, 6, 0]", "- [Q2, 6, 0, 4]"), "- [Q2, 6, 0, 4]",
     "sections[1].narrative[1].table.rows[2]: expected 3 cells, as the header has, got 4: the row has more cells "
     "than the header"),
    (("- [Q2, 6, 0]", "- [Q2, six, 0]"), "- [Q2, six, 0]",
     "sections[1].narrative[1].table.rows[2][2]: expected a number (the table's Total row adds up the column "
     "'Good'), got 'six': a total over text cannot be worked out"),
    (("series: [Good, Inadequate]", "series: [Good, Inadequat]"), "series: [Good, Inadequat]",
     "sections[1].narrative[2].figure.chart.series[2]: the table grades has no column 'Inadequat' "
     "(did you mean 'Inadequate'?)"),
    (("series: [Good, Inadequate]", "series: [Good, Outcome]"), "series: [Good, Outcome]",
     "sections[1].narrative[2].figure.chart.series[2]: the table grades has no column 'Outcome'; its columns "
     "are Good, Inadequate"),
    (("header: [Quarter, Good, Inadequate]", "header: [Quarter, Good, Poor]"), "header: [Quarter, Good, Poor]",
     "sections[1].narrative[1].table.header[1][3]: 'Poor' is not a grade of the report's grading scale "
     "(Good, Inadequate)"),
    (("- [Q1, 5, 1]", "- [Q1, 5, share]"), "- [Q1, 5, share]",
     "sections[1].narrative[1].table.rows[1][3]: the cell names 'share', which cannot be worked out: the "
     "statistic 'grades.q1.inadequate' depends on itself (grades.q1.inadequate -> share -> grades.total.total"),
])
def test_bad_tables_are_located_errors_and_nothing_is_written(tmp_path: Path, change: tuple[str, str],
                                                              marker: str, message: str) -> None:
    text = BASE.replace(*change)
    assert text != BASE
    write(tmp_path, text)
    before = snapshot(tmp_path)
    run = reportgen("build", "content/example.yaml", cwd=tmp_path)
    assert run.status == 2, run.err
    assert f"content/example.yaml:{line_of(text, marker)}:" in run.err
    assert message in run.err, run.err
    assert snapshot(tmp_path) == before


def test_a_published_figure_is_tied_to_the_table(tmp_path: Path) -> None:
    text = BASE.replace("In all [[grades.total.total]] audits.",
                        "In all [[grades.total.total|13]] audits, [[grades.Q1.Good|5]] good in Q1.")
    write(tmp_path, text)
    run = reportgen("check", "content/example.yaml", cwd=tmp_path)
    assert run.status == 0
    line = line_of(text, "In all")
    assert (f"content/example.yaml:{line}:12: warning: introduction[1]: the text says 13 but the table gives "
            "11 + 1 is 12; the report prints 12") in run.err
    assert "grades.Q1.Good" not in run.err  # it agrees


def test_unknown_table_cells_are_named(tmp_path: Path) -> None:
    write(tmp_path, BASE.replace("In all [[grades.total.total]]", "In all [[grades.Q3.Good]]"))
    run = reportgen("check", "content/example.yaml", cwd=tmp_path)
    assert run.status == 2
    assert "introduction[1]: [[grades.Q3.Good]] 'grades.Q3.Good' is not a cell of a named table" in run.err


def test_markdown_pasted_into_text_is_a_warning_at_its_line(tmp_path: Path) -> None:
    pasted = textwrap.indent(textwrap.dedent("""\
        - In all [[grades.total.total]] audits.
        - |-
          Grades by quarter:
          | Quarter | Good |
          |---|---|
          | Q1 | 5 |
        - "## Findings"
    """), "  ")
    text = BASE.replace("  - In all [[grades.total.total]] audits.\n", pasted)
    assert text != BASE
    write(tmp_path, text)
    run = reportgen("check", "content/example.yaml", cwd=tmp_path)
    assert run.status == 0, run.err
    assert (f"content/example.yaml:{line_of(text, '| Quarter | Good |')}:5: warning: introduction[2]: this looks "
            "like a Markdown table") in run.err
    assert "Write it as `- table: {caption: ..., header: [...], rows: [[...], ...]}`" in run.err
    assert f"content/example.yaml:{line_of(text, '## Findings')}:6: warning: introduction[3]: this looks like a " \
        "Markdown heading (## ...)" in run.err


def test_did_you_mean_never_offers_an_unrelated_field(tmp_path: Path) -> None:
    write(tmp_path, BASE.replace("caption: Grades\n", "caption: Grades\n          labels: [a]\n"))
    run = reportgen("check", "content/example.yaml", cwd=tmp_path)
    assert "unknown field 'labels'; fields here: caption, name, header, rows, total, grades" in run.err
    write(tmp_path, BASE.replace("caption: Grades\n", "caption: Grades\n          heder: [a]\n"))
    run = reportgen("check", "content/example.yaml", cwd=tmp_path)
    assert "unknown field 'heder' (did you mean 'header'?)" in run.err


def test_a_grade_scale_threshold_must_be_one_of_its_grades(tmp_path: Path) -> None:
    write(tmp_path, BASE.replace("good_or_better: Good}", "good_or_better: Goood}"))
    run = reportgen("check", "content/example.yaml", cwd=tmp_path)
    assert run.status == 2
    assert "grading_scale.good_or_better: expected one of the grades (Good, Inadequate), got 'Goood' " \
        "(did you mean 'Good'?)" in run.err


def test_a_carried_over_recommendation_keeps_its_id(tmp_path: Path) -> None:
    write(tmp_path, BASE + "    recommendations:\n      - {text: Do it., carried_over_from: 2019 to 2020}\n")
    run = reportgen("check", "content/example.yaml", cwd=tmp_path)
    assert run.status == 2
    assert "sections[1].recommendations[1].id: a recommendation carried over from an earlier report keeps the " \
        "id it had there" in run.err


def test_a_changed_table_cell_is_a_tracked_change_in_redline(tmp_path: Path) -> None:
    write(tmp_path, BASE)
    (tmp_path / "content" / "old.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "content" / "new.yaml").write_text(BASE.replace("- [Q2, 6, 0]", "- [Q2, 4, 0]"), encoding="utf-8")
    run = reportgen("redline", "content/old.yaml", "content/new.yaml", "-o", "out.docx", cwd=tmp_path)
    assert run.status == 0, run.err
    body = etree.fromstring(read_parts(tmp_path / "out.docx")["word/document.xml"])
    table = next(body.iter(qn("w:tbl")))
    deleted = ["".join(t.text for t in d.iter(qn("w:delText"))) for d in table.iter(qn("w:del"))]
    inserted = ["".join(t.text for t in i.iter(qn("w:t"))) for i in table.iter(qn("w:ins"))]
    # the cell itself, and the totals worked out from it
    assert "6" in deleted and "4" in inserted
    assert "11" in deleted and "9" in inserted


def test_the_schema_offers_known_section_types_and_allows_any_words() -> None:
    import json

    schema = json.loads((ROOT / "schemas" / "annual.schema.json").read_text(encoding="utf-8"))
    section_type = schema["$defs"]["Section"]["properties"]["type"]
    enum = next(option["enum"] for option in section_type["anyOf"] if "enum" in option)
    assert {"thematic audit", "independent audit", "survey", "recommendations"} <= set(enum)
    assert {"type": "string", "minLength": 1} in section_type["anyOf"]  # and any other words
    assert "grading_scale" in schema["properties"] and "Table" in schema["$defs"]
    recommendation = next(o for o in schema["$defs"]["Recommendation"]["anyOf"] if "properties" in o)  # or a string
    assert "carried_over_from" in recommendation["properties"]
