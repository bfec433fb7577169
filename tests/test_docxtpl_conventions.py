"""Every docxtpl convention that takes plain data renders in reportgen as docxtpl renders it.

Each case is a docxtpl-style template made here with python-docx (as a template author would make
it in Word), rendered by docxtpl itself and by reportgen's engine with the same plain data; the
documents must say the same in body paragraphs, table cells (with their spans, merges and shading),
headers, footers, footnotes and properties. Each template is also rendered by reportgen as Word saves
it (every tag split across runs with spelling marks between, quotes curled): the same text again.
reportgen's stated policies (None, lists, unknown names, content that looks like a tag) are tested
on their own at the end.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any, Callable

import pytest
from docx import Document
from lxml import etree

from conftest import ROOT, reportgen
from reportgen.errors import TemplateError
from reportgen.oxml.package import pack, read_parts
from reportgen.oxml.properties import DocumentProperties
from reportgen.pipeline.render import fill
from reportgen.pipeline.render.template import load_template

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DC = "http://purl.org/dc/elements/1.1/"


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


CONTEXT: dict[str, Any] = {
    "name": "Example Person",
    "ref": "EX-1",
    "title": "Example title",
    "amount": 1234.5,
    "flag": True,
    "living_in_town": True,
    "items": ["first example item", "second example item", "third example item"],
    "rows": [{"name": "Alpha", "qty": 3, "group": "Example group", "colour": "FF0000"},
             {"name": "Beta", "qty": 5, "group": "Example group", "colour": "00FF00"},
             {"name": "Gamma", "qty": 8, "group": "Example group", "colour": "0000FF"}],
    "cols": ["Q1", "Q2", "Q3"],
    "values": {"Q1": "10", "Q2": "20", "Q3": "30"},
    "span": 2,
}


# -- the templates, one or more per convention ---------------------------------------------------------------
def _table(doc: Any, cells: list[list[str]]) -> None:
    table = doc.add_table(rows=len(cells), cols=len(cells[0]))
    table.style = doc.styles["Table Grid"]
    for row, texts in zip(table.rows, cells):
        for cell, text in zip(row.cells, texts):
            cell.text = text


def text_tags(doc: Any) -> None:
    doc.add_paragraph("Dear {{ name }},")
    doc.add_paragraph("Total: {{ '%.2f'|format(amount) }} for {{ items|length }} items, {{ name|upper }}.")
    doc.add_paragraph("{{ 'shown' if flag else 'hidden' }} and {% if not flag %}never{% else %}always{% endif %}")
    doc.sections[0].header.paragraphs[0].text = "Reference {{ ref }}"
    doc.sections[0].footer.paragraphs[0].text = "Prepared for {{ name }}"


def paragraph_tags(doc: Any) -> None:
    for text in ("Before", "{%p if flag %}", "Shown when the flag is set", "{%p endif %}",
                 "{%p if not flag %}", "Hidden", "{%p endif %}", "{%p for item in items %}",
                 "Item {{ loop.index }}: {{ item }}", "{%p endfor %}", "After"):
        doc.add_paragraph(text)


def run_tags(doc: Any) -> None:
    p = doc.add_paragraph()
    for text in ("Before ", "{%r if flag %}", "kept", "{%r endif %}", " and ", "{%r if not flag %}", "dropped",
                 "{%r endif %}", " after"):
        p.add_run(text)


def row_tags(doc: Any) -> None:
    _table(doc, [["Name", "Qty"], ["{%tr for row in rows %}", ""], ["{{ row.name }}", "{{ row.qty }}"],
                 ["{%tr endfor %}", ""], ["{%tr if not flag %}", ""], ["Never", "shown"], ["{%tr endif %}", ""],
                 ["Total", "{{ rows|sum(attribute='qty') }}"]])


def column_tags(doc: Any) -> None:
    _table(doc, [["Quarter", "{%tc for c in cols %}", "{{ c }}", "{%tc endfor %}"],
                 ["Value", "{%tc for c in cols %}", "{{ values[c] }}", "{%tc endfor %}"]])


def colspan(doc: Any) -> None:
    _table(doc, [["{% colspan span %}{{ title }}", "{#tc this cell makes room #}"], ["left", "right"]])


def horizontal_merge(doc: Any) -> None:
    _table(doc, [["{%tc for c in cols %}", "{% hm %}{{ title }}", "{%tc endfor %}"],
                 ["{%tc for c in cols %}", "{{ c }}", "{%tc endfor %}"]])


def vertical_merge(doc: Any) -> None:
    _table(doc, [["Group", "Name"], ["{%tr for r in rows %}", ""], ["{% vm %}{{ r.group }}", "{{ r.name }}"],
                 ["{%tr endfor %}", ""]])


def cell_background(doc: Any) -> None:
    _table(doc, [["{%tr for r in rows %}", ""], ["{% cellbg r.colour %}{{ r.name }}", "{{ r.qty }}"],
                 ["{%tr endfor %}", ""]])


def paragraph_merging(doc: Any) -> None:
    for text in ("My house is located", "{%- if living_in_town -%}", " in urban area", "{%- else -%}",
                 " in countryside", "{%- endif -%}", " and I love it."):
        doc.add_paragraph(text)


def comments(doc: Any) -> None:
    for text in ("Kept before", "{#p a note for template authors #}", "Kept after"):
        doc.add_paragraph(text)
    _table(doc, [["{#tr a row note #}", ""], ["a", "b"]])
    _table(doc, [["x", "{#tc a cell note #}", "y"]])


def literal_braces(doc: Any) -> None:
    doc.add_paragraph("Type {_{ name }_} for a name and {_% if flag %_} for a condition, {{ name }}.")


def notes_and_properties(doc: Any) -> None:
    doc.add_paragraph("See the note.").add_run().element.append(
        etree.fromstring(f'<w:footnoteReference xmlns:w="{W}" w:id="1"/>'))
    doc.add_paragraph("And the end note.").add_run().element.append(
        etree.fromstring(f'<w:endnoteReference xmlns:w="{W}" w:id="1"/>'))
    doc.core_properties.title = "{{ title }}"
    doc.core_properties.subject = "About {{ name }}"
    doc.core_properties.comments = "Notes for {{ ref }}"


def loops_and_expressions(doc: Any) -> None:
    doc.add_paragraph("{% set total = rows|sum(attribute='qty') %}Total {{ total }}, "
                      "{% for r in rows %}{{ r.name }}{{ ', ' if not loop.last }}{% endfor %}.")
    doc.add_paragraph("{{ items|join('; ') }} / {{ items|first|title }} / {{ cols|reverse|list|join('') }}")


CONVENTIONS: dict[str, Callable[[Any], None]] = {
    "{{ }} in text, header and footer": text_tags, "{%p %} paragraphs": paragraph_tags, "{%r %} runs": run_tags,
    "{%tr %} rows": row_tags, "{%tc %} dynamic columns": column_tags, "{% colspan %}": colspan,
    "{% hm %}": horizontal_merge, "{% vm %}": vertical_merge, "{% cellbg %}": cell_background,
    "{%- -%} paragraph merging": paragraph_merging, "{#p/tr/tc #} comments": comments,
    "{_{ }_} literal braces": literal_braces, "footnotes, endnotes, properties": notes_and_properties,
    "loops, filters, set": loops_and_expressions,
}


NOTES = {
    "footnotes": ("footnote", "Note about {{ name }} ({{ ref }})"),
    "endnotes": ("endnote", "End note for {{ name }}"),
}


def _with_notes(data: bytes) -> bytes:
    """The document with a footnotes and an endnotes part holding tags (python-docx cannot make them)."""
    parts = read_parts(data)
    rels = parts["word/_rels/document.xml.rels"].decode()
    types = parts["[Content_Types].xml"].decode()
    for name, (kind, text) in NOTES.items():
        separators = "".join(f'<w:{kind} w:type="{t}" w:id="{i}"><w:p><w:r><w:{s}/></w:r></w:p></w:{kind}>'
                             for t, i, s in (("separator", -1, "separator"),
                                             ("continuationSeparator", 0, "continuationSeparator")))
        parts[f"word/{name}.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{name} xmlns:w="{W}">{separators}'
            f'<w:{kind} w:id="1"><w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:{kind}>'
            f'</w:{name}>').encode()
        rels = rels.replace("</Relationships>", f'<Relationship Id="rId{name}" Type="http://schemas.openxmlformats.org/'
                            f'officeDocument/2006/relationships/{name}" Target="{name}.xml"/></Relationships>')
        types = types.replace("</Types>", f'<Override PartName="/word/{name}.xml" ContentType="application/vnd.'
                              f'openxmlformats-officedocument.wordprocessingml.{name}+xml"/></Types>')
    parts["word/_rels/document.xml.rels"] = rels.encode()
    parts["[Content_Types].xml"] = types.encode()
    return pack(parts)


def make_template(path: Path, convention: str) -> Path:
    doc = Document()
    CONVENTIONS[convention](doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    data = buffer.getvalue()
    if convention.startswith("footnotes"):
        data = _with_notes(data)
    path.write_bytes(data)
    return path


_CURL = {"'": ("\u2018", "\u2019"), '"': ("\u201c", "\u201d")}


def _curl(text: str) -> str:
    """Word's AutoFormat: straight quotes curled, opening and closing."""
    out, open_ = [], {"'": True, '"': True}
    for ch in text:
        if ch in _CURL:
            out.append(_CURL[ch][0 if open_[ch] else 1])
            open_[ch] = not open_[ch]
        else:
            out.append(ch)
    return "".join(out)


