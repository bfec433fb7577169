"""Bad content gives located, plain-English errors, exit status 2, no traceback, and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import reportgen, snapshot

NAME = "committee-cover-2020-02-qa-audits"


def _edit(project: Path, old: str, new: str) -> Path:
    source = project / "content" / f"{NAME}.yaml"
    text = source.read_text(encoding="utf-8")
    assert old in text, old
    source.write_text(text.replace(old, new, 1), encoding="utf-8")
    return source


def _fails(project: Path, *expected: str) -> str:
    before = snapshot(project)
    run = reportgen("build", cwd=project)
    assert run.status == 2, (run.out, run.err)
    assert "Traceback" not in run.err
    for text in expected:
        assert text in run.err, run.err
    after = snapshot(project)
    assert after == before, "a failed build must write nothing"
    return run.err


CASES = {
    "misspelt key": ("committee:", "comittee:",
                     f"content/{NAME}.yaml:4:1: error: comittee: unknown field 'comittee' (did you mean 'committee'?)"),
    "impossible date": ("dated: 10/02/2020", "dated: 31/02/2020",
                        f"content/{NAME}.yaml:5:8: error: dated: expected a real date (dd/mm/yyyy), got '31/02/2020'"),
    "blank subject": ("subject: Aidhour Quality Assurance Report on Audits Completed December 2019", "subject: ''",
                      "error: subject: expected text, got a blank value"),
    "wrong choice": ("purpose: information", "purpose: informaton",
                     "error: purpose: expected 'information' or 'decision', got 'informaton' (did you mean 'information'?)"),
    "non-public without paragraphs": ("access: public", "access: non-public",
                                      "error: exempt_paragraphs: a non-public report must cite its Schedule 12A"),
    "wrong type": ("  telephone: 020 7332 1215", "  telephone: 02073321215",
                   "error: author.telephone: expected text, got a number (2073321215): put it in quotes"),
    "missing field": ("report_of: Andrew Carter, Director of Community and Children's Services\n", "",
                      "error: report_of: expected the field 'report_of', got nothing: it is required"),
    "tab indentation": ("  name: Pat Dixon", "\tname: Pat Dixon", "error: YAML syntax: a tab character"),
    "duplicate key": ("access: public", "access: public\naccess: public", "the key 'access' appears twice"),
    "yaml syntax": ("summary:", "summary: [", "error: YAML syntax"),
    # the parser reads an unclosed quote on to the end of the file: the error is where the quote opens
    "unclosed quote": ("subject: Aidhour", 'subject: "Aidhour',
                       f'content/{NAME}.yaml:6:10: error: YAML syntax: the quote " opened here is'),
    "unclosed bracket": ("committee: Safeguarding Sub Committee", "committee: [Safeguarding Sub Committee",
                         f"content/{NAME}.yaml:4:12: error: YAML syntax: the bracket opened here is never closed"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_content(project: Path, case: str) -> None:
    old, new, expected = CASES[case]
    _edit(project, old, new)
    _fails(project, expected)


def test_every_problem_reported_in_one_run(project: Path) -> None:
    _edit(project, "committee:", "comittee:")
    _edit(project, "dated: 10/02/2020", "dated: 31/02/2020")
    _edit(project, "purpose: information", "purpose: maybe")
    err = _fails(project, "comittee", "31/02/2020", "maybe")
    assert err.count(": error: ") >= 3


def test_empty_file(project: Path) -> None:
    (project / "content" / f"{NAME}.yaml").write_text("")
    _fails(project, "the file is empty")


def test_not_utf8(project: Path) -> None:
    (project / "content" / f"{NAME}.yaml").write_bytes("kind: cover\nsubject: caf\xe9\n".encode("latin-1"))
    _fails(project, f"content/{NAME}.yaml:2:13: error: expected UTF-8 text, got byte 0xe9")


def test_byte_order_mark_and_windows_line_endings_are_fine(project: Path) -> None:
    source = project / "content" / f"{NAME}.yaml"
    source.write_bytes(b"\xef\xbb\xbf" + source.read_bytes().replace(b"\n", b"\r\n"))
    run = reportgen("build", cwd=project)
    assert run.status == 0, run.err


def test_unknown_kind(project: Path) -> None:
    _edit(project, "kind: cover", "kind: covr")
    _fails(project, "error: kind: expected one of", "(did you mean 'cover'?)")


def test_yaml_tags_are_refused(project: Path) -> None:
    _edit(project, "access: public", "access: !!python/object/apply:os.system ['touch pwned']")
    _fails(project, "YAML tags such as")
    assert not (project / "pwned").exists()


def test_billion_laughs_fails_fast(project: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i-1}"] * 9) + "]")
    (project / "content" / f"{NAME}.yaml").write_text("kind: cover\n" + "\n".join(lines) + "\n")
    _fails(project, "values once aliases (*name) are expanded")


def test_content_that_looks_like_template_or_xml_is_literal(project: Path) -> None:
    from reportgen.oxml.text import document_text

    hostile = "Costs {{ 7*7 }} {% raw %} <w:p/> & \"quotes\" 'single' {# not a comment #}"
    _edit(project, "Members are asked to note the report.", f"'{hostile.replace(chr(39), chr(39) * 2)}'")
    run = reportgen("build", cwd=project)
    assert run.status == 0, run.err
    text = document_text(project / "build" / f"{NAME}.docx")
    assert hostile in text
    assert "49" not in text


def test_edited_output_is_not_overwritten(project: Path) -> None:
    from docx import Document

    assert reportgen("build", cwd=project).status == 0
    out = project / "build" / f"{NAME}.docx"
    doc = Document(str(out))
    doc.add_paragraph("A clerk's own note.")
    doc.save(str(out))
    edited = out.read_bytes()
    _edit(project, "Members are asked to note the report.", "Members are asked to approve the report.")
    run = reportgen("build", cwd=project)
    assert run.status == 2 and "was edited after reportgen wrote it" in run.err
    assert out.read_bytes() == edited
    run = reportgen("build", "--force", cwd=project)
    assert run.status == 0, run.err
    kept = list((project / "build").glob(f"{NAME}.edited-*.docx"))
    assert len(kept) == 1 and kept[0].read_bytes() == edited


def test_rebuilding_unchanged_output_is_allowed(project: Path) -> None:
    assert reportgen("build", cwd=project).status == 0
    run = reportgen("build", cwd=project)
    assert run.status == 0 and "(unchanged)" in run.out


def test_one_bad_report_does_not_stop_the_others(project: Path) -> None:
    (project / "content" / "broken.yaml").write_text("kind: cover\n")
    run = reportgen("build", cwd=project)
    assert run.status == 2
    assert (project / "build" / f"{NAME}.docx").exists()
    assert "1 of 2 report(s) not built: content/broken.yaml" in run.err


@pytest.mark.parametrize("quote, message", [
    ('"', 'the quote " opened here is'),  # closed by a later quote lines below
    ("'", "the text quoted with ' here ends at column 62, before the line does: write '' for an apostrophe"),
])
def test_a_quote_gone_wrong_is_found_where_it_opens_by_check_and_build(project: Path, quote: str,
                                                                        message: str) -> None:
    """'Children's' ends a text quoted with ' early; a " runs on: either way the message points at the opening."""
    _edit(project, "report_of: Andrew Carter", f"report_of: {quote}Andrew Carter")
    where = f"content/{NAME}.yaml:8:12: error: YAML syntax: {message}"
    assert where in _fails(project)
    run = reportgen("check", f"content/{NAME}.yaml", cwd=project)
    assert run.status == 2 and where in run.err, run.err
    assert run.err.count(": error: ") == 1
