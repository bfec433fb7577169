"""Property-based: any content either builds a valid document holding every word of it, or fails with located errors.

Cases are generated in memory and run through load.parse_text -> validate -> render in-process; one in
SAMPLE also goes through the whole build to disk, to show a failed build leaves no file, half-written or not.
The number of cases comes from the hypothesis profile in conftest.py ("ci": enough for 1,000 in all).
"""

from __future__ import annotations

import copy
import shutil
import string
import tempfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from hypothesis import assume, given, note, strategies as st

from content_strategies import KINDS, any_text, some_text, yaml_text
from reportgen.pipeline.build import build_one
from reportgen.errors import ReportgenError
from reportgen.pipeline.load import parse_text
from reportgen.kinds import MODELS
from reportgen.oxml.text import document_text
from reportgen.pipeline.render import render, template_path
from reportgen.pipeline.validate import validate

pytestmark = pytest.mark.long_module  # started first: see conftest.pytest_collection_modifyitems

SAMPLE = 10
"""Every SAMPLE-th case is also built to disk with build_one."""
_seen = [0]


def outcome(text: str) -> tuple[str | None, ReportgenError | None]:
    """Run the pipeline in memory: the document's text, or the error. Any other exception fails the test."""
    _seen[0] += 1
    if _seen[0] % SAMPLE == 0:
        _build_on_disk(text)
    try:
        report = validate(parse_text(text, "generated.yaml"))
        parts = render(report, template_path(report))
    except ReportgenError as exc:
        assert exc.problems, "an error must say what is wrong"
        for problem in exc.problems:
            assert problem.position is not None and problem.position.line >= 1, f"not located: {problem}"
            assert problem.position.file == "generated.yaml", problem
            assert problem.message.strip(), problem
        return None, exc
    Document(_docx(parts))  # python-docx re-opens it
    return document_text(parts), None


def _docx(parts: dict[str, bytes]) -> Any:
    import io

    from reportgen.oxml.package import pack
    return io.BytesIO(pack(parts))


def _build_on_disk(text: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="reportgen-property-"))
    try:
        (folder / "content").mkdir()
        (folder / "build").mkdir()
        source = folder / "content" / "generated.yaml"
        source.write_text(text, encoding="utf-8")
        try:
            written = build_one(source, folder / "build")
        except ReportgenError:
            assert list((folder / "build").iterdir()) == [], "a failed build must leave nothing behind"
            return
        assert [p.name for p in (folder / "build").iterdir()] == ["generated.docx"], "no temporary files"
        Document(str(written.output))
    finally:
        shutil.rmtree(folder)


PENDING: set[str] = set()
"""Kinds without a generator yet."""


def test_every_kind_has_a_generator() -> None:
    assert set(KINDS) | PENDING == set(MODELS), "add the new kind's generator to tests/content_strategies.py"


@pytest.mark.parametrize("kind", sorted(KINDS))
@given(data=st.data(), raw_controls=st.booleans())
def test_valid_content_builds_and_shows_every_string(kind: str, data: st.DataObject, raw_controls: bool) -> None:
    generate, strings = KINDS[kind]
    content = data.draw(generate())
    text = yaml_text(content, raw_controls=raw_controls)
    note(text)
    shown, error = outcome(text)
    assert error is None, f"valid content refused:\n{error}"
    for expected in strings(content):
        assert expected in shown, f"{expected!r} is missing from the document"


# Ways to spoil valid content, each of which the tool must refuse with a located error.
def _model(report: dict) -> Any:
    return MODELS[report["kind"]]


def _drop(report: dict, draw: Any) -> None:
    required = [n for n, f in _model(report).model_fields.items() if f.is_required() and n in report and n != "kind"]
    del report[draw(st.sampled_from(required))]


def _wrong_type(report: dict, draw: Any) -> None:
    required = [n for n, f in _model(report).model_fields.items() if f.is_required() and n != "kind"]
    report[draw(st.sampled_from(required))] = draw(st.sampled_from([7, 3.5, True, None, [], {}, {"x": "y"}, [[1]]]))


# a field name no kind declares: [a-z][a-z_-]{0,15}, built rather than matched to a regex, once per kind
_FIELD_NAME = st.tuples(st.sampled_from(string.ascii_lowercase),
                        st.text(string.ascii_lowercase + "_-", max_size=15)).map("".join)
_UNKNOWN_FIELD = {kind: _FIELD_NAME.filter(lambda k, fields=frozenset(model.model_fields): k not in fields)
                  for kind, model in MODELS.items()}