def word_saved(source: Path, target: Path) -> Path:
    """The template as Word saves it: each tag's text split over several runs (with the run's formatting
    repeated and spelling marks between), quotes curled."""
    parts = read_parts(source.read_bytes())
    for name in list(parts):
        if not re.match(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$", name):
            continue
        root = etree.fromstring(parts[name])
        for run in list(root.iter(q("r"))):
            t = run.find(q("t"))
            if t is None or not t.text or "{" not in t.text:
                continue
            text = _curl(t.text)
            cuts = sorted({1, 2, len(text) // 2, len(text) - 2, len(text) - 1} - {0, len(text)})
            pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)]) if text[a:b]]
            parent, at = run.getparent(), run.getparent().index(run)
            for i, piece in enumerate(pieces):
                clone = copy.deepcopy(run)
                clone.find(q("t")).text = piece
                clone.find(q("t")).set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                parent.insert(at + 2 * i, clone)
                parent.insert(at + 2 * i + 1, etree.fromstring(f'<w:proofErr xmlns:w="{W}" w:type="spellStart"/>'))
            parent.remove(run)
        parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    target.write_bytes(pack(parts))
    return target


# -- rendering both ways ------------------------------------------------------------------------------------
def with_docxtpl(template: Path, context: dict[str, Any]) -> bytes:
    from docxtpl import DocxTemplate

    doc = DocxTemplate(str(template))
    doc.render(context, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def with_reportgen(template: Path, context: dict[str, Any]) -> bytes:
    properties = DocumentProperties(title="", author="", date=dt.date(2020, 2, 10))
    return pack(fill(load_template(template), dict(context), properties))


# -- what a document says -----------------------------------------------------------------------------------
def _text(p: Any) -> str:
    out = []
    for el in p.iter(q("t"), q("tab"), q("br")):
        out.append(el.text or "" if el.tag == q("t") else "\t" if el.tag == q("tab") else "\n")
    return "".join(out)


def _cell(tc: Any) -> tuple[str, str, str, str]:
    def val(path: str, attr: str = "val") -> str:
        el = tc.find(f"{q('tcPr')}/{q(path)}")
        if el is None:
            return ""
        return el.get(q(attr)) or ("continue" if path == "vMerge" else "")
    return ("\n".join(_text(p) for p in tc.iter(q("p"))), val("gridSpan"), val("vMerge"), val("shd", "fill"))


def says(data: bytes) -> dict[str, Any]:
    """What the document says, part by part: body paragraphs and tables (cells with span, merge and shading),
    headers, footers, footnotes, endnotes, and the core properties a template may set."""
    parts = read_parts(data)
    body = etree.fromstring(parts["word/document.xml"]).find(q("body"))
    said: dict[str, Any] = {"body": []}
    for child in body:
        if child.tag == q("p"):
            said["body"].append(_text(child))
        elif child.tag == q("tbl"):
            grid = len(child.findall(f"{q('tblGrid')}/{q('gridCol')}"))
            said["body"].append({"grid": grid, "rows": [[_cell(tc) for tc in tr.findall(q("tc"))]
                                                        for tr in child.findall(q("tr"))]})
    for name in sorted(parts):
        if re.match(r"word/(header\d*|footer\d*|footnotes|endnotes)\.xml$", name):
            said[name] = [_text(p) for p in etree.fromstring(parts[name]).iter(q("p"))]
    core = etree.fromstring(parts["docProps/core.xml"])
    for tag in ("title", "subject", "description"):
        el = core.find(f"{{{DC}}}{tag}")
        said[f"property {tag}"] = el.text if el is not None else None
    return said


def _comparable(said: dict[str, Any], properties: bool) -> dict[str, Any]:
    """What both render: docxtpl renders footnotes but not endnotes, and keeps a template's untagged
    properties where reportgen writes the content's; properties are compared where the template tags them."""
    return {k: v for k, v in said.items() if k != "word/endnotes.xml" and (properties or not k.startswith("property"))}


def _split_tags(path: Path) -> int:
    """How many tags in the document's runs are not whole in one run (Word's splitting)."""
    xml = "".join(data.decode() for name, data in read_parts(path.read_bytes()).items() if name.startswith("word/"))
    texts = re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)
    return sum(1 for t in texts if re.search(r"[{}]", t) and not re.search(r"\{[{%#_].*?[}%#_]\}", t))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("docxtpl-conventions")


