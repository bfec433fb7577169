"""End to end: the annual QA report built from content matches the published text, with computed statistics,
a clean heading hierarchy, lists that restart, a chart from data, and wrong published figures refused."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from lxml import etree

import independent
from conftest import GOLDEN, ROOT, reportgen, seed_text, word_ratio
from lo_client import PDF, KeptLibreOffice
from pdfread import reader
from reportgen.pipeline.build import BuildResult, build_one
from reportgen.errors import ContentError
from reportgen.pipeline.load import load
from reportgen.oxml.ns import qn
from reportgen.oxml.package import read_parts
from reportgen.oxml.text import Line, document_text, golden_text, read_lines
from reportgen.pipeline.validate import validate

NAME = "annual-qa-report-2018-19"
CONTENT = ROOT / "content" / f"{NAME}.yaml"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The seed's annual report, built once for the whole module."""
    return build_one(CONTENT, tmp_path_factory.mktemp("annual"), templates=ROOT / "report_templates")


@pytest.fixture(scope="module")
def lines(built: BuildResult) -> list[Line]:
    return read_lines(built.output)


@pytest.fixture(scope="module")
def independent_lines(built: BuildResult) -> list[independent.Line]:
    """The built report as python-docx reads it, list labels as LibreOffice shows them."""
    return independent.read_lines(built.output)


@pytest.fixture(scope="module")
def parts(built: BuildResult) -> dict[str, bytes]:
    return read_parts(built.output)


def headings(lines: list[Line]) -> list[tuple[int, str]]:
    return [(int(line.style.split()[1]), line.text) for line in lines if re.fullmatch(r"Heading \d", line.style)]


def under(lines: list[Line], heading: str, occurrence: int = 0) -> list[Line]:
    """The lines after the `occurrence`-th heading reading `heading`, up to the next heading."""
    starts = [i for i, line in enumerate(lines) if line.style.startswith("Heading") and line.text == heading]
    start = starts[occurrence] + 1
    end = next((i for i in range(start, len(lines)) if lines[i].style.startswith("Heading")), len(lines))
    return lines[start:end]


def test_text_matches_the_published_report(built: BuildResult) -> None:
    ratio = word_ratio(seed_text(NAME), document_text(built.output))
    assert ratio >= 0.995, ratio


def test_golden(built: BuildResult, independent_lines: list[independent.Line], update_golden: bool) -> None:
    """Read back by python-docx and LibreOffice, not by reportgen's own reader."""
    golden = GOLDEN / f"{NAME}.txt"
    actual = independent.golden_text(independent_lines)
    if update_golden:
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")


def test_our_reader_reads_what_python_docx_and_libreoffice_read(built: BuildResult,
                                                                 independent_lines: list[independent.Line]) -> None:
    """reportgen's own reader (the fidelity measure, the checks, redlining use it) agrees with real clients."""
    assert golden_text(built.output) == independent.golden_text(independent_lines)


def test_heading_hierarchy_never_skips_a_level(lines: list[Line]) -> None:
    assert lines[0].style == "Title" and lines[0].text == "Annual Quality Assurance Report 2018 to 2019"
    found = headings(lines)
    assert found[0] == (1, "Introduction")
    level = 0
    for depth, text in found:
        assert text.strip(), "an empty heading"
        assert depth <= level + 1, f"{text!r} skips from Heading {level} to Heading {depth}"
        level = depth
    sections = [text for depth, text in found if depth == 1]
    assert sections == [
        "Introduction", "Audits on Contact and Referrals between May and July 2018",
        "Independent Auditing Completed October/November 2018", "Multi Agency Audits January 2019",
        "Multi-Agency Audits June 2019", "Review of Pathway Plans and Supervision 21st June 2019",
        "Independent Auditing Completed April/May/June 2019",
        "Action for Children, Annual Survey - Views of Children and Families",
        "Summary and Quality Assurance Analysis"]


def test_audit_section_heading_levels(lines: list[Line]) -> None:
    found = headings(lines)
    start = found.index((1, "Independent Auditing Completed October/November 2018"))
    end = found.index((1, "Multi Agency Audits January 2019"))
    assert found[start:end + 3] == [
        (1, "Independent Auditing Completed October/November 2018"),
        (2, "Key Findings"), (3, "Strengths"),
        (4, "Assessment"), (4, "Implementation and intervention"), (4, "Planning and Review"),
        (3, "Areas for Development"), (4, "Supervision and Management oversight"),
        (2, "Conclusion"), (2, "Recommendations"), (2, "Outcome"),
        # a group without a theme has no Heading 4: its bullets sit straight under Strengths
        (1, "Multi Agency Audits January 2019"), (2, "Key Findings"), (3, "Strengths"),
    ]
    assert found[end + 3] == (3, "Areas for Development")