def _unknown_field(report: dict, draw: Any) -> None:
    report[draw(_UNKNOWN_FIELD[report["kind"]])] = "x"


def _blank(report: dict, draw: Any) -> None:
    key = draw(st.sampled_from({"cover": ["subject", "report_of"], "annual": ["title"],
                                "agenda": ["committee", "venue"]}[report["kind"]]))
    report[key] = draw(st.sampled_from(["", "   ", "\x00", "\u2028", "\x0b"]))


def _bad_date(report: dict, draw: Any) -> None:
    if report["kind"] == "agenda":
        report["date"] = draw(st.sampled_from(["31/02/2020", "2020-02-30", "next Tuesday"]))
    elif report["kind"] == "cover":
        report["dated"] = draw(st.sampled_from(["31/02/2020", "00/01/2020", "29/02/2019", "2020-02-30",
                                                "10/13/2020", "next Tuesday", "10-02-2020"]))
    else:
        report["date"] = draw(st.sampled_from(["Agust 2019", "2019", "31/02/2020", "August", "13/2019"]))


def _empty_list(report: dict, draw: Any) -> None:
    report[draw(st.sampled_from({"cover": ["summary", "recommendations", "main_report"],
                                 "annual": ["introduction", "sections"], "agenda": ["items"]}[report["kind"]]))] = []


def _non_public(report: dict, draw: Any) -> None:
    if report["kind"] == "agenda":
        report["items"] = report["items"] + [dict(report["items"][0])]  # an item number used twice
    elif report["kind"] == "cover":
        report["access"] = "non-public"
        report.pop("exempt_paragraphs", None)
    else:
        report["introduction"] = report["introduction"] + ["See [[no_such_statistic]]."]


def _bad_path(report: dict, draw: Any) -> None:
    path = draw(st.sampled_from(["../../etc/passwd", "/etc/passwd", "..\\..\\windows\\win.ini", "missing.pdf", ".",
                                 "C:\\x.pdf"]))
    if report["kind"] == "agenda":
        # an agenda's paper paths are checked when its pack is built (tests/test_pack.py), not here
        raise KeyError("report")
    elif report["kind"] == "cover":
        report["appendices"] = [{"title": "Evidence", "file": path}]
    else:
        # a section's type is free text (issue 11): only a blank or a value that is not text is wrong
        report["sections"][0]["type"] = draw(st.sampled_from(["", "   ", 7, [path], {"type": path}]))


SPOILERS = [_drop, _wrong_type, _unknown_field, _blank, _bad_date, _non_public, _empty_list, _bad_path]
_SPOILINGS = st.lists(st.sampled_from(SPOILERS), min_size=1, max_size=3)


@pytest.mark.parametrize("kind", sorted(KINDS))
@given(data=st.data())
def test_invalid_content_fails_with_located_errors(kind: str, data: st.DataObject) -> None:
    generate, _ = KINDS[kind]
    content = copy.deepcopy(data.draw(generate()))
    spoilt = 0
    for spoil in data.draw(_SPOILINGS):
        try:
            spoil(content, data.draw)
            spoilt += 1
        except (KeyError, IndexError, TypeError, ValueError):
            pass  # an earlier spoiler took away what this one spoils
    assume(spoilt)
    text = yaml_text(content)
    note(text)
    shown, error = outcome(text)
    assert error is not None, "spoilt content was built"


_DAMAGE = st.sampled_from(["delete", "insert", "replace"])
_PIECE = st.sampled_from([":", "-", " ", "\n", "\t", '"', "'", "[", "{", "&a", "*a", "!!", "#", "\x0b", "\\", "|", ">", "?",
                          "%"])


@pytest.mark.parametrize("kind", sorted(KINDS))
@given(data=st.data())
def test_corrupted_yaml_builds_or_fails_cleanly(kind: str, data: st.DataObject) -> None:
    """Valid content with a few characters deleted, inserted or replaced: whatever the damage, no traceback."""
    generate, _ = KINDS[kind]
    text = yaml_text(data.draw(generate()))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        damage = data.draw(_DAMAGE)
        piece = data.draw(_PIECE)
        if damage == "delete":
            text = text[:at] + text[at + 1:]
        elif damage == "insert":
            text = text[:at] + piece + text[at:]
        else:
            text = text[:at] + piece + text[at + 1:]
    note(text)
    outcome(text)


@given(text=st.one_of(any_text, st.text(), some_text.map(lambda t: "kind: cover\n" + t)))
def test_any_text_as_content_builds_or_fails_cleanly(text: str) -> None:
    assume(text.strip())
    outcome(text)
