"""Word templates as clerks leave them: broken ones are refused with the template file and nearby text,
restyled or Word-mangled ones still build, and nothing in a template can reach Python (Jinja's sandbox)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Callable

import pytest
from docx import Document
from docx.shared import Pt

from conftest import CASES, ROOT, refused, reportgen
from reportgen.oxml.text import document_text

NAME = "committee-cover-2020-02-qa-audits"
TEMPLATE = "report_templates/committee-cover.docx"
OUTPUT = f"build/{NAME}.docx"
FACTORY = ROOT / TEMPLATE
ANNUAL = "annual-qa-report-2018-19"
ANNUAL_TEMPLATE = "report_templates/annual-qa-report.docx"


@pytest.fixture(scope="module")
def previous_output(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    from reportgen.pipeline.build import build_one

    return build_one(CASES / f"{NAME}.yaml", tmp_path_factory.mktemp("previous")).output.read_bytes()


@pytest.fixture
def with_output(project: Path, previous_output: bytes) -> Path:
    (project / "build").mkdir()
    (project / OUTPUT).write_bytes(previous_output)
    return project


def _parts_replaced(old: bytes, new: bytes, part: str = "word/document.xml",
                    factory: Path = FACTORY) -> Callable[[Path], None]:
    """A template made from a factory one with `old` replaced by `new` in one part's XML."""
    def make(path: Path) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(factory) as source, zipfile.ZipFile(buffer, "w") as target:
            for info in source.infolist():
                data = source.read(info)
                if info.filename == part:
                    assert old in data, old
                    data = data.replace(old, new, 1)
                target.writestr(info, data)
        path.write_bytes(buffer.getvalue())
    return make


def _tag(new: str) -> Callable[[Path], None]:
    """The 'Report of' value's tag, `{{ report_of }}`, replaced by `new`."""
    return _parts_replaced(b"{{ report_of }}", new.encode("utf-8"))


def _without_style(name: str, factory: Path = FACTORY) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        doc = Document(str(factory))
        style = doc.styles[name]
        style.element.getparent().remove(style.element)
        doc.save(str(path))
    return make