def test_strengths_and_areas_grouped_under_themes(lines: list[Line]) -> None:
    assessment = under(lines, "Assessment")
    assert [line.style for line in assessment] == ["List Bullet"] * 4
    assert assessment[0].text.startswith("Assessments are usually contained within Pathways Plans")
    assert assessment[3].text == "There is also evidence of the use of risk assessment templates."
    fathers = under(lines, "Engagement and inclusion of Fathers")
    assert [line.style for line in fathers] == ["List Bullet", "List Bullet", "Quote"]
    assert fathers[2].text.startswith("\u201cFather was seen as a perpetrator")
    oversight = under(lines, "Supervision and Management oversight")
    # a point carried on in a paragraph of its own, then the group's closing paragraph
    assert [line.style for line in oversight][:5] == ["List Bullet", "List Bullet", "List Bullet",
                                                      "List Continue", "List Bullet"]
    assert oversight[-1].text.startswith("Recommendation: With support from HR")
    untitled = under(lines, "Strengths", 1)
    assert len(untitled) == 11 and {line.style for line in untitled} == {"List Bullet"}


def test_recommendations_and_outcomes_restart_at_1_in_each_section(independent_lines: list[independent.Line]) -> None:
    def numbers(heading: str, occurrence: int) -> list[str]:  # as LibreOffice numbers them
        return [line.label for line in under(independent_lines, heading, occurrence) if line.style == "List Number"]

    assert numbers("Recommendations", 0) == ["1.", "2.", "3.", "4."]
    assert numbers("Recommendations", 1) == [f"{n}." for n in range(1, 13)]
    assert numbers("Outcome", 0) == ["1.", "2.", "3."]
    assert numbers("Outcome", 3) == ["1.", "2.", "3.", "4."]


def test_statistics_are_computed(built: BuildResult) -> None:
    text = document_text(built.output)
    assert "making for a 62.9% response rate" in text and "61.2" not in text
    assert "which represents a 25.8% increase" in text and "28%" not in text
    assert "there were 46 contacts in total" in text


def test_check_reports_the_lost_chart_and_nothing_else() -> None:
    run = reportgen("check", "--strict", f"content/{NAME}.yaml", cwd=ROOT)
    assert run.status == 0, run.err
    source = CONTENT.read_text(encoding="utf-8").split("\n")
    figure = next(i for i, line in enumerate(source) if "caption: Referrals received between May" in line) + 1
    assert run.err.splitlines() == [
        f"content/{NAME}.yaml:{figure}:11: warning: sections[1].narrative[2].figure: Fig 1 (Referrals received "
        "between May to July 2018 and decision) has no data: the report shows a placeholder (The chart's data "
        "was lost when the published report was converted; only its caption survives.)",
        "0 error(s), 1 warning(s)",
    ]


@pytest.fixture
def as_published(tmp_path: Path) -> Path:
    """The seed with the two figures its published report got wrong, as it printed them."""
    text = CONTENT.read_text(encoding="utf-8")
    for right, printed in (("[[caseload_increase|25.8%]]", "[[caseload_increase|28%]]"),
                           ("[[survey_response_rate|62.9%]]", "[[survey_response_rate|61.2 %]]")):
        assert right in text
        text = text.replace(right, printed)
    (tmp_path / "content").mkdir()
    path = tmp_path / "content" / f"{NAME}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_wrong_published_figure_is_placed_at_its_own_line(as_published: Path) -> None:
    run = reportgen("check", f"content/{NAME}.yaml", cwd=as_published.parents[1])
    assert run.status == 0, run.err  # a warning: the draft may still be worked on
    source = as_published.read_text(encoding="utf-8").split("\n")

    def at(marker: str) -> str:
        line = next(i for i, text in enumerate(source) if marker in text)
        return f"{line + 1}:{source[line].index(marker) + 1}"

    file = f"content/{NAME}.yaml"
    increase, survey = at("[[caseload_increase|"), at("[[survey_response_rate|")
    assert f"{file}:{increase}: warning: sections[6].narrative[1]: the text says 28% but 66 to 83 is a 25.8% " \
        "increase; the report prints 25.8%" in run.err.splitlines()
    assert f"{file}:{survey}: warning: sections[7].narrative[2]: the text says 61.2 % but 39 of 62 is 62.9%; " \
        "the report prints 62.9%" in run.err.splitlines()
    strict = reportgen("check", "--strict", f"content/{NAME}.yaml", cwd=as_published.parents[1])
    assert strict.status == 2
    assert f"{file}:{increase}: error: sections[6].narrative[1]: the text says 28%" in strict.err


