"""Redline: the new report carries Word tracked changes; accept-all gives the new text, reject-all the old."""

from __future__ import annotations

import datetime as _dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from conftest import CASES, reportgen
from lo_client import FLAT_ODF, KeptLibreOffice
from reportgen.pipeline.load import parse_text
from reportgen.oxml.ns import qn
from reportgen.oxml.package import pack, read_parts
from reportgen.oxml.revisions import resolve_parts
from reportgen.oxml.text import document_text, golden_text, paragraph_text
from reportgen.features.redline import Side, read_side, redline_parts
from reportgen.pipeline.render import render
from reportgen.pipeline.validate import validate

NAME = "committee-cover-2020-02-qa-audits"
AUTHOR = "Clerk to the Committee"
DATE = _dt.date(2020, 2, 3)

# Each edit: (old text, new text). Together they touch every kind of block the issue names.
EDITS = {
    "word in a paragraph": ("half in May/June, and the others", "half in April/May, and the others"),
    "table cell": ("committee: Safeguarding Sub Committee", "committee: Safeguarding Committee"),
    "heading": ("  - heading: Conclusion\n", "  - heading: Conclusions\n"),
    "paragraph added": ("  - heading: Conclusions\n", "  - heading: Next Steps\n    paragraphs:\n"
                        "      - The next audits will be completed in March 2020.\n  - heading: Conclusions\n"),
    "paragraph deleted": ("        Assessments were being completed within timescales and were appropriately shortened or\n"
                          "        extended depending on the child's circumstances. There was evidence that some assessments\n"
                          "        would have benefited from more consistent engagement from fathers. In regard to Early\n"
                          "        Help service, the report identified that Early Help practitioners provided an excellent\n"
                          "        level of service.\n", ""),
    "list items": ("  - Members are asked to note the report.\n",
                   "  - Members are asked to note the report.\n  - Members are asked to agree the next audit cycle.\n"),
}


def _content(edits: list[str]) -> str:
    text = (CASES / f"{NAME}.yaml").read_text(encoding="utf-8")
    for name in edits:
        old, new = EDITS[name]
        assert old in text, name
        text = text.replace(old, new, 1)
    # the deleted paragraph's section keeps another paragraph; remove the now-dangling "- >-"
    return re.sub(r"      - >-\n(?=  - heading|\n)", "", text)


def _side(text: str, name: str) -> Side:
    report = validate(parse_text(text, name))
    return Side(name, render(report), report)


@pytest.fixture(scope="module")
def sides() -> tuple[Side, Side]:
    return _side(_content([]), "old.yaml"), _side(_content(list(EDITS)), "new.yaml")


@pytest.fixture(scope="module")
def redlined(sides: tuple[Side, Side]) -> dict[str, bytes]:
    return redline_parts(*sides, author=AUTHOR, date=DATE)


def _body(parts: dict[str, bytes]) -> etree._Element:
    return etree.fromstring(parts["word/document.xml"])


def _changed_texts(parts: dict[str, bytes], tag: str) -> list[str]:
    text = "delText" if tag == "del" else "t"
    return ["".join(t.text or "" for t in mark.iter(qn(f"w:{text}"))) for mark in _body(parts).iter(qn(f"w:{tag}"))]


def test_accept_all_gives_exactly_the_new_text(sides, redlined) -> None:
    assert document_text(resolve_parts(redlined, accept=True)) == document_text(sides[1].parts)


def test_reject_all_gives_exactly_the_old_text(sides, redlined) -> None:
    assert document_text(resolve_parts(redlined, accept=False)) == document_text(sides[0].parts)


def test_the_edits_differ_so_the_test_means_something(sides) -> None:
    assert document_text(sides[0].parts) != document_text(sides[1].parts)


def test_word_level_change_inside_a_paragraph(redlined) -> None:
    inserted, deleted = _changed_texts(redlined, "ins"), _changed_texts(redlined, "del")
    assert "April/May" in inserted and "May/June" in deleted
    p = next(p for p in _body(redlined).iter(qn("w:p")) if "April/May" in "".join(p.itertext()))
    assert "the cases open to the Children's Social Care" in paragraph_text(p)  # the rest is untouched text