@pytest.mark.parametrize("convention", list(CONVENTIONS))
def test_reportgen_says_what_docxtpl_says(folder: Path, convention: str) -> None:
    slug = re.sub(r"\W+", "-", convention).strip("-")
    template = make_template(folder / f"{slug}.docx", convention)
    props = convention.startswith("footnotes")
    expected = _comparable(says(with_docxtpl(template, CONTEXT)), props)
    assert _comparable(says(with_reportgen(template, CONTEXT)), props) == expected
    # and as Word saves it: tags split over runs, quotes curled
    mangled = word_saved(template, folder / f"{slug}-word.docx")
    assert _split_tags(mangled) > 0
    assert _comparable(says(with_reportgen(mangled, CONTEXT)), props) == expected


EXPECTED_TEXT = {
    # what each convention must print, so that a docxtpl change that broke both would still be caught
    "{%tc %} dynamic columns": ["Quarter", "Q1", "Q2", "Q3"],
    "{%- -%} paragraph merging": ["My house is located in urban area and I love it."],
    "{_{ }_} literal braces": ["Type {{ name }} for a name and {% if flag %} for a condition, Example Person."],
    "{%r %} runs": ["Before kept and  after"],
}


@pytest.mark.parametrize("convention", list(EXPECTED_TEXT))
def test_convention_prints_what_docxtpl_documents(folder: Path, convention: str) -> None:
    template = make_template(folder / "expected.docx", convention)
    said = says(with_reportgen(template, CONTEXT))
    flat = [x for x in said["body"] if isinstance(x, str) and x] + \
        [cell[0] for t in said["body"] if isinstance(t, dict) for row in t["rows"] for cell in row]
    for text in EXPECTED_TEXT[convention]:
        assert text in flat, (text, flat)


