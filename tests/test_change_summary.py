"""The summary of changes a redline prints speaks the report's own words, for committee members and managers.

Dates, numbers and yes/no as the report prints them; paragraphs by the number the reader sees; fields
by the label the template shows; no markup, no YAML keys; choices and names changed, not 'reworded';
which list (strengths or areas for development) a point is in.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CASES
from reportgen.pipeline.load import parse_text
from reportgen.features.redline import Side, _template, describe, redline_parts
from reportgen.oxml.revisions import count_revisions
from reportgen.pipeline.render import render
from reportgen.pipeline.validate import validate

ROOT = Path(__file__).resolve().parents[1]
COVER = (CASES / "committee-cover-2020-02-qa-audits.yaml").read_text(encoding="utf-8")
ANNUAL = (ROOT / "content" / "annual-qa-report-2018-19.yaml").read_text(encoding="utf-8")
SECTION = "'Independent Auditing Completed October/November 2018'"


def _side(text: str, name: str, templates: Path | None = None) -> Side:
    report = validate(parse_text(text, name))
    template = _template(report, templates)
    return Side(name, render(report, template), report, template=template)


def _changes(old: str, new: str, templates: Path | None = None) -> list[str]:
    changes = describe(_side(old, "old.yaml", templates), _side(new, "new.yaml", templates))
    assert changes is not None
    return changes


def _edit(text: str, *pairs: tuple[str, str]) -> str:
    for before, after in pairs:
        assert text.count(before) == 1, before
        text = text.replace(before, after)
    return text


def test_a_month_and_year_as_the_report_prints_it() -> None:
    assert _changes(ANNUAL, _edit(ANNUAL, ("date: August 2019", "date: September 2019"))) == [
        "Date changed from August 2019 to September 2019"]


def test_yes_no_and_labels_as_the_template_shows_them() -> None:
    """The City's current template asks the funding question in its header grid: its words label the change."""
    new = _edit(COVER, ("purpose: information\n", "purpose: information\nfunding_agreed: true\n"))
    assert _changes(COVER, new, ROOT / "report_templates" / "city-current") == [
        "\u201cHas this Funding Source been agreed with the Chamberlain's Department?\u201d set to Y"]
    newer = _edit(new, ("funding_agreed: true", "funding_agreed: false"))
    assert _changes(new, newer, ROOT / "report_templates" / "city-current") == [
        "\u201cHas this Funding Source been agreed with the Chamberlain's Department?\u201d changed from Y to N"]


def test_the_meeting_date_as_printed_and_a_label_from_the_template() -> None:
    new = _edit(COVER, ("dated: 10/02/2020", "dated: 09/03/2020"),
                ("report_of: Andrew Carter,", "report_of: Pat Dixon,"))
    changes = _changes(COVER, new)
    assert "Dated changed from 10/02/2020 to 09/03/2020" in changes
    assert any(c.startswith("Report of changed from 'Andrew Carter,") or c == "Report of reworded" for c in changes)


def test_paragraphs_by_the_number_the_reader_sees() -> None:
    """The Main Report numbers its paragraphs in one run: Current Position's third paragraph is 5."""
    gone = ("      - >-\n        Assessments were being completed within timescales", "      - >-\n        Assessments were")
    text = COVER.split("  - heading: Current Position\n")
    start = text[1].index("      - >-\n        Assessments were")
    end = text[1].index("  - heading: Conclusion")
    new = text[0] + "  - heading: Current Position\n" + text[1][:start] + text[1][end:]
    changes = _changes(COVER, new)
    assert len(changes) == 1 and changes[0].startswith("Paragraph 5 of 'Current Position' removed: 'Assessments"), changes
    assert gone  # (the paragraph the edit takes out)


def test_an_appendix_renamed_says_both_names_and_counts_no_formatting_change() -> None:
    new = _edit(COVER, ("      8 December 2019" if "      8 December 2019" in COVER else "      December 2019\n",
                        "      January 2020\n"))
    changes = _changes(COVER, new)
    assert changes == ["Appendix 'City of London Corporation, Children's Service Case File Audits – Summary of "
                       "Findings, December 2019' renamed to 'City of London Corporation, Children's Service Case "
                       "File Audits – Summary of Findings, January 2020'"], changes
    old_side, new_side = _side(COVER, "old.yaml"), _side(new, "new.yaml")
    assert count_revisions(redline_parts(old_side, new_side))["formatting"] == 0


def test_no_markup_and_no_yaml_keys() -> None:
    new = _edit(ANNUAL, ("Supervision 21^st^ June 2019", "Supervision 24^th^ June 2019"),
                ("  survey_responses: 39", "  survey_responses: 40"))
    changes = _changes(ANNUAL, new)
    assert "Survey responses (statistic) changed from 39 to 40" in changes
    assert any("'Review of Pathway Plans and Supervision 21st June 2019'" in c and "renamed to "
               "'Review of Pathway Plans and Supervision 24th June 2019'" in c for c in changes), changes
    assert not any("^" in c or "survey_responses" in c for c in changes), changes


def test_status_owner_and_purpose_are_changes_not_rewordings() -> None:
    rec = "      - >-\n        Introduce case-mapping in group supervision sessions to focus on complex case work\n" \
          "        to foster effective shared understanding of risks and needs.\n"
    tracked = ("      - text: Introduce case-mapping in group supervision sessions to focus on complex case work"
               " to foster effective shared understanding of risks and needs.\n"
               "        status: {status}\n        owner: {owner}\n")
    old = _edit(ANNUAL, (rec, tracked.format(status="open", owner="Team Manager")))
    new = _edit(ANNUAL, (rec, tracked.format(status="completed", owner="Service Manager")))
    assert _changes(old, new) == [
        f"Recommendation 1 of {SECTION}: status changed from open to completed",
        f"Recommendation 1 of {SECTION}: owner changed from 'Team Manager' to 'Service Manager'"]
    assert _changes(COVER, _edit(COVER, ("purpose: information", "purpose: decision"))) == [
        "Purpose changed to decision"]


POINTS = {
    "strengths": ("Assessment", "            - There is also evidence of the use of risk assessment templates.\n"),
    "areas for development": ("'Supervision and Management oversight'",
                              "            - >-\n              Evidence of management oversight seemed less evident than "
                              "in previous audit\n              programmes. There were limited records of management "
                              "oversight recorded on\n              file.\n"),
}


@pytest.mark.parametrize("where", sorted(POINTS))
def test_which_list_a_point_is_in(where: str) -> None:
    heading, point = POINTS[where]
    changes = _changes(ANNUAL, _edit(ANNUAL, (point, "")))
    assert len(changes) == 1, changes
    assert changes[0].startswith("Point ") and f" of {heading} ({where}) in {SECTION} removed: " in changes[0], changes


def test_bold_added_is_a_change_of_formatting_not_of_words() -> None:
    new = _edit(ANNUAL, ("There has been a significant increase", "There has been a **significant** increase"))
    assert _changes(ANNUAL, new) == [
        "Paragraph 7 of introduction: formatting changed (bold, italics), the words are the same"]


def test_the_reports_own_title_is_a_field_changed() -> None:
    new = _edit(ANNUAL, ("title: Annual Quality Assurance Report 2018 to 2019",
                         "title: Annual Quality Assurance Report 2019 to 2020"))
    assert _changes(ANNUAL, new) == ["Title changed from 'Annual Quality Assurance Report 2018 to 2019' to "
                                     "'Annual Quality Assurance Report 2019 to 2020'"]
