"""`reportgen import`: reports read back from Word into content; a reviewer's edits folded into the YAML."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, reportgen, snapshot

from reportgen.build import read_report
from reportgen.importer import import_blocks
from reportgen.importer.write import content_text
from reportgen.load import parse_text
from reportgen.oxml.blocks import read_blocks
from reportgen.oxml.text import golden_text
from reportgen.render import render, template_path
from reportgen.validate import validate

REPORTS = [p for p in sorted((ROOT / "content").glob("*.yaml")) if "kind: agenda" not in p.read_text()]
# an agenda is not a report in the house format: it builds into a pack of other documents


def _render(report) -> dict[str, bytes]:
    return render(report, template_path(report))


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.stem)
def test_own_output_round_trips_exactly(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    report, _ = read_report(path)
    built = _render(report)
    found = import_blocks(read_blocks(built), None, path.name)
    text = content_text(found, path.name)
    again = validate(parse_text(text, "imported.yaml", path))  # validates, or raises with the place
    assert golden_text(_render(again)) == golden_text(built)
    assert found.unmapped == [], found.unmapped
    assert again.kind == report.kind


def _project(tmp_path: Path, name: str) -> Path:
    (tmp_path / "content").mkdir()
    shutil.copy(ROOT / "content" / name, tmp_path / "content" / name)
    return tmp_path


def test_import_writes_a_content_file_that_builds(tmp_path: Path) -> None:
    project = _project(tmp_path, "committee-cover-2020-02-qa-audits.yaml")
    assert reportgen("build", cwd=project).status == 0
    run = reportgen("import", "build/committee-cover-2020-02-qa-audits.docx", "-o", "content/again.yaml",
                    cwd=project)
    assert run.status == 0, run.err
    text = (project / "content" / "again.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../schemas/cover.schema.json\n# Imported from")
    assert "# Guessed:" in text  # the author block, said to be a guess
    assert reportgen("build", "content/again.yaml", cwd=project).status == 0
    # never over an existing file
    again = reportgen("import", "build/committee-cover-2020-02-qa-audits.docx", "-o", "content/again.yaml",
                      cwd=project)
    assert again.status == 2 and "already exists" in again.err


def test_a_reviewers_edits_fold_back_as_those_values_alone(tmp_path: Path) -> None:
    from docx import Document

    name = "committee-cover-2020-02-qa-audits.yaml"
    project = _project(tmp_path, name)
    assert reportgen("build", cwd=project).status == 0
    document = Document(str(project / "build" / name.replace(".yaml", ".docx")))
    for paragraph in document.paragraphs:
        if paragraph.text.startswith("Members are asked"):
            for run in paragraph.runs:
                run.text = run.text.replace("note the report", "note and endorse the report")
    document.save(str(project / "edited.docx"))
    before = (project / "content" / name).read_text()
    run = reportgen("import", "edited.docx", "--into", f"content/{name}", "--yes", cwd=project)
    assert run.status == 0, run.err
    assert "Recommendation 1 reworded" in run.out
    after = (project / "content" / name).read_text()
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert changed == [("  - Members are asked to note the report.",
                        "  - Members are asked to note and endorse the report.")]
    assert len(before.splitlines()) == len(after.splitlines())


@pytest.mark.parametrize("content, expect", [
    (b"not a zip at all", "cannot read it as a Word document"),
    (b"PK\x03\x04broken", "cannot read it as a Word document"),
])
def test_bad_files_are_refused_and_nothing_is_written(tmp_path: Path, content: bytes, expect: str) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "x.docx").write_bytes(content)
    before = snapshot(tmp_path)
    run = reportgen("import", "x.docx", cwd=tmp_path)
    assert run.status == 2 and expect in run.err, run.err
    assert snapshot(tmp_path) == before


def test_a_document_of_unknown_shape_asks_for_its_kind(tmp_path: Path) -> None:
    from docx import Document

    (tmp_path / "content").mkdir()
    document = Document()
    document.add_paragraph("Just a letter.")
    document.save(str(tmp_path / "letter.docx"))
    run = reportgen("import", "letter.docx", cwd=tmp_path)
    assert run.status == 2 and "--kind" in run.err
    assert not list((tmp_path / "content").iterdir())