def test_cells_merge_span_and_shade(folder: Path) -> None:
    hm = says(with_reportgen(make_template(folder / "hm.docx", "{% hm %}"), CONTEXT))["body"][0]
    assert hm["rows"][0] == [("Example title", "3", "", "")] and hm["grid"] == 3
    vm = says(with_reportgen(make_template(folder / "vm.docx", "{% vm %}"), CONTEXT))["body"][0]
    assert [row[0][2] for row in vm["rows"][1:]] == ["restart", "continue", "continue"]
    bg = says(with_reportgen(make_template(folder / "bg.docx", "{% cellbg %}"), CONTEXT))["body"][0]
    assert [row[0][3] for row in bg["rows"]] == ["FF0000", "00FF00", "0000FF"]
    cols = says(with_reportgen(make_template(folder / "tc.docx", "{%tc %} dynamic columns"), CONTEXT))["body"][0]
    assert cols["grid"] == 4 and [len(r) for r in cols["rows"]] == [4, 4]
    span = says(with_reportgen(make_template(folder / "span.docx", "{% colspan %}"), CONTEXT))["body"][0]
    assert span["rows"][0] == [("Example title", "2", "", "")]


def test_notes_and_properties_are_rendered(folder: Path) -> None:
    said = says(with_reportgen(make_template(folder / "notes.docx", "footnotes, endnotes, properties"), CONTEXT))
    assert "Note about Example Person (EX-1)" in said["word/footnotes.xml"]
    assert "End note for Example Person" in said["word/endnotes.xml"]
    assert said["property title"] == "Example title"
    assert said["property subject"] == "About Example Person"
    assert said["property description"] == "Notes for EX-1"


