"""End to end: the seed covering report built from content matches the published text and house format."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

import independent
from conftest import GOLDEN, reportgen, seed_text, word_ratio
from lo_client import PDF, KeptLibreOffice
from reportgen.pipeline.build import build_one
from reportgen.oxml.package import read_parts
from reportgen.oxml.text import document_text, read_lines

NAME = "committee-cover-2020-02-qa-audits"


@pytest.fixture
def built(project: Path) -> Path:
    return build_one(project / "content" / f"{NAME}.yaml", project / "build",
                     templates=project / "report_templates").output


def test_text_matches_the_published_report(built: Path) -> None:
    ratio = word_ratio(seed_text(NAME), document_text(built))
    assert ratio >= 0.995, ratio


def test_golden(built: Path, update_golden: bool) -> None:
    """Read back by python-docx and LibreOffice, not by reportgen's own reader."""
    golden = GOLDEN / f"{NAME}.txt"
    actual = independent.golden_text(built)
    if update_golden:
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")


def test_header_table_rows_and_values(built: Path) -> None:
    rows = [line.cells for line in read_lines(built) if line.kind == "row"]
    assert rows[0] == ["Committee:", "Safeguarding Sub Committee", "Dated:", "10/02/2020"]
    assert rows[1] == ["Subject:", "Aidhour Quality Assurance Report on Audits Completed December 2019", "", "Public"]
    assert rows[2] == ["Report of:", "Andrew Carter, Director of Community and Children's Services", "",
                       "For Information"]
    assert rows[3][0] == "Report author:"
    assert rows[3][1] == ("Pat Dixon, Safeguarding and Quality Assurance Service Manager, "
                          "Department of Community and Children's Services")
    assert len(rows) == 4  # the later template's optional rows are absent when not given


def test_main_report_paragraphs_numbered_across_sections(built: Path) -> None:
    lines = independent.read_lines(built)  # numbered as LibreOffice numbers them
    numbered = [line.label for line in lines if line.style == "Numbered Paragraph"]
    assert numbered == ["1.", "2.", "3.", "4.", "5.", "6."]
    headings = [line.text for line in lines if line.style == "Heading 2"]
    assert headings == ["Background", "Current Position", "Conclusion"]


def test_headings_in_house_order(built: Path) -> None:
    headings = [line.text for line in read_lines(built) if line.style == "Heading 1"]
    assert headings == ["Summary", "Recommendation", "Main Report", "Appendices", "Background Papers"]


def test_two_builds_give_identical_bytes(project: Path) -> None:
    source = project / "content" / f"{NAME}.yaml"
    first = build_one(source, project / "a", templates=project / "report_templates").output.read_bytes()
    second = build_one(source, project / "b", templates=project / "report_templates").output.read_bytes()
    assert first == second


def test_properties_from_content_and_nothing_personal(built: Path) -> None:
    doc = Document(str(built))
    assert doc.core_properties.title == "Aidhour Quality Assurance Report on Audits Completed December 2019"
    assert doc.core_properties.author == "Pat Dixon"
    assert doc.core_properties.last_modified_by in ("", None)
    assert doc.core_properties.created.date().isoformat() == "2020-02-10"
    blob = b"".join(read_parts(built).values())
    for leak in (str(Path.home()).encode(), b"/tmp/", b"/work/", b"lastModifiedBy", b"python-docx"):
        assert leak not in blob, leak


def test_libreoffice_opens_it(built: Path, tmp_path: Path, libreoffice: KeptLibreOffice) -> None:
    """Loaded and exported to PDF by the tests' kept LibreOffice (the load and export filter
    `soffice --convert-to pdf` uses, without a start of its own)."""
    pdf = libreoffice.convert(built, tmp_path / f"{NAME}.pdf", PDF)
    assert pdf.exists() and pdf.stat().st_size > 5000


def test_cli_builds_everything_in_content(project: Path) -> None:
    run = reportgen("build", cwd=project)
    assert run.status == 0, run.err
    assert (project / "build" / f"{NAME}.docx").exists()
    assert "background paper is dated December 2020" in run.err  # the seed's date slip is flagged


def test_non_public_report_cites_schedule_12a(project: Path) -> None:
    source = project / "content" / f"{NAME}.yaml"
    text = source.read_text().replace("access: public", "access: non-public\nexempt_paragraphs: [1, 2]")
    source.write_text(text)
    built = build_one(source, project / "build", templates=project / "report_templates").output
    rows = [line.cells for line in read_lines(built) if line.kind == "row"]
    assert rows[1][3] == ("Non-Public: by virtue of paragraph(s) 1, 2 of Part 1 of Schedule 12A of the "
                          "Local Government Act 1972")
