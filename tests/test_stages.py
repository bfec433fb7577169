"""Unit tests, one stage at a time: load, validate, the inline markup, render, write."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.errors import ContentError, OutputError
from reportgen.pipeline.load import load, parse_text
from reportgen.model import inline
from reportgen.pipeline.validate import validate

COVER = Path(__file__).parent / "cases" / "committee-cover-2020-02-qa-audits.yaml"


# load ---------------------------------------------------------------------------------------------
def test_load_records_line_and_column_of_every_value() -> None:
    loaded = parse_text("kind: cover\nmain_report:\n  - heading: Background\n    paragraphs:\n      - one\n", "x.yaml")
    assert loaded.values["main_report"][0]["paragraphs"] == ["one"]
    assert loaded.source.position(("main_report", 0, "heading")).line == 3
    assert loaded.source.position(("main_report", 0, "heading")).col == 14
    assert loaded.source.position(("main_report", 0, "paragraphs", 0)).line == 5
    assert loaded.source.position(("main_report", 0, "heading"), key=True).col == 5


def test_load_turns_pasted_control_characters_into_breaks_with_a_warning(tmp_path: Path) -> None:
    source = tmp_path / "c.yaml"
    source.write_bytes(b"kind: cover\nsubject: one\x0btwo\x00three\n")
    loaded = load(source)
    assert loaded.values["subject"] == "one\ntwothree"
    assert [(w.position.line, w.position.col) for w in loaded.warnings] == [(2, 13), (2, 17)]
    assert all(w.severity == "warning" for w in loaded.warnings)


def test_load_leaves_dates_to_the_model() -> None:
    # an impossible ISO date must reach the model's Date type, which says where it is
    assert parse_text("when: 2020-02-31\n", "x").values["when"] == "2020-02-31"


# validate -----------------------------------------------------------------------------------------
def test_validated_nodes_know_where_they_were_written() -> None:
    report = validate(load(COVER))
    section = report.main_report[1]
    assert section.heading == "Current Position"
    assert section.where().line == 41
    assert section.key_path == "main_report[2]"
    assert section.paragraphs[0].where("text").line == 43


def test_validation_collects_every_problem_at_once() -> None:
    text = COVER.read_text().replace("dated: 10/02/2020", "dated: 2020-13-01").replace("purpose: information", "purpose: x")
    with pytest.raises(ContentError) as caught:
        validate(parse_text(text, "c.yaml"))
    paths = [p.path for p in caught.value.problems]
    assert paths == ["dated", "purpose"]


def test_report_author_defaults_to_the_author_block() -> None:
    report = validate(load(COVER))
    assert report.author_line.startswith("Pat Dixon, Safeguarding and Quality Assurance Service Manager, ")


# inline markup ------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, spans", [
    ("plain {{ x }} <b> & text", [("plain {{ x }} <b> & text", False, False, False)]),
    ("a **bold** b", [("a ", False, False, False), ("bold", True, False, False), (" b", False, False, False)]),
    ("*it* 21^st^", [("it", False, True, False), (" 21", False, False, False), ("st", False, False, True)]),
    ("5 * 3 * 2", [("5 * 3 * 2", False, False, False)]),
    (r"\*not\*", [("*not*", False, False, False)]),
])
def test_inline_markup(text: str, spans: list[tuple]) -> None:
    assert [(s.text, s.bold, s.italic, s.superscript) for s in inline.parse(text)] == spans


def test_statistic_reference_keeps_the_published_figure() -> None:
    (span,) = inline.statistic_references("a [[rate|61.2 %]] rate")
    assert (span.stat, span.published) == ("rate", "61.2 %")


# render -------------------------------------------------------------------------------------------
def test_every_list_gets_its_own_numbering_instance() -> None:
    from reportgen.pipeline.render import render, template_path

    report = validate(load(COVER))
    parts = render(report, template_path(report))
    numbering = parts["word/numbering.xml"].decode()
    assert numbering.count("<w:startOverride w:val=\"1\"/>") >= 9  # main report and appendices lists
    document = parts["word/document.xml"].decode()
    assert "{{" not in document and "{%" not in document


# write --------------------------------------------------------------------------------------------
def test_write_is_atomic_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    from reportgen.pipeline.write import write_bytes

    out = tmp_path / "r.docx"
    write_bytes(b"one", out)
    (tmp_path / ".r.docx.abc.tmp").write_bytes(b"left by a killed build")
    write_bytes(b"two", out)
    assert out.read_bytes() == b"two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.docx"]


def test_write_refuses_when_the_folder_is_a_file(tmp_path: Path) -> None:
    from reportgen.pipeline.write import write_bytes

    (tmp_path / "build").write_text("not a folder")
    with pytest.raises(OutputError):
        write_bytes(b"x", tmp_path / "build" / "r.docx")


def test_fingerprint_detects_an_edit() -> None:
    from reportgen.pipeline.write import fingerprint, recorded_fingerprint, stamped

    parts = stamped({"_rels/.rels": b"<Relationships></Relationships>", "[Content_Types].xml": b"<Types></Types>",
                     "word/document.xml": b"<w:document/>"})
    assert recorded_fingerprint(parts) == fingerprint(parts)
    parts["word/document.xml"] = b"<w:document>edited</w:document>"
    assert recorded_fingerprint(parts) != fingerprint(parts)