def _zip_without_document(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as target:
        target.writestr("[Content_Types].xml", "<Types/>")
        target.writestr("word/styles.xml", "<w:styles/>")


# name: (how to make the broken template, expected message, nearby text the message must quote)
BROKEN = {
    "Jinja syntax error": (_tag("{{ report_of | }}"), "template syntax: expected token 'name'", "Report of:"),
    "if without endif": (_tag("{% if report_of %}{{ report_of }}"), "template syntax: Unexpected end of template",
                         ""),
    "unknown variable": (_tag("{{ report_off }}"), "undefined variable 'report_off' in tag {{ report_off }}",
                         "Report of:"),
    "unknown attribute": (_tag("{{ author.nmae }}"), "undefined variable 'nmae'", "Report of:"),
    "unclosed tag": (_tag("{{ report_of"), "a tag is not closed: '{{ report_of'", "Report of:"),
    "runtime error": (_tag("{{ 1 / 0 }}"), "division by zero", "Report of:"),
    "text file renamed .docx": (lambda p: p.write_text("Dear Members,\n{{ subject }}\n"),
                                "the template cannot be used: not a Word .docx file", ""),
    "empty file": (lambda p: p.write_bytes(b""), "the template cannot be used: not a Word .docx file", ""),
    "zip without word/document.xml": (_zip_without_document, "it has no word/document.xml: not a Word document", ""),
    "document part not XML": (_parts_replaced(b"<w:body>", b"<w:body><w:p>{{ x }}"),
                              "the part is not well-formed XML", ""),
    "missing Numbered Paragraph style": (_without_style("Numbered Paragraph"),
                                         "the template has no paragraph style named 'Numbered Paragraph'", ""),
    "missing Heading 2 style": (_without_style("Heading 2"),
                                "the template has no paragraph style named 'Heading 2'", ""),
}

# Attempts to leave the sandbox: each must be refused before it does anything.
ESCAPES = {
    "class hierarchy": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "function globals": "{{ cycler.__init__.__globals__.os.system('touch pwned') }}",
    "template globals": "{{ self.__init__.__globals__ }}",
    "format string": "{{ '{0.__class__.__init__.__globals__}'.format(subject) }}",
    "import": "{% import 'os' as os %}{{ os.system('touch pwned') }}",
    "include a file": "{% include '/etc/passwd' %}",
    "huge range": "{{ range(10**9) | list }}",
    "huge string": "{{ 'a' * 10**9 }}",
    "huge power": "{{ 7 ** 10000000 }}",
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_template_is_refused(with_output: Path, case: str) -> None:
    make, expect, nearby = BROKEN[case]
    make(with_output / TEMPLATE)
    err = refused(with_output, expect=expect, where=TEMPLATE)
    assert nearby in err


@pytest.mark.parametrize("case", sorted(ESCAPES))
def test_template_cannot_leave_the_sandbox(with_output: Path, case: str) -> None:
    _tag(ESCAPES[case])(with_output / TEMPLATE)
    err = refused(with_output, expect="", where=TEMPLATE)
    assert any(word in err for word in ("unsafe", "no loader", "Range too big", "too large for a template")), err
    assert not (with_output / "pwned").exists()
    assert "root:" not in err  # /etc/passwd was not read


# -- templates that must still build -----------------------------------------------------------------------
def _runs(paragraph, pieces: list[str]) -> None:
    """Replace a paragraph's runs with `pieces`, each formatted differently, as Word leaves them after edits."""
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    for i, piece in enumerate(pieces):
        run = paragraph.add_run(piece)
        run.bold = i % 3 == 0
        run.italic = i % 3 == 1
        run.font.size = Pt(10 + i)


def _paragraph_with(doc, text: str):
    return next(p for p in doc.paragraphs if text in p.text)


def test_word_mangled_tags_still_render(project: Path) -> None:
    """A tag split over three runs with different formatting, and tags whose quotes Word curled."""
    template = project / TEMPLATE
    doc = Document(str(template))
    _runs(_paragraph_with(doc, "{{ author.name }}"), ["{{ aut", "hor.na", "me }}"])
    heading = _paragraph_with(doc, "'Recommendations' if")
    _runs(heading, ["{{ \u2018Recommendations\u2019 if recommendation_count > 1 ",
                    "else \u2018Recommendation\u2019 }}"])
    doc.add_paragraph().add_run("{{ \u201cPrepared by \u201d ~ author.name }}")
    _runs(doc.paragraphs[-1], ["{{ \u201cPrepared", " by \u201d ~ au", "thor.name }}"])
    doc.save(str(template))
    run = reportgen("build", cwd=project)
    assert run.status == 0, run.err
    text = document_text(project / OUTPUT)
    assert "Prepared by Pat Dixon" in text
    assert "\nRecommendation\n" in text
    assert "\nPat Dixon\n" in text
    assert "{{" not in text and "\u2018" not in text


def test_restyled_template_builds_and_keeps_its_styles(project: Path) -> None:
    """A clerk changed Normal's font and a heading's size in Word: the report takes the new look."""
    template = project / TEMPLATE
    doc = Document(str(template))
    doc.styles["Normal"].font.name = "Georgia"
    doc.styles["Normal"].font.size = Pt(11)
    doc.styles["Heading 1"].font.size = Pt(20)
    doc.save(str(template))
    factory_text = reportgen("build", "-o", "factory", "--templates", str(ROOT / "report_templates"), cwd=project)
    assert factory_text.status == 0, factory_text.err
    run = reportgen("build", cwd=project)
    assert run.status == 0, run.err
    built = Document(str(project / OUTPUT))
    assert built.styles["Normal"].font.name == "Georgia"
    assert built.styles["Normal"].font.size == Pt(11)
    assert built.styles["Heading 1"].font.size == Pt(20)
    assert document_text(project / OUTPUT) == document_text(project / "factory" / f"{NAME}.docx")


# -- the annual report's template ---------------------------------------------------------------------------


ANNUAL_BROKEN = {
    "unknown variable": (_parts_replaced(b"{{ date }}", b"{{ dated }}", factory=ROOT / ANNUAL_TEMPLATE),
                         "undefined variable 'dated' in tag {{ dated }}"),
    "unclosed tag": (_parts_replaced(b"{{ date }}", b"{{ date", factory=ROOT / ANNUAL_TEMPLATE),
                     "a tag is not closed: '{{ date'"),
    "sandbox escape": (_parts_replaced(b"{{ date }}", b"{{ date.__class__.__mro__ }}", factory=ROOT / ANNUAL_TEMPLATE),
                       "unsafe"),
    "missing Caption style": (_without_style("Caption", ROOT / ANNUAL_TEMPLATE),
                              "the template has no paragraph style named 'Caption'"),
}


@pytest.mark.parametrize("case", sorted(ANNUAL_BROKEN))
def test_broken_annual_template_is_refused(project: Path, case: str) -> None:
    make, expect = ANNUAL_BROKEN[case]
    (project / "content" / f"{ANNUAL}.yaml").write_bytes((ROOT / "content" / f"{ANNUAL}.yaml").read_bytes())
    make(project / ANNUAL_TEMPLATE)
    refused(project, f"content/{ANNUAL}.yaml", expect=expect, where=ANNUAL_TEMPLATE)