def test_table_cell_and_heading_changes_are_tracked(redlined) -> None:
    deleted = _changed_texts(redlined, "del")
    assert "Sub " in deleted
    cell_dels = [m for m in _body(redlined).iter(qn("w:del")) if any(a.tag == qn("w:tc") for a in m.iterancestors())]
    assert cell_dels, "the committee's name is in the header table"
    assert "Conclusions" in _changed_texts(redlined, "ins") or "s" in _changed_texts(redlined, "ins")


def test_whole_paragraphs_carry_paragraph_mark_revisions(redlined) -> None:
    body = _body(redlined)
    marks = {tag: [p for p in body.iter(qn("w:p")) if p.find(f"{qn('w:pPr')}/{qn('w:rPr')}/{qn(f'w:{tag}')}") is not None]
             for tag in ("ins", "del")}
    inserted = [paragraph_text(p) for p in marks["ins"]]
    assert "The next audits will be completed in March 2020." in inserted
    assert "Next Steps" in inserted
    # a list item after the edited heading: wholly inserted, its mark the heading's (Enter at its end)
    wholly = [paragraph_text(p) for p in body.iter(qn("w:p")) if list(p.iter(qn("w:r")))
              and all(r.getparent().tag == qn("w:ins") for r in p.iter(qn("w:r")))]
    assert "Members are asked to agree the next audit cycle." in wholly
    deleted = ["".join(t.text or "" for t in p.iter(qn("w:delText"))) for p in marks["del"]]
    assert any(d.startswith("Assessments were being completed within timescales") for d in deleted)


def test_every_revision_has_author_date_and_unique_id(redlined) -> None:
    marks = [m for m in _body(redlined).iter(qn("w:ins"), qn("w:del"), qn("w:pPrChange"))]
    assert marks
    assert {m.get(qn("w:author")) for m in marks} == {AUTHOR}
    assert {m.get(qn("w:date")) for m in marks} == {"2020-02-03T00:00:00Z"}
    ids = [m.get(qn("w:id")) for m in marks]
    assert len(ids) == len(set(ids))


def test_default_date_is_the_new_reports_own_date(sides) -> None:
    parts = redline_parts(*sides)
    dates = {m.get(qn("w:date")) for m in _body(parts).iter(qn("w:ins"))}
    assert dates == {"2020-02-10T00:00:00Z"}


def test_changes_in_users_terms(sides) -> None:
    from reportgen.features.redline.changes import describe_changes

    changes = describe_changes(sides[0].report, sides[1].report)
    assert "Committee changed from 'Safeguarding Sub Committee' to 'Safeguarding Committee'" in changes
    assert "Paragraph 1 of Background reworded" in changes
    assert "Section 'Next Steps' added to main report" in changes
    # the Main Report numbers its paragraphs in one run: Current Position's third is paragraph 5
    assert any(c.startswith("Paragraph 5 of 'Current Position' removed: 'Assessments were being") for c in changes)
    assert any(c.startswith("Recommendation 2 added: 'Members are asked to agree") for c in changes)
    assert "Section Conclusion of main report renamed to Conclusions" in changes
    assert len(changes) == 6, changes


def test_same_document_gives_no_revisions(sides) -> None:
    parts = redline_parts(sides[0], sides[0])
    assert not list(_body(parts).iter(qn("w:ins"), qn("w:del"), qn("w:pPrChange")))


def test_reject_restores_a_deleted_list_and_its_numbers() -> None:
    """OLD's numbered recommendations, gone from NEW, come back numbered 1, 2 when rejected."""
    two = _content(["list items"])
    old, new = _side(two, "old.yaml"), _side(_content([]), "new.yaml")
    parts = redline_parts(old, new, author=AUTHOR, date=DATE)
    assert document_text(resolve_parts(parts, accept=False)) == document_text(old.parts)
    assert document_text(resolve_parts(parts, accept=True)) == document_text(new.parts)
    assert "2. Members are asked to agree" in document_text(resolve_parts(parts, accept=False))