# -- reportgen's stated policies ----------------------------------------------------------------------------
def _one_paragraph(folder: Path, text: str, name: str = "policy.docx") -> Path:
    doc = Document()
    doc.add_paragraph(text)
    doc.save(str(folder / name))
    return folder / name


def test_policies_none_lists_escaping_and_content_that_looks_like_a_tag(folder: Path) -> None:
    template = _one_paragraph(folder, "[{{ nothing }}] [{{ items }}] [{{ risky }}] [{{ tag }}]")
    context = {"nothing": None, "items": ["a", "b"], "risky": "A & B <c>", "tag": "{_{ x }_} {{ y }}"}
    body = says(with_reportgen(template, context))["body"]
    assert "[] [a, b] [A & B <c>] [{_{ x }_} {{ y }}]" in body
    docxtpl_body = says(with_docxtpl(template, context))["body"]
    assert "[None] [['a', 'b']] [A & B <c>] [{{ x }} {{ y }}]" in docxtpl_body  # the differences we state


def test_unknown_name_is_a_located_error(folder: Path) -> None:
    template = word_saved(_one_paragraph(folder, "Intro", "intro.docx"), folder / "unknown.docx")
    doc = Document(str(_one_paragraph(folder, "First paragraph", "unknown-src.docx")))
    doc.add_paragraph("Dear {{ nmae }}, welcome")
    doc.save(str(template))
    template = word_saved(template, folder / "unknown-word.docx")
    with pytest.raises(TemplateError) as caught:
        with_reportgen(template, CONTEXT)
    message = str(caught.value)
    assert "unknown-word.docx: error: word/document.xml, paragraph 2: undefined variable 'nmae'" in message
    assert "Dear" in message and "welcome" in message


# -- custom filters -----------------------------------------------------------------------------------------
FILTERS = """\
# this council's own filters: name (and parameters): a Jinja expression over `value`
price: 'value|money ~ " (estimate)"'
money: '"£{:,.2f}".format(value)'
ordinal: 'value ~ ({1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th") if value % 100 not in (11, 12, 13) else "th")'
initials(sep="."): 'value.split()|map("first")|join(sep) ~ sep'
"""


def test_custom_filters_from_the_file_beside_the_templates(folder: Path, tmp_path: Path) -> None:
    (tmp_path / "filters.yaml").write_text(FILTERS, encoding="utf-8")
    doc = Document()
    doc.add_paragraph("{{ amount|money }}; {{ 1|ordinal }} {{ 2|ordinal }} {{ 12|ordinal }} {{ 23|ordinal }}; "
                      "{{ name|initials }} {{ name|initials('') }}; {{ amount|price }}")
    doc.core_properties.title = "{{ amount|money }}"
    doc.save(str(tmp_path / "filtered.docx"))
    said = says(with_reportgen(tmp_path / "filtered.docx", CONTEXT))
    assert "£1,234.50; 1st 2nd 12th 23rd; E.P. EP; £1,234.50 (estimate)" in said["body"]
    assert said["property title"] == "£1,234.50"


