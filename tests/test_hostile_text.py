"""Hostile and awkward text, end to end: marks appear literally, pasted control characters are cleaned with a
located warning, and the document stays valid (python-docx and LibreOffice open it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from conftest import ROOT, reportgen
from lo_client import PDF, KeptLibreOffice
from pdfread import text as pdf_text
from content_strategies import yaml_text
from reportgen.oxml.package import read_parts
from reportgen.oxml.text import document_text

pytestmark = pytest.mark.long_module  # started first: see conftest.pytest_collection_modifyitems

# name: (text as typed or pasted, text the document must show)
HOSTILE = {
    "jinja marks": ("Costs {{ 7*7 }} and {% if x %}yes{% endif %} {# note #} {{ {%",) * 2,
    "xml and markup characters": ("Fish & chips < 5 > 3 \"quoted\" 'single' &amp; <w:p/> ]]> &#0;",) * 2,
    "pasted vertical tab": ("Line one\x0bline two", "Line one\nline two"),
    "pasted form feed": ("Page one\x0cpage two", "Page one\npage two"),
    "pasted NUL and others": ("Nul\x00byte\x01\x7f here", "Nulbyte here"),
    "escaped control characters": ("\\v", "written as \\v escapes"),  # replaced below: see ESCAPED
    "emoji": ("Praise \U0001F44F\U0001F3FD for the team \U0001F469\u200d\U0001F467 \U0001F1EC\U0001F1E7",) * 2,
    "right-to-left": ("Arabic \u0645\u0631\u062d\u0628\u0627 and Hebrew \u05e9\u05dc\u05d5\u05dd, "
                      "with \u202eoverride\u202c",) * 2,
    "combining characters": ("Zoe\u0308 and Z\u0324\u0354\u0367\u0311a\u0308\u0356\u032dl\u036eg\u030c\u0317o\u0319",) * 2,
    "very long word": ("W" * 100_000,) * 2,
    "very long paragraph": (("word " * 20_000).strip(),) * 2,
}
ESCAPED = '"Escaped\\vline\\fbreaks\\0 and \\ud800 gone"'
ESCAPED_SHOWN = "Escaped\nline\nbreaks and  gone"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One cover report with every hostile text in its summary, header and author block, built by the CLI."""
    project = tmp_path_factory.mktemp("hostile")
    (project / "content").mkdir()
    shutil.copytree(ROOT / "report_templates", project / "report_templates",
                    ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    typed = [typed for name, (typed, _) in HOSTILE.items() if name != "escaped control characters"]
    content = {
        "kind": "cover", "committee": typed[0], "dated": "10/02/2020", "subject": typed[1],
        "report_of": typed[6], "purpose": "information",
        "summary": typed, "recommendations": ["ESCAPED"],
        "main_report": [{"heading": typed[0], "paragraphs": [typed[1], {"text": typed[5], "items": typed[6:8]}]}],
        "appendices": [{"title": typed[1]}], "background_papers": [typed[0]],
        "author": {"name": typed[5], "job_title": typed[6], "email": typed[1]},
    }
    text = yaml_text(content, raw_controls=True).replace('"ESCAPED"', ESCAPED)
    (project / "content" / "hostile.yaml").write_text(text, encoding="utf-8")
    annual = {
        "kind": "annual", "title": typed[0], "author": {"name": typed[5], "job_title": typed[6]},
        "date": "August 2019", "introduction": typed + ["ESCAPED"],
        "sections": [{"title": typed[1], "type": "review", "narrative": typed, "cases": typed[:3],
                      "key_findings": {"strengths": [{"theme": typed[6], "points": typed}]},
                      "recommendations": typed[:2]}],
    }
    text = yaml_text(annual, raw_controls=True).replace('"ESCAPED"', ESCAPED)
    (project / "content" / "hostile-annual.yaml").write_text(text, encoding="utf-8")
    run = reportgen("build", cwd=project)
    assert run.status == 0 and "Traceback" not in run.err, run.err
    return project / "build", run.err


KINDS = ["hostile", "hostile-annual"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_text_appears_as_typed(hostile: tuple[Path, str], case: str, kind: str) -> None:
    shown = HOSTILE[case][1] if case != "escaped control characters" else ESCAPED_SHOWN
    assert shown in document_text(hostile[0] / f"{kind}.docx")


def test_header_and_properties_hold_hostile_text(hostile: tuple[Path, str]) -> None:
    built = hostile[0] / "hostile.docx"
    doc = Document(str(built))
    assert doc.core_properties.title == HOSTILE["xml and markup characters"][1]
    assert doc.core_properties.author == HOSTILE["emoji"][1]
    rows = [r for r in doc.tables[0].rows]
    assert rows[1].cells[1].text == HOSTILE["xml and markup characters"][1]


@pytest.mark.parametrize("kind", KINDS)
def test_nothing_was_executed_or_interpreted(hostile: tuple[Path, str], kind: str) -> None:
    text = document_text(hostile[0] / f"{kind}.docx")
    assert "49" not in text  # {{ 7*7 }} printed, not computed
    assert "&amp;amp;" not in text and "&#0;" in text  # entities not decoded twice, nor at all


def test_pasted_control_characters_are_reported(hostile: tuple[Path, str]) -> None:
    _, err = hostile
    for code, action in (("000B", "turned into a line break"), ("000C", "turned into a line break"),
                         ("0000", "dropped"), ("0001", "dropped"), ("007F", "dropped"), ("D800", "dropped")):
        warning = f"warning: control character U+{code} (pasted from Word or email) {action}"
        lines = [line for line in err.splitlines() if warning in line]
        assert lines, f"no warning for U+{code}:\n{err}"
        assert {line.split(":")[0] for line in lines} == {f"content/{kind}.yaml" for kind in KINDS}, lines


@pytest.mark.parametrize("kind", KINDS)
def test_every_part_is_well_formed_xml(hostile: tuple[Path, str], kind: str) -> None:
    for name, data in read_parts(hostile[0] / f"{kind}.docx").items():
        if name.endswith((".xml", ".rels")):
            etree.fromstring(data)  # raises on anything XML cannot hold


def test_libreoffice_opens_them(hostile: tuple[Path, str], tmp_path: Path, libreoffice: KeptLibreOffice) -> None:
    """LibreOffice opens every hostile document and converts it to PDF, where the marks print literally:
    the tests' kept LibreOffice, with the load and export filter `soffice --convert-to pdf` uses, and
    nothing of reportgen's own between (no LibreOffice started for this test alone)."""
    for kind in KINDS:
        pdf = libreoffice.convert(hostile[0] / f"{kind}.docx", tmp_path / f"{kind}.pdf", PDF)
        text = pdf_text(pdf)
        assert "{{ 7*7 }}" in text and "Fish & chips < 5 > 3" in text, kind