def test_a_public_build_refuses_a_wrong_published_figure_and_a_draft_warns(as_published: Path) -> None:
    project = as_published.parents[1]
    run = reportgen("build", f"content/{NAME}.yaml", cwd=project)
    assert run.status == 2
    assert "error: sections[6].narrative[1]: the text says 28% but 66 to 83 is a 25.8% increase" in run.err
    assert not (project / "build").exists() or not list((project / "build").iterdir())  # nothing written
    draft = reportgen("build", "--draft", f"content/{NAME}.yaml", cwd=project)
    assert draft.status == 0, draft.err
    assert "warning: sections[6].narrative[1]: the text says 28%" in draft.err


def test_chart_is_an_inline_image_with_alt_text_and_a_numbered_caption(lines: list[Line], parts: dict) -> None:
    images = [name for name in parts if name.startswith("word/media/")]
    assert len(images) == 1 and parts[images[0]].startswith(b"\x89PNG\r\n\x1a\n")
    body = etree.fromstring(parts["word/document.xml"])
    described = [el.get("descr") for el in body.iter(qn("wp:docPr"))]
    assert described == ["Bar chart: Maternity alerts 12, Missing children 28, Other reasons 6 (46 in all)"]
    captions = [line.text for line in lines if line.style == "Caption"]
    assert captions == ["Fig 1 Referrals received between May to July 2018 and decision",
                        "Fig 2 Contacts received between May and July 2018"]
    instructions = [el.text.strip() for el in body.iter(qn("w:instrText"))]
    assert instructions.count("SEQ Figure \\* ARABIC") == 2  # Word renumbers the figures itself


def test_lost_figure_shows_a_marked_placeholder(lines: list[Line]) -> None:
    at = next(i for i, line in enumerate(lines) if line.text.startswith("Fig 1 "))
    assert lines[at + 1].style == "Figure Placeholder"
    assert lines[at + 1].text.startswith("Chart not available: The chart's data was lost")


def test_contents_field_is_filled_and_refreshed_on_opening(built: BuildResult, lines: list[Line],
                                                          parts: dict) -> None:
    body = etree.fromstring(parts["word/document.xml"])
    assert any(el.text.strip().startswith('TOC \\o "1-3"') for el in body.iter(qn("w:instrText")))
    assert b'<w:updateFields w:val="true"/>' in parts["word/settings.xml"]
    entries = ["".join(t.text for t in link.iter(qn("w:t"))) for link in body.iter(qn("w:hyperlink"))]
    assert entries == [text for depth, text in headings(lines) if depth <= 3]
    assert "Contents" in [line.text for line in lines if line.style == "TOC Heading"]


def test_sign_off_ends_the_report(lines: list[Line]) -> None:
    assert [line.text for line in lines[-3:]] == ["Pat Dixon", "Safeguarding and Quality Assurance Service Manager",
                                                  "August 2019"]


def test_header_carries_the_title_and_footer_the_page_number(parts: dict) -> None:
    headers = b"".join(v for k, v in parts.items() if re.match(r"word/header\d*\.xml", k))
    footers = b"".join(v for k, v in parts.items() if re.match(r"word/footer\d*\.xml", k))
    assert b"Annual Quality Assurance Report 2018 to 2019" in headers
    assert b" PAGE " in footers


def test_two_builds_give_identical_bytes(built: BuildResult, tmp_path: Path) -> None:
    again = build_one(CONTENT, tmp_path, templates=ROOT / "report_templates")
    assert again.output.read_bytes() == built.output.read_bytes()


def test_libreoffice_converts_it(built: BuildResult, tmp_path: Path, libreoffice: KeptLibreOffice) -> None:
    """LibreOffice opens the report and lays it out: loaded and exported to PDF by the tests' kept LibreOffice
    (the load and export filter `soffice --convert-to pdf` uses, without a start of its own)."""
    pages = len(reader(libreoffice.convert(built.output, tmp_path / f"{NAME}.pdf", PDF)).pages)
    assert 12 <= pages <= 30, pages


# the content model on its own --------------------------------------------------------------------------

MINIMAL = """\
kind: annual
title: Annual Quality Assurance Report 2020 to 2021
author: {name: A Person, job_title: Service Manager}
date: August 2021
statistics:
  eligible: 40
  responses: 30
  rate: {percent: [responses, eligible]}
introduction:
  - The response rate was [[rate]].
sections:
  - title: Survey
    type: survey
    narrative:
      - Thirty of forty replied.
"""


def with_section(fields: str) -> str:
    """MINIMAL with more fields in its one section, written as at the left margin."""
    return MINIMAL + textwrap.indent(textwrap.dedent(fields), "    ")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "annual.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        validate(load(path))
    return [str(p).replace(str(path), "F") for p in caught.value.problems]


