"""Content that once crashed reportgen (exit 70, or a segfault) is a located error, exit 2: numbers that are
not finite or are negative, statistics too large to work out, charts that cannot be drawn, YAML nested
thousands deep, merge keys beside a mapping's own keys, a `kind` that is not text. Chart labels print as
typed, even where matplotlib would read them as mathematics."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, reportgen, snapshot
from reportgen.errors import ContentError
from reportgen.pipeline.load import parse_text
from reportgen.pipeline.render import render, template_path
from reportgen.pipeline.validate import validate

ANNUAL = (ROOT / "content" / "annual-qa-report-2018-19.yaml").read_text(encoding="utf-8")
CHART = "categories: [Maternity alerts, Missing children, Other reasons]"


def _annual(*edits: tuple[str, str]) -> str:
    text = ANNUAL
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def _refused(text: str) -> str:
    with pytest.raises(ContentError) as caught:
        report = validate(parse_text(text, "given.yaml"))
        render(report, template_path(report))
    for problem in caught.value.problems:
        assert problem.position is not None and problem.position.line >= 1, problem
    return str(caught.value)


BAD_NUMBERS = {
    "not a number": (("  contacts_other: 6", "  contacts_other: .nan"),
                     "given.yaml:14:19: error: statistics.contacts_other: expected a finite number, got .nan"),
    "infinity": (("  contacts_other: 6", "  contacts_other: -.inf"), "expected a finite number, got a number too large"),
    "1e999": (("  contacts_other: 6", "  contacts_other: 1e999"), "expected a finite number, got a number too large"),
    "a 400-digit count": (("  contacts_other: 6", "  contacts_other: 1" + "0" * 400),
                          "given.yaml:14:19: error: statistics.contacts_other: expected a finite number"),
    "a negative count": (("  contacts_other: 6", "  contacts_other: -6"),
                         "statistics.contacts_other: expected a count (0 or more), got -6"),
    "a count too large to add up or draw": (("  contacts_other: 6", "  contacts_other: 1.7e308"),
                                            "expected a count no larger than 1,000,000,000,000,000, got 1.7e+308"),
    "a negative chart value": (("values: [contacts_maternity_alerts", "values: [-3"),
                               "figure.values[1]: expected a count (0 or more), got -3"),
    "a negative statistic charted": (("values: [contacts_maternity_alerts", "values: [caseload_increase"),
                                     None),
    "a pie of zeros": (("chart: bar", "chart: pie"), None),
}


@pytest.mark.parametrize("case", sorted(BAD_NUMBERS))
def test_numbers_must_be_finite_counts(case: str) -> None:
    edit, expected = BAD_NUMBERS[case]
    edits = [edit]
    if case == "a negative statistic charted":
        edits.append(("  cases_april_2019: 83", "  cases_april_2019: 3"))
        expected = "figure.values[1]: expected a count (0 or more) to chart, got caseload_increase = -95.5%"
    if case == "a pie of zeros":
        edits += [(f"  {n}: {v}", f"  {n}: 0") for n, v in
                  (("contacts_maternity_alerts", 12), ("contacts_missing_children", 28), ("contacts_other", 6))]
        expected = "a pie chart needs at least one value above 0"
    said = _refused(_annual(*edits))
    assert expected in said, said
    assert "nan%" not in said and "inf" not in said.replace("information", "")


def test_no_statistic_prints_as_nan_or_inf() -> None:
    from reportgen.oxml.text import document_text

    report = validate(parse_text(_annual(("  contacts_other: 6", "  contacts_other: 1e15"),
                                         ("  survey_eligible: 62", "  survey_eligible: 0.000001")), "given.yaml"))
    text = document_text(render(report, template_path(report)))
    assert not re.search(r"\b(nan|inf)\b", text, re.IGNORECASE)


@pytest.mark.parametrize("kind", ["bar", "pie"])
def test_chart_labels_that_look_like_mathematics_print_as_typed(kind: str) -> None:
    from reportgen.pipeline.render import charts

    label = r"$x$ \frac{1}{0} $$ costs $5"
    png = charts._draw(charts.drawing(kind, [label, "Other"], [3, 4]))  # matplotlib refused this label before
    assert png.startswith(b"\x89PNG")
    report = validate(parse_text(_annual((CHART, f"categories: ['{label}', Missing children, Other reasons]"),
                                         ("chart: bar", f"chart: {kind}")), "given.yaml"))
    render(report, template_path(report))


# -- YAML --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", ["brackets", "braces", "block"])
def test_thirty_thousand_levels_of_nesting_are_a_located_error(shape: str) -> None:
    depth = 30_000 if shape != "block" else 2_000  # 2,000 indented levels is already 4 MB with the spaces
    value = {"brackets": "[" * depth + "]" * depth, "braces": "{a: " * depth + "}" * depth}.get(shape)
    text = f"kind: cover\nx: {value}\n" if value else \
        "kind: cover\nx:\n" + "".join(" " * i + "-\n" for i in range(depth))
    with pytest.raises(ContentError) as caught:
        parse_text(text, "given.yaml")
    problem = caught.value.problems[0]
    assert "nested more than 40 levels deep" in problem.message
    assert problem.position is not None and (problem.position.line, problem.position.col) != (1, 1)


def test_deep_nesting_does_not_take_down_the_other_reports_of_a_batch(project: Path) -> None:
    (project / "content" / "deep.yaml").write_text("kind: cover\nx: " + "[" * 30_000 + "]" * 30_000 + "\n")
    run = reportgen("build", "content", "-j", "2", cwd=project)
    assert run.status == 2, run.err
    assert "content/deep.yaml:2:43: error: lists or mappings are nested more than 40 levels deep" in run.err
    assert "internal error" not in run.err
    assert (project / "build" / "committee-cover-2020-02-qa-audits.docx").is_file()


@pytest.mark.parametrize("text", [
    "kind: cover\n<<: {subject: x}\nsubject: y\n",
    "kind: cover\nsubject: y\n<<: [{subject: x}, {committee: z}]\n",
    "kind: cover\nbase: &b {subject: x, other: 1}\nmore:\n  <<: *b\n  subject: y\n",
])
def test_merge_keys_beside_own_keys_are_located(text: str) -> None:
    said = _refused(text)
    assert "given.yaml:" in said


def test_a_number_python_will_not_read_is_located() -> None:
    said = _refused(_annual(("  contacts_other: 6", "  contacts_other: 1" + "0" * 5000)))
    assert "given.yaml:14:19: error: expected a number of sensible size, got one with 5,001 digits" in said


@pytest.mark.parametrize("kind", ["[annual]", "{a: b}", "7", "yes"])
def test_kind_that_is_not_text(kind: str) -> None:
    said = _refused(f"kind: {kind}\n")
    assert "given.yaml:1:7: error: kind: expected one of cover, annual, agenda" in said


def test_bad_numbers_through_the_command_line_write_nothing(project: Path) -> None:
    (project / "content" / "annual.yaml").write_text(_annual(("  contacts_other: 6", "  contacts_other: .inf")),
                                                     encoding="utf-8")
    before = snapshot(project)
    run = reportgen("build", "content/annual.yaml", cwd=project)
    assert run.status == 2 and "internal error" not in run.err, run.err
    assert "content/annual.yaml:14:19: error: statistics.contacts_other: expected a finite number" in run.err
    assert snapshot(project) == before
