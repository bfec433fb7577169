"""`reportgen import`: reports read back from Word into content; a reviewer's edits folded into the YAML."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, reportgen, snapshot
from lo_client import DOCX, KeptLibreOffice

from reportgen.pipeline.build import read_report
from reportgen.features.importer import import_blocks
from reportgen.features.importer.write import content_text
from reportgen.pipeline.load import parse_text
from reportgen.oxml.blocks import read_blocks
from reportgen.oxml.text import golden_text
from reportgen.pipeline.render import render, template_path
from reportgen.pipeline.validate import validate

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
    # the template's Author Block style marks the block: read as it is, not guessed from the last lines
    assert "author block was read as the last lines" not in text and "name: Pat Dixon" in text
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
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "password-protected Word file or an old .doc"),
    ("odt", "OpenDocument file (.odt)"),
])
def test_bad_files_are_refused_and_nothing_is_written(tmp_path: Path, content: bytes | str, expect: str) -> None:
    (tmp_path / "content").mkdir()
    if content == "odt":
        import zipfile

        with zipfile.ZipFile(tmp_path / "x.docx", "w") as odt:
            odt.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            odt.writestr("content.xml", "<office:document-content/>")
    else:
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


# --- documents another program made ------------------------------------------------------------------

SEEDS = {"committee-cover-2020-02-qa-audits": "committee-cover.docx",
         "annual-qa-report-2018-19": "annual-qa-report.docx"}


def _markdown(golden: str) -> str:
    """A Markdown rendering of a report's text (its golden file: '[Style] text' lines and '| cells |'
    rows), as someone writing it in Markdown for pandoc would: headings, lists, pipe tables, and
    pandoc's custom-style divs for the house styles Markdown has no mark for."""
    import re

    out: list[str] = []
    subtitles: list[str] = []
    title = ""
    table: list[str] = []

    def flush_table() -> None:
        if table:
            width = table[0].count("|") - 1
            out.extend(["", table[0], "|" + "---|" * width, *table[1:], ""])
            table.clear()

    for line in golden.splitlines():
        if line.startswith("| "):
            table.append(line.replace("⏎", " "))
            continue
        flush_table()
        match = re.match(r"^\[([^\]]+)\] (.*)$", line)
        if not match:
            continue
        style, text = match.groups()
        text = text.replace("⏎", "\\\n")
        if style == "Title":
            title = text
        elif style == "Subtitle":
            subtitles.append(text)
        elif style == "TOC Heading":
            continue
        elif style.startswith("Heading "):
            out.extend(["", "#" * int(style.split()[1]) + " " + text, ""])
        elif style == "List Bullet":
            out.append("- " + text.removeprefix("- "))
        elif style in ("List Number", "Numbered Paragraph") and re.match(r"^\d+\. ", text):
            out.append(text)
        elif style == "Normal":
            out.extend(["", text, ""])
        else:
            out.extend(["", f'::: {{custom-style="{style}"}}', text, ":::", ""])
    flush_table()
    head = ["---", f"title: \"{title}\"", f"subtitle: \"{' / '.join(subtitles)}\"", "---", ""] if title else []
    return "\n".join(head + out) + "\n"


@pytest.fixture(scope="module")
def made_elsewhere(tmp_path_factory: pytest.TempPathFactory,
                   libreoffice: KeptLibreOffice) -> dict[tuple[str, str], Path]:
    """Each seed as pandoc makes it from Markdown with the house template as reference document, and
    the same file re-saved by LibreOffice (the tests' kept one, as `soffice --convert-to docx` would)."""
    import subprocess

    if not shutil.which("pandoc") or not shutil.which("soffice"):
        if __import__("os").environ.get("CI"):
            pytest.fail("pandoc and LibreOffice are installed by make test")
        pytest.skip("needs pandoc and LibreOffice")
    folder = tmp_path_factory.mktemp("elsewhere")
    made = {}
    for name, template in SEEDS.items():
        source = folder / f"{name}.md"
        source.write_text(_markdown((ROOT / "tests" / "golden" / f"{name}.txt").read_text(encoding="utf-8")))
        docx = folder / f"{name}.docx"
        subprocess.run(["pandoc", "-f", "markdown-smart", "-t", "docx", "--reference-doc",
                        str(ROOT / "report_templates" / template), "-o", str(docx), str(source)],
                       check=True, timeout=120)
        made[(name, "pandoc")] = docx
        resaved = folder / "resaved"
        resaved.mkdir(exist_ok=True)
        made[(name, "libreoffice")] = libreoffice.convert(docx, resaved / docx.name, DOCX)
    return made


