"""Covering reports as councils write them now (issue 12): the current header grid, access with
non-public appendices, a recommendations lead-in, the implications block from the template's
settings, a second council's house format, and agenda titles taken from report subjects."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from docx import Document

import independent
from conftest import GOLDEN, ROOT, reportgen, refused, snapshot
from reportgen.pipeline.build import build_one, check_one
from reportgen.oxml.package import read_parts
from reportgen.oxml.text import document_text, read_lines

EXAMPLE = "example-cover-2020-03-funding-decision"
AGENDA = "example-agenda-2020-03-09"
SEED = "committee-cover-2020-02-qa-audits"
QUESTIONS = ["Which outcomes in the City Corporation's Corporate Plan does this proposal aim to impact directly?",
             "Does this proposal require extra revenue and/or capital spending?", "If so, how much?",
             "What is the source of Funding?",
             "Has this Funding Source been agreed with the Chamberlain's Department?"]


@pytest.fixture
def example(project: Path) -> Path:
    """The project with the example For Decision report, its agenda and appendices in content/."""
    for name in (f"{EXAMPLE}.yaml", f"{AGENDA}.yaml", "appendices/example-appendix-word.docx",
                 "appendices/example-exempt-costings.docx"):
        (project / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "content" / name, project / "content" / name)
    return project


def _source(project: Path) -> Path:
    return project / "content" / f"{EXAMPLE}.yaml"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _build(project: Path, source: Path | None = None):
    return build_one(source or _source(project), project / "build", templates=project / "report_templates")


def _rows(built: Path) -> list[list[str]]:
    return [line.cells for line in read_lines(built) if line.kind == "row"]


# 1. the current header grid ------------------------------------------------------------------------

def test_current_grid_is_one_table_in_the_councils_order(example: Path) -> None:
    built = _build(example).output
    rows = _rows(built)
    assert [row[0] for row in rows] == ["Committee(s):", "Subject:", *QUESTIONS, "Report of:", "Report author:"]
    assert rows[0][2:] == ["Dated:", "09/03/2020"]
    assert rows[1][3] == "Public report; Non-Public appendix"
    assert [row[1] for row in rows[3:7]] == ["Y", "£12,345 (example figure)", "Example local risk budget (example)", "N"]
    assert rows[7][3] == "For Decision"
    doc = Document(str(built))
    assert len(doc.tables) == 1  # no second table, no invented 'Question | Answer' row
    for row in doc.tables[0].rows:  # every label is bold
        runs = [r for r in row.cells[0].paragraphs[0].runs if r.text.strip()]
        assert runs and all(r.bold for r in runs), row.cells[0].text


def test_current_grid_says_n_a_for_questions_left_out(example: Path) -> None:
    source = _source(example)
    text = source.read_text(encoding="utf-8")
    start, end = text.index("corporate_plan_outcomes:"), text.index("\nsummary:")
    source.write_text(text[:start] + text[end:], encoding="utf-8")
    rows = _rows(_build(example).output)
    assert [row[1] for row in rows[2:7]] == ["N/A"] * 5  # the template's words for an unanswered question


def test_seed_keeps_its_2020_grid_and_funding_it_cannot_show_is_warned_about(project: Path) -> None:
    source = project / "content" / f"{SEED}.yaml"
    rows = _rows(_build(project, source).output)
    assert [row[0] for row in rows] == ["Committee:", "Subject:", "Report of:", "Report author:"]
    _edit(source, "purpose: information", "purpose: information\nextra_spending: false")
    result = _build(project, source)
    assert len(_rows(result.output)) == 4
    found = [p for p in result.warnings if p.rule == "template-field"]
    assert [p.path for p in found] == ["extra_spending"] and found[0].position.line == 10, found


# 2. access --------------------------------------------------------------------------------------------

def test_public_report_cites_its_non_public_appendix_under_the_grid(example: Path) -> None:
    lines = read_lines(_build(example).output)
    after_grid = next(i for i, line in enumerate(lines) if line.kind != "row")
    assert lines[after_grid].text == ("Non-Public: Appendix 2 \u2013 by virtue of paragraph(s) 3 of Part 1 of "
                                      "Schedule 12A of the Local Government Act 1972")
    listed = [line.text for line in lines if line.style == "List Bullet"]
    assert listed[1] == "Appendix 2 \u2013 Example costings (example, commercially sensitive) (Non-Public)"


def test_wholly_public_report_has_no_citation_line(project: Path) -> None:
    built = _build(project, project / "content" / f"{SEED}.yaml").output
    assert "Schedule 12A" not in document_text(built)


@pytest.mark.parametrize("old, new, where, expect", [
    ("access: public", "access: public\nexempt_paragraphs: [3]", 14,
     "exempt_paragraphs: exempt_paragraphs applies only to a non-public report, and this one is public"),
    ("    exempt_paragraphs: [3]\n", "", 61,
     "a non-public appendix must cite its Schedule 12A paragraph number(s)"),
    ("    file: appendices/example-appendix-word.docx\n",
     "    file: appendices/example-appendix-word.docx\n    exempt_paragraphs: [1]\n", 61,
     "exempt_paragraphs applies only to a non-public appendix"),
])
def test_exempt_fields_that_do_not_apply_are_located_errors(example: Path, old: str, new: str, where: int,
                                                            expect: str) -> None:
    _edit(_source(example), old, new)
    refused(example, f"content/{EXAMPLE}.yaml", expect=expect, where=f"content/{EXAMPLE}.yaml:{where}:")


def test_pack_leaves_the_exempt_appendix_out_and_says_so(example: Path) -> None:
    from reportgen.features.pack import build_pack

    result = build_pack(example / "content" / f"{AGENDA}.yaml", example / "build", pdf=False)
    text = document_text(result.docx)
    assert "EXEMPT-EXAMPLE-MARKER" not in text  # the exempt appendix's own words
    assert "EXAMPLE appendix" in text  # the public appendix is in
    assert ("Appendix 2 \u2013 Example costings (example, commercially sensitive) (Non-Public: circulated "
            "separately)") in text
    assert any(p.rule == "non-public" for p in result.warnings)
    blob = b"".join(read_parts(result.docx).values())
    assert b"EXEMPT-EXAMPLE-MARKER" not in blob


def test_pack_leaves_a_non_public_report_out_and_says_so(example: Path) -> None:
    from reportgen.features.pack import build_pack

    _edit(_source(example), "access: public", "access: non-public\nexempt_paragraphs: [3]")
    result = build_pack(example / "content" / f"{AGENDA}.yaml", example / "build", pdf=False)
    text = document_text(result.docx)
    assert "Non-Public report: circulated separately" in text
    assert "This example report asks Members" not in text and "EXAMPLE appendix" not in text


# 3. recommendations with a lead-in ---------------------------------------------------------------------

def test_lead_in_then_lettered_items_and_no_stray_number(example: Path) -> None:
    lines = independent.read_lines(_build(example).output)  # lettered as LibreOffice letters them
    at = next(i for i, line in enumerate(lines) if line.style == "Heading 1" and line.text.startswith("Recommendation"))
    assert lines[at].text == "Recommendations"
    assert (lines[at + 1].text, lines[at + 1].label) == ("Members are asked to:", "")
    assert [line.label for line in lines[at + 2:at + 5]] == ["(a)", "(b)", "(c)"]


def test_one_recommendation_after_a_lead_in_is_singular(example: Path) -> None:
    source = _source(example)
    text = source.read_text(encoding="utf-8")
    start, end = text.index("  - note the example costings"), text.index("recommendation_numbering:")
    source.write_text(text[:start] + text[end:], encoding="utf-8")
    _edit(source, "recommendation_numbering: lettered", "recommendation_numbering: numbered")
    lines = independent.read_lines(_build(example).output)  # numbered as LibreOffice numbers them
    at = next(i for i, line in enumerate(lines) if line.style == "Heading 1" and line.text.startswith("Recommendation"))
    assert lines[at].text == "Recommendation"
    assert [(line.label, line.text[:5]) for line in lines[at + 1:at + 3]] == [("", "Membe"), ("1.", "agree")]


def test_a_lead_in_typed_as_a_recommendation_is_warned_about(example: Path) -> None:
    source = _source(example)
    _edit(source, 'recommendations_lead_in: "Members are asked to:"\nrecommendations:\n',
          'recommendations:\n  - "Members are asked to:"\n')
    found = [p for p in check_one(source, templates=example / "report_templates")
             if p.rule == "recommendation-lead-in"]
    assert len(found) == 1 and found[0].position.line == 31 and "recommendations_lead_in" in found[0].message


# 4. the implications block -----------------------------------------------------------------------------

def test_implications_continue_the_numbering_with_bold_labels_in_the_templates_order(example: Path) -> None:
    source = _source(example)
    _edit(source, "  Strategic: The example proposal supports the two example outcomes named above.\n", "")
    _edit(source, "  Security: None\n",
          "  Security: None\n  Strategic: The example proposal supports the two example outcomes named above.\n")
    built = _build(example).output
    lines = independent.read_lines(built)  # numbered as LibreOffice numbers them
    at = next(i for i, line in enumerate(lines) if line.text == "Corporate & Strategic Implications")
    assert lines[at].style == "Heading 2"
    items = lines[at + 1:at + 9]
    assert [line.label for line in items] == [f"{n}." for n in range(4, 12)]  # on from the Main Report's 1-3
    assert [line.text.split(" \u2013 ")[0] for line in items] == [
        f"{name} implications" for name in ("Strategic", "Financial", "Resource", "Legal", "Risk",
                                            "Equalities", "Climate", "Security")]
    assert items[2].text == "Resource implications \u2013 None"
    doc = Document(str(built))
    paragraph = next(p for p in doc.paragraphs if p.text.startswith("Financial implications"))
    assert paragraph.runs[0].bold and paragraph.runs[0].text == "Financial implications"
    assert not any(r.bold for r in paragraph.runs[1:])


def test_unknown_implications_heading_is_a_located_error(example: Path) -> None:
    _edit(_source(example), "  Legal: None", "  Legall: None")
    err = refused(example, f"content/{EXAMPLE}.yaml", expect="implications.Legall: expected one of the template's "
                  "implications headings", where=f"content/{EXAMPLE}.yaml:52:")
    assert "(did you mean 'Legal'?)" in err


def test_missing_required_heading_is_warned_about_by_check(example: Path) -> None:
    _edit(_source(example), "  Climate: None\n", "")
    found = [p for p in check_one(_source(example), templates=example / "report_templates")
             if p.rule == "implications-missing"]
    assert len(found) == 1 and "Climate" in found[0].message and found[0].severity == "warning"
    assert found[0].position.line == 49


def test_implications_on_a_template_without_settings_are_refused(example: Path) -> None:
    (example / "report_templates" / "city-current" / "committee-cover.yaml").unlink()
    refused(example, f"content/{EXAMPLE}.yaml", expect="has no implications headings",
            where=f"content/{EXAMPLE}.yaml:49:")


def test_broken_settings_file_is_a_located_template_error(example: Path) -> None:
    settings = example / "report_templates" / "city-current" / "committee-cover.yaml"
    _edit(settings, "required: [", "required: [Nonesuch, ")
    err = refused(example, f"content/{EXAMPLE}.yaml", expect="required names 'Nonesuch'",
                  where="report_templates/city-current/committee-cover.yaml:")
    assert "committee-cover.yaml:" in err.splitlines()[0]


# 5. a second house format --------------------------------------------------------------------------------

def test_same_content_builds_in_the_second_councils_format(example: Path) -> None:
    source = _source(example)
    _edit(source, "template: city-current", "template: example-borough")
    built = _build(example).output
    rows = _rows(built)
    assert all(len(row) == 2 for row in rows)  # another shape: one label/value pair a row
    assert rows[0] == ["Report to:", "Safeguarding Sub Committee, Example Finance Committee"]
    assert ["Date of meeting:", "9 March 2020"] in rows and ["Status:", "Public report; Non-Public appendix"] in rows
    lines = independent.read_lines(built)  # numbered as LibreOffice numbers them
    headings = [(line.label, line.text) for line in lines if line.style == "Heading 2"]
    assert headings == [("1.", "Background"), ("2.", "Proposals"), ("3.", "Implications")]
    assert [line.label for line in lines if line.style == "Numbered Paragraph"][:4] == ["1.1", "2.1", "2.2", "3.1"]
    parts = read_parts(built)
    assert b'w:ascii="Verdana"' in parts["word/styles.xml"] and b"Arial" not in parts["word/styles.xml"]
    header = b"".join(v for k, v in parts.items() if k.startswith("word/header"))
    assert b'descr="Example Borough Council logo (placeholder)"' in header


def test_format_picked_by_templates_folder(example: Path) -> None:
    source = _source(example)
    _edit(source, "template: city-current\n", "")
    built = build_one(source, example / "build", templates=example / "report_templates" / "example-borough").output
    assert _rows(built)[0][0] == "Report to:"


@pytest.mark.parametrize("name, expect", [("nowhere", "expected a house format with a committee-cover.docx"),
                                          ("../etc", "expected the name of a house format folder")])
def test_unknown_format_is_a_located_error(example: Path, name: str, expect: str) -> None:
    _edit(_source(example), "template: city-current", f"template: {name}")
    refused(example, f"content/{EXAMPLE}.yaml", expect=expect, where=f"content/{EXAMPLE}.yaml:7:")


@pytest.mark.parametrize("house", ["city-current", "example-borough"])
def test_golden(example: Path, house: str, update_golden: bool) -> None:
    _edit(_source(example), "template: city-current", f"template: {house}")
    actual = independent.golden_text(_build(example).output)  # read by python-docx and LibreOffice
    golden = GOLDEN / f"{EXAMPLE}.{house}.txt"
    if update_golden:
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")


def test_templates_match_their_recipe() -> None:
    # the settings files are written by make_templates.py: the recipe and the files agree
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_templates", ROOT / "report_templates" / "make_templates.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_templates"] = module  # dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules["make_templates"]
    for name, text in module.SETTINGS.items():
        assert (ROOT / "report_templates" / name).read_text(encoding="utf-8") == text, name


# 6. agenda item titles ----------------------------------------------------------------------------------

def test_agenda_item_title_defaults_to_the_report_subject(example: Path) -> None:
    from reportgen.features.pack import build_pack

    result = build_pack(example / "content" / f"{AGENDA}.yaml", example / "build", pdf=False)
    items = [line.text for line in read_lines(result.docx) if line.style == "Heading 2"][:3]
    assert items[2] == "3. Example: Extending the Example Family Support Service (example report)"
    assert not [p for p in result.warnings if p.rule == "agenda-title"]


def test_check_warns_when_an_agenda_title_differs_from_the_subject(example: Path) -> None:
    agenda = example / "content" / f"{AGENDA}.yaml"
    _edit(agenda, "  - number: 3\n", "  - number: 3\n    title: Family Support extension\n")
    run = reportgen("check", f"content/{AGENDA}.yaml", cwd=example)
    assert run.status == 0, run.err
    assert (f"content/{AGENDA}.yaml:21:12: warning: items[3].title: the item's title differs from its report's "
            "subject") in run.err, run.err


def test_agenda_item_needs_a_title_or_a_report(example: Path) -> None:
    agenda = example / "content" / f"{AGENDA}.yaml"
    _edit(agenda, "    title: Apologies\n", "")
    before = snapshot(example)
    run = reportgen("build", f"content/{AGENDA}.yaml", cwd=example)
    assert run.status == 2 and "items[1].title: expected a title" in run.err, run.err
    assert snapshot(example) == before