def test_minimal_report_validates(tmp_path: Path) -> None:
    report = validate(load(write(tmp_path, MINIMAL)))
    assert report.statistic_text("rate") == "75.0%"


def test_unknown_statistics_are_located_errors(tmp_path: Path) -> None:
    text = MINIMAL.replace("[responses, eligible]", "[responses, eligble]").replace("[[rate]]", "[[rates]]")
    assert problems(write(tmp_path, text)) == [
        "F:8:31: error: statistics.rate.percent[2]: 'eligble' is not a defined statistic "
        "(did you mean 'eligible'?)",
        "F:10:5: error: introduction[1]: [[rates]] 'rates' is not a defined statistic (did you mean 'rate'?)",
    ]


def test_statistic_loops_and_bad_definitions_are_errors(tmp_path: Path) -> None:
    text = MINIMAL.replace("eligible: 40", "eligible: {sum: [rate]}")
    assert problems(write(tmp_path, text)) == [
        "F:6:13: error: statistics.eligible: the statistic 'eligible' depends on itself "
        "(eligible -> rate -> eligible)",
        "F:8:9: error: statistics.rate: the statistic 'rate' depends on itself (rate -> eligible -> rate)",
    ]
    text = MINIMAL.replace("eligible: 40", "eligible: forty").replace("{percent:", "{percentage:")
    found = problems(write(tmp_path, text))
    assert found[0].startswith("F:6:13: error: statistics.eligible: expected a number, or one of {sum: [...]}")
    assert "unknown field 'percentage'" in found[1]


def test_figure_needs_data_or_says_it_is_missing(tmp_path: Path) -> None:
    text = MINIMAL + "      - figure: {caption: Replies, chart: bar, categories: [Yes, No], values: [30]}\n"
    assert problems(write(tmp_path, text)) == [
        "F:16:60: error: sections[1].narrative[2].figure.categories: expected one category per value: "
        "2 categories, 1 values"]


def test_outcome_answers_name_real_recommendations(tmp_path: Path) -> None:
    text = with_section("""\
        recommendations:
          - Write to every family.
          - {text: Phone the rest., id: QA-21-2, status: in progress, owner: Team Manager, due: March 2022}
        outcome:
          items:
            - {text: Letters sent., answers: [1]}
            - {text: Calls made., answers: [QA-21-2, 3]}
    """)
    assert problems(write(tmp_path, text)) == [
        "F:22:50: error: sections[1].outcome.items[2].answers[2]: expected a recommendation of this section "
        "by number or id, got a number (3): the section has recommendations 1 to 2 and ids QA-21-2"]


def test_tracked_recommendations_and_answers_are_printed(tmp_path: Path) -> None:
    text = with_section("""\
        recommendations:
          - {text: Phone the rest., id: QA-21-2, status: in progress, owner: Team Manager, due: March 2022}
        outcome:
          items:
            - {text: Calls made., answers: [QA-21-2]}
        quotes:
          - {text: "\u201cThey listened.\u201d", consent: true}
    """)
    result = build_one(write(tmp_path, text), tmp_path / "build", templates=ROOT / "report_templates")
    shown = document_text(result.output)
    assert "1. Phone the rest. (QA-21-2; Status: in progress; owner: Team Manager; due: March 2022)" in shown
    assert "1. Calls made. (answers recommendation QA-21-2)" in shown
    assert "The response rate was 75.0%." in shown
    assert result.warnings == []


def test_matplotlib_is_only_imported_for_a_chart(tmp_path: Path) -> None:
    source = write(tmp_path, MINIMAL)
    script = ("import sys; from pathlib import Path; from reportgen.pipeline.build import build_one; "
              f"build_one(Path({str(source)!r}), Path({str(tmp_path / 'out')!r})); "
              "print('matplotlib' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "False"


def test_every_bad_definition_is_reported_at_once(tmp_path: Path) -> None:
    text = MINIMAL.replace("responses: 30", 'responses: {sum: [eligible, "3x", true]}') \
        .replace("[responses, eligible]", "[responses]").replace("type: survey", "type: surveys") \
        .replace("      - Thirty of forty replied.", "      - [1]")
    assert problems(write(tmp_path, text)) == [
        "F:7:31: error: statistics.responses.sum[2]: expected a number or the name of a statistic, got '3x'",
        "F:7:37: error: statistics.responses.sum[3]: expected a number or the name of a statistic, "
        "got yes/no (true)",
        "F:8:19: error: statistics.rate.percent: expected at least 2 item(s), got 1",
        # a section's type is the council's own words: 'surveys' is no error
        "F:15:9: error: sections[1].narrative[1]: expected a paragraph of text, {figure: ...} or {table: ...}, "
        "got a list",
    ]
