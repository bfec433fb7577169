"""What python-docx and Word leave in every file and nobody needs: gone from templates and built documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, reportgen
from reportgen.oxml.package import read_parts
from reportgen.oxml.properties import drop_leftovers

TEMPLATES = sorted((ROOT / "report_templates").glob("*.docx"))


def _clean(parts: dict[str, bytes]) -> None:
    assert not [n for n in parts if n.startswith(("docProps/thumbnail", "customXml/"))]
    for name in ("_rels/.rels", "word/_rels/document.xml.rels", "[Content_Types].xml"):
        assert b"thumbnail" not in parts[name] and b"customXml" not in parts[name], name


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_factory_templates_carry_no_thumbnail_or_empty_bibliography(template: Path) -> None:
    _clean(read_parts(template))


def test_built_document_carries_none(project: Path) -> None:
    run = reportgen("build", "content/committee-cover-2020-02-qa-audits.yaml", cwd=project)
    assert run.status == 0, run.err
    _clean(read_parts(project / "build" / "committee-cover-2020-02-qa-audits.docx"))


def test_dropped_from_a_clerk_template_that_has_them() -> None:
    import datetime

    from reportgen.oxml.properties import DocumentProperties, set_properties

    # python-docx's own starting document carries both (as does any template made from it); every
    # built document's properties are written by set_properties, which drops them
    parts = read_parts(_default_docx())
    assert "docProps/thumbnail.jpeg" in parts and any(n.startswith("customXml/") for n in parts)
    _clean(set_properties(parts, DocumentProperties("T", "A", datetime.date(2020, 1, 1))))


def _default_docx() -> Path:
    import docx

    return Path(docx.__file__).parent / "templates" / "default.docx"


def test_a_bibliography_with_sources_is_kept() -> None:
    parts = read_parts(_default_docx())
    item = next(n for n in parts if n.startswith("customXml/item") and n.endswith(".xml") and "Props" not in n)
    parts[item] = (b'<b:Sources xmlns:b="http://schemas.openxmlformats.org/officeDocument/2006/bibliography">'
                   b"<b:Source><b:Tag>Ref1</b:Tag></b:Source></b:Sources>")
    kept = drop_leftovers(parts)
    assert item in kept and "docProps/thumbnail.jpeg" not in kept


def test_agenda_author_is_the_clerk_not_the_committee(tmp_path: Path) -> None:
    from reportgen.pipeline.build import read_report
    from reportgen.pipeline.render.agenda import properties

    agenda, _ = read_report(ROOT / "content" / "agenda-2020-02-10.yaml")
    assert properties(agenda).author == "Example Clerk"
    assert properties(agenda.model_copy(update={"enquiries": ""})).author == ""