@pytest.mark.parametrize("name", SEEDS)
@pytest.mark.parametrize("maker", ["pandoc", "libreoffice"])
def test_documents_made_by_other_programs_import_to_the_seed_text(
        name: str, maker: str, made_elsewhere: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import seed_text, word_ratio

    from reportgen.features.importer import import_docx
    from reportgen.oxml.text import document_text, read_lines

    monkeypatch.chdir(ROOT)
    found = import_docx(made_elsewhere[(name, maker)])  # the kind guessed
    text = content_text(found, name)
    report = validate(parse_text(text, f"{name}.yaml", ROOT / "content" / f"{name}.yaml"))
    built = _render(report)
    ratio = word_ratio(seed_text(name), document_text(built))
    assert ratio >= 0.98, (ratio, found.guesses, found.unmapped)
    ours = [line.text for line in read_lines(_render(read_report(ROOT / "content" / f"{name}.yaml")[0]))
            if line.style.startswith("Heading")]
    theirs = [line.text for line in read_lines(built) if line.style.startswith("Heading")]
    assert theirs == ours  # every heading in place


def test_edits_made_in_libreoffice_with_tracking_fold_back_as_those_values(tmp_path: Path,
                                                                         libreoffice: KeptLibreOffice) -> None:
    """Through LibreOffice itself (UNO, change tracking on): a word changed, a bullet deleted, a
    recommendation added; folded back, the YAML differs by exactly those values."""
    import difflib
    import subprocess

    if not shutil.which("soffice") or subprocess.run(["/usr/bin/python3", "-c", "import uno"],
                                                     capture_output=True).returncode:
        if __import__("os").environ.get("CI"):
            pytest.fail("LibreOffice and python3-uno are installed by make test")
        pytest.skip("needs LibreOffice and Debian's python3-uno")
    name = "annual-qa-report-2018-19.yaml"
    project = _project(tmp_path, name)
    assert reportgen("build", cwd=project).status == 0
    edits = [{"replace": ["Introduce case-mapping in group supervision",
                          "Introduce case-mapping in monthly group supervision"]},
             {"delete": "Supervision notes are not always uploaded promptly."},
             {"add_after": ["Ensure supervision policy is fit for purpose",
                            "Review the supervision policy again in March."]}]
    # a failed edit fails the test, with LibreOffice's traceback
    libreoffice.edit(project / "build" / name.replace(".yaml", ".docx"), tmp_path / "edited.docx", edits)
    from reportgen.oxml.package import read_parts

    assert b"<w:ins " in read_parts(tmp_path / "edited.docx")["word/document.xml"]  # really tracked
    before = (project / "content" / name).read_text()
    run = reportgen("import", str(tmp_path / "edited.docx"), "--into", f"content/{name}", "--yes", cwd=project)
    assert run.status == 0, run.err
    after = (project / "content" / name).read_text()
    changes = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changes == [
        "-            - Supervision notes are not always uploaded promptly.",
        "-        Introduce case-mapping in group supervision sessions to focus on complex case work",
        "-        to foster effective shared understanding of risks and needs.",
        "+        Introduce case-mapping in monthly group supervision sessions to focus on complex",
        "+        case work to foster effective shared understanding of risks and needs.",
        "+      - Review the supervision policy again in March.",
    ], changes