def test_reader_hides_tabs_and_breaks_inside_deletions() -> None:
    p = etree.fromstring(
        '<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        '<w:r><w:t>kept</w:t><w:tab/></w:r><w:del><w:r><w:tab/><w:delText>gone</w:delText><w:br/></w:r></w:del>'
        '<w:ins><w:r><w:t>new</w:t></w:r></w:ins></w:p>')
    assert paragraph_text(p) == "kept\tnew"


# -- the command line, and Word's and LibreOffice's view --------------------------------------------

@pytest.fixture(scope="module")
def cli_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("redline")
    (root / "content").mkdir()
    shutil.copytree(Path(__file__).resolve().parents[1] / "report_templates", root / "report_templates",
                    ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (root / "content" / "old.yaml").write_text(_content([]), encoding="utf-8")
    (root / "content" / "new.yaml").write_text(_content(list(EDITS)), encoding="utf-8")
    return root


def test_cli_two_content_files(cli_project: Path) -> None:
    run = reportgen("redline", "content/old.yaml", "content/new.yaml", "-o", "build/red.docx",
                    "--author", AUTHOR, "--date", "2020-02-03", cwd=cli_project)
    assert run.status == 0, run.err
    assert "Section 'Next Steps' added to main report" in run.out
    assert "wrote build/red.docx" in run.out
    parts = read_parts(cli_project / "build" / "red.docx")
    assert document_text(resolve_parts(parts, accept=True)) == document_text(read_side(cli_project / "content" / "new.yaml").parts)
    again = reportgen("redline", "content/old.yaml", "content/new.yaml", "-o", "build/red2.docx",
                      "--author", AUTHOR, "--date", "2020-02-03", cwd=cli_project)
    assert (cli_project / "build" / "red2.docx").read_bytes() == (cli_project / "build" / "red.docx").read_bytes()


def test_cli_two_built_documents(cli_project: Path) -> None:
    assert reportgen("build", "content/old.yaml", "content/new.yaml", "-o", "docs", cwd=cli_project).status == 0
    run = reportgen("redline", "docs/old.docx", "docs/new.docx", "-o", "build/from-docx.docx", cwd=cli_project)
    assert run.status == 0, run.err
    assert "reworded" not in run.out  # no content models: no summary in users' terms
    parts = read_parts(cli_project / "build" / "from-docx.docx")
    assert document_text(resolve_parts(parts, accept=False)) == document_text(cli_project / "docs" / "old.docx")
    assert document_text(resolve_parts(parts, accept=True)) == document_text(cli_project / "docs" / "new.docx")


def test_cli_since_a_git_revision(tmp_path: Path) -> None:
    shutil.copy(CASES / f"{NAME}.yaml", tmp_path / "report.yaml")
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    subprocess.run(git + ["init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(git + ["add", "report.yaml"], cwd=tmp_path, check=True)
    subprocess.run(git + ["commit", "-qm", "first draft"], cwd=tmp_path, check=True)
    text = (tmp_path / "report.yaml").read_text().replace(*EDITS["word in a paragraph"])
    (tmp_path / "report.yaml").write_text(text)
    run = reportgen("redline", "report.yaml", "--since", "HEAD", "-o", "red.docx", cwd=tmp_path)
    assert run.status == 0, run.err
    assert run.out.splitlines()[0].strip() == "Paragraph 1 of Background reworded"
    assert "April/May" in _changed_texts(read_parts(tmp_path / "red.docx"), "ins")
    bad = reportgen("redline", "report.yaml", "--since", "no-such-rev", "-o", "red.docx", cwd=tmp_path)
    assert bad.status == 2 and "report.yaml: error: cannot read this file as it was at 'no-such-rev'" in bad.err
    assert "Traceback" not in bad.err


def test_redline_never_overwrites_an_edited_output(cli_project: Path) -> None:
    args = ["redline", "content/old.yaml", "content/new.yaml", "-o", "build/guarded.docx"]
    assert reportgen(*args, cwd=cli_project).status == 0
    out = cli_project / "build" / "guarded.docx"
    from docx import Document

    doc = Document(str(out))
    doc.add_paragraph("A reviewer's note typed into the redline.")
    doc.save(str(out))
    edited = out.read_bytes()
    run = reportgen(*args, cwd=cli_project)
    assert run.status == 2 and "build/guarded.docx" in run.err and "edited" in run.err
    assert out.read_bytes() == edited


# -- the annual report: the issue's own test ----------------------------------------------------------

ANNUAL = Path(__file__).resolve().parents[1] / "content" / "annual-qa-report-2018-19.yaml"
RISK_BULLET = "            - There is also evidence of the use of risk assessment templates.\n"
NEW_PARAGRAPH = "The review also looked at how quickly families were first contacted."


def _annual_edited() -> str:
    """A copy of the annual content with one recommendation changed, a bullet deleted, a paragraph added."""
    text = ANNUAL.read_text(encoding="utf-8")
    edits = [("Introduce case-mapping in group supervision sessions", "Introduce case-mapping in all supervision sessions"),
             (RISK_BULLET, ""),
             ("  - >-\n    This year there has also been a review",
              f"  - {NEW_PARAGRAPH}\n  - >-\n    This year there has also been a review")]
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def annual() -> tuple[Side, Side, dict[str, bytes]]:
    old = _side(ANNUAL.read_text(encoding="utf-8"), "annual.yaml")
    new = _side(_annual_edited(), "annual-edited.yaml")
    return old, new, redline_parts(old, new, author=AUTHOR, date=DATE)


def _revisions(parts: dict[str, bytes]) -> dict[str, list[str]]:
    """Run-level revisions' texts, and the texts of paragraphs whose mark was inserted or deleted."""
    body = _body(parts)
    out: dict[str, list[str]] = {"ins": [], "del": [], "ins paragraph": [], "del paragraph": []}
    for mark in body.iter(qn("w:ins"), qn("w:del")):
        tag = mark.tag.split("}")[1]
        if mark.getparent().tag == qn("w:rPr"):
            p = mark.getparent().getparent().getparent()
            out[f"{tag} paragraph"].append("".join(t.text or "" for t in p.iter(qn("w:t"), qn("w:delText"))))
        else:
            out[tag].append("".join(t.text or "" for t in mark.iter(qn("w:t"), qn("w:delText"))))
    return out


def test_annual_redline_shows_exactly_the_three_changes(annual) -> None:
    assert _revisions(annual[2]) == {
        "ins": [NEW_PARAGRAPH, "all"], "del": ["There is also evidence of the use of risk assessment templates.", "group"],
        "ins paragraph": [NEW_PARAGRAPH], "del paragraph": ["There is also evidence of the use of risk assessment templates."]}
    assert not list(_body(annual[2]).iter(qn("w:pPrChange")))


def test_annual_accept_and_reject_give_the_two_texts(annual) -> None:
    old, new, parts = annual
    assert document_text(resolve_parts(parts, accept=True)) == document_text(new.parts)
    assert document_text(resolve_parts(parts, accept=False)) == document_text(old.parts)


def test_annual_changes_in_users_terms(annual) -> None:
    from reportgen.features.redline.changes import describe_changes

    assert describe_changes(annual[0].report, annual[1].report) == [
        f"Paragraph 3 of introduction added: '{NEW_PARAGRAPH[:57]}...'",
        "Point 4 of Assessment (strengths) in 'Independent Auditing Completed October/November 2018' removed: "
        "'There is also evidence of the use of risk assessment temp...'",
        "Recommendation 1 of 'Independent Auditing Completed October/November 2018' reworded",
    ]


def test_annual_moves_and_sections_in_users_terms() -> None:
    from reportgen.features.redline.changes import describe_changes

    text = ANNUAL.read_text(encoding="utf-8")
    start = text.index("  - title: Multi-Agency Audits June 2019")
    without_section = text[:start] + text[text.index("  - title: Review of Pathway Plans"):]
    anchor = "            - Supervision notes are not always uploaded promptly.\n"
    moved = text.replace(RISK_BULLET, "").replace(anchor, anchor + RISK_BULLET)
    old, new = (validate(parse_text(t, "annual.yaml")) for t in (without_section, moved))
    assert describe_changes(old, new) == [
        "A strength moved to areas for development in key findings of 'Independent Auditing Completed "
        "October/November 2018': 'There is also evidence of the use of risk assessment temp...'",
        "Section 'Multi-Agency Audits June 2019' added",
    ]


def test_cli_needs_two_versions_or_since(cli_project: Path) -> None:
    run = reportgen("redline", "content/new.yaml", "-o", "build/x.docx", cwd=cli_project)
    assert run.status == 2 and "expected OLD and NEW" in run.err and "Traceback" not in run.err


def test_libreoffice_opens_it_and_lists_the_changes(annual, tmp_path: Path, libreoffice: KeptLibreOffice) -> None:
    """Loaded and saved as flat ODF by the tests' kept LibreOffice (the load and export filter
    `soffice --convert-to fodt` uses, without a start of its own)."""
    docx = tmp_path / "red.docx"
    docx.write_bytes(pack(annual[2]))
    fodt = libreoffice.convert(docx, tmp_path / "red.fodt", FLAT_ODF).read_text(encoding="utf-8")
    tracked = fodt[fodt.index("<text:tracked-changes"):fodt.index("</text:tracked-changes>")]
    assert tracked.count("<text:changed-region") == 4  # the new paragraph, the bullet, 'group' -> 'all'
    assert tracked.count("<text:insertion") == 2 and tracked.count("<text:deletion") == 2
    assert "risk assessment templates" in fodt  # the deleted bullet is kept, marked, for review
    assert tracked.count(AUTHOR) == 4


def test_table_rows_in_and_out() -> None:
    """Rows of a header grid that shows funding rows only when given (the second council's format)
    appear and go: row revisions, and both texts exact."""
    base = _content([]) + "template: example-borough\n"
    one_row = base.replace("purpose: information\n", "purpose: information\nextra_spending: false\n")
    two_rows = one_row.replace("extra_spending: false\n", "extra_spending: true\nspending_amount: £12,000\n")
    for old_text, new_text in ((base, one_row), (one_row, two_rows), (two_rows, base)):
        old, new = _side(old_text, "old.yaml"), _side(new_text, "new.yaml")
        parts = redline_parts(old, new, author=AUTHOR, date=DATE)
        assert document_text(resolve_parts(parts, accept=True)) == document_text(new.parts)
        assert document_text(resolve_parts(parts, accept=False)) == document_text(old.parts)
    rows = [tr for tr in _body(parts).iter(qn("w:tr")) if tr.find(f"{qn('w:trPr')}/{qn('w:del')}") is not None]
    assert len(rows) == 2  # two rows -> none: both rows marked deleted, the rest of the grid stays


def test_accept_and_reject_of_properties_and_merged_paragraphs() -> None:
    from reportgen.oxml.revisions import accept_all, reject_all

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    xml = (f'<w:body {w}><w:p><w:pPr><w:pStyle w:val="Heading2"/><w:rPr><w:del w:id="1" w:author="a" w:date="d"/></w:rPr>'
           '<w:pPrChange w:id="2" w:author="a" w:date="d"><w:pPr><w:pStyle w:val="Normal"/></w:pPr></w:pPrChange></w:pPr>'
           '<w:r><w:t>First </w:t></w:r></w:p>'
           '<w:p><w:r><w:t>second</w:t></w:r><w:ins w:id="3" w:author="a" w:date="d"><w:r><w:t> added</w:t></w:r></w:ins></w:p></w:body>')
    accepted = accept_all(etree.fromstring(xml))
    assert [paragraph_text(p) for p in accepted.iter(qn("w:p"))] == ["First second added"]  # the mark was deleted
    rejected = reject_all(etree.fromstring(xml))
    assert [paragraph_text(p) for p in rejected.iter(qn("w:p"))] == ["First ", "second"]
    assert rejected.find(f".//{qn('w:pStyle')}").get(qn("w:val")) == "Normal"  # the old style is back


# -- formatting and pictures: tracked, so that Reject All restores them ---------------------------------

def test_formatting_changes_are_tracked_with_the_old_properties() -> None:
    base = _content([])
    bold = base.replace("significant progress made", "**significant progress** made", 1)
    assert bold != base
    old, new = _side(base, "old.yaml"), _side(bold, "new.yaml")
    parts = redline_parts(old, new, author=AUTHOR, date=DATE)
    changes = list(_body(parts).iter(qn("w:rPrChange")))
    assert len(changes) == 1 and changes[0].get(qn("w:author")) == AUTHOR
    run = changes[0].getparent().getparent()
    assert "".join(t.text for t in run.iter(qn("w:t"))) == "significant progress"
    assert changes[0].getparent().find(qn("w:b")) is not None  # bold now ...
    assert changes[0].find(f"{qn('w:rPr')}/{qn('w:b')}") is None  # ... and not before
    assert not list(_body(parts).iter(qn("w:ins"), qn("w:del")))  # the words did not change
    from reportgen.oxml.revisions import count_revisions

    assert count_revisions(parts)["formatting"] == 1
    for accept, bold_wanted in ((False, False), (True, True)):
        resolved = _body(resolve_parts(parts, accept=accept))
        runs = [r for r in resolved.iter(qn("w:r")) if "significant progress" in "".join(r.itertext())]
        assert len(runs) == 1 and (runs[0].find(f"{qn('w:rPr')}/{qn('w:b')}") is not None) == bold_wanted
        assert not list(resolved.iter(qn("w:rPrChange")))
    # and the other way: bold taken away
    back = redline_parts(new, old, author=AUTHOR, date=DATE)
    change = next(_body(back).iter(qn("w:rPrChange")))
    assert change.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None and change.getparent().find(qn("w:b")) is None


def test_a_changed_chart_is_the_old_picture_deleted_and_the_new_inserted() -> None:
    text = ANNUAL.read_text(encoding="utf-8")
    old = _side(text, "annual.yaml")
    new = _side(text.replace("contacts_other: 6", "contacts_other: 7", 1), "annual-edited.yaml")
    parts = redline_parts(old, new, author=AUTHOR, date=DATE)
    body = _body(parts)
    pictures = {tag: [p for p in body.iter(qn("w:p")) if p.find(f"{qn('w:pPr')}/{qn('w:rPr')}/{qn(f'w:{tag}')}") is not None
                      and p.find(f".//{qn('w:drawing')}") is not None] for tag in ("ins", "del")}
    alt = {tag: [p.find(f".//{qn('wp:docPr')}").get("descr") for p in ps] for tag, ps in pictures.items()}
    assert alt == {"del": ["Bar chart: Maternity alerts 12, Missing children 28, Other reasons 6 (46 in all)"],
                   "ins": ["Bar chart: Maternity alerts 12, Missing children 28, Other reasons 7 (47 in all)"]}
    # the old picture's image travels with it, under its own relationship
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    targets = {r.get("Id"): r.get("Target") for r in rels}
    old_embed = pictures["del"][0].find(f".//{qn('a:blip')}").get(qn("r:embed"))
    new_embed = pictures["ins"][0].find(f".//{qn('a:blip')}").get(qn("r:embed"))
    assert old_embed != new_embed and parts["word/" + targets[old_embed]] != parts["word/" + targets[new_embed]]
    doc_pr_ids = [d.get("id") for d in body.iter(qn("wp:docPr"))]
    assert len(doc_pr_ids) == len(set(doc_pr_ids))
    # Reject All gives the old chart back: its image's bytes, its alt text; Accept All the new
    for accept, side in ((False, old), (True, new)):
        resolved = resolve_parts(parts, accept=accept)
        assert document_text(resolved) == document_text(side.parts)
        blips = [b.get(qn("r:embed")) for b in _body(resolved).iter(qn("a:blip"))]
        side_rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(side.parts["word/_rels/document.xml.rels"])}
        side_blips = [b.get(qn("r:embed")) for b in _body(side.parts).iter(qn("a:blip"))]
        assert [parts["word/" + targets[b]] for b in blips] == [side.parts["word/" + side_rels[b]] for b in side_blips]
    assert "Other reasons 6 (46 in all)" in etree.tostring(_body(resolve_parts(parts, accept=False))).decode()


def test_a_paragraph_typed_after_an_edited_one_takes_the_mark_word_inserts() -> None:
    """Text added at the end of 'Current Position''s heading, then a new paragraph after it: the inserted
    mark is the heading's (Enter pressed at its end), the new paragraph keeps the old mark, and holds
    the heading's properties for a Reject (so Word and LibreOffice both give the heading back whole)."""
    base = _content([])
    new_text = base.replace("  - heading: Current Position\n    paragraphs:\n",
                            "  - heading: Current Position and Next Steps\n    paragraphs:\n"
                            "      - The next audits will be completed in March 2020.\n", 1)
    old, new = _side(base, "old.yaml"), _side(new_text, "new.yaml")
    parts = redline_parts(old, new, author=AUTHOR, date=DATE)
    body = _body(parts)
    heading = next(p for p in body.iter(qn("w:p")) if paragraph_text(p).startswith("Current Position"))
    added = heading.getnext()
    assert paragraph_text(added) == "The next audits will be completed in March 2020."
    assert heading.find(f"{qn('w:pPr')}/{qn('w:rPr')}/{qn('w:ins')}") is not None  # the heading's mark
    assert added.find(f"{qn('w:pPr')}/{qn('w:rPr')}/{qn('w:ins')}") is None  # not the new paragraph's
    old_style = added.find(f"{qn('w:pPr')}/{qn('w:pPrChange')}/{qn('w:pPr')}/{qn('w:pStyle')}")
    assert old_style is not None and old_style.get(qn("w:val")) == heading.find(f".//{qn('w:pStyle')}").get(qn("w:val"))
    for accept, side in ((True, new), (False, old)):
        assert golden_text(resolve_parts(parts, accept=accept)) == golden_text(side.parts)


def test_a_changed_logo_in_the_header_is_tracked_with_its_own_image() -> None:
    """A council's template with a logo in its header, the logo replaced: old logo deleted, new inserted."""
    built = _side(ANNUAL.read_text(encoding="utf-8"), "annual.yaml").parts
    chart = next(p for p in _body(built).iter(qn("w:p")) if p.find(f".//{qn('w:drawing')}") is not None)
    chart_xml = etree.tostring(chart).decode()
    chart_embed = chart.find(f".//{qn('a:blip')}").get(qn("r:embed"))
    header = next(n for n in built if re.fullmatch(r"word/header\d*\.xml", n))
    rels_name = header.replace("word/", "word/_rels/") + ".rels"

    def with_logo(image: bytes, alt: str) -> dict[str, bytes]:
        parts = dict(built)
        logo = chart_xml.replace(f'r:embed="{chart_embed}"', 'r:embed="rIdLogo"')
        logo = re.sub(r'descr="[^"]*"', f'descr="{alt}"', logo)
        root = etree.fromstring(parts[header])
        root.insert(0, etree.fromstring(logo))
        parts[header] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        parts[rels_name] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
                            'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdLogo" Type='
                            '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
                            'Target="media/logo.png"/></Relationships>').encode()
        parts["word/media/logo.png"] = image
        return parts

    images = [p for n, p in built.items() if n.startswith("word/media/")]
    old = Side("old.docx", with_logo(images[0], "Council logo (old)"))
    new = Side("new.docx", with_logo(images[0] + b"\0", "Council logo (new)"))  # other bytes, the same name
    parts = redline_parts(old, new, author=AUTHOR, date=DATE)
    root = etree.fromstring(parts[header])
    marked = {tag: [p.find(f".//{qn('wp:docPr')}").get("descr") for p in root.iter(qn("w:p"))
                    if p.find(f"{qn('w:pPr')}/{qn('w:rPr')}/{qn(f'w:{tag}')}") is not None] for tag in ("ins", "del")}
    assert marked == {"ins": ["Council logo (new)"], "del": ["Council logo (old)"]}
    targets = {r.get("Id"): r.get("Target") for r in etree.fromstring(parts[rels_name])}
    shown = {d.find(f".//{qn('wp:docPr')}").get("descr"): parts["word/" + targets[d.find(f".//{qn('a:blip')}").get(qn("r:embed"))]]
             for d in root.iter(qn("w:drawing"))}
    assert shown == {"Council logo (old)": images[0], "Council logo (new)": images[0] + b"\0"}  # each its own bytes