def test_the_same_template_beside_other_filters_uses_them(tmp_path: Path) -> None:
    """A template's compiled tags are remembered by its source and the filters file's text: the same
    template beside another filters file, or none, never runs (or skips the checks of) code compiled for
    the first."""
    said = []
    for council, filters in (("a", "money: '\"£\" ~ value'\n"), ("b", "money: '\"EUR \" ~ value'\n"), ("c", None)):
        (tmp_path / council).mkdir()
        if filters:
            (tmp_path / council / "filters.yaml").write_text(filters, encoding="utf-8")
        template = _one_paragraph(tmp_path / council, "[{{ amount|money }}]", "same.docx")
        if filters is None:
            # refused when compiled, not when run: its code was not taken from the filtered templates'
            with pytest.raises(TemplateError, match=r"template syntax: No filter named 'money'"):
                with_reportgen(template, CONTEXT)
        else:
            said += [p for p in says(with_reportgen(template, CONTEXT))["body"] if p.startswith("[")]
    assert said == ["[£1234.5]", "[EUR 1234.5]"]


@pytest.mark.parametrize("definition, expect, line", [
    ("money: '\"£{:,.2f}\".format(value'\n", "money: unexpected", 1),
    ("ok: value\nbad name!: value\n", "expected a filter name", 2),
    ("ok: value\nnumber: 3\n", "number: expected a Jinja expression (text), got int", 2),
    ("sneaky: 'value.__class__.__mro__'\n", "", 0),
])
def test_bad_filters_file_is_a_located_error(tmp_path: Path, definition: str, expect: str, line: int) -> None:
    (tmp_path / "filters.yaml").write_text(definition, encoding="utf-8")
    template = _one_paragraph(tmp_path, "{{ name|" + definition.split(":")[0].split("(")[0].strip() + " }}", "t.docx")
    with pytest.raises(TemplateError) as caught:
        with_reportgen(template, CONTEXT)
    message = str(caught.value)
    if line:
        assert f"filters.yaml:{line}:1: error: " in message and expect in message, message
    else:  # a filter runs in the sandbox like any tag: no reaching Python
        assert "unsafe" in message or "undefined" in message, message


def test_custom_filter_in_a_real_build(project: Path) -> None:
    """A council's template folder with a filters file: `reportgen build --templates` uses both."""
    templates = project / "council-templates"
    templates.mkdir()
    (templates / "filters.yaml").write_text("shout: 'value|upper ~ \"!\"'\n", encoding="utf-8")
    parts = read_parts((ROOT / "report_templates" / "committee-cover.docx").read_bytes())
    assert b"{{ report_of }}" in parts["word/document.xml"]
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"{{ report_of }}", b"{{ report_of|shout }}")
    (templates / "committee-cover.docx").write_bytes(pack(parts))
    run = reportgen("build", "--templates", str(templates), "-o", "out",
                    "content/committee-cover-2020-02-qa-audits.yaml", cwd=project)
    assert run.status == 0, run.err
    from reportgen.oxml.text import document_text

    text = document_text(project / "out" / "committee-cover-2020-02-qa-audits.docx")
    report_of = re.search(r"report_of: (.*)", (project / "content" / "committee-cover-2020-02-qa-audits.yaml")
                          .read_text(encoding="utf-8")).group(1).strip().strip("'\"")
    assert report_of.upper() + "!" in text


@pytest.mark.parametrize("bad, expect", [
    ("Dear {{ nmae }}, welcome", "undefined variable 'nmae'"),
    ("Dear {{ name | }}, welcome", "template syntax: expected token 'name'"),
    ("Dear {{ name , welcome", "a tag is not closed"),
    ("Dear {{ 'x'.center(10 ** 9) }}, welcome", "pads to a width"),
])
def test_error_names_the_paragraph_the_author_sees(tmp_path: Path, bad: str, expect: str) -> None:
    """Paragraphs are counted as in Word, table cells and the paragraphs docxtpl's tags replace included."""
    doc = Document()
    for text in ("Intro", "{%p if flag %}", "Shown", "{%p endif %}"):  # paragraphs 1-4
        doc.add_paragraph(text)
    _table(doc, [["{{ ref }}", "cell"]])  # paragraphs 5 and 6
    doc.add_paragraph("Between")  # 7
    doc.add_paragraph(bad)  # 8
    doc.save(str(tmp_path / "counted.docx"))
    with pytest.raises(TemplateError) as caught:
        with_reportgen(word_saved(tmp_path / "counted.docx", tmp_path / "counted-word.docx"), CONTEXT)
    message = str(caught.value)
    assert "counted-word.docx: error: word/document.xml, paragraph 8: " in message, message
    assert expect in message and "Dear" in message, message
